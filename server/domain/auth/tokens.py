"""Signed JWTs minted by the app (HS256 with ``PMO_SECRET_KEY``)."""

from __future__ import annotations

import re
from datetime import timedelta

import jwt

from server.domain.base import utcnow

ISSUER = "pmo"
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
    return jwt.encode(claims, secret, algorithm="HS256")
