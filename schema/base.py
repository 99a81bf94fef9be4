"""Shared GraphQL pieces: error types and codes, global ids, and the permission errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields as dataclass_fields
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.relay import GlobalID, GlobalIDValueError
from strawberry.relay.utils import to_base64

from policies.enforcer import Forbidden
from schema.enums import described
from server.domain.actor import Actor
from server.domain.base import camel  # re-exported: schema modules import it from here
from server.domain.errors import DomainError, ErrorCode, FieldError
from server.domain.events import take_staged
from server.error_codes import ApiErrorCode

T = TypeVar("T")

UserErrorCode = described(ErrorCode, "Why an input was refused: something the caller can fix.", {
    "REQUIRED": "A required value is missing or blank.",
    "INVALID": "The value is not acceptable here (its message says why).",
    "OUT_OF_RANGE": "A number or date is outside its allowed range.",
    "TOO_LONG": "A text is longer than its field holds.",
    "NOT_FOUND": "An id names nothing the caller can see.",
    "DUPLICATE": "Another object already has this unique value.",
    "VERSION_CONFLICT": "The object changed since it was read: read it again and retry.",
    "CHECKLIST_INCOMPLETE": "A gate's required checklist items are not all complete.",
    "INVALID_TRANSITION": "The object's current state does not allow this change.",
}, name="UserErrorCode")


@strawberry.type(description="Something wrong with a mutation's input; nothing was written.")
class UserError:
    field: list[str] = strawberry.field(
        description="Path to the offending input field, e.g. [\"input\", \"priority\"].")
    message: str = strawberry.field(description="What is wrong, for a person to read.")
    code: UserErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="What is wrong, for a program to act on.")

    @classmethod
    def from_domain(cls, error: FieldError) -> UserError:
        return cls(field=["input", *error.field], message=error.message, code=error.code)


def forbidden_error(message: str) -> GraphQLError:
    """An authorization failure: a GraphQL error with ``extensions.code = FORBIDDEN``."""
    return GraphQLError(message, extensions={"code": ApiErrorCode.FORBIDDEN})


def unauthenticated_error(message: str = "authentication required") -> GraphQLError:
    """No valid credentials: ``extensions.code = UNAUTHENTICATED``."""
    return GraphQLError(message, extensions={"code": ApiErrorCode.UNAUTHENTICATED})


def to_global_id(type_name: str, node_id: int) -> strawberry.ID:
    """The opaque id clients see for ``type_name`` row ``node_id``."""
    return strawberry.ID(to_base64(type_name, node_id))  # what str(GlobalID(...)) gives


MAX_ROW_ID = 2**31 - 1
"""Row ids are 32-bit integers (PostgreSQL ``integer``)."""


def decode_id(value: str, *, expected: str | None = None) -> tuple[str, int] | None:
    """``(type name, row id)`` from a global id, or None when it is not one (of ``expected``)."""
    try:
        gid = GlobalID.from_id(value)
        node_id = int(gid.node_id)
    except (GlobalIDValueError, ValueError, TypeError):
        return None
    if expected is not None and gid.type_name != expected:
        return None
    if not 1 <= node_id <= MAX_ROW_ID:
        return None  # no row has it, and it must not reach an integer column
    return gid.type_name, node_id


def input_id(value: str | None, *, expected: str, field: str) -> int | None:
    """Decode an input's global id, or raise a ``NOT_FOUND``/``INVALID`` user error."""
    if value is None:
        return None
    decoded = decode_id(value, expected=expected)
    if decoded is None:
        raise DomainError.one(field, f"not a valid {expected} id", ErrorCode.INVALID)
    return decoded[1]




def input_values(data: Any, id_fields: dict[str, str], *,
                 skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A Strawberry input's given fields as service values (fields left out stay out).

    ``id_fields`` maps fields holding global ids to the node type they must name; they are
    decoded to row ids, and a foreign or malformed id is an ``INVALID`` user error.
    """
    values: dict[str, Any] = {}
    for item in dataclass_fields(data):
        value = getattr(data, item.name)
        if value is strawberry.UNSET or item.name in skip:
            continue
        if item.name in id_fields:
            value = input_id(value, expected=id_fields[item.name], field=camel(item.name))
        values[item.name] = value
    return values


async def run_mutation(
    actor: Actor,
    sessions: Callable[[], Any],
    work: Callable[[AsyncSession], Awaitable[T]],
    broadcast: Any = None,
) -> tuple[T | None, list[UserError]]:
    """Run ``work`` in one transaction: userErrors for domain errors, FORBIDDEN raised.

    Any failure rolls the whole transaction back, so nothing is half-written. Events the
    services staged are published only after the commit succeeded.
    """
    try:
        async with sessions() as session:
            async with session.begin():
                result = await work(session)
            events = take_staged(session)
    except DomainError as exc:
        return None, [UserError.from_domain(e) for e in exc.errors]
    except Forbidden as exc:
        raise forbidden_error(str(exc)) from None
    if broadcast is not None:
        for event in events:
            await broadcast.publish(event)
    return result, []
