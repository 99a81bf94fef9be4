"""GraphQL types for people and the viewer."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from policies.resources import Resource
from schema.analytics.fields import AnalyticsPersonFields
from schema.base import unauthenticated_error
from schema.context import Info
from schema.listing import Reference
from schema.resource.person_fields import ResourcePersonFields
from server.domain.organisation.models import Person as PersonRow


@strawberry.type(description="Someone who works on, manages, sponsors or reports on projects.")
class Person(ResourcePersonFields, AnalyticsPersonFields, relay.Node):
    id: relay.NodeID[int]
    full_name: str = strawberry.field(description="Display name.")
    title: str | None = strawberry.field(description="Job title.")
    active: bool = strawberry.field(description="Whether the person may sign in.")
    capacity_hours_per_week: Decimal = strawberry.field(
        description="Working hours in a week, the 100% of allocations.")
    row: strawberry.Private[PersonRow]

    @strawberry.field(description="Work email; not readable by analysts (null with FORBIDDEN).")
    def email(self, info: Info) -> str | None:
        info.context.require("read", Resource("person.email"))
        return self.row.email

    @strawberry.field(description="Hourly cost rate; readable by the PMO only "
                                  "(null with FORBIDDEN for everyone else).")
    def cost_rate(self, info: Info) -> Decimal | None:
        info.context.require("read", Resource("person.cost_rate"))
        return self.row.cost_rate

    @strawberry.field(description="Whether the viewer may edit this person.")
    def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", Resource("person", id=self.id))

    @classmethod
    def from_row(cls, row: PersonRow) -> Person:
        return cls(id=row.id, full_name=row.full_name, title=row.title,  # type: ignore[arg-type]
                   active=row.active, capacity_hours_per_week=row.capacity_hours_per_week, row=row)


VIEWER_PERSON = Reference(PersonRow, "person_id", "person", Person.from_row)


@strawberry.type(description="The authenticated caller. Not a Node: the caller as an object "
                             "with an id is `person`.")
class Viewer:
    email: str = strawberry.field(description="The caller's own email.")
    full_name: str = strawberry.field(description="The caller's name.")
    roles: list[str] = strawberry.field(
        description="Roles held now: pmo, pm, executive, analyst.")
    person_id: strawberry.Private[int]

    @strawberry.field(description="The caller as a Person (its `id` is the Person's global id).")
    async def person(self, info: Info) -> Person:
        person = await VIEWER_PERSON.resolve(info, self)
        if person is None:  # signed in, so the row exists unless deleted since the check
            raise unauthenticated_error()
        return person
