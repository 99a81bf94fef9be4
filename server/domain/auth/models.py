"""API tokens for service accounts, console sign-ins and the role assignments Casbin reads."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DDL, BigInteger, event
from sqlmodel import Field, Relationship, SQLModel

from server.domain.base import ForeignKey, TimestampedTable, UTCDateTime

if TYPE_CHECKING:
    from server.domain.organisation.models import Person


class ApiToken(TimestampedTable, table=True):
    """An opaque bearer token for a service account; only its hash is stored."""

    __tablename__ = "api_token"

    name: str = Field(max_length=100, unique=True, index=True)
    owner_id: int = ForeignKey("person", ondelete="CASCADE")
    token_hash: str = Field(max_length=128, unique=True, index=True)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # For the console's list only: never loaded implicitly (lazy="raise").
    owner: Person = Relationship(sa_relationship_kwargs={"lazy": "raise"})


class ConsoleSignIn(TimestampedTable, table=True):
    """One signed-in console session, kept server-side so that logging out or deactivating
    the person ends it at once. The cookie holds a random token; only its hash is stored.
    ``created_at`` bounds its whole life, ``last_seen_at`` its idle time."""

    __tablename__ = "console_sign_in"

    person_id: int = ForeignKey("person", ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    last_seen_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=200)


class CasbinRule(SQLModel, table=True):
    """A Casbin policy or grouping row, in the layout Casbin's SQLAlchemy adapters use.

    Role assignments are ``g, person:<id>, <role>`` rows, so they change at run time
    without a restart. (Casbin's own schema: no timestamps.)
    """

    __tablename__ = "casbin_rule"

    id: int | None = Field(default=None, primary_key=True)
    ptype: str = Field(max_length=255, index=True)
    v0: str | None = Field(default=None, max_length=255, index=True)
    v1: str | None = Field(default=None, max_length=255)
    v2: str | None = Field(default=None, max_length=255)
    v3: str | None = Field(default=None, max_length=255)
    v4: str | None = Field(default=None, max_length=255)
    v5: str | None = Field(default=None, max_length=255)

    def __str__(self) -> str:
        # The line format Casbin's adapters parse: "g, person:1, pm".
        values = [self.v0, self.v1, self.v2, self.v3, self.v4, self.v5]
        return ", ".join([self.ptype, *[v for v in values if v is not None]])


class RateBudget(SQLModel, table=True):
    """One rate-limit counter window (``server.rate_limit.PostgresStorage``): what ``key`` has
    spent in window number ``window_index`` (seconds since the epoch // the window's length).
    Shared by every instance; on PostgreSQL the table is UNLOGGED (not written to the WAL nor
    replicated: budgets are transient, and a crash that forgets them forgives a minute)."""

    __tablename__ = "rate_budget"

    key: str = Field(primary_key=True, max_length=300)
    window_index: int = Field(primary_key=True, sa_type=BigInteger)
    spent: int = Field(default=0)
    expires_at: int = Field(index=True, sa_type=BigInteger, description="Seconds since the epoch.")


event.listen(RateBudget.__table__, "after_create",  # type: ignore[attr-defined]
             DDL("ALTER TABLE rate_budget SET UNLOGGED").execute_if(dialect="postgresql"))
