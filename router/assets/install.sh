#!/usr/bin/env bash
# Installs GraphiQL's browser assets from the npm registry (run by the project's setup).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "${PYTHON:-$here/.venv/bin/python}" -m router.assets.install "$@"
