"""The image's HEALTHCHECK: GET a URL and exit 0 on a 2xx answer.

The URL is the first argument or ``$SHOPGRAPH_HEALTH_URL``; docker-compose.yml gives each
subgraph and the router its ``/healthz``. A worker process serves no HTTP: with no URL the
check passes while the process runs (Docker restarts a worker that exits). Standard library
only: the image has no curl.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SHOPGRAPH_HEALTH_URL")
    if not url:
        return 0
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if 200 <= response.status < 300 else 1
    except OSError as error:
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
