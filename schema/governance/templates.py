"""Governance and document templates: types, filters, orderings and root lists."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from schema.context import Info
from schema.enums import ApproverRole, DocumentKind
from schema.listing import ListSpec, one_of, root_connection, search, since
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
from server.domain.governance.models import ChecklistItemTemplate as ChecklistItemTemplateRow
from server.domain.governance.models import DocumentTemplate as DocumentTemplateRow
from server.domain.governance.models import GateTemplate as GateTemplateRow
from server.domain.governance.models import GovernanceTemplate as GovernanceTemplateRow
from server.domain.knowledge import documents


@strawberry.type(description="An item to complete before a gate may be submitted.")
class ChecklistItemTemplate:
    text: str = strawberry.field(description="What must be done.")
    mandatory: bool = strawberry.field(description="Whether the gate waits for it.")


@strawberry.type(description="A stage gate in a governance template.")
class GateTemplate:
    sequence: int = strawberry.field(description="Order in the lifecycle (1..n).")
    name: str = strawberry.field(description="Gate name.")
    description: str | None = strawberry.field(description="What the gate checks.")
    approver_role: ApproverRole = strawberry.field(description="Who decides it.")  # type: ignore[valid-type]
    takes_baseline: bool = strawberry.field(
        description="Whether its GO takes the project's first baseline (one gate at most).")
    checklist: list[ChecklistItemTemplate] = strawberry.field(description="Its checklist.")


@strawberry.type(description="A lifecycle of ordered gates with checklists that projects follow.")
class GovernanceTemplate(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Unique name.")
    description: str | None = strawberry.field(description="When to use it.")
    methodology: str = strawberry.field(description="Waterfall, Agile, Hybrid, ...")
    active: bool = strawberry.field(description="Whether new projects may use it.")
    version: int = strawberry.field(description="Send back with updates (optimistic locking).")
    row: strawberry.Private[GovernanceTemplateRow]

    @strawberry.field(description="The gates in sequence, each with its checklist.")
    async def gates(self, info: Info) -> list[GateTemplate]:
        loader = info.context.loaders.keyed(("gate_templates",), lambda: _gate_loader(info))
        return await loader.load(self.row.id)  # type: ignore[no-any-return]

    @classmethod
    def from_row(cls, row: GovernanceTemplateRow) -> GovernanceTemplate:
        return cls(id=row.id, name=row.name, description=row.description,  # type: ignore[arg-type]
                   methodology=row.methodology, active=row.active, version=row.version, row=row)


def _gate_loader(info: Info) -> Any:
    from strawberry.dataloader import DataLoader

    async def load(template_ids: list[int]) -> list[list[GateTemplate]]:
        async with info.context.sessions() as session:
            gates = (await session.exec(sa.select(GateTemplateRow).where(  # type: ignore[call-overload]
                GateTemplateRow.governance_template_id.in_(template_ids))  # type: ignore[attr-defined]
                .order_by(GateTemplateRow.sequence))).scalars().all()
            items = (await session.exec(sa.select(ChecklistItemTemplateRow).where(  # type: ignore[call-overload]
                ChecklistItemTemplateRow.gate_template_id.in_([g.id for g in gates]))  # type: ignore[attr-defined]
                .order_by(ChecklistItemTemplateRow.sequence, ChecklistItemTemplateRow.id))
            ).scalars().all()
        by_gate: dict[int, list[ChecklistItemTemplate]] = {}
        for item in items:
            by_gate.setdefault(item.gate_template_id, []).append(
                ChecklistItemTemplate(text=item.text, mandatory=item.mandatory))
        by_template: dict[int, list[GateTemplate]] = {i: [] for i in template_ids}
        for gate in gates:
            by_template[gate.governance_template_id].append(GateTemplate(
                sequence=gate.sequence, name=gate.name, description=gate.description,
                approver_role=gate.approver_role, takes_baseline=gate.takes_baseline,  # type: ignore[arg-type]
                checklist=by_gate.get(gate.id, [])))
        return [by_template[i] for i in template_ids]

    return DataLoader(load_fn=load)


@strawberry.type(description="A Markdown document with {{project.name}}-style placeholders.")
class DocumentTemplate(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Unique name.")
    kind: DocumentKind = strawberry.field(description="Charter, business case, ...")  # type: ignore[valid-type]
    body: str = strawberry.field(description="Markdown body with placeholders.")
    active: bool = strawberry.field(description="Whether it is offered for new documents.")
    version: int = strawberry.field(description="Send back with updates (optimistic locking).")

    @strawberry.field(description="Placeholders in the body that no project can fill (see "
                                  "documentPlaceholders); they would stay visible as written.")
    def unknown_placeholders(self) -> list[str]:
        return documents.unknown_in(self.body)

    @classmethod
    def from_row(cls, row: DocumentTemplateRow) -> DocumentTemplate:
        return cls(id=row.id, name=row.name, kind=row.kind, body=row.body,  # type: ignore[arg-type]
                   active=row.active, version=row.version)


@order_fields("templates")
class TemplateOrderField(Enum):
    NAME = "NAME"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for templates.")
class TemplateOrder:
    field: TemplateOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which templates to list.")
class TemplateFilter:
    search: str | None = strawberry.field(default=None, description="Text in name or description.")
    active: bool | None = strawberry.field(default=None, description="Only (in)active ones.")
    kinds: list[DocumentKind] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Document templates of any of these kinds.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def _template_conditions(model: Any, f: TemplateFilter | None,
                         text_columns: list[Any]) -> list[ColumnElement[bool]]:
    if f is None:
        return []
    out = [*search(f.search, *text_columns), *since(model.updated_at, f.updated_since)]
    if f.active is not None:
        out.append(model.active == f.active)
    if f.kinds is not None and hasattr(model, "kind"):
        out += one_of(model.kind, f.kinds)
    return out


def _spec(model: Any, resource: str, convert: Any) -> ListSpec[Any]:
    return ListSpec(model, resource, OrderSpec({
        "NAME": SortField("NAME", model.name),
        "UPDATED_AT": SortField("UPDATED_AT", model.updated_at),
    }, default=[("NAME", False)]), convert)


GOVERNANCE_TEMPLATES = _spec(GovernanceTemplateRow, "governance_template",
                             GovernanceTemplate.from_row)
DOCUMENT_TEMPLATES = _spec(DocumentTemplateRow, "document_template", DocumentTemplate.from_row)


TemplateFilterArg = Annotated[TemplateFilter | None, strawberry.argument(
    description="Which templates to list; all given conditions must hold.")]
TemplateOrderArg = Annotated[list[TemplateOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]


@strawberry.type
class GovernanceQueries:
    @strawberry.field(description="Governance templates; at most 500 per page.")
    async def governance_templates(self, info: Info, filter: TemplateFilterArg = None,
                                   order_by: TemplateOrderArg = None,
                                   first: First = None, after: After = None,
                                   last: Last = None, before: Before = None,
                                   ) -> Connection[GovernanceTemplate]:
        g: Any = GovernanceTemplateRow
        return await root_connection(
            info, GOVERNANCE_TEMPLATES, _template_conditions(g, filter, [g.name, g.description]),
            order_by, first, after, last, before)

    @strawberry.field(description="Document templates; at most 500 per page.")
    async def document_templates(self, info: Info, filter: TemplateFilterArg = None,
                                 order_by: TemplateOrderArg = None,
                                 first: First = None, after: After = None,
                                 last: Last = None, before: Before = None,
                                 ) -> Connection[DocumentTemplate]:
        d: Any = DocumentTemplateRow
        return await root_connection(
            info, DOCUMENT_TEMPLATES, _template_conditions(d, filter, [d.name, d.body]),
            order_by, first, after, last, before)
