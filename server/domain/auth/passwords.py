"""Password hashing for console logins (Argon2 through pwdlib).

A hash takes tens of milliseconds of CPU by design: ``check_password`` runs it on the small CPU
pool (Argon2 releases the GIL), so a flood of login attempts queues there and
never holds up the event loop, and it does the same work for an account without a password
(or none at all) so that the time taken does not tell whether an account exists.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from pwdlib import PasswordHash

from server.domain.cpu import off_loop


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether ``password`` matches; False for a missing hash."""
    if not password_hash:
        return False
    return _hasher().verify(password, password_hash)




@lru_cache(maxsize=1)
def _decoy() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _verify_or_pretend(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        _hasher().verify(password, _decoy())
        return False
    return _hasher().verify(password, password_hash)


async def check_password(password: str, password_hash: str | None) -> bool:
    """``verify_password`` off the event loop (``server.domain.cpu``), with the same work for
    a missing hash."""
    return await off_loop(_verify_or_pretend, password, password_hash)
