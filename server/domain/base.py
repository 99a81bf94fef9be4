"""Shared column types and mixins for the domain tables.

Every table has an integer primary key, ``created_at`` and ``updated_at`` (UTC);
mutable aggregates also carry ``version`` for optimistic concurrency.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, declared_attr
from sqlmodel import Field, SQLModel

from server.domain.errors import DomainError, ErrorCode

# Deterministic constraint names: Alembic needs them to alter or drop constraints,
# and SQLite's batch mode needs them to rebuild tables.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY_PRECISION = 14
MONEY_SCALE = 2


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite keeps no zone, so values are normalised to UTC on the way in and
    tagged as UTC on the way out; PostgreSQL stores ``timestamptz``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC values")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def Money(*, nullable: bool = False, default: Decimal | None = None, **kw: Any) -> Any:
    """A money column: ``NUMERIC(14, 2)``, Decimal in Python, never a float."""
    return Field(
        default=default,
        sa_type=sa.Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True),
        nullable=nullable,
        **kw,
    )


def EnumField(enum_cls: type[enum.Enum], *, nullable: bool = False, index: bool = False,
              default: Any = None) -> Any:
    """An enum stored as its string value (no native PG type), checked by a named CHECK."""
    return Field(
        default=default,
        sa_type=sa.Enum(
            enum_cls,
            native_enum=False,
            # The CHECK is added per column by ``_add_enum_check`` so each gets its own name.
            create_constraint=False,
            length=max(len(m.value) for m in enum_cls) + 4,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        nullable=nullable,
        index=index,
        sa_column_kwargs={"info": {"enum_check": True}},
    )


@event.listens_for(sa.Column, "after_parent_attach")
def _add_enum_check(column: sa.Column[Any], table: Any) -> None:
    """Give every enum column a CHECK named after the column (``ck_<table>_<col>_enum``).

    SQLAlchemy's own enum CHECK is named after the enum type, which collides when one
    table has two columns of the same enum, and Alembic would render it unnamed.
    """
    # Only on our own tables: Alembic copies columns into scratch tables while comparing.
    if not isinstance(table, sa.Table) or table.metadata is not SQLModel.metadata:
        return
    if not column.info.get("enum_check"):
        return
    values = ", ".join(f"'{v}'" for v in column.type.enums)  # type: ignore[attr-defined]
    table.append_constraint(
        sa.CheckConstraint(f"{column.name} IN ({values})", name=f"{column.name}_enum")
    )


def ForeignKey(target: str, *, nullable: bool = False, ondelete: str | None = None,
               index: bool = True) -> Any:
    """An integer foreign key to ``<table>.id``, indexed unless ``index`` is false (for a
    column that leads a composite index of its table instead)."""
    if ondelete is None:
        ondelete = "SET NULL" if nullable else "RESTRICT"
    return Field(
        default=None,
        foreign_key=f"{target}.id",
        ondelete=ondelete,  # type: ignore[arg-type]
        nullable=nullable,
        index=index,
    )


def JSONField(*, default_factory: Any = dict, nullable: bool = False) -> Any:
    """A JSON column (``JSON`` on SQLite, ``JSONB`` on PostgreSQL)."""
    return Field(
        default_factory=default_factory,
        sa_type=sa.JSON().with_variant(JSONB(), "postgresql"),
        nullable=nullable,
    )


class TimestampedTable(SQLModel):
    """Columns every table carries: integer id, ``created_at`` and ``updated_at`` in UTC."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        index=True,
        sa_column_kwargs={"onupdate": utcnow},
    )


class VersionedTable(TimestampedTable):
    """A mutable aggregate: SQLAlchemy bumps ``version`` on every UPDATE and refuses a stale one.

    The ORM's ``version_id_col`` turns a concurrent update of the same row into a
    ``StaleDataError`` instead of a silent lost update.
    """

    version: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def check(sql: str, name: str) -> sa.CheckConstraint:
    """A named CHECK constraint (names keep Alembic and SQLite batch mode predictable)."""
    return sa.CheckConstraint(sql, name=name)


__all__ = [
    "Money", "EnumField", "ForeignKey", "JSONField", "TimestampedTable", "VersionedTable",
    "UTCDateTime", "utcnow", "check", "date", "datetime", "Decimal",
]


LONG_TEXT = 20_000
"""The most characters a text column without a length of its own takes (descriptions,
notes, Markdown bodies)."""


def text_length(column: Any) -> int | None:
    """The most characters a text column takes (its own length, else ``LONG_TEXT``); None
    for a column that is not text (enums are checked by their values)."""
    column_type = column.type
    if isinstance(column_type, sa.Enum):
        return None
    impl = column_type.impl if isinstance(column_type, sa.types.TypeDecorator) else column_type
    if not isinstance(impl, sa.String) or isinstance(impl, sa.Enum):
        return None
    return getattr(column_type, "length", None) or impl.length or LONG_TEXT


@event.listens_for(Session, "before_flush")
def _text_fits_its_column(session: Session, flush_context: Any, instances: Any) -> None:
    """Refuse, as a ``TOO_LONG`` field error, text longer than its column before it reaches
    the database (PostgreSQL would fail the whole statement, an internal error; SQLite would
    store it), and a required short text that is blank as ``REQUIRED``. Every write path
    (API, console, CLI) flushes through here; services that check themselves answer first."""
    for row in (*session.new, *session.dirty):
        table = getattr(type(row), "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            length = text_length(column)
            if length is None:
                continue
            value = getattr(row, column.key, None)
            if not isinstance(value, str):
                continue
            if len(value) > length:
                raise DomainError.one(
                    camel(column.key), f"at most {length} characters ({len(value)} given)",
                    ErrorCode.TOO_LONG)
            if length == LONG_TEXT:
                continue  # long text may be empty and span lines (Markdown, notes)
            # A short text (a name, a title, a code) is one line, and if required, not blank.
            if any(c in value for c in "\n\r\t"):
                raise DomainError.one(camel(column.key),
                                      "must be one line (no line breaks or tabs)",
                                      ErrorCode.INVALID)
            if not column.nullable and not value.strip():
                raise DomainError.one(camel(column.key), "must not be blank",
                                      ErrorCode.REQUIRED)


def camel(name: str) -> str:
    """The API name of a model field: ``project_id`` -> ``projectId``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def snake(name: str) -> str:
    """The model field of an API name: ``projectId`` -> ``project_id``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
