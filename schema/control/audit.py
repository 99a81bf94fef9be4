"""The audit trail: the AuditEvent type, its filter and ordering, and the root list."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay
from strawberry.scalars import JSON

from policies.resources import Resource
from schema.base import decode_id, to_global_id
from schema.context import Info
from schema.control.enums import AuditSource
from schema.listing import ListSpec, as_utc, plan, root_connection
from schema.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    OrderDirection,
    OrderSpec,
    SortField,
    bad_input,
    order_fields,
)
from schema.raid.types import LazyPerson, person_of
from server.domain.audit import queries as audit_queries
from server.domain.audit.models import AuditEvent as AuditEventRow


def _reader(info: Info) -> Any:
    """``can_read(resource_type)`` for the viewer."""
    return lambda resource_type: info.context.can("read", Resource(resource_type))


@strawberry.type(description="One recorded change: who made it, when, through which face, "
                             "and the fields before and after. Append-only.")
class AuditEvent(relay.Node):
    id: relay.NodeID[int]
    at: datetime = strawberry.field(description="When the change was made (UTC).")
    source: AuditSource = strawberry.field(  # type: ignore[valid-type]
        description="GRAPHQL, ADMIN (the console) or CLI.")
    action: str = strawberry.field(description="What was done: create, update, submit, ...")
    entity_type: str = strawberry.field(
        description="The GraphQL type name of what changed, e.g. Project.")
    row: strawberry.Private[AuditEventRow]

    @strawberry.field(description="The global id of what changed; pass it to node(id:).")
    def entity_id(self) -> strawberry.ID:
        return to_global_id(self.row.entity_type, self.row.entity_id)

    @strawberry.field(description="Who made the change (null for system changes).",
                      metadata=plan(person_of("actor_id")))
    async def actor(self, info: Info) -> LazyPerson | None:
        return await person_of("actor_id").resolve(info, self.row)

    @strawberry.field(description="The changed fields as {field: {before, after}} (model field "
                                  "names); fields the viewer may not read are left out, and it "
                                  "is null with FORBIDDEN when the viewer may not read the "
                                  "entity at all.")
    def changes(self, info: Info) -> JSON | None:
        resource_type = audit_queries.resource_type_of(self.row.entity_type)
        if resource_type is not None:
            info.context.require("read", Resource(resource_type))
        return audit_queries.visible_changes(self.row, _reader(info))

    @classmethod
    def policy_resource(cls, row: AuditEventRow) -> tuple[Resource, ...]:
        """``node(id:)`` answers as ``auditEvents`` lists: an event is readable with the
        audit trail and with the kind of thing it is about."""
        about = audit_queries.resource_type_of(row.entity_type)
        trail = Resource("audit_event", id=row.id)
        return (trail,) if about is None else (trail, Resource(about))

    @classmethod
    def from_row(cls, row: AuditEventRow) -> AuditEvent:
        return cls(id=row.id, at=row.at, source=row.source, action=row.action,  # type: ignore[arg-type]
                   entity_type=row.entity_type, row=row)


@order_fields("audit events")
class AuditEventOrderField(Enum):
    AT = "AT"
    ACTION = "ACTION"
    ENTITY_TYPE = "ENTITY_TYPE"
    SOURCE = "SOURCE"


@strawberry.input(description="One ordering term for audit events.")
class AuditEventOrder:
    field: AuditEventOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which audit events to list; all given conditions must hold.")
class AuditEventFilter:
    entity_id: strawberry.ID | None = strawberry.field(
        default=None, description="About this object (the global id of any node).")
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Made by this person (a Person id).")
    source: AuditSource | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Made through this face.")
    from_: datetime | None = strawberry.field(
        default=None, name="from",
        description="Made at or after this time (UTC when no offset is given).")
    to: datetime | None = strawberry.field(
        default=None, description="Made at or before this time (UTC when no offset is given).")


def audit_event_conditions(f: AuditEventFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for an audit event filter; BAD_USER_INPUT for an id that is not one."""
    if f is None:
        return []
    entity = actor = None
    if f.entity_id is not None:
        entity = decode_id(f.entity_id)
        if entity is None:
            raise bad_input(f"entityId: {f.entity_id!r} is not a valid id")
    if f.actor_id is not None:
        actor = decode_id(f.actor_id, expected="Person")
        if actor is None:
            raise bad_input(f"actorId: {f.actor_id!r} is not a Person id")
    return audit_queries.conditions(entity=entity, actor_id=actor[1] if actor else None,
                                    source=f.source, start=as_utc(f.from_),
                                    end=as_utc(f.to))


AUDIT_EVENTS = ListSpec(
    AuditEventRow, "audit_event",
    OrderSpec({
        "AT": SortField("AT", AuditEventRow.at),
        "ACTION": SortField("ACTION", AuditEventRow.action),
        "ENTITY_TYPE": SortField("ENTITY_TYPE", AuditEventRow.entity_type),
        "SOURCE": SortField("SOURCE", AuditEventRow.source),
    }, default=[("AT", True)]),
    AuditEvent.from_row,
)

AuditEventFilterArg = Annotated[AuditEventFilter | None, strawberry.argument(
    description="Which events; all given conditions must hold.")]
AuditEventOrderArg = Annotated[list[AuditEventOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: newest first).")]


@strawberry.type
class AuditQueries:
    @strawberry.field(description="The audit trail (default: newest first); entries about "
                                  "objects the viewer may not read are left out. At most 500 "
                                  "per page.")
    async def audit_events(self, info: Info, filter: AuditEventFilterArg = None,
                           order_by: AuditEventOrderArg = None, first: First = None,
                           after: After = None, last: Last = None, before: Before = None,
                           ) -> Connection[AuditEvent]:
        hidden = audit_queries.hidden_entity_types(_reader(info))
        where = [*audit_event_conditions(filter),
                 *audit_queries.conditions(hidden_types=hidden)]
        return await root_connection(info, AUDIT_EVENTS, where, order_by,
                                     first, after, last, before)
