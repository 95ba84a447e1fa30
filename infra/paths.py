"""Where infra keeps its state, downloads and locks, and how it reads service URLs."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

INFRA_DIR = Path(__file__).resolve().parent
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def run_root() -> Path:
    """Data, logs and pid files of the servers started from this checkout."""
    override = os.environ.get("SHOPGRAPH_INFRA_RUN_DIR")
    return Path(override).expanduser().resolve() if override else INFRA_DIR / ".run"


def cache_root() -> Path:
    """Downloads (Kafka jars, the Elasticsearch distribution), shared by every checkout."""
    override = os.environ.get("SHOPGRAPH_INFRA_CACHE")
    return Path(override).expanduser() if override else Path.home() / ".cache" / "shopgraph"


def machine_lock_dir() -> Path:
    """Locks shared by every checkout on this machine (one per service address)."""
    return Path(tempfile.gettempdir()) / "shopgraph-infra-locks"


def url_from_env(env_var: str, default: str) -> SplitResult:
    return urlsplit(os.environ.get(env_var) or default)


def bind_host(host: str) -> str:
    """The address a server binds: 'localhost' means the IPv4 loopback."""
    return "127.0.0.1" if host == "localhost" else host


def rel(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)
