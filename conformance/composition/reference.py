"""The public reference composer (npm @theguild/federation-composition), for tests only.

Never used at run time. ``python -m conformance.composition.reference install`` installs the
pinned package into the cache directory (``$SHOPGRAPH_COMPOSITION_REFERENCE_DIR`` or
``var/cache/composition-reference``); ``reference_compose`` runs ``reference.cjs`` there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from router.composition.sources import SubgraphSource

PACKAGES = ("@theguild/federation-composition@0.27.0", "graphql@16.11.0")
SCRIPT = Path(__file__).with_name("reference.cjs")
REPO_ROOT = Path(__file__).resolve().parents[2]


class ReferenceUnavailable(RuntimeError):
    """node/npm or the reference package is missing."""


@dataclass(frozen=True)
class ReferenceResult:
    supergraph_sdl: str | None
    errors: tuple[str, ...]


def cache_dir() -> Path:
    configured = os.environ.get("SHOPGRAPH_COMPOSITION_REFERENCE_DIR")
    return Path(configured) if configured else REPO_ROOT / "var" / "cache" / "composition-reference"


def _installed(directory: Path) -> bool:
    return (directory / "node_modules" / "@theguild" / "federation-composition").is_dir()


def install(directory: Path | None = None) -> Path:
    """Install the pinned reference composer (no-op when present); the directory."""
    target = directory or cache_dir()
    if _installed(target):
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise ReferenceUnavailable("npm is not on PATH: install Node.js (>= 18)")
    target.mkdir(parents=True, exist_ok=True)
    if not (target / "package.json").exists():
        (target / "package.json").write_text('{"private": true}\n')
    completed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(target), *PACKAGES],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not _installed(target):
        raise ReferenceUnavailable(f"npm install failed: {completed.stderr.strip()[-2000:]}")
    return target


def reference_compose(
    subgraphs: Sequence[SubgraphSource], directory: Path | None = None
) -> ReferenceResult:
    """Compose with the reference composer (installed first if needed)."""
    target = install(directory)
    node = shutil.which("node")
    if node is None:
        raise ReferenceUnavailable("node is not on PATH: install Node.js (>= 18)")
    payload = json.dumps([{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs])
    completed = subprocess.run(
        [node, str(SCRIPT)],
        input=payload,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NODE_PATH": str(target / "node_modules")},
    )
    if completed.returncode != 0:
        raise ReferenceUnavailable(f"reference composer crashed: {completed.stderr[-2000:]}")
    result = json.loads(completed.stdout)
    if "errors" in result:
        return ReferenceResult(None, tuple(e["message"] for e in result["errors"]))
    return ReferenceResult(result["supergraphSdl"], ())


def main(argv: Sequence[str]) -> int:
    if list(argv) != ["install"]:
        print("usage: python -m conformance.composition.reference install", file=sys.stderr)
        return 2
    try:
        print(install())
    except ReferenceUnavailable as exc:
        print(f"reference composer: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
