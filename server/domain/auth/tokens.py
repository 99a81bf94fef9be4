"""Signed JWTs: minted by the app (HS256 with ``PMO_SECRET_KEY``) or by an OpenID Connect provider.

Verification raises PyJWT's own exceptions; ``authn`` turns them into safe reasons.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from functools import lru_cache
from typing import Any

import jwt

from server.domain.base import utcnow

ISSUER = "pmo"
# One algorithm per kind of token: a token may not choose how it is verified
# ("alg: none", or an HMAC signed with a public key).
APP_ALGORITHM = "HS256"
OIDC_ALGORITHM = "RS256"
# The provider's clock is not ours; the app's own tokens need no allowance.
OIDC_LEEWAY = timedelta(seconds=30)
JWKS_TIMEOUT_SECONDS = 5.0

_TTL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_ttl(text: str) -> timedelta:
    """Parse ``30m``, ``8h``, ``1s``, ``7d``; raises ValueError with a readable message."""
    match = _TTL.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"invalid TTL {text!r}: use a positive number with s, m, h or d (e.g. 8h)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def mint(person_id: int, *, secret: str, ttl: timedelta) -> str:
    """A JWT whose ``sub`` is the person's id, valid for ``ttl``."""
    now = utcnow()
    claims = {"sub": str(person_id), "iss": ISSUER, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=APP_ALGORITHM)


def unverified_issuer(token: str) -> str | None:
    """The ``iss`` claim read without checking the signature: only to pick the verifier."""
    claims = jwt.decode(token, options={"verify_signature": False})
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else None


def require_algorithm(token: str, algorithm: str) -> None:
    """Refuse a token whose header names another algorithm, before any key is fetched."""
    if jwt.get_unverified_header(token).get("alg") != algorithm:
        raise jwt.InvalidAlgorithmError("The specified alg value is not allowed")


def decode_app_token(token: str, *, secret: str) -> dict[str, Any]:
    """The verified claims of a token this app minted."""
    require_algorithm(token, APP_ALGORITHM)
    return jwt.decode(
        token,
        secret,
        algorithms=[APP_ALGORITHM],
        issuer=ISSUER,
        options={"require": ["exp", "iss", "sub"]},
    )


@lru_cache(maxsize=8)
def jwks_client(url: str) -> jwt.PyJWKClient:
    """One client per JWKS URL, so its key-set cache (and refresh cooldown) is shared."""
    return jwt.PyJWKClient(url, timeout=JWKS_TIMEOUT_SECONDS)


async def decode_oidc_token(
    token: str, *, issuer: str, audience: str, jwks_url: str
) -> dict[str, Any]:
    """The verified claims of a provider's RS256 token, its key found in the JWKS by ``kid``."""
    require_algorithm(token, OIDC_ALGORITHM)
    # PyJWKClient fetches with blocking urllib; keep it off the event loop.
    try:
        signing_key = await asyncio.to_thread(
            jwks_client(jwks_url).get_signing_key_from_jwt, token
        )
    except (ValueError, OSError) as exc:
        # A body that is not JSON, or a socket error urllib let through: PyJWKClient
        # does not wrap these, and they mean the same as an unreachable endpoint.
        raise jwt.PyJWKClientConnectionError(
            f"unusable JWKS response: {type(exc).__name__}"
        ) from exc
    return jwt.decode(
        token,
        signing_key.key,
        algorithms=[OIDC_ALGORITHM],
        issuer=issuer,
        audience=audience,
        leeway=OIDC_LEEWAY,
        options={"require": ["exp", "iss", "aud"]},
    )
