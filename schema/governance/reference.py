"""Reference data (project types, RAG thresholds, settings) and project gate checklists."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import EvmMetric
from schema.listing import ListSpec, plan, root_connection, search, since
from schema.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    OrderDirection,
    OrderSpec,
    SortField,
    order_fields,
)
from schema.raid.types import LazyPerson, RiskCategory, person_of
from server.domain.governance.models import ProjectChecklistItem as ChecklistItemRow
from server.domain.governance.models import ProjectType as ProjectTypeRow
from server.domain.governance.models import RagThreshold as RagThresholdRow
from server.domain.governance.models import RiskCategory as RiskCategoryRow
from server.domain.governance.models import Setting as SettingRow


@strawberry.type(description="Reference data: a kind of project (infrastructure, product, ...).")
class ProjectType(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Short unique code.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="When to use it.")
    active: bool = strawberry.field(description="Whether new projects may use it.")

    @classmethod
    def from_row(cls, row: ProjectTypeRow) -> ProjectType:
        return cls(id=row.id, code=row.code, name=row.name,  # type: ignore[arg-type]
                   description=row.description, active=row.active)


@strawberry.type(description="Reference data: the CPI or SPI bands health is computed from; "
                             "green at or above greenAt, amber at or above amberAt, else red.")
class RagThreshold(relay.Node):
    id: relay.NodeID[int]
    metric: EvmMetric = strawberry.field(description="CPI or SPI.")  # type: ignore[valid-type]
    green_at: Decimal = strawberry.field(description="Green at or above this value.")
    amber_at: Decimal = strawberry.field(description="Amber at or above this value.")

    @classmethod
    def from_row(cls, row: RagThresholdRow) -> RagThreshold:
        return cls(id=row.id, metric=row.metric, green_at=row.green_at,  # type: ignore[arg-type]
                   amber_at=row.amber_at)


@strawberry.type(description="Reference data: an organisation-wide setting such as "
                             "base_currency.")
class Setting(relay.Node):
    id: relay.NodeID[int]
    key: str = strawberry.field(description="Unique key, e.g. base_currency.")
    value: str = strawberry.field(description="Its value, e.g. EUR.")

    @classmethod
    def from_row(cls, row: SettingRow) -> Setting:
        return cls(id=row.id, key=row.key, value=row.value)  # type: ignore[arg-type]


@strawberry.type(description="An item of a project gate's checklist, ticked off with evidence.")
class ProjectChecklistItem(relay.Node):
    id: relay.NodeID[int]
    sequence: int = strawberry.field(description="Order within the gate's checklist.")
    text: str = strawberry.field(description="What must be done.")
    mandatory: bool = strawberry.field(description="Whether the gate waits for it.")
    done: bool = strawberry.field(description="Whether it is done.")
    done_at: datetime | None = strawberry.field(description="When it was done.")
    evidence_url: str | None = strawberry.field(description="Link to the evidence.")
    row: strawberry.Private[ChecklistItemRow]

    @strawberry.field(description="Who ticked it off.", metadata=plan(person_of("done_by_id")))
    async def done_by(self, info: Info) -> LazyPerson | None:
        return await person_of("done_by_id").resolve(info, self.row)

    @classmethod
    def from_row(cls, row: ChecklistItemRow) -> ProjectChecklistItem:
        return cls(id=row.id, sequence=row.sequence, text=row.text,  # type: ignore[arg-type]
                   mandatory=row.mandatory, done=row.done, done_at=row.done_at,
                   evidence_url=row.evidence_url, row=row)


@order_fields("reference rows")
class ReferenceOrderField(Enum):
    CODE = "CODE"
    NAME = "NAME"


@strawberry.input(description="One ordering term for project types.")
class ProjectTypeOrder:
    field: ReferenceOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which project types to list.")
class ProjectTypeFilter:
    search: str | None = strawberry.field(default=None, description="Text in code or name.")
    active: bool | None = strawberry.field(default=None, description="Only (in)active ones.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


@strawberry.input(description="One ordering term for risk categories.")
class RiskCategoryOrder:
    field: ReferenceOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which risk categories to list.")
class RiskCategoryFilter:
    search: str | None = strawberry.field(default=None, description="Text in code or name.")
    active: bool | None = strawberry.field(default=None, description="Only (in)active ones.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def _reference_conditions(table: Any, f: ProjectTypeFilter | RiskCategoryFilter | None,
                          ) -> list[Any]:
    if f is None:
        return []
    where = [*search(f.search, table.code, table.name), *since(table.updated_at,
                                                               f.updated_since)]
    if f.active is not None:
        where.append(table.active == f.active)
    return where


PROJECT_TYPES = ListSpec(ProjectTypeRow, "reference_data", OrderSpec({
    "CODE": SortField("CODE", ProjectTypeRow.code),
    "NAME": SortField("NAME", ProjectTypeRow.name),
}, default=[("CODE", False)]), ProjectType.from_row)
RISK_CATEGORIES = ListSpec(RiskCategoryRow, "reference_data", OrderSpec({
    "CODE": SortField("CODE", RiskCategoryRow.code),
    "NAME": SortField("NAME", RiskCategoryRow.name),
}, default=[("CODE", False)]), RiskCategory.from_row)
RAG_THRESHOLDS = ListSpec(RagThresholdRow, "reference_data", OrderSpec(
    {"METRIC": SortField("METRIC", RagThresholdRow.metric)}, default=[("METRIC", False)]),
    RagThreshold.from_row)
SETTINGS = ListSpec(SettingRow, "reference_data", OrderSpec(
    {"KEY": SortField("KEY", SettingRow.key)}, default=[("KEY", False)]), Setting.from_row)
CHECKLIST_ITEMS = ListSpec(ChecklistItemRow, "checklist_item", OrderSpec(
    {"SEQUENCE": SortField("SEQUENCE", ChecklistItemRow.sequence)},
    default=[("SEQUENCE", False)]), ProjectChecklistItem.from_row)


ProjectTypeFilterArg = Annotated[ProjectTypeFilter | None, strawberry.argument(
    description="Which project types to list; all given conditions must hold.")]
ProjectTypeOrderArg = Annotated[list[ProjectTypeOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]


@strawberry.type
class ReferenceQueries:
    @strawberry.field(description="Project types; at most 500 per page.")
    async def project_types(self, info: Info, filter: ProjectTypeFilterArg = None,
                            order_by: ProjectTypeOrderArg = None,
                            first: First = None, after: After = None, last: Last = None,
                            before: Before = None) -> Connection[ProjectType]:
        return await root_connection(info, PROJECT_TYPES,
                                     _reference_conditions(ProjectTypeRow, filter), order_by,
                                     first, after, last, before)

    @strawberry.field(description="Risk categories, for a risk's `categoryId`; at most 500 "
                                  "per page.")
    async def risk_categories(
        self, info: Info,
        filter: Annotated[RiskCategoryFilter | None, strawberry.argument(
            description="Which risk categories to list; all given conditions must hold.")]
        = None,
        order_by: Annotated[list[RiskCategoryOrder] | None, strawberry.argument(
            description="Sort terms in priority order (default: by code); ties are broken "
                        "by id.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[RiskCategory]:
        return await root_connection(info, RISK_CATEGORIES,
                                     _reference_conditions(RiskCategoryRow, filter), order_by,
                                     first, after, last, before)

    @strawberry.field(description="The CPI and SPI bands that project health is computed from.")
    async def rag_thresholds(self, info: Info, first: First = None, after: After = None,
                             last: Last = None, before: Before = None,
                             ) -> Connection[RagThreshold]:
        return await root_connection(info, RAG_THRESHOLDS, [], None, first, after, last, before)

    @strawberry.field(description="Organisation-wide settings such as base_currency.")
    async def settings(self, info: Info, first: First = None, after: After = None,
                       last: Last = None, before: Before = None) -> Connection[Setting]:
        return await root_connection(info, SETTINGS, [], None, first, after, last, before)
