"""Reading the audit trail: which entries a reader may see and what the filters mean in SQL.

``entity_type`` holds the entity's type name (``Project``, ``ChangeRequest``), the name of its
table model and of its GraphQL type alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from policies.resources import RESOURCE_TYPES
from server.domain.audit.models import AuditEvent
from server.domain.enums import AuditSource

# Entity types whose policy resource type is not simply their snake_case name.
_RESOURCE_OF = {
    "CasbinRule": "role_assignment",
    "RoleAssignment": "role_assignment",
    "GateTemplate": "governance_template",
    "ChecklistItemTemplate": "governance_template",
    "ProjectChecklistItem": "checklist_item",
    "ProjectSnapshot": "snapshot",
    "StrategicObjective": "objective",
    "ProjectType": "reference_data",
    "RiskCategory": "reference_data",
    "RagThreshold": "reference_data",
    "Setting": "reference_data",
}
_TOP_LEVEL = tuple(t for t in RESOURCE_TYPES if "." not in t)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def resource_type_of(entity_type: str) -> str | None:
    """The policy resource type of an audited entity type, or None when the policies have none."""
    if entity_type in _RESOURCE_OF:
        return _RESOURCE_OF[entity_type]
    snake = _snake(entity_type)
    return snake if snake in _TOP_LEVEL else None


def known_entity_types() -> list[str]:
    """Every entity type name with a policy resource type."""
    return sorted({*_RESOURCE_OF, *(_camel(t) for t in _TOP_LEVEL)})


def hidden_entity_types(can_read: Callable[[str], bool]) -> list[str]:
    """Entity types whose entries a reader may not see: they may not read such entities.

    ``can_read(resource_type)`` answers for the reader; an entity type the policies do not
    know follows the right to read the audit trail itself.
    """
    return [name for name in known_entity_types()
            if not can_read(resource_type_of(name))]  # type: ignore[arg-type]


def restricted_fields(entity_type: str, can_read: Callable[[str], bool]) -> frozenset[str]:
    """Fields of the entity the reader may not see (``person.cost_rate`` -> ``cost_rate``)."""
    resource = resource_type_of(entity_type)
    if resource is None:
        return frozenset()
    prefix = f"{resource}."
    return frozenset(t.removeprefix(prefix) for t in RESOURCE_TYPES
                     if t.startswith(prefix) and not can_read(t))


def visible_changes(event: AuditEvent, can_read: Callable[[str], bool]) -> dict[str, Any]:
    """The event's ``{field: {before, after}}`` without the fields the reader may not see."""
    hidden = restricted_fields(event.entity_type, can_read)
    return {k: v for k, v in (event.changes or {}).items() if k not in hidden}


def conditions(*, entity: tuple[str, int] | None = None, actor_id: int | None = None,
               source: AuditSource | None = None, start: datetime | None = None,
               end: datetime | None = None,
               hidden_types: list[str] | None = None) -> list[ColumnElement[bool]]:
    """SQL conditions on ``AuditEvent``: about ``entity`` (type name, id), by ``actor_id``,
    through ``source``, at ``start`` or later and ``end`` or earlier, none of ``hidden_types``."""
    a: Any = AuditEvent
    out: list[ColumnElement[bool]] = []
    if entity is not None:
        out += [a.entity_type == entity[0], a.entity_id == entity[1]]
    if actor_id is not None:
        out.append(a.actor_id == actor_id)
    if source is not None:
        out.append(a.source == source)
    if start is not None:
        out.append(a.at >= start)
    if end is not None:
        out.append(a.at <= end)
    if hidden_types:
        out.append(a.entity_type.not_in(hidden_types))
    return out
