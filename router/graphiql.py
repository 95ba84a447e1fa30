"""GraphiQL for browsers on ``GET /graphql``, served from locally installed assets.

The page loads React, GraphiQL and graphql-ws from ``/graphiql/<file>`` on the router itself
(installed by ``router/assets/install.sh`` from the npm registry), so it works offline and
never touches a CDN. Queries go over HTTP, subscriptions over graphql-transport-ws.
"""

from __future__ import annotations

import html
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from router.assets import ASSET_FILES

ASSET_PREFIX = "/graphiql/"
_MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{prefix}graphiql.min.css">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{prefix}react.production.min.js"></script>
<script src="{prefix}react-dom.production.min.js"></script>
<script src="{prefix}graphql-ws.min.js"></script>
<script src="{prefix}graphiql.min.js"></script>
<script>
  const here = new URL(window.location.href);
  const ws = (here.protocol === "https:" ? "wss:" : "ws:") + "//" + here.host + here.pathname;
  const fetcher = GraphiQL.createFetcher({{
    url: here.pathname,
    headers: {{ "x-shopgraph-csrf": "1" }},
    wsClient: graphqlWs.createClient({{ url: ws, lazy: true }}),
  }});
  // A shared link (/graphql?query=…&variables=…) opens with that operation in the editor.
  const shared = {{
    query: here.searchParams.get("query") || undefined,
    variables: here.searchParams.get("variables") || undefined,
  }};
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {{ fetcher, defaultEditorToolsVisibility: true, ...shared }}),
  );
</script>
</body>
</html>
"""

MISSING_MESSAGE = (
    "GraphiQL's assets are not installed in {directory} (missing: {missing}).\n"
    "Install them once with `router/assets/install.sh` (or `python -m router.assets.install`); "
    "the router never loads them from a CDN.\n"
    "The GraphQL endpoint itself works: POST JSON to this URL.\n"
)


class GraphiQL:
    def __init__(self, directory: Path, *, title: str = "ShopGraph GraphiQL") -> None:
        self.directory = directory
        self.title = title

    def missing(self) -> list[str]:
        return [name for name in ASSET_FILES if not (self.directory / name).is_file()]

    def page(self) -> Response:
        missing = self.missing()
        if missing:
            text = MISSING_MESSAGE.format(directory=self.directory, missing=", ".join(missing))
            return PlainTextResponse(text, status_code=503)
        body = _PAGE.format(title=html.escape(self.title), prefix=ASSET_PREFIX)
        return HTMLResponse(body, headers={"cache-control": "no-store"})

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSET_FILES:  # only the installed files, never a path from the client
            return PlainTextResponse("not found", status_code=404)
        path = self.directory / name
        if not path.is_file():
            return PlainTextResponse(f"{name} is not installed", status_code=404)
        return FileResponse(
            path,
            media_type=_MEDIA_TYPES[path.suffix],
            headers={"cache-control": "public, max-age=86400"},
        )


def wants_html(request: Request) -> bool:
    """A browser navigating to the endpoint (not a GraphQL client doing GET): browsers ask
    for HTML first; a link with ``?query=`` opens GraphiQL with it rather than running it."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept
