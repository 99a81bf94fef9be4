"""GraphQL types for portfolios."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from policies.resources import Resource
from schema.analytics.fields import AnalyticsPortfolioFields
from schema.context import Info
from schema.listing import Children, Reference, plan
from schema.metrics.fields import MetricsPortfolioFields
from schema.organisation.types import Person
from schema.pagination import After, Before, Connection, First, Last
from server.domain.organisation.models import Person as PersonRow
from server.domain.portfolio.models import Portfolio as PortfolioRow

if TYPE_CHECKING:
    from schema.project.filters import ProjectFilter, ProjectOrder
    from schema.project.types import Project


OWNER = Reference(PersonRow, "owner_id", "person", Person.from_row)


@cache  # built on first use: the project types import this module
def _projects() -> Children[Project]:
    from schema.project.filters import PROJECTS, project_conditions
    from schema.project.health import HEALTH_TERMS
    from server.domain.project.models import Project as ProjectRow

    return Children(PROJECTS, ProjectRow.portfolio_id, project_conditions, HEALTH_TERMS)


@strawberry.type(description="A set of projects owned by an executive, with a budget envelope.")
class Portfolio(MetricsPortfolioFields, AnalyticsPortfolioFields, relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Short unique code.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="What the portfolio is for.")
    budget: Decimal = strawberry.field(description="Budget envelope, in the base currency.")
    row: strawberry.Private[PortfolioRow]

    @strawberry.field(description="The executive who owns the portfolio.", metadata=plan(OWNER))
    async def owner(self, info: Info) -> Person | None:
        return await OWNER.resolve(info, self.row)

    @strawberry.field(description="The portfolio's projects, filtered and ordered.",
                      metadata=plan(_projects))
    async def projects(self, info: Info,
                       filter: Annotated[
                           Annotated[ProjectFilter, strawberry.lazy("schema.project.filters")]
                           | None, strawberry.argument(
                               description="Which projects to list; all given conditions "
                                           "must hold.")] = None,
                       order_by: Annotated[
                           list[Annotated[ProjectOrder, strawberry.lazy("schema.project.filters")]]
                           | None, strawberry.argument(
                               description="Sort terms in priority order; ties are broken by "
                                           "id.")] = None,
                       first: First = None, after: After = None,
                       last: Last = None, before: Before = None,
                       ) -> Connection[Annotated[Project, strawberry.lazy("schema.project.types")]]:
        return await _projects().resolve(info, self.row.id, filter, order_by, first, after,
                                         last, before)

    @strawberry.field(description="Whether the viewer may edit this portfolio.")
    def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", Resource("portfolio", id=self.id))

    @strawberry.field(description="Always false: portfolios are not deleted.",
                      deprecation_reason="No mutation deletes a portfolio.")
    def viewer_can_delete(self) -> bool:
        return False

    @classmethod
    def from_row(cls, row: PortfolioRow) -> Portfolio:
        return cls(id=row.id, code=row.code, name=row.name,  # type: ignore[arg-type]
                   description=row.description, budget=row.budget, row=row)
