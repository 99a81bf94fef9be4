"""Opaque API tokens for service accounts (a BI connector, a script): create, revoke, verify."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.auth import service as auth_service
from server.domain.auth.models import ApiToken
from server.domain.base import utcnow

# A recognisable prefix lets secret scanners spot leaked tokens and lets ``authn``
# tell an API token from a JWT without a database round trip.
PREFIX = "pmo_"
_ENTROPY_BYTES = 32
MAX_NAME_LENGTH = 100
# Stamp ``last_used_at`` at most this often: one write per request would turn every
# read of a busy BI connector into a row update (and a row lock).
TOUCH_INTERVAL = timedelta(minutes=1)


class ApiTokenErrorCode(StrEnum):
    INVALID_NAME = "INVALID_NAME"
    DUPLICATE_NAME = "DUPLICATE_NAME"
    UNKNOWN_OWNER = "UNKNOWN_OWNER"
    INACTIVE_OWNER = "INACTIVE_OWNER"
    INVALID_EXPIRY = "INVALID_EXPIRY"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_REVOKED = "ALREADY_REVOKED"
    UNKNOWN_TOKEN = "UNKNOWN_TOKEN"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


class ApiTokenError(Exception):
    """An API token operation cannot be done; the message is one line, free of secrets."""

    def __init__(self, message: str, code: ApiTokenErrorCode) -> None:
        super().__init__(message)
        self.code = code


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256, hex.

    A fast hash is right here (unlike for passwords): the token carries 256 random
    bits, so there is nothing to brute-force, and lookups need a deterministic hash.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate() -> str:
    """A new random token: the prefix and 256 bits, URL-safe."""
    return PREFIX + secrets.token_urlsafe(_ENTROPY_BYTES)


async def get_by_name(session: AsyncSession, *, name: str) -> ApiToken | None:
    """The token with this name, or None."""
    result = await session.exec(
        sa.select(ApiToken).where(ApiToken.name == name.strip())  # type: ignore[call-overload]
    )
    return result.scalar_one_or_none()


async def create(
    session: AsyncSession, *, name: str, owner_email: str, expires_at: datetime | None,
    actor: Actor | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for a person; returns the row and the plain token (shown once). Audited
    as the ``actor``'s change (the console), else as a command-line one. No commit."""
    if actor is not None:
        actor.require("create", Resource("api_token"))
    label = name.strip()
    if not label:
        raise ApiTokenError("token name must not be empty", ApiTokenErrorCode.INVALID_NAME)
    if len(label) > MAX_NAME_LENGTH:
        raise ApiTokenError(
            f"token name is longer than {MAX_NAME_LENGTH} characters",
            ApiTokenErrorCode.INVALID_NAME,
        )
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise ApiTokenError(
                "expiry must carry a time zone", ApiTokenErrorCode.INVALID_EXPIRY
            )
        if expires_at <= utcnow():
            raise ApiTokenError(
                f"expiry {expires_at.isoformat()} is in the past",
                ApiTokenErrorCode.INVALID_EXPIRY,
            )
    try:
        owner = await auth_service.get_by_email(session, email=owner_email)
    except auth_service.UserError as exc:  # not an email address at all
        raise ApiTokenError(str(exc), ApiTokenErrorCode.UNKNOWN_OWNER) from None
    if owner is None:
        raise ApiTokenError(
            f"no person with email {auth_service.normalise_email(owner_email)}",
            ApiTokenErrorCode.UNKNOWN_OWNER,
        )
    if not owner.active:
        raise ApiTokenError(f"{owner.email} is inactive", ApiTokenErrorCode.INACTIVE_OWNER)
    if await get_by_name(session, name=label) is not None:
        # Revoked tokens keep their name, so the audit trail stays unambiguous.
        raise ApiTokenError(
            f"an API token named {label!r} already exists", ApiTokenErrorCode.DUPLICATE_NAME
        )
    plain = generate()
    api_token = ApiToken(
        name=label, owner_id=owner.id, token_hash=hash_token(plain), expires_at=expires_at
    )
    session.add(api_token)
    await session.flush()
    await _audited(session, actor, "create", api_token, {})
    return api_token, plain


async def _audited(session: AsyncSession, actor: Actor | None, action: str, row: ApiToken,
                   before: dict[str, Any]) -> None:
    if actor is None:
        await audit.record_cli(session, action=action, row=row, before=before or None)
    else:
        # The same entity name as the command line's events, so one filter finds both.
        await audit.record(session, actor=actor, action=action, entity_type="api_token",
                           entity_id=row.id, changes=audit.diff(before, audit.snapshot(row)))  # type: ignore[arg-type]


async def revoke(session: AsyncSession, *, name: str, actor: Actor | None = None) -> ApiToken:
    """Revoke a token by name, for good; audited as the ``actor``'s change (the console), else
    as a command-line one. Does not commit."""
    if actor is not None:
        actor.require("update", Resource("api_token"))
    api_token = await get_by_name(session, name=name)
    if api_token is None:
        raise ApiTokenError(f"no API token named {name.strip()!r}", ApiTokenErrorCode.NOT_FOUND)
    if api_token.revoked_at is not None:
        raise ApiTokenError(
            f"API token {api_token.name!r} was already revoked on "
            f"{api_token.revoked_at:%Y-%m-%d %H:%M} UTC",
            ApiTokenErrorCode.ALREADY_REVOKED,
        )
    before = audit.snapshot(api_token)
    api_token.revoked_at = utcnow()
    session.add(api_token)
    await session.flush()
    await _audited(session, actor, "revoke", api_token, before)
    return api_token


async def verify(session: AsyncSession, token: str) -> ApiToken:
    """The live token matching a presented one; ApiTokenError if unknown, revoked or expired."""
    if not token.startswith(PREFIX):
        raise ApiTokenError("unknown API token", ApiTokenErrorCode.UNKNOWN_TOKEN)
    # Comparing hashes in SQL leaks no useful timing: an attacker cannot choose the
    # hash of a guess, and the token itself has 256 bits of entropy.
    result = await session.exec(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token))  # type: ignore[call-overload]
    )
    api_token: ApiToken | None = result.scalar_one_or_none()
    if api_token is None:
        raise ApiTokenError("unknown API token", ApiTokenErrorCode.UNKNOWN_TOKEN)
    if api_token.revoked_at is not None:
        raise ApiTokenError("API token revoked", ApiTokenErrorCode.REVOKED)
    if api_token.expires_at is not None and api_token.expires_at <= utcnow():
        raise ApiTokenError("API token expired", ApiTokenErrorCode.EXPIRED)
    return api_token


def record_use(api_token: ApiToken, *, now: datetime | None = None) -> bool:
    """Stamp ``last_used_at`` unless it was stamped within the last minute; True if changed."""
    moment = now or utcnow()
    if api_token.last_used_at is not None and moment - api_token.last_used_at < TOUCH_INTERVAL:
        return False
    api_token.last_used_at = moment
    return True
