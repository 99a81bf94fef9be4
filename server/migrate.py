"""Programmatic Alembic: the CLI and the tests upgrade and downgrade through these."""

from __future__ import annotations

import io
from pathlib import Path

from alembic import command
from alembic.config import Config

from server.db import normalise_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, *, stdout: io.TextIOBase | None = None) -> Config:
    """An Alembic config pointing at our migrations and ``database_url``."""
    url = normalise_url(database_url).render_as_string(hide_password=False)
    cfg = Config(stdout=stdout) if stdout is not None else Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation treats % specially (URL-encoded passwords).
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (blocking; call from a thread inside a loop)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    """Downgrade the database to ``revision``."""
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> str:
    """The current revision(s), as Alembic prints them."""
    out = io.StringIO()
    command.current(alembic_config(database_url, stdout=out))  # type: ignore[arg-type]
    return out.getvalue().strip()
