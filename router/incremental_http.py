"""The multipart HTTP body of an incremental response (``deferSpec=20220824``).

As Apollo Router sends it, and Apollo Client and urql read it: boundary ``graphql``, each
payload a part with ``content-type: application/json``, the body closed by ``--graphql--``.
Each part is ``\\r\\n--graphql\\r\\ncontent-type: application/json; charset=utf-8``, a blank
line, then the payload's JSON; the body ends with ``\\r\\n--graphql--\\r\\n``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import orjson
from starlette.responses import StreamingResponse

Json = dict[str, Any]
BOUNDARY = "graphql"
MEDIA_TYPE = f'multipart/mixed;boundary="{BOUNDARY}";deferSpec=20220824'
_PART_HEAD = f"\r\n--{BOUNDARY}\r\ncontent-type: application/json; charset=utf-8\r\n\r\n".encode()
_END = f"\r\n--{BOUNDARY}--\r\n".encode()


def encode_part(payload: Mapping[str, Any]) -> bytes:
    return _PART_HEAD + orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)


def multipart_response(
    first: Json,
    later: AsyncIterator[Json],
    *,
    each: Callable[[Json], Json] = lambda payload: payload,
) -> StreamingResponse:
    """The response streaming ``first`` at once, then each later payload (through ``each``)
    as it is ready."""

    async def body() -> AsyncIterator[bytes]:
        yield encode_part(first)
        async for payload in later:
            yield encode_part(each(payload))
        yield _END

    return StreamingResponse(
        body(), media_type=MEDIA_TYPE, headers={"cache-control": "no-cache, no-store"}
    )
