"""Root lists of people, departments, portfolios and programs."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.context import Info
from schema.listing import RootList, plan
from schema.organisation.lists import (
    DEPARTMENTS,
    PEOPLE,
    PORTFOLIOS,
    PROGRAMS,
    Department,
    DepartmentFilter,
    DepartmentOrder,
    PersonFilter,
    PersonOrder,
    PortfolioFilter,
    PortfolioOrder,
    Program,
    ProgramFilter,
    ProgramOrder,
    department_conditions,
    person_conditions,
    portfolio_conditions,
    program_conditions,
)
from schema.organisation.types import Person
from schema.pagination import After, Before, Connection, First, Last
from schema.portfolio.types import Portfolio

PEOPLE_LIST = RootList(PEOPLE, person_conditions)
DEPARTMENTS_LIST = RootList(DEPARTMENTS, department_conditions)
PORTFOLIOS_LIST = RootList(PORTFOLIOS, portfolio_conditions)
PROGRAMS_LIST = RootList(PROGRAMS, program_conditions)


PersonFilterArg = Annotated[PersonFilter | None, strawberry.argument(
    description="Which people to list; all given conditions must hold.")]
DepartmentFilterArg = Annotated[DepartmentFilter | None, strawberry.argument(
    description="Which departments to list; all given conditions must hold.")]
PortfolioFilterArg = Annotated[PortfolioFilter | None, strawberry.argument(
    description="Which portfolios to list; all given conditions must hold.")]
ProgramFilterArg = Annotated[ProgramFilter | None, strawberry.argument(
    description="Which programs to list; all given conditions must hold.")]
PersonOrderArg = Annotated[list[PersonOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]
DepartmentOrderArg = Annotated[list[DepartmentOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]
PortfolioOrderArg = Annotated[list[PortfolioOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]
ProgramOrderArg = Annotated[list[ProgramOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]


@strawberry.type
class OrganisationQueries:
    @strawberry.field(description="People; at most 500 per page.",
                      metadata=plan(PEOPLE_LIST))
    async def people(self, info: Info, filter: PersonFilterArg = None,
                     order_by: PersonOrderArg = None, first: First = None,
                     after: After = None, last: Last = None,
                     before: Before = None) -> Connection[Person]:
        return await PEOPLE_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Departments; at most 500 per page.",
                      metadata=plan(DEPARTMENTS_LIST))
    async def departments(self, info: Info, filter: DepartmentFilterArg = None,
                          order_by: DepartmentOrderArg = None,
                          first: First = None, after: After = None,
                          last: Last = None, before: Before = None,
                          ) -> Connection[Department]:
        return await DEPARTMENTS_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Portfolios; at most 500 per page.",
                      metadata=plan(PORTFOLIOS_LIST))
    async def portfolios(self, info: Info, filter: PortfolioFilterArg = None,
                         order_by: PortfolioOrderArg = None, first: First = None,
                         after: After = None, last: Last = None,
                         before: Before = None) -> Connection[Portfolio]:
        return await PORTFOLIOS_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Programs; at most 500 per page.",
                      metadata=plan(PROGRAMS_LIST))
    async def programs(self, info: Info, filter: ProgramFilterArg = None,
                       order_by: ProgramOrderArg = None, first: First = None,
                       after: After = None, last: Last = None,
                       before: Before = None) -> Connection[Program]:
        return await PROGRAMS_LIST.resolve(info, filter, order_by, first, after, last, before)
