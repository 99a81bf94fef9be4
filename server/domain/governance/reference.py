"""Reference data and governance templates as the PMO maintains them (the console's writes).

One rule for each kind, whoever writes: values checked by a schema (errors name the API's
camelCase fields), unique values answered as DUPLICATE before the database is asked, a row
still in use never deleted (the error says what uses it, and retiring it by ``active: false``
is offered where the kind has that flag), every change audited with its actor's source. An
update that changes nothing writes nothing. Never committed here: the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError, field_validator
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.common import flush, get_or_raise, validated
from server.domain.enums import ApproverRole, DocumentKind, EvmMetric
from server.domain.errors import DomainError, ErrorCode, FieldError, from_validation_error
from server.domain.governance.models import (
    ChecklistItemTemplate,
    DocumentTemplate,
    GateTemplate,
    GovernanceTemplate,
    ProjectType,
    RagThreshold,
    RiskCategory,
    Setting,
)
from server.domain.knowledge import documents
from server.domain.organisation.models import Department, Person, StrategicObjective
from server.domain.project.models import Project, ProjectObjective
from server.domain.raid.models import Risk

RIGHT = ("update", Resource("reference_data"))
INDEX_MAX = Decimal("10")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# --- the values each kind takes ---------------------------------------------------------

class _Coded(SQLModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    active: bool = True

    @field_validator("code", "name")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()


class _Thresholds(SQLModel):
    metric: EvmMetric
    green_at: Decimal = Field(gt=0, le=INDEX_MAX, decimal_places=3)
    amber_at: Decimal = Field(gt=0, le=INDEX_MAX, decimal_places=3)


class _Setting(SQLModel):
    key: str = Field(min_length=1, max_length=64)
    value: str = Field(min_length=1, max_length=2000)


class _Department(SQLModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    parent_id: int | None = None


class _Objective(_Coded):
    weight: Decimal = Field(default=Decimal("1"), ge=0, le=Decimal("1000"), decimal_places=2)
    period_start: date | None = None
    period_end: date | None = None


class _Template(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    methodology: str = Field(default="Waterfall", min_length=1, max_length=64)
    active: bool = True


class _Gate(SQLModel):
    governance_template_id: int
    sequence: int = Field(ge=1, le=99)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    approver_role: ApproverRole = ApproverRole.EXECUTIVE
    takes_baseline: bool = False


class _Item(SQLModel):
    gate_template_id: int
    sequence: int = Field(default=1, ge=1, le=999)
    text: str = Field(min_length=1, max_length=2000)
    mandatory: bool = True


class _Document(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: DocumentKind
    body: str = Field(default="", max_length=100_000)
    active: bool = True

    @field_validator("body")
    @classmethod
    def _lines(cls, value: str) -> str:
        # Browsers send a textarea's line breaks as CRLF: kept as the line breaks they are.
        return value.replace("\r\n", "\n").replace("\r", "\n")


# --- what else each kind must satisfy ---------------------------------------------------

Check = Callable[[AsyncSession, dict[str, Any], Any], Awaitable[None]]
Uses = Callable[[AsyncSession, int], Awaitable[list[str]]]


async def _count(session: AsyncSession, column: Any, row_id: int) -> int:
    statement = sa.select(sa.func.count()).where(column == row_id)
    return int((await session.exec(statement)).scalar_one())  # type: ignore[call-overload]


def _used_by(*counted: tuple[Any, str]) -> Uses:
    """What uses a row: for each (foreign key column, what its rows are called), a count."""
    async def uses(session: AsyncSession, row_id: int) -> list[str]:
        found = []
        for column, noun in counted:
            n = await _count(session, column, row_id)
            if n:
                found.append(f"{n} {noun}{'' if n == 1 else 's'}")
        return found
    return uses


async def _bands(session: AsyncSession, values: dict[str, Any], row: Any) -> None:
    if values["amber_at"] >= values["green_at"]:
        raise DomainError.one("amberAt", "amber must start below green (an index at or above "
                              f"{values['green_at']} is green)", ErrorCode.INVALID)


CURRENCY = re.compile(r"^[A-Z]{3}$")


async def _setting(session: AsyncSession, values: dict[str, Any], row: Any) -> None:
    if values["key"] == "base_currency" and not CURRENCY.match(values["value"]):
        raise DomainError.one("value", "the base currency is a three-letter ISO 4217 code, "
                              "e.g. EUR", ErrorCode.INVALID)


async def _parent(session: AsyncSession, values: dict[str, Any], row: Any) -> None:
    parent_id = values.get("parent_id")
    seen = {row.id} if row is not None else set()
    while parent_id is not None:
        if parent_id in seen:
            raise DomainError.one("parentId", "a department cannot be inside itself",
                                  ErrorCode.INVALID)
        seen.add(parent_id)
        parent = await session.get(Department, parent_id)
        if parent is None:
            raise DomainError.one("parentId", "no department with this id", ErrorCode.NOT_FOUND)
        parent_id = parent.parent_id


async def _gate(session: AsyncSession, values: dict[str, Any], row: Any) -> None:
    template_id = values["governance_template_id"]
    if await session.get(GovernanceTemplate, template_id) is None:
        raise DomainError.one("governanceTemplateId", "no governance template with this id",
                              ErrorCode.NOT_FOUND)
    if values.get("takes_baseline"):
        other = (await session.exec(sa.select(GateTemplate).where(  # type: ignore[call-overload]
            GateTemplate.governance_template_id == template_id,
            GateTemplate.takes_baseline.is_(True),  # type: ignore[attr-defined]
            GateTemplate.id != (row.id if row is not None else -1)))).scalars().first()
        if other is not None:
            raise DomainError.one("takesBaseline", f"gate {other.sequence} ({other.name}) "
                                  "already takes the baseline in this template",
                                  ErrorCode.DUPLICATE)


async def _item(session: AsyncSession, values: dict[str, Any], row: Any) -> None:
    if await session.get(GateTemplate, values["gate_template_id"]) is None:
        raise DomainError.one("gateTemplateId", "no gate template with this id",
                              ErrorCode.NOT_FOUND)


async def _document(session: AsyncSession, values: dict[str, Any], row: Any) -> None:
    unknown = documents.unknown_in(values["body"])
    if unknown:
        names = ", ".join(f"{{{{{name}}}}}" for name in unknown)
        raise DomainError.one("body", f"no project can fill {names}: use the listed "
                              "placeholders", ErrorCode.INVALID)


async def _period(session: AsyncSession, values: dict[str, Any], row: Any) -> None:
    start, end = values.get("period_start"), values.get("period_end")
    if start is not None and end is not None and end < start:
        raise DomainError.one("periodEnd", "the period cannot end before it starts",
                              ErrorCode.INVALID)


async def _none(session: AsyncSession, values: dict[str, Any], row: Any) -> None:
    return None


async def _nothing_uses(session: AsyncSession, row_id: int) -> list[str]:
    return []


@dataclass(frozen=True)
class Kind:
    """One kind of reference row and its rules."""

    model: type[SQLModel]
    label: str
    schema: type[SQLModel]
    unique: Sequence[tuple[str, ...]]
    """Sets of fields no two rows share; the last one names the field in the error."""
    check: Check = _none
    uses: Uses = _nothing_uses
    never_deleted: str | None = None
    """Why no row of this kind is ever deleted, or None."""


KINDS: dict[type[SQLModel], Kind] = {k.model: k for k in (
    Kind(ProjectType, "project type", _Coded, [("code",)],
         uses=_used_by((Project.project_type_id, "project"))),
    Kind(RiskCategory, "risk category", _Coded, [("code",)],
         uses=_used_by((Risk.category_id, "risk"))),
    Kind(RagThreshold, "RAG threshold", _Thresholds, [("metric",)], check=_bands,
         never_deleted="health needs a CPI and an SPI band: change the values instead"),
    Kind(Setting, "setting", _Setting, [("key",)], check=_setting),
    Kind(Department, "department", _Department, [("code",)], check=_parent,
         uses=_used_by((Person.department_id, "person"), (Project.department_id, "project"),
                       (Department.parent_id, "department"))),
    Kind(StrategicObjective, "strategic objective", _Objective, [("code",)], check=_period,
         uses=_used_by((ProjectObjective.objective_id, "project alignment"))),
    Kind(GovernanceTemplate, "governance template", _Template, [("name",)],
         uses=_used_by((Project.governance_template_id, "project"))),
    # A gate copied to projects may still go: their copies are their own (ProjectGate).
    Kind(GateTemplate, "gate", _Gate, [("governance_template_id", "sequence")], check=_gate),
    Kind(ChecklistItemTemplate, "checklist item", _Item, [("gate_template_id", "sequence")],
         check=_item),
    Kind(DocumentTemplate, "document template", _Document, [("name",)], check=_document),
)}


def kind_of(model: type[SQLModel]) -> Kind:
    return KINDS[model]


# --- the three writes ---------------------------------------------------------------------

def _values(kind: Kind, data: dict[str, Any]) -> dict[str, Any]:
    names = {name: _camel(name) for name in kind.schema.model_fields}
    return validated(kind.schema, data, api_names={**names, "__root__": "input"})


async def _check_unique(session: AsyncSession, kind: Kind, values: dict[str, Any],
                        row: Any) -> None:
    model: Any = kind.model
    for fields in kind.unique:
        statement = sa.select(model).where(*(getattr(model, f) == values[f] for f in fields))
        if row is not None:
            statement = statement.where(model.id != row.id)
        twin = (await session.exec(statement)).scalars().first()  # type: ignore[call-overload]
        if twin is not None:
            what = " and ".join(fields[-1:])
            raise DomainError.one(_camel(fields[-1]), f"another {kind.label} already has this "
                                  f"{what.replace('_', ' ')}", ErrorCode.DUPLICATE)


async def _write(session: AsyncSession, actor: Actor, kind: Kind, row: Any, action: str,
                 before: dict[str, Any]) -> Any:
    session.add(row)
    await flush(session, kind.label, on_unique=DomainError.one(
        "input", f"another {kind.label} was saved with the same values just now",
        ErrorCode.DUPLICATE))
    changes = audit.diff(before, audit.snapshot(row))
    if changes or action != "update":
        await audit.record(session, actor=actor, action=action,
                           entity_type=type(row).__name__, entity_id=row.id, changes=changes)
    return row


async def create(session: AsyncSession, *, actor: Actor, model: type[SQLModel],
                 data: dict[str, Any]) -> Any:
    """A new row of ``model`` from ``data`` (snake_case values)."""
    actor.require(*RIGHT)
    kind = kind_of(model)
    values = _values(kind, data)
    await kind.check(session, values, None)
    await _check_unique(session, kind, values, None)
    return await _write(session, actor, kind, model(**values), "create", {})


async def update(session: AsyncSession, *, actor: Actor, model: type[SQLModel], row_id: int,
                 data: dict[str, Any]) -> Any:
    """Row ``row_id`` with every field of ``data`` (the whole form) set."""
    actor.require(*RIGHT)
    kind = kind_of(model)
    row = await get_or_raise(session, model, row_id, kind.label)
    current = {name: getattr(row, name) for name in kind.schema.model_fields}
    values = _values(kind, {**current, **data})
    await kind.check(session, values, row)
    await _check_unique(session, kind, values, row)
    before = audit.snapshot(row)
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    return await _write(session, actor, kind, row, "update", before)


async def delete(session: AsyncSession, *, actor: Actor, model: type[SQLModel],
                 row_id: int) -> None:
    """Delete row ``row_id``, unless it is still in use (the error says by what)."""
    actor.require(*RIGHT)
    kind = kind_of(model)
    row = await get_or_raise(session, model, row_id, kind.label)
    if kind.never_deleted is not None:
        raise DomainError.one("id", f"a {kind.label} is never deleted: {kind.never_deleted}",
                              ErrorCode.INVALID)
    uses = await kind.uses(session, row_id)
    if uses:
        retire = (" Retire it instead (set it inactive)."
                  if "active" in kind.schema.model_fields else "")
        name = getattr(row, "name", None) or getattr(row, "code", None) or f"#{row_id}"
        raise DomainError([FieldError(("id",), f"{kind.label.capitalize()} {name} is still "
                                      f"used by {' and '.join(uses)}.{retire}",
                                      ErrorCode.INVALID)])
    before = audit.snapshot(row)
    await session.delete(row)
    await flush(session, kind.label)
    await audit.record(session, actor=actor, action="delete", entity_type=type(row).__name__,
                       entity_id=row_id, changes=audit.diff(before, {}))


# --- a template's gates and checklists, edited as one ------------------------------------

class _ItemIn(SQLModel):
    id: int | None = None
    text: str = Field(min_length=1, max_length=2000)
    mandatory: bool = True


class _GateIn(SQLModel):
    id: int | None = None
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    approver_role: ApproverRole = ApproverRole.EXECUTIVE
    takes_baseline: bool = False
    items: list[_ItemIn] = []


class _Structure(SQLModel):
    gates: list[_GateIn] = Field(max_length=30)


def _outline(gates: Sequence[GateTemplate],
             items: dict[int, list[ChecklistItemTemplate]]) -> list[dict[str, Any]]:
    """The gates and items as the audit keeps them (plain values, in order)."""
    return [{"id": g.id, "name": g.name, "description": g.description,
             "approverRole": g.approver_role.value, "takesBaseline": g.takes_baseline,
             "items": [{"id": i.id, "text": i.text, "mandatory": i.mandatory}
                       for i in items.get(g.id, [])]}  # type: ignore[arg-type]
            for g in gates]


async def gates_of(session: AsyncSession, template_id: int,
                   ) -> tuple[list[GateTemplate], dict[int, list[ChecklistItemTemplate]]]:
    """A template's gates in order and each gate's items in order."""
    gates = list((await session.exec(sa.select(GateTemplate).where(  # type: ignore[call-overload]
        GateTemplate.governance_template_id == template_id).order_by(
            GateTemplate.sequence))).scalars().all())
    items: dict[int, list[ChecklistItemTemplate]] = {g.id: [] for g in gates}  # type: ignore[misc]
    if gates:
        rows = (await session.exec(sa.select(ChecklistItemTemplate).where(  # type: ignore[call-overload]
            ChecklistItemTemplate.gate_template_id.in_(list(items))).order_by(  # type: ignore[attr-defined]
                ChecklistItemTemplate.sequence, ChecklistItemTemplate.id))).scalars().all()
        for row in rows:
            items[row.gate_template_id].append(row)
    return gates, items


async def save_gates(session: AsyncSession, *, actor: Actor, template_id: int,
                     gates: list[dict[str, Any]]) -> list[GateTemplate]:
    """Make the template's gates and checklist items exactly ``gates`` (in order: a gate's
    position is its sequence, an item's likewise). Rows named by ``id`` are updated, rows
    without one added, rows left out removed; projects keep the copies they already have.
    One audit event on the template holds the outline before and after."""
    actor.require(*RIGHT)
    template = await get_or_raise(session, GovernanceTemplate, template_id, "governance template")
    try:
        wanted = _Structure.model_validate({"gates": gates}).gates
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    if sum(g.takes_baseline for g in wanted) > 1:
        raise DomainError.one("gates", "only one gate may take the baseline",
                              ErrorCode.DUPLICATE)
    current, current_items = await gates_of(session, template_id)
    before = _outline(current, current_items)
    by_id = {g.id: g for g in current}
    items_by_id = {i.id: i for rows in current_items.values() for i in rows}
    foreign = [g.id for g in wanted if g.id is not None and g.id not in by_id] + [
        i.id for g in wanted for i in g.items if i.id is not None and i.id not in items_by_id]
    if foreign:
        raise DomainError.one("gates", f"not part of this template: {foreign}",
                              ErrorCode.NOT_FOUND)
    kept_gates = {g.id for g in wanted if g.id is not None}
    kept_items = {i.id for g in wanted for i in g.items if i.id is not None}
    for row in [i for i in items_by_id.values() if i.id not in kept_items]:
        await session.delete(row)
    # Out of the way of the (template, sequence) and (gate, sequence) unique keys first.
    for offset, row in enumerate([*by_id.values(),
                                  *(i for i in items_by_id.values() if i.id in kept_items)],
                                 start=1):
        row.sequence = 1000 + offset
    await session.flush()
    saved = []
    for position, gate_in in enumerate(wanted, start=1):
        gate = by_id.get(gate_in.id) if gate_in.id is not None else None  # type: ignore[arg-type]
        if gate is None:
            gate = GateTemplate(governance_template_id=template_id, sequence=position,
                                name=gate_in.name)
        gate.sequence, gate.name, gate.description = position, gate_in.name, gate_in.description
        gate.approver_role, gate.takes_baseline = gate_in.approver_role, gate_in.takes_baseline
        session.add(gate)
        await session.flush()
        for number, item_in in enumerate(gate_in.items, start=1):
            item = items_by_id.get(item_in.id) if item_in.id is not None else None  # type: ignore[arg-type]
            if item is None:
                item = ChecklistItemTemplate(gate_template_id=gate.id, sequence=number,  # type: ignore[arg-type]
                                             text=item_in.text)
            item.gate_template_id, item.sequence = gate.id, number  # type: ignore[assignment]
            item.text, item.mandatory = item_in.text, item_in.mandatory
            session.add(item)
        saved.append(gate)
    await session.flush()
    # Removed gates last: an item moved out of one has a new gate by now (the database
    # would delete an old gate's items with it).
    for row in [g for g in current if g.id not in kept_gates]:
        await session.delete(row)
    await flush(session, "governance template")
    after_gates, after_items = await gates_of(session, template_id)
    after = _outline(after_gates, after_items)
    if after != before:
        await audit.record(session, actor=actor, action="edit_gates",
                           entity_type="GovernanceTemplate", entity_id=template.id,  # type: ignore[arg-type]
                           changes={"gates": {"before": before, "after": after}})
    return saved
