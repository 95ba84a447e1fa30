"""GraphQL error bodies with stable codes, encoded with orjson."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def json_response(
    body: Mapping[str, Any],
    status: int = 200,
    *,
    headers: Mapping[str, str] | None = None,
    media_type: str = JSON,
) -> Response:
    return Response(
        orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS),
        status_code=status,
        headers=dict(headers or {}),
        media_type=media_type,
    )


def error_response(
    status: int,
    message: str,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response:
    return json_response(error_body(message, code, **(extensions or {})), status, headers=headers)


def response_media_type(accept: str) -> str:
    """``application/graphql-response+json`` when the client asks for it, else JSON."""
    return GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in accept else JSON
