"""CSRF prevention as Apollo Router and Apollo Server do it.

A browser sends a cross-site request without a CORS preflight only when it is "simple":
GET, or POST with ``text/plain``, ``application/x-www-form-urlencoded`` or
``multipart/form-data`` and no custom headers. Such requests are refused unless they carry one
of the custom headers (which forces a preflight). POST bodies must be JSON anyway, so a
non-JSON POST is refused either way; GET is allowed for queries with a custom header, never
for mutations (GraphQL over HTTP).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SIMPLE_CONTENT_TYPES = frozenset(
    {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)
CSRF_MESSAGE = (
    "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
    "Send it with 'Content-Type: application/json', or add one of these headers: {headers}"
)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class CsrfPolicy:
    required_headers: tuple[str, ...] = (
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "x-shopgraph-csrf",
    )

    def has_preflight_header(self, headers: Mapping[str, str]) -> bool:
        return any(headers.get(name) for name in self.required_headers)

    def is_simple(self, method: str, headers: Mapping[str, str]) -> bool:
        """Could a browser have sent this cross-site without a preflight?"""
        if self.has_preflight_header(headers):
            return False
        if method == "GET":
            return True
        kind = media_type(headers.get("content-type"))
        return kind == "" or kind in SIMPLE_CONTENT_TYPES

    def message(self) -> str:
        return CSRF_MESSAGE.format(headers=", ".join(self.required_headers))
