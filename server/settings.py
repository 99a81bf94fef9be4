"""Configuration from ``PMO_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    def is_production(self) -> bool:
        return self.env == "production"


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
