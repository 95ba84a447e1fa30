"""Typed settings read from the environment (prefix ``SHOPGRAPH_``).

Every adapter is chosen by URL: ``sqlite+aiosqlite://`` or ``postgresql+asyncpg://`` for the
database, ``memory://`` or ``kafka://`` for the event bus, ``memory://`` or ``redis://`` for
the key-value store. A bad value stops start-up with a message naming the variable.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES: tuple[str, ...] = (
    "users",
    "products",
    "inventory",
    "carts",
    "orders",
    "payments",
    "reviews",
    "search",
    "analytics",
)

DEFAULT_PORTS: dict[str, int] = {name: 4001 + i for i, name in enumerate(SERVICES)}


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class PaymentProviderName(StrEnum):
    SANDBOX = "sandbox"
    STRIPE = "stripe"


class SettingsError(RuntimeError):
    """Raised when the environment holds a value ShopGraph cannot start with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOPGRAPH_", extra="ignore", frozen=True)

    environment: Environment = Environment.DEV
    host: str = "127.0.0.1"
    data_dir: Path = Path("var")

    # ``{service}`` is replaced by the service name: one database per service.
    database_url: str = "sqlite+aiosqlite:///{data_dir}/{service}.db"
    bus_url: str = "memory://"
    kv_url: str = "memory://"
    search_url: str = "sql://"
    # Outgoing mail: ``log://`` writes each message to the log (make dev); ``smtp://host:port``.
    smtp_url: str = "log://"
    mail_from: str = "ShopGraph <no-reply@shopgraph.dev>"
    # Outgoing SMS: ``log://`` (make dev) or the HTTP API's message URL (Twilio-style form POST
    # with basic auth ``sms_username``/``sms_password``, sender ``sms_from``).
    sms_url: str = "log://"
    sms_username: str | None = None
    sms_password: str | None = None
    sms_from: str | None = None
    # Production refuses log-only delivery (``log://`` mail or SMS) unless this is true.
    allow_log_delivery: bool = False

    # Card processor: ``sandbox`` (test tokens, no money moves) or ``stripe``. Unset means the
    # sandbox outside production; production refuses to start until it is chosen explicitly.
    payment_provider: PaymentProviderName | None = None
    stripe_api_key: str | None = None
    stripe_webhook_secret: str | None = None
    # Where the Stripe SDK sends its requests (stripe-mock in tests); unset: api.stripe.com.
    stripe_api_base: str | None = None

    jwt_issuer: str = "shopgraph-users"
    jwt_audience: str = "shopgraph"
    jwt_private_key_file: Path | None = None
    jwks_url: str | None = None
    access_token_ttl_seconds: int = Field(default=15 * 60, gt=0)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, gt=0)
    service_token_secret: str = "dev-only-internal-service-secret-change-me"

    # argon2id cost (OWASP's minimum by default); hashes made otherwise are redone at sign-in.
    password_hash_memory_kib: int = Field(default=19 * 1024, ge=8)
    password_hash_time_cost: int = Field(default=2, ge=1)
    password_hash_parallelism: int = Field(default=1, ge=1, le=64)
    password_hash_threads: int = Field(default=2, ge=1)

    # Throttles on the key-value store: fixed windows that start with the first attempt.
    sign_in_window_seconds: float = Field(default=900, gt=0)
    sign_in_max_failures_per_account: int = Field(default=10, gt=0)
    sign_in_max_failures_per_client: int = Field(default=100, gt=0)
    refresh_max_failures_per_client: int = Field(default=30, gt=0)
    password_reset_max_per_account: int = Field(default=5, gt=0)
    password_reset_max_per_client: int = Field(default=20, gt=0)
    # Peers whose X-Forwarded-For names the client (the router); others are the client.
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])

    admin_email: str = "admin@shopgraph.dev"
    admin_password: str = "shopgraph-admin"

    log_level: str = "INFO"
    log_json: bool = True

    max_query_depth: int = Field(default=12, gt=0)
    max_aliases: int = Field(default=30, gt=0)
    max_tokens: int = Field(default=2000, gt=0)

    # PostgreSQL connections a subgraph opens at start-up (at most its pool of 20), so the
    # first burst of requests does not wait for connecting; 0 opens them on demand.
    database_warm_connections: int = Field(default=0, ge=0)
    # The relay's fallback only: every commit wakes its process's relay, and a relay woken
    # while another publishes waits for it (shopgraph.events.outbox). An idle poll costs a
    # database round trip per service, so not too often.
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    # How long a subgraph request may take at most, retries of its internal calls included
    # (shopgraph.request_deadline); under the router's 30 s per-subgraph timeout.
    request_deadline_seconds: float = Field(default=25.0, gt=0)
    # Published outbox rows and inbox rows older than this are deleted (shopgraph.events.retention).
    event_retention_days: float = Field(default=7, gt=0)
    retention_batch_size: int = Field(default=500, gt=0)
    retention_interval_seconds: float = Field(default=3600, gt=0)
    consumer_max_attempts: int = Field(default=5, gt=0)
    # Where a worker process (`shopgraph worker`) serves Prometheus /metrics.
    metrics_port: int = Field(default=9464, gt=0, lt=65536)

    ports: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_PORTS))
    # Where each subgraph is reached by the others (compose: http://users:4001/graphql).
    service_urls: dict[str, str] = Field(default_factory=dict)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("bus_url")
    @classmethod
    def _known_bus(cls, value: str) -> str:
        if not value.startswith(("memory://", "kafka://")):
            raise ValueError("must be memory:// or kafka://host:port[,host:port]")
        return value

    @field_validator("kv_url")
    @classmethod
    def _known_kv(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("must be memory:// or redis://host:port/db")
        return value

    @field_validator("search_url")
    @classmethod
    def _known_search(cls, value: str) -> str:
        if not value.startswith(("sql://", "elasticsearch://")):
            raise ValueError("must be sql:// or elasticsearch://host:port[/alias]")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _known_mail(cls, value: str) -> str:
        if not value.startswith(("log://", "smtp://", "smtps://")):
            raise ValueError("must be log:// or smtp://host:port")
        return value

    @field_validator("password_hash_parallelism")
    @classmethod
    def _enough_memory_per_lane(cls, value: int, info: ValidationInfo) -> int:
        memory = info.data.get("password_hash_memory_kib")
        if memory is not None and memory < 8 * value:
            raise ValueError(f"argon2 needs at least 8 KiB of memory per lane ({8 * value})")
        return value

    @field_validator("sms_url")
    @classmethod
    def _known_sms(cls, value: str) -> str:
        if not value.startswith(("log://", "http://", "https://")):
            raise ValueError("must be log:// or the SMS API's https:// message URL")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    def database_url_for(self, service: str) -> str:
        return self.database_url.format(service=service, data_dir=self.data_dir)

    def port_for(self, service: str) -> int:
        return self.ports[service]

    def url_for(self, service: str) -> str:
        if service in self.service_urls:
            return self.service_urls[service]
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port_for(service)}/graphql"

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @cached_property
    def kafka_bootstrap(self) -> str:
        return self.bus_url.removeprefix("kafka://").rstrip("/")


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment; raise :class:`SettingsError` naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            problems.append(f"SHOPGRAPH_{field.upper()}: {error['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
