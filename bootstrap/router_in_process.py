"""make dev's router reaches the subgraphs its own process serves without the network.

The router's subgraph requests went through an aiohttp socket, uvicorn's parser and back,
although every subgraph runs in the same process (bootstrap/dev.py). This transport is the
router's HTTP transport (dedupe, timeouts, metrics, error mapping unchanged) whose single
POST hands the request to the subgraph's ASGI app once :func:`shopgraph.in_process.serve_in_process`
registered it; a subgraph not registered (yet) is reached over the network as before.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from router.executor_transport import HttpTransport
from shopgraph.in_process import answer_in_process, app_serving


class InProcessSubgraphTransport(HttpTransport):
    async def post_once(
        self, service: str, url: str, payload: bytes, headers: Mapping[str, str]
    ) -> tuple[int, bytes]:
        target = httpx.URL(url)
        app = app_serving(target)
        if app is None:
            return await super().post_once(service, url, payload, headers)
        raw_headers = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
        status, _headers, content = await answer_in_process(
            app, "POST", target, raw_headers, payload, self.timeout_for(service)
        )
        return status, content
