"""Settings come from PMO_* variables or .env, and production refuses unsafe ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import DEMO_SECRET_KEY, ConfigurationError, load_settings

STRONG_SECRET = "x" * 48


def test_defaults_are_a_local_sqlite_file_and_development(clean_env: Path) -> None:
    settings = load_settings()
    assert settings.env == "development"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_environment_and_dotenv_are_read(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean_env / ".env").write_text("PMO_PORT=9123\nPMO_HOST=0.0.0.0\n", encoding="utf-8")
    monkeypatch.setenv("PMO_DATABASE_URL", "postgresql+asyncpg://u@db/pmo")
    settings = load_settings()
    assert (settings.host, settings.port) == ("0.0.0.0", 9123)
    assert settings.database_url == "postgresql+asyncpg://u@db/pmo"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({}, "development secret"),
        ({"secret_key": "short"}, "at least 32 characters"),
        ({"secret_key": STRONG_SECRET, "debug": True}, "PMO_DEBUG"),
    ],
)
def test_production_refuses_unsafe_settings(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, overrides: dict[str, object], reason: str
) -> None:
    monkeypatch.setenv("PMO_ENV", "production")
    with pytest.raises(ConfigurationError, match=reason) as caught:
        load_settings(**overrides)
    assert "\n" not in str(caught.value)


def test_production_starts_with_a_real_secret(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMO_ENV", "production")
    monkeypatch.setenv("PMO_SECRET_KEY", STRONG_SECRET)
    settings = load_settings()
    assert settings.is_production
    assert settings.secret_key.get_secret_value() != DEMO_SECRET_KEY


def test_invalid_value_names_the_variable(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_PORT", "eighty")
    with pytest.raises(ConfigurationError, match="PMO_PORT"):
        load_settings()


@pytest.mark.parametrize(
    ("variables", "reason"),
    [({"PMO_OIDC_ISSUER": "https://id.example.com"}, "needs all of"),
     ({"PMO_OIDC_ISSUER": "pmo", "PMO_OIDC_AUDIENCE": "pmo-api",
       "PMO_OIDC_JWKS_URL": "https://id.example.com/jwks"}, "must not be 'pmo'")],
)
def test_incomplete_or_clashing_oidc_settings_are_refused(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], reason: str
) -> None:
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigurationError, match=reason):
        load_settings()
