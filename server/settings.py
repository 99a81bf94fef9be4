"""Configuration from ``PMO_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from server.limits import Limits

# The development secret is public (it is in this file): production refuses it.
DEMO_SECRET_KEY = "dev-insecure-demo-secret-do-not-use-in-production"  # noqa: S105
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{Path.cwd() / 'pmo.db'}"


class ConfigurationError(Exception):
    """The settings cannot be used; the message is one line for the operator."""


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="PMO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: SecretStr = SecretStr(DEMO_SECRET_KEY)
    db_pool_size: int = Field(default=10, ge=1)
    db_echo: bool = False
    # The compiled read path (schema/readpath); PMO_COMPILED_READS=0 serves every read through
    # the resolvers, for comparison.
    compiled_reads: bool = True
    # Optional external OpenID Connect provider: RS256 tokens verified against its JWKS,
    # their ``email`` claim mapped to a Person.
    # What one GraphQL request may ask (schema/limits.py); each refused before anything runs.
    max_depth: int = Field(default=Limits.depth, ge=1)
    max_aliases: int = Field(default=Limits.aliases, ge=0)
    max_root_fields: int = Field(default=Limits.root_fields, ge=1)
    max_directives: int = Field(default=Limits.directives, ge=0)
    max_operations: int = Field(default=Limits.operations, ge=1)
    max_tokens: int = Field(default=Limits.tokens, ge=100)
    max_cost: int = Field(default=Limits.cost, ge=1)
    max_variables_bytes: int = Field(default=Limits.variables_bytes, ge=1_000)
    # Request bodies past this are answered 413 before they are read to the end.
    max_body_bytes: int = Field(default=1_000_000, ge=10_000)
    # Seconds a GraphQL request over HTTP may take before it is cancelled and answered 504
    # TIMEOUT (0: no deadline). CSV exports stream at their own pace and are not covered.
    request_timeout: float = Field(default=30.0, ge=0)
    # Budgets per minute (server/rate_limit.py), 0 for none: the GraphQL cost one caller (a
    # person's session, or one API token) may spend, and the failed sign-ins (bad tokens,
    # console passwords) one client address, or one console account, may make.
    # Introspection (__schema, __type): on outside production, where clients read the
    # committed SDL instead; PMO_INTROSPECTION=1 turns it on there too.
    introspection: bool | None = None
    # GraphQL queries over GET (never mutations): off unless asked for.
    graphql_get: bool = False
    # Persisted operations (server/persisted.py): the manifest written by
    # `pmo operations register`, and whether only its operations may run.
    persisted_operations: Path = Path("persisted-operations.json")
    persisted_only: bool = False
    # Browser origins allowed to call the API (CORS), e.g. '["https://pmo.example.com"]';
    # none by default: same-origin pages and non-browser clients only.
    cors_origins: list[str] = Field(default_factory=list)
    cost_per_minute: int = Field(default=1_000_000, ge=0)
    # Console sessions (server-side, admin/auth.py): ended after this many idle minutes, and
    # this many hours after sign-in whatever the activity.
    console_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    console_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # A status report's period may end at most this many days after today (UTC): a weekly
    # report written on Thursday for the week ending Sunday.
    status_report_grace_days: int = Field(default=7, ge=0, le=366)
    # Deleted rows are listed by reports { deletedRows } for this many days (then purged by
    # `pmo snapshot`): an incremental BI load must run at least this often.
    deleted_rows_retention_days: int = Field(default=90, ge=1, le=3650)
    # Outgoing email (pmo notify send): smtp://user:pass@host:587 (STARTTLS when offered),
    # smtp+starttls://... (STARTTLS required), smtps://...:465 (TLS from the start); none:
    # emails wait in the outbox. The sender address, and the frontend's base URL for links.
    smtp_url: SecretStr | None = None
    smtp_from: str = "PMO <pmo@localhost>"
    app_url: str = "http://127.0.0.1:8000"
    failures_per_minute_per_address: int = Field(default=30, ge=0)
    failures_per_minute_per_account: int = Field(default=10, ge=0)
    # --- Running several instances (docs/deploy.md) ---
    # Rate-limit budgets are shared by every instance: kept in PostgreSQL, or in Redis when
    # this is set (redis://host:6379/0). On SQLite (one instance) they stay in the process.
    redis_url: SecretStr | None = None
    # A streaming replica of the database: reports, CSV exports and the BI row connections
    # read from it; everything else (and every write) uses PMO_DATABASE_URL.
    replica_database_url: SecretStr | None = None
    # Seconds to wait for a new database connection, and for a free one from the pool,
    # before a request fails with SERVICE_UNAVAILABLE (HTTP 503) rather than hanging.
    db_connect_timeout: float = Field(default=3.0, gt=0)
    db_pool_timeout: float = Field(default=5.0, gt=0)
    # SIGTERM: seconds in-flight requests (and a worker's batch) get to finish before the
    # process exits anyway.
    shutdown_timeout: float = Field(default=20.0, ge=0)
    # --- Observability ---
    # /metrics (Prometheus): answered only with "Authorization: Bearer <this token>"; or, with
    # PMO_METRICS_PORT, served on that separate port (bind it where only Prometheus reaches).
    # Neither set: no /metrics.
    metrics_token: SecretStr | None = None
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # One log line per request: JSON (the default in production) or readable text.
    log_format: Literal["json", "text"] | None = None
    # OpenTelemetry tracing (the `otel` extra): off unless set; the exporter follows the
    # standard OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, ...).
    otel: bool = False
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if self.env == "production":
            if self.secret_key.get_secret_value() == DEMO_SECRET_KEY:
                raise ValueError(
                    "PMO_ENV=production refuses the built-in development secret: "
                    "set PMO_SECRET_KEY to a long random value"
                )
            if len(self.secret_key.get_secret_value()) < 32:
                raise ValueError("PMO_SECRET_KEY must be at least 32 characters in production")
            if self.debug:
                raise ValueError("PMO_ENV=production refuses PMO_DEBUG=1")
        oidc = (self.oidc_issuer, self.oidc_audience, self.oidc_jwks_url)
        if any(oidc) and not all(oidc):
            raise ValueError(
                "OpenID Connect needs all of PMO_OIDC_ISSUER, PMO_OIDC_AUDIENCE and "
                "PMO_OIDC_JWKS_URL"
            )
        if self.oidc_issuer == "pmo":
            raise ValueError(
                "PMO_OIDC_ISSUER must not be 'pmo', the issuer of the app's own tokens")
        return self

    @property
    def oidc_enabled(self) -> bool:
        return self.oidc_issuer is not None

    @property
    def limits(self) -> Limits:
        return Limits(depth=self.max_depth, aliases=self.max_aliases,
                      root_fields=self.max_root_fields, directives=self.max_directives,
                      operations=self.max_operations, tokens=self.max_tokens,
                      cost=self.max_cost, variables_bytes=self.max_variables_bytes)

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.is_production

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" if self.log_format else self.is_production


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation errors into one readable line."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        if where != "settings":
            message = f"PMO_{where.upper()}: {message}"
        raise ConfigurationError(message) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own with ``load_settings``)."""
    return load_settings()
