"""Settings for a command-line entry point: loaded from the environment, or exit 2 naming
the bad variable; logging configured from them."""

from __future__ import annotations

import sys

from shopgraph.logging import configure_logging
from shopgraph.settings import Settings, SettingsError, load_settings


def cli_settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"shopgraph: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    configure_logging(settings.log_level, json=settings.log_json)
    return settings
