"""Removing graphql-core's "Did you mean …?" hints from error messages.

The hints name types, fields, arguments and enum values close to what a client typed, so in
production they reveal the schema that disabled introspection hides.
"""

from __future__ import annotations

import re

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)
