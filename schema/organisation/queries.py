"""Root lists of people, departments, portfolios and programs."""

from __future__ import annotations

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


@strawberry.type
class OrganisationQueries:
    @strawberry.field(description="People; at most 500 per page.",
                      metadata=plan(PEOPLE_LIST))
    async def people(self, info: Info, filter: PersonFilter | None = None,
                     order_by: list[PersonOrder] | None = None, first: First = None,
                     after: After = None, last: Last = None,
                     before: Before = None) -> Connection[Person]:
        return await PEOPLE_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Departments; at most 500 per page.",
                      metadata=plan(DEPARTMENTS_LIST))
    async def departments(self, info: Info, filter: DepartmentFilter | None = None,
                          order_by: list[DepartmentOrder] | None = None,
                          first: First = None, after: After = None,
                          last: Last = None, before: Before = None,
                          ) -> Connection[Department]:
        return await DEPARTMENTS_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Portfolios; at most 500 per page.",
                      metadata=plan(PORTFOLIOS_LIST))
    async def portfolios(self, info: Info, filter: PortfolioFilter | None = None,
                         order_by: list[PortfolioOrder] | None = None, first: First = None,
                         after: After = None, last: Last = None,
                         before: Before = None) -> Connection[Portfolio]:
        return await PORTFOLIOS_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Programs; at most 500 per page.",
                      metadata=plan(PROGRAMS_LIST))
    async def programs(self, info: Info, filter: ProgramFilter | None = None,
                       order_by: list[ProgramOrder] | None = None, first: First = None,
                       after: After = None, last: Last = None,
                       before: Before = None) -> Connection[Program]:
        return await PROGRAMS_LIST.resolve(info, filter, order_by, first, after, last, before)
