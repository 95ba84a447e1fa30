"""GraphiQL's browser assets: installed from the npm registry at setup time, never committed,
never loaded from a CDN at run time (see :mod:`router.assets.install`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

# (npm package, version, {file in the package tarball: file name served by the router})
PACKAGES: Final[tuple[tuple[str, str, dict[str, str]], ...]] = (
    (
        "graphiql",
        "3.9.0",
        {
            "package/graphiql.min.js": "graphiql.min.js",
            "package/graphiql.min.css": "graphiql.min.css",
        },
    ),
    ("react", "18.3.1", {"package/umd/react.production.min.js": "react.production.min.js"}),
    (
        "react-dom",
        "18.3.1",
        {"package/umd/react-dom.production.min.js": "react-dom.production.min.js"},
    ),
    ("graphql-ws", "5.16.0", {"package/umd/graphql-ws.min.js": "graphql-ws.min.js"}),
)
ASSET_FILES: Final = tuple(name for _, _, files in PACKAGES for name in files.values())
ASSETS_VERSION: Final = "graphiql-" + PACKAGES[0][1]


def default_assets_dir() -> Path:
    """``$SHOPGRAPH_GRAPHIQL_DIR``, else ``$XDG_CACHE_HOME/shopgraph/graphiql-<version>``
    (``~/.cache`` by default)."""
    explicit = os.environ.get("SHOPGRAPH_GRAPHIQL_DIR")
    if explicit:
        return Path(explicit)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "shopgraph" / ASSETS_VERSION
