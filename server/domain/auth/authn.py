"""Authentication: an ``Authorization: Bearer <token>`` header turned into the Person behind it.

Three kinds of bearer token: JWTs the app minted (HS256), JWTs from an OpenID Connect
provider (RS256, their ``email`` mapped to a Person) and opaque API tokens (``pmo_...``).
Roles are not decided here; ``policies`` loads them for the identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import jwt
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.auth import api_tokens, tokens
from server.domain.auth import service as auth_service
from server.domain.organisation.models import Person
from server.settings import Settings

Method = Literal["jwt", "oidc", "api_token"]
_MAX_PERSON_ID = 2**31 - 1  # the id column is a 32-bit integer on PostgreSQL

# Most specific first: InvalidSignatureError is a DecodeError, a connection error a
# PyJWKClientError. The texts say what failed, never why in detail (no key ids, no URLs).
_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.InvalidSignatureError, "token signature is invalid"),
    (jwt.InvalidAlgorithmError, "token algorithm is not allowed"),
    (jwt.InvalidIssuerError, "token issuer is not accepted"),
    (jwt.InvalidAudienceError, "token audience is not accepted"),
    (jwt.ImmatureSignatureError, "token is not yet valid"),
    (jwt.MissingRequiredClaimError, "token lacks a required claim"),
    (jwt.PyJWKClientConnectionError, "OpenID Connect signing keys are unavailable"),
    (jwt.PyJWKSetError, "OpenID Connect signing keys are unavailable"),
    (jwt.PyJWKClientError, "token signing key is unknown"),
    (jwt.DecodeError, "token is malformed"),
)


class AuthenticationError(Exception):
    """The caller is not authenticated; ``reason`` is short, one line and safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """Who is calling and how they proved it."""

    person_id: int
    email: str
    full_name: str
    method: Method
    token_name: str | None = None


def bearer_token(authorization: str | None) -> str:
    """The token in ``Bearer <token>``; AuthenticationError if missing or malformed."""
    if authorization is None or not authorization.strip():
        raise AuthenticationError("missing bearer token")
    parts = authorization.split()
    # The scheme is case-insensitive (RFC 7235); the token is one word.
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise AuthenticationError("malformed Authorization header")
    return parts[1]


async def authenticate(
    session: AsyncSession, *, authorization: str | None, settings: Settings
) -> Identity:
    """The identity behind an ``Authorization`` header. Never commits; may flush."""
    token = bearer_token(authorization)
    if token.startswith(api_tokens.PREFIX):
        return await _by_api_token(session, token)
    return await _by_jwt(session, token, settings)


async def _by_api_token(session: AsyncSession, token: str) -> Identity:
    try:
        api_token = await api_tokens.verify(session, token)
    except api_tokens.ApiTokenError as exc:
        raise AuthenticationError(str(exc)) from None
    person = _active(await session.get(Person, api_token.owner_id))
    if api_tokens.record_use(api_token):
        await session.flush()
    return _identity(person, "api_token", token_name=api_token.name)


async def _by_jwt(session: AsyncSession, token: str, settings: Settings) -> Identity:
    oidc = _oidc_config(settings)
    try:
        # Unverified, only to choose the verifier; each verifier pins its own algorithm.
        issuer = tokens.unverified_issuer(token)
        if issuer == tokens.ISSUER:
            claims = tokens.decode_app_token(token, secret=settings.secret_key.get_secret_value())
            return _identity(await _person_by_subject(session, claims["sub"]), "jwt")
        if oidc is not None and issuer == oidc[0]:
            claims = await tokens.decode_oidc_token(
                token, issuer=oidc[0], audience=oidc[1], jwks_url=oidc[2]
            )
            return _identity(await _person_by_email(session, claims), "oidc")
    except jwt.PyJWTError as exc:
        raise AuthenticationError(_reason(exc)) from None
    if issuer is None:
        raise AuthenticationError("token has no issuer")
    if oidc is None:
        raise AuthenticationError("token issuer is not accepted (OpenID Connect is not enabled)")
    raise AuthenticationError("token issuer is not accepted")


def _oidc_config(settings: Settings) -> tuple[str, str, str] | None:
    """Issuer, audience and JWKS URL when OpenID Connect is configured."""
    if settings.oidc_issuer and settings.oidc_audience and settings.oidc_jwks_url:
        return settings.oidc_issuer, settings.oidc_audience, settings.oidc_jwks_url
    return None


def _reason(exc: jwt.PyJWTError) -> str:
    for kind, reason in _REASONS:
        if isinstance(exc, kind):
            return reason
    return "token is invalid"


async def _person_by_subject(session: AsyncSession, subject: Any) -> Person:
    try:
        person_id = int(subject)
    except (TypeError, ValueError):
        raise AuthenticationError("token subject is invalid") from None
    if not 0 < person_id <= _MAX_PERSON_ID:
        raise AuthenticationError("token subject is invalid")
    return _active(await session.get(Person, person_id))


async def _person_by_email(session: AsyncSession, claims: dict[str, Any]) -> Person:
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise AuthenticationError("token has no email claim")
    # Some providers let users type any address; trust it only when not marked unverified.
    if claims.get("email_verified") is False:
        raise AuthenticationError("token email is not verified")
    try:
        person = await auth_service.get_by_email(session, email=email)
    except auth_service.UserError:
        raise AuthenticationError("token email is invalid") from None
    if person is None:
        raise AuthenticationError("no person has the token's email")
    return _active(person)


def _active(person: Person | None) -> Person:
    if person is None:
        raise AuthenticationError("unknown person")
    if not person.active:
        raise AuthenticationError("person is inactive")
    return person


def _identity(person: Person, method: Method, *, token_name: str | None = None) -> Identity:
    return Identity(
        person_id=person.id,  # type: ignore[arg-type]  # persisted rows have an id
        email=person.email,
        full_name=person.full_name,
        method=method,
        token_name=token_name,
    )
