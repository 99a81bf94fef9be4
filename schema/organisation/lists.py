"""Types, filters and orderings for people, departments, portfolios and programs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from schema.context import Info
from schema.listing import ListSpec, Reference, ids_of, plan, search, since
from schema.organisation.types import Person
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from schema.portfolio.types import Portfolio
from schema.raid.types import LazyPerson, person_of
from server.domain.organisation.models import Department as DepartmentRow
from server.domain.organisation.models import Person as PersonRow
from server.domain.portfolio.models import Portfolio as PortfolioRow
from server.domain.portfolio.models import Program as ProgramRow


@cache  # the Department type is defined below
def _parent_department() -> Reference[Department]:
    return Reference(DepartmentRow, "parent_id", "department", Department.from_row)


@strawberry.type(description="An organisational unit; departments nest.")
class Department(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Short unique code.")
    name: str = strawberry.field(description="Display name.")
    row: strawberry.Private[DepartmentRow]

    @strawberry.field(description="The department this one belongs to.",
                      metadata=plan(_parent_department))
    async def parent(self, info: Info) -> Department | None:
        return await _parent_department().resolve(info, self.row)

    @classmethod
    def from_row(cls, row: DepartmentRow) -> Department:
        return cls(id=row.id, code=row.code, name=row.name, row=row)  # type: ignore[arg-type]


PROGRAM_PORTFOLIO = Reference(PortfolioRow, "portfolio_id", "portfolio", Portfolio.from_row)


@strawberry.type(description="Related projects inside a portfolio, coordinated by a manager.")
class Program(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Short unique code.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="What the program is for.")
    row: strawberry.Private[ProgramRow]

    @strawberry.field(description="The portfolio the program belongs to.",
                      metadata=plan(PROGRAM_PORTFOLIO))
    async def portfolio(self, info: Info) -> Portfolio | None:
        return await PROGRAM_PORTFOLIO.resolve(info, self.row)

    @strawberry.field(description="The program manager.", metadata=plan(person_of("manager_id")))
    async def manager(self, info: Info) -> LazyPerson | None:
        return await person_of("manager_id").resolve(info, self.row)

    @classmethod
    def from_row(cls, row: ProgramRow) -> Program:
        return cls(id=row.id, code=row.code, name=row.name,  # type: ignore[arg-type]
                   description=row.description, row=row)


def _order_enum(name: str, fields: list[str], what: str) -> Any:
    return order_fields(what)(Enum(name, {f: f for f in fields}))  # type: ignore[arg-type]


PersonOrderField = _order_enum("PersonOrderField", ["FULL_NAME", "UPDATED_AT"], "people")
DepartmentOrderField = _order_enum("DepartmentOrderField", ["CODE", "NAME"], "departments")
PortfolioOrderField = _order_enum("PortfolioOrderField", ["CODE", "NAME", "BUDGET", "UPDATED_AT"],
                                  "portfolios")
ProgramOrderField = _order_enum("ProgramOrderField", ["CODE", "NAME", "UPDATED_AT"], "programs")


@strawberry.input(description="One ordering term for people.")
class PersonOrder:
    field: PersonOrderField = strawberry.field(description="What to order by.")  # type: ignore[valid-type]
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="One ordering term for departments.")
class DepartmentOrder:
    field: DepartmentOrderField = strawberry.field(description="What to order by.")  # type: ignore[valid-type]
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="One ordering term for portfolios.")
class PortfolioOrder:
    field: PortfolioOrderField = strawberry.field(description="What to order by.")  # type: ignore[valid-type]
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="One ordering term for programs.")
class ProgramOrder:
    field: ProgramOrderField = strawberry.field(description="What to order by.")  # type: ignore[valid-type]
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which people to list.")
class PersonFilter:
    search: str | None = strawberry.field(default=None, description="Text in name or title.")
    department_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="In any of these departments.")
    active: bool | None = strawberry.field(default=None, description="Only (in)active people.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


@strawberry.input(description="Which departments to list.")
class DepartmentFilter:
    search: str | None = strawberry.field(default=None, description="Text in code or name.")
    parent_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Directly under any of these departments.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


@strawberry.input(description="Which portfolios to list.")
class PortfolioFilter:
    search: str | None = strawberry.field(default=None, description="Text in code or name.")
    owner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Owned by any of these people.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


@strawberry.input(description="Which programs to list.")
class ProgramFilter:
    search: str | None = strawberry.field(default=None, description="Text in code or name.")
    portfolio_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="In any of these portfolios.")
    manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Managed by any of these people.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def person_conditions(f: PersonFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a person filter (search does not look at email: not every role
    may read it)."""
    if f is None:
        return []
    p: Any = PersonRow
    return [*search(f.search, p.full_name, p.title),
            *ids_of(p.department_id, f.department_ids, "Department", "departmentIds"),
            *([p.active == f.active] if f.active is not None else []),
            *since(p.updated_at, f.updated_since)]


def department_conditions(f: DepartmentFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a department filter."""
    if f is None:
        return []
    d: Any = DepartmentRow
    return [*search(f.search, d.code, d.name),
            *ids_of(d.parent_id, f.parent_ids, "Department", "parentIds"),
            *since(d.updated_at, f.updated_since)]


def portfolio_conditions(f: PortfolioFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a portfolio filter."""
    if f is None:
        return []
    p: Any = PortfolioRow
    return [*search(f.search, p.code, p.name), *ids_of(p.owner_id, f.owner_ids, "Person",
                                                        "ownerIds"),
            *since(p.updated_at, f.updated_since)]


def program_conditions(f: ProgramFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a program filter."""
    if f is None:
        return []
    p: Any = ProgramRow
    return [*search(f.search, p.code, p.name),
            *ids_of(p.portfolio_id, f.portfolio_ids, "Portfolio", "portfolioIds"),
            *ids_of(p.manager_id, f.manager_ids, "Person", "managerIds"),
            *since(p.updated_at, f.updated_since)]


# Email is not a sort key: ordering by it would leak it to analysts through positions.
PEOPLE = ListSpec(PersonRow, "person", OrderSpec({
    "FULL_NAME": SortField("FULL_NAME", PersonRow.full_name),
    "UPDATED_AT": SortField("UPDATED_AT", PersonRow.updated_at),
}, default=[("FULL_NAME", False)]), Person.from_row)
DEPARTMENTS = ListSpec(DepartmentRow, "department", OrderSpec({
    "CODE": SortField("CODE", DepartmentRow.code),
    "NAME": SortField("NAME", DepartmentRow.name),
}, default=[("CODE", False)]), Department.from_row)
PORTFOLIOS = ListSpec(PortfolioRow, "portfolio", OrderSpec({
    "CODE": SortField("CODE", PortfolioRow.code),
    "NAME": SortField("NAME", PortfolioRow.name),
    "BUDGET": SortField("BUDGET", PortfolioRow.budget),
    "UPDATED_AT": SortField("UPDATED_AT", PortfolioRow.updated_at),
}, default=[("CODE", False)]), Portfolio.from_row)
PROGRAMS = ListSpec(ProgramRow, "program", OrderSpec({
    "CODE": SortField("CODE", ProgramRow.code),
    "NAME": SortField("NAME", ProgramRow.name),
    "UPDATED_AT": SortField("UPDATED_AT", ProgramRow.updated_at),
}, default=[("CODE", False)]), Program.from_row)
