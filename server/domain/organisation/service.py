"""The organisation as the PMO maintains it: portfolios, programs, people and their roles.

PMO only (the one enforcer decides), audited, never committed. People are deactivated, never
deleted: their name stays on what they did. A role change is effective on the person's next
request (each request reads its caller's roles from the database).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.auth import roles
from server.domain.auth import service as auth_service
from server.domain.auth.models import CasbinRule
from server.domain.auth.passwords import hash_password
from server.domain.common import flush, get_or_raise, validated
from server.domain.cpu import off_loop
from server.domain.enums import Role
from server.domain.errors import DomainError, ErrorCode
from server.domain.organisation.models import Department, Person
from server.domain.portfolio.models import Portfolio, Program

API_NAMES = {"owner_id": "ownerId", "manager_id": "managerId", "portfolio_id": "portfolioId",
             "department_id": "departmentId", "full_name": "fullName",
             "capacity_hours_per_week": "capacityHoursPerWeek", "cost_rate": "costRate",
             "__root__": "input"}
MAX_MONEY = Decimal("999999999999.99")


class PortfolioFields(SQLModel):
    description: str | None = None
    owner_id: int | None = None
    budget: Decimal | None = Field(default=None, ge=0, le=MAX_MONEY, decimal_places=2)


class PortfolioCreate(PortfolioFields):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    owner_id: int
    budget: Decimal = Field(default=Decimal("0"), ge=0, le=MAX_MONEY, decimal_places=2)


class PortfolioUpdate(PortfolioFields):
    code: str | None = Field(default=None, min_length=1, max_length=32)
    name: str | None = Field(default=None, min_length=1, max_length=200)


class ProgramCreate(SQLModel):
    portfolio_id: int
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    manager_id: int | None = None


class ProgramUpdate(SQLModel):
    code: str | None = Field(default=None, min_length=1, max_length=32)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    manager_id: int | None = None


class PersonFields(SQLModel):
    title: str | None = Field(default=None, max_length=200)
    department_id: int | None = None
    capacity_hours_per_week: Decimal | None = Field(default=None, ge=0, le=168,
                                                    decimal_places=2)
    cost_rate: Decimal | None = Field(default=None, ge=0, le=MAX_MONEY, decimal_places=2)


class PersonCreate(PersonFields):
    email: str = Field(min_length=3, max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    capacity_hours_per_week: Decimal = Field(default=Decimal("40"), ge=0, le=168,
                                             decimal_places=2)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        address = value.strip().lower()
        local, _, domain = address.partition("@")
        if not local or "." not in domain or " " in address:
            raise ValueError("not an email address")
        return address


class PersonUpdate(PersonFields):
    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    active: bool | None = None


CENTS = Decimal("0.01")


def _values(model: type[SQLModel], data: dict[str, Any], *, partial: bool,
            not_null: tuple[str, ...] = ()) -> dict[str, Any]:
    values = validated(model, data, api_names=API_NAMES, partial=partial, not_null=not_null)
    # Two decimals, as stored, so what is returned equals what is read back later.
    return {key: value.quantize(CENTS) if isinstance(value, Decimal) else value
            for key, value in values.items()}


async def _check_person(session: AsyncSession, person_id: int | None, field: str) -> None:
    if person_id is None:
        return
    person = await session.get(Person, person_id)
    if person is None:
        raise DomainError.one(field, "no person with this id", ErrorCode.NOT_FOUND)
    if not person.active:
        raise DomainError.one(field, f"{person.full_name} is inactive", ErrorCode.INVALID)


async def _check_department(session: AsyncSession, department_id: int | None) -> None:
    if department_id is not None and await session.get(Department, department_id) is None:
        raise DomainError.one("departmentId", "no department with this id", ErrorCode.NOT_FOUND)


def _duplicate(what: str) -> DomainError:
    return DomainError.one("code", f"a {what} with this code already exists",
                           ErrorCode.DUPLICATE)


async def _written(session: AsyncSession, *, actor: Actor, row: Any, action: str,
                   before: dict[str, Any], label: str, on_unique: DomainError) -> Any:
    """Flush the change and audit it (an update that changes nothing writes nothing)."""
    session.add(row)
    await flush(session, label, on_unique=on_unique)
    changes = audit.diff(before, audit.snapshot(row))
    if changes or action != "update":
        await audit.record(session, actor=actor, action=action, entity_type=type(row).__name__,
                           entity_id=row.id, changes=changes)
    return row


# --- portfolios and programs -----------------------------------------------------------------

async def create_portfolio(session: AsyncSession, *, actor: Actor,
                           data: dict[str, Any]) -> Portfolio:
    actor.require("create", Resource("portfolio"))
    values = _values(PortfolioCreate, data, partial=False)
    await _check_person(session, values["owner_id"], "ownerId")
    return await _written(session, actor=actor, row=Portfolio(**values), action="create",
                          before={}, label="portfolio", on_unique=_duplicate("portfolio"))


async def update_portfolio(session: AsyncSession, *, actor: Actor, portfolio_id: int,
                           changes: dict[str, Any]) -> Portfolio:
    portfolio = await get_or_raise(session, Portfolio, portfolio_id, "portfolio")
    actor.require("update", Resource("portfolio", id=portfolio_id))
    values = _values(PortfolioUpdate, changes, partial=True,
                     not_null=("code", "name", "owner_id", "budget"))
    await _check_person(session, values.get("owner_id"), "ownerId")
    before = audit.snapshot(portfolio)
    for key, value in values.items():
        setattr(portfolio, key, value)
    return await _written(session, actor=actor, row=portfolio, action="update", before=before,
                          label="portfolio", on_unique=_duplicate("portfolio"))


async def create_program(session: AsyncSession, *, actor: Actor,
                         data: dict[str, Any]) -> Program:
    actor.require("create", Resource("program"))
    values = _values(ProgramCreate, data, partial=False)
    if await session.get(Portfolio, values["portfolio_id"]) is None:
        raise DomainError.one("portfolioId", "no portfolio with this id", ErrorCode.NOT_FOUND)
    await _check_person(session, values.get("manager_id"), "managerId")
    return await _written(session, actor=actor, row=Program(**values), action="create",
                          before={}, label="program", on_unique=_duplicate("program"))


async def update_program(session: AsyncSession, *, actor: Actor, program_id: int,
                         changes: dict[str, Any]) -> Program:
    program = await get_or_raise(session, Program, program_id, "program")
    actor.require("update", Resource("program", id=program_id))
    values = _values(ProgramUpdate, changes, partial=True, not_null=("code", "name"))
    await _check_person(session, values.get("manager_id"), "managerId")
    before = audit.snapshot(program)
    for key, value in values.items():
        setattr(program, key, value)
    return await _written(session, actor=actor, row=program, action="update", before=before,
                          label="program", on_unique=_duplicate("program"))


# --- people and roles ------------------------------------------------------------------------

async def create_person(session: AsyncSession, *, actor: Actor, data: dict[str, Any],
                        role_names: list[Role]) -> Person:
    """A new active person with these roles (none: they can be given later)."""
    actor.require("create", Resource("person"))
    if role_names:
        actor.require("update", Resource("role_assignment"))
    values = _values(PersonCreate, data, partial=False)
    await _check_department(session, values.get("department_id"))
    exists = (await session.exec(sa.select(Person.id).where(  # type: ignore[call-overload]
        Person.email == values["email"]))).first()
    if exists is not None:
        raise DomainError.one("email", "a person with this email already exists",
                              ErrorCode.DUPLICATE)
    person = await _written(session, actor=actor, row=Person(**values), action="create",
                            before={}, label="person", on_unique=DomainError.one(
                                "email", "a person with this email already exists",
                                ErrorCode.DUPLICATE))
    if role_names:
        await assign_roles(session, actor=actor, person_id=person.id, role_names=role_names)
    return person  # type: ignore[no-any-return]


async def update_person(session: AsyncSession, *, actor: Actor, person_id: int,
                        changes: dict[str, Any]) -> Person:
    """Change a person; ``active: false`` deactivates them (they can no longer sign in or be
    given new work), which is how a person leaves: never deleted."""
    person = await get_or_raise(session, Person, person_id, "person")
    actor.require("update", Resource("person", id=person_id))
    values = _values(PersonUpdate, changes, partial=True,
                     not_null=("full_name", "active", "capacity_hours_per_week"))
    if values.get("active") is False and person_id == actor.person_id:
        raise DomainError.one("active", "you cannot deactivate yourself", ErrorCode.INVALID)
    await _check_department(session, values.get("department_id"))
    before = audit.snapshot(person)
    for key, value in values.items():
        setattr(person, key, value)
    if values.get("active") is False:
        await auth_service.end_console_sign_ins(session, person_id)  # signed out at once
    return await _written(session, actor=actor, row=person, action="update", before=before,  # type: ignore[no-any-return]
                          label="person", on_unique=DomainError.one(
                              "input", "conflicting change", ErrorCode.INVALID))


async def assign_roles(session: AsyncSession, *, actor: Actor, person_id: int,
                       role_names: list[Role]) -> list[Role]:
    """Replace a person's roles by exactly these (effective on their next request)."""
    actor.require("update", Resource("role_assignment"))
    person = await session.get(Person, person_id)
    if person is None:
        raise DomainError.one("personId", "no person with this id", ErrorCode.NOT_FOUND)
    wanted = sorted(set(role_names))
    if person_id == actor.person_id and Role.PMO not in wanted:
        raise DomainError.one("roles", "you cannot take the PMO role from yourself",
                              ErrorCode.INVALID)
    held = await roles.roles_of(session, person_id=person_id)
    if held == wanted:
        return wanted
    await session.exec(sa.delete(CasbinRule).where(  # type: ignore[call-overload]
        CasbinRule.ptype == "g", CasbinRule.v0 == roles.subject(person_id)))
    for role in wanted:
        await roles.assign(session, person_id=person_id, role=role)
    if Role.PMO in held and Role.PMO not in wanted:
        await auth_service.end_console_sign_ins(session, person_id)  # the console is the PMO's
    await session.flush()
    await audit.record(session, actor=actor, action="assign_roles", entity_type="Person",
                       entity_id=person.id,  # type: ignore[arg-type]
                       changes={"roles": {"before": [r.value for r in held],
                                          "after": [r.value for r in wanted]}})
    return wanted


MIN_PASSWORD = 12


async def set_password(session: AsyncSession, *, actor: Actor, person_id: int,
                       password: str) -> None:
    """Give a person a new console password (PMO only; audited without the password)."""
    person = await get_or_raise(session, Person, person_id, "person")
    actor.require("update", Resource("person", id=person_id))
    if len(password) < MIN_PASSWORD:
        raise DomainError.one("password", f"at least {MIN_PASSWORD} characters",
                              ErrorCode.INVALID)
    if len(password) > 256:
        raise DomainError.one("password", "at most 256 characters", ErrorCode.TOO_LONG)
    person.password_hash = await off_loop(hash_password, password)
    await flush(session, "person")
    await audit.record(session, actor=actor, action="set_password", entity_type="Person",
                       entity_id=person_id, changes={"password": {"before": None,
                                                                  "after": "(set)"}})
