"""Risk exposure of open risks: the probability x impact heat map and the top risks by score."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.project.models import Project
from server.domain.raid.models import OPEN_RISK_STATUSES, Risk

SCALE = range(1, 6)


@dataclass(frozen=True, slots=True)
class HeatCell:
    """How many open risks have this probability and impact."""

    probability: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.probability * self.impact


def _open_risks(portfolio_id: int | None, project_id: int | None,
                ) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Risk.status.in_(OPEN_RISK_STATUSES)]  # type: ignore[attr-defined]
    if project_id is not None:
        conditions.append(Risk.project_id == project_id)  # type: ignore[arg-type]
    if portfolio_id is not None:
        conditions.append(Risk.project_id.in_(  # type: ignore[attr-defined]
            sa.select(Project.id).where(Project.portfolio_id == portfolio_id)))
    return conditions


def heat_cells(counts: dict[tuple[int, int], int]) -> list[HeatCell]:
    """All 25 cells, probability then impact ascending, zero where no risk falls."""
    return [HeatCell(p, i, counts.get((p, i), 0)) for p in SCALE for i in SCALE]


async def heatmap(session: AsyncSession, *, portfolio_id: int | None = None,
                  project_id: int | None = None) -> list[HeatCell]:
    """Counts of open (OPEN or MITIGATING) risks per (probability, impact): one statement."""
    query = (sa.select(Risk.probability, Risk.impact, sa.func.count())  # type: ignore[call-overload]
             .where(*_open_risks(portfolio_id, project_id))
             .group_by(Risk.probability, Risk.impact))
    rows = (await session.exec(query)).all()
    return heat_cells({(p, i): n for p, i, n in rows})


async def top_risks(session: AsyncSession, first: int, *, portfolio_id: int | None = None,
                    project_id: int | None = None) -> list[Risk]:
    """The ``first`` open risks with the highest score (ties: highest impact, then oldest)."""
    query = (sa.select(Risk).where(*_open_risks(portfolio_id, project_id))
             .order_by(Risk.score.desc(), Risk.impact.desc(), Risk.id)  # type: ignore[union-attr,attr-defined]
             .limit(first))
    return list((await session.exec(query)).scalars().all())
