"""Small rules every domain service shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.errors import DomainError, ErrorCode, FieldError, from_validation_error

M = TypeVar("M", bound=SQLModel)


async def get_or_raise(session: AsyncSession, model: type[M], row_id: int, label: str) -> M:
    """The row, or a NOT_FOUND error on ``id`` ("no <label> with this id")."""
    row = await session.get(model, row_id)
    if row is None:
        raise DomainError.one("id", f"no {label} with this id", ErrorCode.NOT_FOUND)
    return row


def validated(model: type[SQLModel], data: dict[str, Any], *, api_names: Mapping[str, str],
              partial: bool = False, not_null: Iterable[str] = ()) -> dict[str, Any]:
    """``data`` checked by ``model`` as service values; errors name the caller's fields.

    ``partial`` (updates) keeps only what was given; otherwise the model's defaults fill the
    rest. An explicit null for a field of ``not_null`` is REQUIRED (all of them at once).
    """
    missing = [FieldError((api_names.get(k, k),), "must not be null", ErrorCode.REQUIRED)
               for k in not_null if k in data and data[k] is None]
    if missing:
        raise DomainError(missing)
    try:
        return model.model_validate(data).model_dump(exclude_unset=partial)
    except ValidationError as exc:
        raise from_validation_error(exc, to_field=api_names) from None


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
