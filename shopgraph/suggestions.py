"""Removing graphql-core's "Did you mean …?" hints from error messages.

The hints name types, fields, arguments and enum values close to what a client typed, so in
production they reveal the schema that disabled introspection hides.
"""

from __future__ import annotations

import re
from typing import Any

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


def errors_without_suggestions(errors: list[Any]) -> list[Any]:
    """GraphQL error dicts with the hints removed from their messages."""
    return [
        {**error, "message": without_suggestions(error["message"])}
        if isinstance(error, dict) and isinstance(error.get("message"), str)
        else error
        for error in errors
    ]
