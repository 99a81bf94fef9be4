"""The console writes through the domain services, as the API does.

``ServiceView`` replaces SQLAdmin's own inserts, updates and deletes with a call to a domain
service, in one transaction of the app's sessions, as the signed-in PMO person (audit source
``ADMIN``). A ``DomainError`` is shown in plain words next to the fields it names (the form
SQLAdmin is rendering is caught as it is built, ``ConsoleForm``); anything it cannot place
goes above the form. No database error reaches the page: the services answer first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, ClassVar

from sqladmin import ModelView
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from wtforms import Form

from policies.enforcer import Forbidden
from policies.resources import Subject
from server.domain.actor import Actor
from server.domain.enums import AuditSource
from server.domain.errors import DomainError
from server.domain.governance import reference

_form: ContextVar[Form | None] = ContextVar("console_form", default=None)
SYSTEM_FIELDS = ("id", "created_at", "updated_at", "version")


class ConsoleForm(Form):
    """SQLAdmin's form base, remembered for the request so that a service's field errors can
    be put next to their fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _form.set(self)


class ConsoleError(Exception):
    """What SQLAdmin shows above the form (or the list, for a delete)."""


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def place_errors(error: DomainError, aliases: dict[str, str] | None = None) -> str:
    """Put each error next to its field on the form being shown (``aliases``: the form's name
    for a service field); what is left, and a summary, becomes the message above it."""
    form = _form.get()
    left = []
    placed = 0
    for item in error.errors:
        name = _snake(item.field[-1]) if item.field else ""
        name = (aliases or {}).get(name, name)
        target = None
        if form is not None:
            for candidate in (name, name.removesuffix("_id")):
                if candidate in form._fields:  # noqa: SLF001 - WTForms' own field table
                    target = form._fields[candidate]  # noqa: SLF001
                    break
        if target is None:
            left.append(_sentence(item.message))
        else:
            target.errors = [*target.errors, _sentence(item.message)]
            placed += 1
    if placed and not left:
        return "Nothing was saved: correct the fields marked below."
    return " ".join(left) + (" Nothing was saved." if not placed else
                             " Correct the fields marked below; nothing was saved.")


def console_actor(request: Request) -> Actor:
    """The signed-in PMO person, as the services know actors."""
    subject: Subject = request.state.console_subject
    return Actor(subject, request.app.state.pmo_authorizer(), AuditSource.ADMIN)


async def run(request: Request, work: Callable[[AsyncSession, Actor], Awaitable[Any]],
              aliases: dict[str, str] | None = None) -> Any:
    """``work`` in one transaction as the console's person; errors as the page shows them."""
    actor = console_actor(request)
    try:
        async with request.app.state.pmo_sessions() as session, session.begin():
            return await work(session, actor)
    except DomainError as error:
        raise ConsoleError(place_errors(error, aliases)) from None
    except Forbidden as refused:
        raise ConsoleError(f"Not allowed: {refused}.") from None


def humanised(model: Any, **overrides: str) -> dict[str, str]:
    """Column labels in words (``green_at`` as "Green at", ``parent_id`` as "Parent")."""
    labels = {}
    for column in model.__table__.columns:
        words = column.name.removesuffix("_id").replace("_", " ")
        labels[column.name] = words[:1].upper() + words[1:]
    return {**labels, **overrides}


class ServiceView(ModelView):
    """A console list whose writes go through a domain service (by default
    ``server.domain.governance.reference``)."""

    form_base_class = ConsoleForm
    form_excluded_columns = list(SYSTEM_FIELDS)
    can_import = False
    relations: ClassVar[dict[str, str]] = {}
    """Form fields that pick a row, and the service field that takes its id."""
    error_fields: ClassVar[dict[str, str]] = {}
    """Service fields whose errors belong under a form field of another name."""

    def service_data(self, data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in SYSTEM_FIELDS or key == "csrf_token":
                continue
            if key in self.relations:
                out[self.relations[key]] = int(value) if value not in (None, "") else None
            elif isinstance(value, str) and value == "":
                out[key] = None
            else:
                out[key] = value
        return out

    # The service calls, overridden by views of other services (admin/organisation.py).
    async def create(self, session: AsyncSession, actor: Actor, data: dict[str, Any]) -> Any:
        return await reference.create(session, actor=actor, model=self.model, data=data)

    async def update(self, session: AsyncSession, actor: Actor, row_id: int,
                     data: dict[str, Any]) -> Any:
        return await reference.update(session, actor=actor, model=self.model, row_id=row_id,
                                      data=data)

    async def remove(self, session: AsyncSession, actor: Actor, row_id: int) -> None:
        await reference.delete(session, actor=actor, model=self.model, row_id=row_id)

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        return await run(request, lambda session, actor: self.create(
            session, actor, self.service_data(data)), self.error_fields)

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        return await run(request, lambda session, actor: self.update(
            session, actor, int(pk), self.service_data(data)), self.error_fields)

    async def delete_model(self, request: Request, pk: Any) -> None:
        await run(request, lambda session, actor: self.remove(session, actor, int(pk)))
