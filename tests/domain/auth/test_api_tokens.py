"""API tokens: created once in the clear, stored as a hash, revoked for good, verified on use."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.auth import api_tokens
from server.domain.auth.api_tokens import ApiTokenError, ApiTokenErrorCode
from server.domain.auth.models import ApiToken
from server.domain.base import utcnow
from server.domain.organisation.models import Person

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def owner(sessions: Sessions) -> Person:
    async with sessions() as session, session.begin():
        person = Person(email="bi.robot@example.com", full_name="BI Robot")
        session.add(person)
        session.add(Person(email="gone@example.com", full_name="Gone", active=False))
    return person


async def create(sessions: Sessions, name: str = "powerbi", **kw: object) -> tuple[ApiToken, str]:
    async with sessions() as session, session.begin():
        args: dict[str, object] = {"owner_email": "bi.robot@example.com", "expires_at": None}
        args.update(kw)
        return await api_tokens.create(session, name=name, **args)  # type: ignore[arg-type]


async def stored(sessions: Sessions, name: str) -> ApiToken:
    async with sessions() as session:
        row = await session.exec(sa.select(ApiToken).where(ApiToken.name == name))  # type: ignore[call-overload]
        return row.scalar_one()


async def test_create_returns_the_token_once_and_stores_only_its_hash(
    sessions: Sessions, owner: Person
) -> None:
    # given a person; when a token is created for them with an expiry
    expiry = utcnow() + timedelta(days=90)
    api_token, plain = await create(sessions, " powerbi ", expires_at=expiry)
    # then the plain token is prefixed and long, and the row keeps only its SHA-256
    assert plain.startswith("pmo_") and len(plain) >= 40
    row = await stored(sessions, "powerbi")
    assert row.id == api_token.id and row.owner_id == owner.id
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest() != plain
    assert row.expires_at == expiry
    assert row.last_used_at is None and row.revoked_at is None
    # and a second token is a different random value
    _, other = await create(sessions, "tableau")
    assert other != plain


BAD_INPUT: list[tuple[dict[str, object], ApiTokenErrorCode, str]] = [
    ({"name": "  "}, ApiTokenErrorCode.INVALID_NAME, "must not be empty"),
    ({"name": "x" * 101}, ApiTokenErrorCode.INVALID_NAME, "longer than 100"),
    ({"owner_email": "nobody@example.com"}, ApiTokenErrorCode.UNKNOWN_OWNER, "no person"),
    ({"owner_email": "not-an-email"}, ApiTokenErrorCode.UNKNOWN_OWNER, "invalid email"),
    ({"owner_email": "gone@example.com"}, ApiTokenErrorCode.INACTIVE_OWNER, "inactive"),
    ({"expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, ApiTokenErrorCode.INVALID_EXPIRY,
     "in the past"),
    ({"expires_at": datetime(2999, 1, 1)}, ApiTokenErrorCode.INVALID_EXPIRY, "time zone"),
]


async def test_create_refuses_bad_input_with_a_one_line_error(
    sessions: Sessions, owner: Person
) -> None:
    for kwargs, code, fragment in BAD_INPUT:
        # given a person; when a token is created with one bad input
        args: dict[str, object] = {"name": "powerbi"}
        args.update(kwargs)
        with pytest.raises(ApiTokenError) as caught:
            await create(sessions, **args)  # type: ignore[arg-type]
        # then the error names the problem in one line
        assert caught.value.code == code, kwargs
        assert fragment in str(caught.value) and "\n" not in str(caught.value)
    # and nothing was stored
    async with sessions() as session:
        count = await session.exec(sa.select(sa.func.count()).select_from(ApiToken))  # type: ignore[call-overload]
        assert count.one()[0] == 0


async def test_create_refuses_a_duplicate_name_even_after_revocation(
    sessions: Sessions, owner: Person
) -> None:
    # given a revoked token named powerbi
    await create(sessions, "powerbi")
    async with sessions() as session, session.begin():
        await api_tokens.revoke(session, name="powerbi")
    # when another is created under that name, then it is refused
    with pytest.raises(ApiTokenError, match="already exists") as caught:
        await create(sessions, "powerbi")
    assert caught.value.code == ApiTokenErrorCode.DUPLICATE_NAME


async def test_revoke_stamps_the_token_once(sessions: Sessions, owner: Person) -> None:
    # given a token
    _, plain = await create(sessions, "powerbi")
    # when it is revoked
    async with sessions() as session, session.begin():
        revoked = await api_tokens.revoke(session, name="powerbi")
    # then revoked_at is stored, verification refuses it, and a second revoke is an error
    assert (await stored(sessions, "powerbi")).revoked_at == revoked.revoked_at is not None
    async with sessions() as session:
        with pytest.raises(ApiTokenError, match="revoked") as caught:
            await api_tokens.verify(session, plain)
        assert caught.value.code == ApiTokenErrorCode.REVOKED
        with pytest.raises(ApiTokenError, match="already revoked") as again:
            await api_tokens.revoke(session, name="powerbi")
        assert again.value.code == ApiTokenErrorCode.ALREADY_REVOKED
        with pytest.raises(ApiTokenError, match="no API token named 'tableau'") as unknown:
            await api_tokens.revoke(session, name="tableau")
        assert unknown.value.code == ApiTokenErrorCode.NOT_FOUND


async def test_verify_finds_live_tokens_and_refuses_unknown_or_expired(
    sessions: Sessions, owner: Person
) -> None:
    # given a live token and one whose expiry has passed since it was created
    live, live_plain = await create(sessions, "powerbi")
    _, stale_plain = await create(sessions, "tableau", expires_at=utcnow() + timedelta(days=1))
    async with sessions() as session, session.begin():
        await session.exec(
            sa.update(ApiToken).where(ApiToken.name == "tableau")  # type: ignore[call-overload]
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    async with sessions() as session:
        # when each is verified, then only the live one passes
        assert (await api_tokens.verify(session, live_plain)).id == live.id
        for token, code in [
            (stale_plain, ApiTokenErrorCode.EXPIRED),
            (live_plain + "x", ApiTokenErrorCode.UNKNOWN_TOKEN),
            ("pmo_", ApiTokenErrorCode.UNKNOWN_TOKEN),
            (live_plain.removeprefix("pmo_"), ApiTokenErrorCode.UNKNOWN_TOKEN),
        ]:
            with pytest.raises(ApiTokenError) as caught:
                await api_tokens.verify(session, token)
            assert caught.value.code == code


def test_record_use_stamps_at_most_once_a_minute() -> None:
    # given a token never used
    api_token = ApiToken(name="powerbi", owner_id=1, token_hash="h")
    start = utcnow()
    # when it is used, then used again within the minute, then after it
    assert api_tokens.record_use(api_token, now=start) is True
    assert api_tokens.record_use(api_token, now=start + timedelta(seconds=59)) is False
    assert api_token.last_used_at == start
    assert api_tokens.record_use(api_token, now=start + timedelta(seconds=61)) is True
    # then the stamp moved only on the first and last use
    assert api_token.last_used_at == start + timedelta(seconds=61)
