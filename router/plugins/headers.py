"""Which client request headers reach which subgraph, and what a header value is.

The router forwards a declared set of headers (:class:`HeaderRules`): by default
``authorization``, ``x-request-id``, ``x-cart-token``, ``traceparent`` and ``tracestate`` to
every subgraph. A rule may name the subgraphs it applies to (``x-tenant=products,orders``).
Nothing else a client sends (cookies, hop-by-hop headers, ``host``) leaves the router.

Values are normalized once, here: surrounding whitespace and invisible characters are
removed, and a value that is blank after that is treated as absent. So ``Authorization:
\\xa0`` is no credential at all, not a new identity.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from router.executor_transport import Transport

# Unicode categories that render as nothing: separators, controls, format characters.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _INVISIBLE_CATEGORIES


class InvalidHeader(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Header {name!r} must be ASCII text")
        self.name = name


def _as_text(value: str) -> str:
    # ASGI servers hand header bytes over as latin-1; a client that sent UTF-8 (curl sends
    # U+00A0 as C2 A0) meant the UTF-8 text, so judge blankness on that.
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def normalized(value: str | None) -> str | None:
    """``value`` without leading/trailing blank-looking characters; None when nothing is
    left."""
    if value is None:
        return None
    value = _as_text(value)
    start, end = 0, len(value)
    while start < end and _invisible(value[start]):
        start += 1
    while end > start and _invisible(value[end - 1]):
        end -= 1
    return value[start:end] or None


def normalized_authorization(value: str | None) -> str | None:
    """The credential as one canonical string: ``Bearer <token>`` with the scheme's case and
    the spacing normalized, so spelling variants of one token are one client."""
    value = normalized(value)
    if value is None:
        return None
    scheme, _, credential = value.partition(" ")
    credential_text = normalized(credential)
    if credential_text is None:
        return scheme  # not a usable credential: the verifier says so
    return f"{scheme.lower().capitalize()} {credential_text}"


@dataclass(frozen=True)
class HeaderRule:
    """Forward ``name`` to ``subgraphs`` (None: to every subgraph)."""

    name: str
    subgraphs: frozenset[str] | None = None

    @classmethod
    def parse(cls, spec: str) -> HeaderRule:
        """``name`` or ``name=subgraph,subgraph``; ValueError with the reason otherwise."""
        name, sep, targets = spec.partition("=")
        name = name.strip().lower()
        if not name or not all(c.isalnum() or c in "-_" for c in name):
            raise ValueError(f"not a header name: {spec!r}")
        if not sep:
            return cls(name)
        subgraphs = frozenset(t.strip() for t in targets.split(",") if t.strip())
        if not subgraphs:
            raise ValueError(f"no subgraph after '=' in {spec!r}")
        return cls(name, subgraphs)

    def applies_to(self, subgraph: str) -> bool:
        return self.subgraphs is None or subgraph in self.subgraphs


@dataclass(frozen=True)
class HeaderRules:
    rules: tuple[HeaderRule, ...]

    @classmethod
    def of(cls, specs: Iterable[str]) -> HeaderRules:
        return cls(tuple(HeaderRule.parse(spec) for spec in specs))

    @property
    def names(self) -> frozenset[str]:
        return frozenset(rule.name for rule in self.rules)

    def select(self, request_headers: Mapping[str, str]) -> dict[str, str]:
        """The normalized, non-blank values of every header some rule forwards;
        :class:`InvalidHeader` for a value that is not ASCII text."""
        selected = {}
        for name in self.names:
            raw = request_headers.get(name)
            value = normalized_authorization(raw) if name == "authorization" else normalized(raw)
            if value is None:
                continue
            if not value.isascii() or not value.isprintable():
                raise InvalidHeader(name)
            selected[name] = value
        return selected

    def for_subgraph(self, subgraph: str, headers: Mapping[str, str]) -> dict[str, str]:
        """The part of ``headers`` (as :meth:`select` chose them) that goes to ``subgraph``."""
        allowed = {rule.name for rule in self.rules if rule.applies_to(subgraph)}
        return {name: value for name, value in headers.items() if name.lower() in allowed}


DEFAULT_FORWARDED = ("authorization", "x-request-id", "x-cart-token", "traceparent", "tracestate")
DEFAULT_HEADER_RULES = HeaderRules.of(DEFAULT_FORWARDED)


class HeaderRoutingTransport:
    """A transport that sends each subgraph only the headers its rules allow."""

    def __init__(self, inner: Transport, rules: HeaderRules) -> None:
        self.inner = inner
        self.rules = rules

    async def send(
        self, service: str, url: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        return await self.inner.send(service, url, body, self.rules.for_subgraph(service, headers))

    async def close(self) -> None:
        await self.inner.close()
