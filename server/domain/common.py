"""Small rules every domain service shares."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.errors import DomainError, ErrorCode


def _is_unique_violation(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate" in text


async def flush(session: AsyncSession, label: str, *,
                on_unique: DomainError | None = None,
                invalid: DomainError | None = None) -> None:
    """Write pending changes as user errors the caller can act on.

    A concurrent update of a versioned row is VERSION_CONFLICT; a unique violation is
    ``on_unique`` when given (a twin won the race); any other broken rule is ``invalid``,
    by default an INVALID error on ``input``.
    """
    try:
        await session.flush()
    except StaleDataError:
        raise DomainError.one("version", f"the {label} was changed by someone else; reload it",
                              ErrorCode.VERSION_CONFLICT) from None
    except IntegrityError as exc:
        if on_unique is not None and _is_unique_violation(exc):
            raise on_unique from None
        raise invalid or DomainError.one("input", "the change breaks a data rule",
                                         ErrorCode.INVALID) from None
