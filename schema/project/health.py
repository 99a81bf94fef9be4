"""Project lists filtered or ordered by health.

Health is computed, not stored: the override if set, else the worse of the CPI and SPI
bands as of a day (``Project.health``). A list that filters or orders by it first works out
the health of every project its other conditions match (``evm.project_healths``: four
statements), then hands SQL what that gave: ``id IN (...)`` for the filter and, for the
order, a rank (0 green, 1 amber, 2 red, NULL unknown) as a computed sort key, so keyset
paging, cursors and ``totalCount`` work as for any stored column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from policies.resources import Resource
from schema.context import Info
from schema.listing import ListSpec, filter_key
from schema.pagination import OrderSpec, SortField
from server.domain.enums import Rag
from server.domain.metrics import evm
from server.domain.project.models import Project as ProjectRow
from server.domain.sql import among

HEALTH = "HEALTH"
RANKS = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


def _field_name(item: Any) -> str:
    return item.field.value if isinstance(item.field, Enum) else str(item.field)


@dataclass(frozen=True)
class HealthTerms:
    """Refines a project listing whose filter or order names health."""

    def needed(self, f: Any, order_by: Sequence[Any] | None) -> bool:
        return (f is not None and getattr(f, "health", None) is not None) or any(
            _field_name(item) == HEALTH for item in order_by or ())

    async def apply(self, info: Info, spec: ListSpec[Any], where: list[ColumnElement[bool]],
                    f: Any, order_by: Sequence[Any] | None, as_of: date,
                    ) -> tuple[ListSpec[Any], list[ColumnElement[bool]]]:
        """The listing and conditions with health applied, worked out once per request for
        the same filter, order and day (every portfolio's nested list shares them)."""
        info.context.require("read", Resource(spec.resource_type))
        key = ("project.health", filter_key(f), filter_key(order_by), as_of)
        slot = info.context.loaders.keyed(key, _Slot)
        if slot.terms is None:
            async with info.context.sessions() as session:
                healths = await evm.project_healths(session, where, as_of)
            slot.terms = _terms(f, order_by, healths)
        extra, rank = slot.terms
        if rank is not None:
            spec = replace(spec, order=OrderSpec({**spec.order.fields, HEALTH: rank},
                                                 default=spec.order.default))
        return spec, [*where, *extra]


class _Slot:
    """A per-request slot (the request's keyed store holds it as it holds loaders): the
    health conditions and sort key, the same objects for every list that shares them, so
    nested pages stay batched per (filter, ordering)."""

    terms: tuple[list[ColumnElement[bool]], SortField | None] | None = None


def _terms(f: Any, order_by: Sequence[Any] | None, healths: dict[int, Rag | None],
           ) -> tuple[list[ColumnElement[bool]], SortField | None]:
    extra: list[ColumnElement[bool]] = []
    wanted = getattr(f, "health", None) if f is not None else None
    if wanted is not None:
        chosen = {Rag(h.value if isinstance(h, Enum) else h) for h in wanted}
        extra.append(among(ProjectRow.id, [pid for pid, h in healths.items() if h in chosen]))
    rank_field = None
    if any(_field_name(item) == HEALTH for item in order_by or ()):
        rank = sa.case(*((among(ProjectRow.id, [pid for pid, h in healths.items() if h is value]),
                          RANKS[value]) for value in RANKS),
                       else_=sa.null()).label(ProjectRow.health_rank.key)
        rank_field = SortField(HEALTH, rank, nullable=True, computed=True)
    return extra, rank_field


HEALTH_TERMS = HealthTerms()
