"""The router's one typed config file (TOML), validated at start.

``shopgraph router serve --config router.toml`` reads it; every key can be overridden from
the environment as ``SHOPGRAPH_ROUTER__<SECTION>__<KEY>`` (values are read as TOML values,
so ``SHOPGRAPH_ROUTER__RATE_LIMIT__LIMIT=50`` is the number 50; text that is not a TOML value
is taken as a string). Command-line options given explicitly win over both.

Each plugin owns its section's model (``extra="forbid"``: a misspelt key is an error that
names it). A bad file stops start-up with :class:`ConfigError`, one line per problem, e.g.
``router.toml: rate_limit.limit: Input should be a valid integer``. See ``router/README.md``
for every section with an example, and ``router/router.example.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from router.config_section import Section
from router.override import ProgressiveOverrideSection
from router.plugins.authorization import AuthorizationSection
from router.plugins.cache_control import CacheControlSection
from router.plugins.demand_control import DemandControlSection
from router.plugins.entity_cache import EntityCacheSection
from router.plugins.incremental import IncrementalSection
from router.plugins.persisted_queries import PersistedQueriesSection
from shopgraph.http_deadlines import DEFAULT_HEADER_TIMEOUT_SECONDS

ENV_PREFIX = "SHOPGRAPH_ROUTER__"


class ServerSection(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=4000, ge=0, le=65535)
    # Processes serving the same port (SO_REUSEPORT).
    workers: int = Field(default=1, ge=1)
    # Browser origins allowed cross-origin (CORS); empty: same-origin only.
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    body_timeout_seconds: float = Field(default=30.0, gt=0)
    header_timeout_seconds: float = Field(default=DEFAULT_HEADER_TIMEOUT_SECONDS, gt=0)
    # Verify bearer tokens at the edge (401 before planning when invalid).
    verify_tokens: bool = True


class SubgraphsSection(Section):
    # Per-subgraph request timeout.
    timeout_seconds: float = Field(default=30.0, gt=0)
    # Client request headers forwarded: "NAME" (to every subgraph) or "NAME=sub1,sub2";
    # unset: the default rules (router.plugins.headers.DEFAULT_FORWARDED).
    forward_headers: tuple[str, ...] | None = None


class RateLimitSection(Section):
    # Requests per client per window; 0 turns the limiter off.
    limit: int = Field(default=1200, ge=0)
    window_seconds: float = Field(default=60.0, gt=0)


class SubscriptionsSection(Section):
    # Subscriptions one WebSocket connection may hold.
    max_per_connection: int = Field(default=100, ge=1)


class RouterConfig(Section):
    """The whole file. Plugin sections are added here, each defined beside its plugin."""

    server: ServerSection = ServerSection()
    subgraphs: SubgraphsSection = SubgraphsSection()
    rate_limit: RateLimitSection = RateLimitSection()
    subscriptions: SubscriptionsSection = SubscriptionsSection()
    progressive_override: ProgressiveOverrideSection = ProgressiveOverrideSection()
    entity_cache: EntityCacheSection = EntityCacheSection()
    authorization: AuthorizationSection = AuthorizationSection()
    demand_control: DemandControlSection = DemandControlSection()
    incremental: IncrementalSection = IncrementalSection()
    persisted_queries: PersistedQueriesSection = PersistedQueriesSection()
    cache_control: CacheControlSection = CacheControlSection()


class ConfigError(Exception):
    """A config file (or override) that cannot be used; the message names every bad key."""


def _env_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _with_env_overrides(data: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in data.items()}
    for name, text in environ.items():
        if not name.upper().startswith(ENV_PREFIX):
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX) :].split("__") if part]
        if len(path) != 2:
            raise ConfigError(f"{name}: expected {ENV_PREFIX}<SECTION>__<KEY>")
        section, key = path
        target = merged.setdefault(section, {})
        if not isinstance(target, dict):
            raise ConfigError(f"{name}: {section} is not a section")
        target[key] = _env_value(text)
    return merged


def _problems(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        lines.append(f"{where}: {message}")
    return lines


def parse_config(
    text: str, *, source: str = "router config", environ: Mapping[str, str] | None = None
) -> RouterConfig:
    """The config of a TOML document plus environment overrides, or :class:`ConfigError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        merged = _with_env_overrides(data, environ or {})
        return RouterConfig.model_validate(merged)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    except ValidationError as exc:
        raise ConfigError("\n".join(f"{source}: {line}" for line in _problems(exc))) from None


def load_config(path: Path | None, environ: Mapping[str, str] | None = None) -> RouterConfig:
    """The config in ``path`` (defaults everywhere when ``None``) with overrides applied."""
    if path is None:
        return parse_config("", source="environment", environ=environ)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    return parse_config(text, source=str(path), environ=environ)
