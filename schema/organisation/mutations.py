"""Organisation mutations (PMO only): portfolios, programs, people and their roles; thin
wrappers over ``server.domain.organisation.service``, one transaction each."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import UserError, input_id, input_values
from schema.context import Info
from schema.enums import Role
from schema.organisation.lists import Program
from schema.organisation.types import Person
from schema.portfolio.types import Portfolio
from server.domain.enums import Role as RoleEnum
from server.domain.errors import DomainError, ErrorCode
from server.domain.organisation import service

_ID_TYPES = {"owner_id": "Person", "manager_id": "Person", "portfolio_id": "Portfolio",
             "department_id": "Department"}
_UNSET: Any = strawberry.UNSET


def _values(data: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return input_values(data, _ID_TYPES, skip=skip)


def _id(value: str, expected: str, field: str = "id") -> int:
    row_id = input_id(value, expected=expected, field=field)
    if row_id is None:
        raise DomainError.one(field, "required", ErrorCode.REQUIRED)
    return row_id


# --- inputs ------------------------------------------------------------------------------------

@strawberry.input(description="A new portfolio.")
class CreatePortfolioInput:
    code: str = strawberry.field(description="Unique code, e.g. PF-DIGITAL.")
    name: str = strawberry.field(description="Display name.")
    owner_id: strawberry.ID = strawberry.field(description="The owning executive (a Person id).")
    description: str | None = strawberry.field(default=_UNSET, description="What it holds.")
    budget: Decimal | None = strawberry.field(default=_UNSET,
                                              description="Budget envelope, zero or more.")


@strawberry.input(description="A partial update of a portfolio: only the fields given change.")
class UpdatePortfolioInput:
    id: strawberry.ID = strawberry.field(description="The portfolio's global id.")
    code: str | None = strawberry.field(default=_UNSET, description="Unique code.")
    name: str | None = strawberry.field(default=_UNSET, description="Display name.")
    owner_id: strawberry.ID | None = strawberry.field(default=_UNSET,
                                                      description="The owner (a Person id).")
    description: str | None = strawberry.field(default=_UNSET, description="What it holds.")
    budget: Decimal | None = strawberry.field(default=_UNSET, description="Budget envelope.")


@strawberry.input(description="A new program in a portfolio.")
class CreateProgramInput:
    portfolio_id: strawberry.ID = strawberry.field(description="Its portfolio's global id.")
    code: str = strawberry.field(description="Unique code, e.g. PG-CLOUD.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(default=_UNSET, description="What it delivers.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=_UNSET, description="The program manager (a Person id).")


@strawberry.input(description="A partial update of a program: only the fields given change.")
class UpdateProgramInput:
    id: strawberry.ID = strawberry.field(description="The program's global id.")
    code: str | None = strawberry.field(default=_UNSET, description="Unique code.")
    name: str | None = strawberry.field(default=_UNSET, description="Display name.")
    description: str | None = strawberry.field(default=_UNSET, description="What it delivers.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=_UNSET, description="The program manager (a Person id); null clears it.")


@strawberry.input(description="A new person, active, with the roles given.")
class CreatePersonInput:
    email: str = strawberry.field(description="Work email, unique; stored lower-case.")
    full_name: str = strawberry.field(description="Display name.")
    title: str | None = strawberry.field(default=_UNSET, description="Job title.")
    department_id: strawberry.ID | None = strawberry.field(
        default=_UNSET, description="Their department (a Department id).")
    capacity_hours_per_week: Decimal | None = strawberry.field(
        default=_UNSET, description="Working hours in a week, 0 to 168 (default 40).")
    cost_rate: Decimal | None = strawberry.field(default=_UNSET,
                                                 description="Hourly cost rate, zero or more.")
    roles: list[Role] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list, description="Roles to hold (none: they can be given later).")


@strawberry.input(description="A partial update of a person: only the fields given change. "
                              "People are deactivated (`active: false`), never deleted.")
class UpdatePersonInput:
    id: strawberry.ID = strawberry.field(description="The person's global id.")
    full_name: str | None = strawberry.field(default=_UNSET, description="Display name.")
    title: str | None = strawberry.field(default=_UNSET, description="Job title.")
    department_id: strawberry.ID | None = strawberry.field(
        default=_UNSET, description="Their department (a Department id); null clears it.")
    capacity_hours_per_week: Decimal | None = strawberry.field(
        default=_UNSET, description="Working hours in a week, 0 to 168.")
    cost_rate: Decimal | None = strawberry.field(default=_UNSET,
                                                 description="Hourly cost rate; null clears it.")
    active: bool | None = strawberry.field(
        default=_UNSET, description="False deactivates them: no more sign-in or new work.")


@strawberry.input(description="The roles a person holds from now on (all others removed).")
class AssignRolesInput:
    person_id: strawberry.ID = strawberry.field(description="The person's global id.")
    roles: list[Role] = strawberry.field(  # type: ignore[valid-type]
        description="Exactly the roles to hold; effective on their next request.")


# --- payloads ----------------------------------------------------------------------------------

_ERRORS = "Why nothing was changed; empty on success."


@strawberry.type(description="The result of createPortfolio or updatePortfolio.")
class PortfolioPayload:
    portfolio: Portfolio | None = strawberry.field(description="The portfolio as written.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of createProgram or updateProgram.")
class ProgramPayload:
    program: Program | None = strawberry.field(description="The program as written.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of createPerson, updatePerson or assignRoles.")
class PersonPayload:
    person: Person | None = strawberry.field(description="The person as written.")
    roles: list[Role] | None = strawberry.field(  # type: ignore[valid-type]
        description="The roles they hold now.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


CreatePortfolioArg = Annotated[CreatePortfolioInput, strawberry.argument(
    description="The new portfolio.")]
UpdatePortfolioArg = Annotated[UpdatePortfolioInput, strawberry.argument(
    description="The portfolio and the changes.")]
CreateProgramArg = Annotated[CreateProgramInput, strawberry.argument(
    description="The new program.")]
UpdateProgramArg = Annotated[UpdateProgramInput, strawberry.argument(
    description="The program and the changes.")]
CreatePersonArg = Annotated[CreatePersonInput, strawberry.argument(
    description="The new person and their roles.")]
UpdatePersonArg = Annotated[UpdatePersonInput, strawberry.argument(
    description="The person and the changes.")]
AssignRolesArg = Annotated[AssignRolesInput, strawberry.argument(
    description="The person and their roles.")]


async def _person_payload(info: Info, work: Any) -> PersonPayload:
    result, errors = await info.context.mutate(work)
    if not result:
        return PersonPayload(person=None, roles=None, user_errors=errors)
    person, held = result
    return PersonPayload(person=Person.from_row(person), roles=held, user_errors=errors)


@strawberry.type
class OrganisationMutations:
    @strawberry.mutation(description="Create a portfolio (PMO only).")
    async def create_portfolio(self, info: Info, input: CreatePortfolioArg) -> PortfolioPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await service.create_portfolio(session, actor=actor, data=_values(input))

        row, errors = await info.context.mutate(work)
        return PortfolioPayload(portfolio=Portfolio.from_row(row) if row else None,
                                user_errors=errors)

    @strawberry.mutation(description="Update a portfolio (PMO only).")
    async def update_portfolio(self, info: Info, input: UpdatePortfolioArg) -> PortfolioPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await service.update_portfolio(
                session, actor=actor, portfolio_id=_id(input.id, "Portfolio"),
                changes=_values(input, skip=("id",)))

        row, errors = await info.context.mutate(work)
        return PortfolioPayload(portfolio=Portfolio.from_row(row) if row else None,
                                user_errors=errors)

    @strawberry.mutation(description="Create a program in a portfolio (PMO only).")
    async def create_program(self, info: Info, input: CreateProgramArg) -> ProgramPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await service.create_program(session, actor=actor, data=_values(input))

        row, errors = await info.context.mutate(work)
        return ProgramPayload(program=Program.from_row(row) if row else None,
                              user_errors=errors)

    @strawberry.mutation(description="Update a program (PMO only).")
    async def update_program(self, info: Info, input: UpdateProgramArg) -> ProgramPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await service.update_program(
                session, actor=actor, program_id=_id(input.id, "Program"),
                changes=_values(input, skip=("id",)))

        row, errors = await info.context.mutate(work)
        return ProgramPayload(program=Program.from_row(row) if row else None,
                              user_errors=errors)

    @strawberry.mutation(description="Create a person with roles (PMO only). They sign in to "
                                     "the API with a token (`pmo token`); the console also "
                                     "needs a password (`pmo user`).")
    async def create_person(self, info: Info, input: CreatePersonArg) -> PersonPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            wanted = [RoleEnum(r.value) for r in input.roles]
            person = await service.create_person(session, actor=actor,
                                                 data=_values(input, skip=("roles",)),
                                                 role_names=wanted)
            return person, sorted(set(wanted))

        return await _person_payload(info, work)

    @strawberry.mutation(description="Update a person (PMO only); `active: false` deactivates "
                                     "them instead of deleting.")
    async def update_person(self, info: Info, input: UpdatePersonArg) -> PersonPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            person_id = _id(input.id, "Person")
            person = await service.update_person(session, actor=actor, person_id=person_id,
                                                 changes=_values(input, skip=("id",)))
            return person, await service.roles.roles_of(session, person_id=person_id)

        return await _person_payload(info, work)

    @strawberry.mutation(description="Set exactly the roles a person holds (PMO only), "
                                     "effective on their next request.")
    async def assign_roles(self, info: Info, input: AssignRolesArg) -> PersonPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            person_id = _id(input.person_id, "Person", field="personId")
            held = await service.assign_roles(
                session, actor=actor, person_id=person_id,
                role_names=[RoleEnum(r.value) for r in input.roles])
            return await session.get(service.Person, person_id), held

        return await _person_payload(info, work)
