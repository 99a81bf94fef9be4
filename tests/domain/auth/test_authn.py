"""Authentication: app JWTs, OpenID Connect JWTs and API tokens turned into a Person, or refused."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.auth import api_tokens
from server.domain.auth.authn import AuthenticationError, Identity, authenticate
from server.domain.auth.models import ApiToken
from server.domain.auth.tokens import mint
from server.domain.base import utcnow
from server.domain.organisation.models import Person
from server.settings import Settings, load_settings

Sessions = async_sessionmaker[AsyncSession]
SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
OIDC_ISSUER = "https://login.example.com/realms/pmo"
OIDC_AUDIENCE = "pmo-api"
HOUR = timedelta(hours=1)


# --- fixtures -------------------------------------------------------------------------------


@dataclass
class People:
    ada: Person
    bob: Person  # inactive


@pytest.fixture
async def people(sessions: Sessions) -> People:
    async with sessions() as session, session.begin():
        ada = Person(email="ada@example.com", full_name="Ada Lovelace")
        bob = Person(email="bob@example.com", full_name="Bob Gone", active=False)
        session.add_all([ada, bob])
    return People(ada=ada, bob=bob)


@pytest.fixture
def settings(clean_env: Path) -> Settings:
    return load_settings(secret_key=SECRET)


@dataclass
class Jwks:
    """A JWKS served over real HTTP on 127.0.0.1, and the key that signs for it."""

    url: str
    key: rsa.RSAPrivateKey
    kid: str = "key-1"
    requests: list[str] = field(default_factory=list)

    def sign(self, key: rsa.RSAPrivateKey | None = None, kid: str | None = None,
             **claims: Any) -> str:
        now = utcnow()
        payload: dict[str, Any] = {
            "iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "sub": "oidc-user-1",
            "email": "Ada@Example.com", "iat": now, "exp": now + HOUR,
        }
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, key or self.key, algorithm="RS256",
                          headers={"kid": kid or self.kid})

    def settings(self, url: str | None = None) -> Settings:
        return load_settings(secret_key=SECRET, oidc_issuer=OIDC_ISSUER,
                             oidc_audience=OIDC_AUDIENCE, oidc_jwks_url=url or self.url)


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def provider_key() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture(scope="module")
def stranger_key() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture
def jwks(clean_env: Path, provider_key: rsa.RSAPrivateKey) -> Iterator[Jwks]:
    public = jwt.algorithms.RSAAlgorithm.to_jwk(provider_key.public_key(), as_dict=True)
    body = json.dumps({"keys": [{**public, "kid": "key-1", "use": "sig", "alg": "RS256"}]})
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            requests.append(self.path)
            if self.path != "/jwks.json":
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield Jwks(url=f"http://{host}:{port}/jwks.json", key=provider_key, requests=requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def auth(sessions: Sessions, header: str | None, settings: Settings) -> Identity:
    async with sessions() as session, session.begin():
        return await authenticate(session, authorization=header, settings=settings)


async def refused(sessions: Sessions, header: str | None, settings: Settings) -> str:
    with pytest.raises(AuthenticationError) as caught:
        await auth(sessions, header, settings)
    reason = caught.value.reason
    assert reason == str(caught.value) and "\n" not in reason
    return reason


def bearer(token: str) -> str:
    return f"Bearer {token}"


# --- the header -----------------------------------------------------------------------------


HEADER_CASES: list[tuple[str | None, str]] = [
    (None, "missing bearer token"),
    ("", "missing bearer token"),
    ("   ", "missing bearer token"),
    ("Basic YWRhOnNlY3JldA==", "malformed Authorization header"),
    ("Bearer", "malformed Authorization header"),
    ("Bearer a b", "malformed Authorization header"),
    ("Token abc", "malformed Authorization header"),
    ("Bearer not-a-jwt", "token is malformed"),
    ("Bearer abc.def.ghi", "token is malformed"),
    ("Bearer e30.e30.e30", "token has no issuer"),
]


async def test_missing_or_malformed_headers_are_refused(
    sessions: Sessions, settings: Settings
) -> None:
    # given headers that carry no usable bearer token
    for header, reason in HEADER_CASES:
        # when each is presented, then it is refused with its reason
        assert await refused(sessions, header, settings) == reason, header


# --- app JWTs -------------------------------------------------------------------------------


async def test_an_app_jwt_identifies_its_person(
    sessions: Sessions, settings: Settings, people: People
) -> None:
    # given a JWT minted for Ada; when it is presented (scheme in any case)
    token = mint(people.ada.id, secret=SECRET, ttl=HOUR)  # type: ignore[arg-type]
    identity = await auth(sessions, f"bearer {token}", settings)
    # then it is Ada, by JWT
    assert identity == Identity(
        person_id=people.ada.id, email="ada@example.com",  # type: ignore[arg-type]
        full_name="Ada Lovelace", method="jwt",
    )


async def test_app_jwt_failures_are_refused_with_a_reason(
    sessions: Sessions, settings: Settings, people: People
) -> None:
    # given tokens that are each wrong in one way
    ada = str(people.ada.id)
    now = utcnow()
    valid = {"sub": ada, "iss": "pmo", "iat": now, "exp": now + HOUR}
    genuine = mint(people.ada.id, secret=SECRET, ttl=HOUR)  # type: ignore[arg-type]
    header, _payload, signature = genuine.split(".")
    forged_payload = base64.urlsafe_b64encode(
        json.dumps({**valid, "sub": str(people.bob.id), "iat": 0, "exp": 4102444800}).encode()
    ).decode().rstrip("=")
    cases = {
        "token expired": mint(people.ada.id, secret=SECRET, ttl=-HOUR),  # type: ignore[arg-type]
        "token signature is invalid": mint(
            people.ada.id, secret=SECRET + "-other", ttl=HOUR  # type: ignore[arg-type]
        ),
        "unknown person": mint(987654, secret=SECRET, ttl=HOUR),
        "person is inactive": mint(people.bob.id, secret=SECRET, ttl=HOUR),  # type: ignore[arg-type]
        "token lacks a required claim": jwt.encode(
            {"sub": ada, "iss": "pmo"}, SECRET, algorithm="HS256"
        ),
        "token subject is invalid": jwt.encode(
            {**valid, "sub": "ada"}, SECRET, algorithm="HS256"
        ),
        "token has no issuer": jwt.encode(
            {"sub": ada, "exp": now + HOUR}, SECRET, algorithm="HS256"
        ),
    }
    for reason, token in cases.items():
        # when each is presented, then it is refused with its reason
        assert await refused(sessions, bearer(token), settings) == reason, reason
    # and a payload swapped under a genuine signature fails the signature check
    tampered = f"{header}.{forged_payload}.{signature}"
    assert await refused(sessions, bearer(tampered), settings) == "token signature is invalid"


async def test_app_jwts_accept_only_hs256(
    sessions: Sessions, settings: Settings, people: People, stranger_key: rsa.RSAPrivateKey
) -> None:
    # given Ada's claims with "alg: none", and signed with RS256 by some key
    now = utcnow()
    claims = {"sub": str(people.ada.id), "iss": "pmo", "iat": now, "exp": now + HOUR}
    unsigned = jwt.encode(claims, None, algorithm="none")
    rsa_signed = jwt.encode(claims, stranger_key, algorithm="RS256")
    hs512 = jwt.encode(claims, SECRET + SECRET, algorithm="HS512")
    # when presented, then neither chooses its own verification
    for token in (unsigned, rsa_signed, hs512):
        assert await refused(sessions, bearer(token), settings) == "token algorithm is not allowed"


async def test_a_foreign_jwt_is_refused_when_oidc_is_disabled(
    sessions: Sessions, settings: Settings, people: People, stranger_key: rsa.RSAPrivateKey
) -> None:
    # given no OpenID Connect configuration and a provider-looking token for Ada
    now = utcnow()
    token = jwt.encode(
        {"iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "email": "ada@example.com",
         "exp": now + HOUR}, stranger_key, algorithm="RS256",
    )
    # when presented, then it is refused and the reason says why
    reason = await refused(sessions, bearer(token), settings)
    assert reason == "token issuer is not accepted (OpenID Connect is not enabled)"


# --- API tokens -----------------------------------------------------------------------------


async def make_api_token(sessions: Sessions, name: str, email: str = "ada@example.com") -> str:
    async with sessions() as session, session.begin():
        _, plain = await api_tokens.create(
            session, name=name, owner_email=email, expires_at=None
        )
    return plain


async def stored_token(sessions: Sessions, name: str) -> ApiToken:
    async with sessions() as session:
        result = await session.exec(sa.select(ApiToken).where(ApiToken.name == name))  # type: ignore[call-overload]
        return result.scalar_one()


async def test_an_api_token_identifies_its_owner_and_stamps_last_use(
    sessions: Sessions, settings: Settings, people: People
) -> None:
    # given an API token for Ada, never used
    plain = await make_api_token(sessions, "powerbi")
    # when it is presented
    identity = await auth(sessions, bearer(plain), settings)
    # then it is Ada by API token, and the use is stored
    assert identity == Identity(
        person_id=people.ada.id, email="ada@example.com",  # type: ignore[arg-type]
        full_name="Ada Lovelace", method="api_token", token_name="powerbi",
    )
    first_use = (await stored_token(sessions, "powerbi")).last_used_at
    assert first_use is not None and utcnow() - first_use < timedelta(seconds=30)
    # and a second use within the minute writes nothing
    await auth(sessions, bearer(plain), settings)
    assert (await stored_token(sessions, "powerbi")).last_used_at == first_use


async def test_authenticate_flushes_but_never_commits(
    sessions: Sessions, settings: Settings, people: People
) -> None:
    # given an API token; when it is used in a transaction the caller rolls back
    plain = await make_api_token(sessions, "powerbi")
    async with sessions() as session:
        await authenticate(session, authorization=bearer(plain), settings=settings)
        await session.rollback()
    # then the last-use stamp went with it
    assert (await stored_token(sessions, "powerbi")).last_used_at is None


async def test_api_token_failures_are_refused_with_a_reason(
    sessions: Sessions, settings: Settings, people: People
) -> None:
    # given a revoked token, an expired one, one of an inactive person and an unknown one
    revoked = await make_api_token(sessions, "revoked")
    expired = await make_api_token(sessions, "expired")
    inactive = await make_api_token(sessions, "bob's", email="ada@example.com")
    async with sessions() as session, session.begin():
        await api_tokens.revoke(session, name="revoked")
        await session.exec(
            sa.update(ApiToken).where(ApiToken.name == "expired")  # type: ignore[call-overload]
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        await session.exec(
            sa.update(ApiToken).where(ApiToken.name == "bob's")  # type: ignore[call-overload]
            .values(owner_id=people.bob.id)
        )
    cases = {
        revoked: "API token revoked",
        expired: "API token expired",
        inactive: "person is inactive",
        api_tokens.generate(): "unknown API token",
    }
    for token, reason in cases.items():
        # when each is presented, then it is refused, and no use is recorded
        assert await refused(sessions, bearer(token), settings) == reason
    for name in ("revoked", "expired", "bob's"):
        assert (await stored_token(sessions, name)).last_used_at is None


# --- OpenID Connect -------------------------------------------------------------------------


async def test_an_oidc_token_maps_its_email_to_a_person(
    sessions: Sessions, people: People, jwks: Jwks
) -> None:
    # given a provider token whose email differs from Ada's only in case
    settings = jwks.settings()
    # when it is presented twice
    first = await auth(sessions, bearer(jwks.sign()), settings)
    second = await auth(sessions, bearer(jwks.sign()), settings)
    # then it is Ada, by OpenID Connect, and the key set was fetched once (cached per URL)
    assert first == second == Identity(
        person_id=people.ada.id, email="ada@example.com",  # type: ignore[arg-type]
        full_name="Ada Lovelace", method="oidc",
    )
    assert jwks.requests == ["/jwks.json"]


async def test_oidc_failures_are_refused_with_a_reason(
    sessions: Sessions, people: People, jwks: Jwks, stranger_key: rsa.RSAPrivateKey
) -> None:
    # given provider tokens that are each wrong in one way
    settings = jwks.settings()
    now = utcnow()
    cases = {
        "token audience is not accepted": jwks.sign(aud="someone-else"),
        "token issuer is not accepted": jwks.sign(iss="https://evil.example.com"),
        "token signature is invalid": jwks.sign(key=stranger_key),
        "token signing key is unknown": jwks.sign(key=stranger_key, kid="key-2"),
        "token expired": jwks.sign(iat=now - 3 * HOUR, exp=now - 2 * HOUR),
        "no person has the token's email": jwks.sign(email="mallory@example.com"),
        "person is inactive": jwks.sign(email="bob@example.com"),
        "token has no email claim": jwks.sign(email=None),
        "token email is not verified": jwks.sign(email_verified=False),
        "token email is invalid": jwks.sign(email="not an email"),
        "token lacks a required claim": jwks.sign(aud=None),
        "token algorithm is not allowed": jwt.encode(
            {"iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "email": "ada@example.com",
             "exp": now + HOUR}, SECRET, algorithm="HS256", headers={"kid": "key-1"},
        ),
    }
    for reason, token in cases.items():
        # when each is presented, then it is refused with its reason
        assert await refused(sessions, bearer(token), settings) == reason, reason


async def test_an_unreachable_key_set_refuses_without_leaking_the_url(
    sessions: Sessions, people: People, jwks: Jwks
) -> None:
    # given a JWKS URL that answers 404
    settings = jwks.settings(url=jwks.url.replace("jwks.json", "missing.json"))
    # when a provider token is presented, then it is refused with a generic reason
    reason = await refused(sessions, bearer(jwks.sign()), settings)
    assert reason == "OpenID Connect signing keys are unavailable"


async def test_app_jwts_still_work_when_oidc_is_enabled(
    sessions: Sessions, people: People, jwks: Jwks
) -> None:
    # given OpenID Connect configured; when an app JWT is presented
    token = mint(people.ada.id, secret=SECRET, ttl=HOUR)  # type: ignore[arg-type]
    identity = await auth(sessions, bearer(token), jwks.settings())
    # then it is verified as the app's own, without asking the provider
    assert identity.method == "jwt" and identity.person_id == people.ada.id
    assert jwks.requests == []
