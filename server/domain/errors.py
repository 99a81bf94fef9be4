"""Expected failures as data: a field path, a message and a code from one documented enum."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import ValidationError


class ErrorCode(StrEnum):
    """Codes a caller can act on; documented in the schema as ``UserErrorCode``."""

    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    CHECKLIST_INCOMPLETE = "CHECKLIST_INCOMPLETE"
    INVALID_TRANSITION = "INVALID_TRANSITION"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One thing wrong with the input; ``field`` is the path inside ``input``."""

    field: tuple[str, ...]
    message: str
    code: ErrorCode


class DomainError(Exception):
    """The input cannot be applied; nothing was written."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{'.'.join(e.field)}: {e.message}" for e in errors))
        self.errors = list(errors)

    @classmethod
    def one(cls, field: str | Sequence[str], message: str, code: ErrorCode) -> DomainError:
        """A single error on one field."""
        path = (field,) if isinstance(field, str) else tuple(field)
        return cls([FieldError(path, message, code)])


_PYDANTIC_CODES = {
    "missing": ErrorCode.REQUIRED,
    "greater_than": ErrorCode.OUT_OF_RANGE,
    "greater_than_equal": ErrorCode.OUT_OF_RANGE,
    "less_than": ErrorCode.OUT_OF_RANGE,
    "less_than_equal": ErrorCode.OUT_OF_RANGE,
    "string_too_long": ErrorCode.TOO_LONG,
    "string_too_short": ErrorCode.REQUIRED,
    "decimal_max_digits": ErrorCode.OUT_OF_RANGE,
    "decimal_max_places": ErrorCode.INVALID,
}


def from_validation_error(
    exc: ValidationError, *, to_field: dict[str, str] | None = None
) -> DomainError:
    """Turn a pydantic validation error into field errors with our codes.

    ``to_field`` renames model fields to the API's names (``manager_id`` -> ``managerId``).
    """
    rename = to_field or {}
    errors = []
    for item in exc.errors():
        path = tuple(rename.get(str(p), str(p)) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        code = _PYDANTIC_CODES.get(item["type"], ErrorCode.INVALID)
        errors.append(FieldError(path, message, code))
    return DomainError(errors)
