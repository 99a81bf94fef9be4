"""GraphQL types for earned value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from schema.enums import Rag
from server.domain.enums import Rag as RagValue
from server.domain.metrics.evm import EarnedValue as EarnedValueFigures

AsOf = Annotated[date | None, strawberry.argument(
    description="The day the figures are computed for (default: today, UTC).")]


@strawberry.type(description="Earned-value figures as of a date. Money is rounded to 0.01 and "
                             "indexes to 0.0001 (half to even), each from unrounded "
                             "intermediates; a ratio whose divisor is 0 is null.")
class EarnedValue:
    as_of: date = strawberry.field(description="The day the figures are computed for.")
    bac: Decimal = strawberry.field(description="Budget at completion.")
    pv: Decimal | None = strawberry.field(
        description="Planned value: BAC x the planned % at the date, a straight line from 0 at "
                    "the baseline start to 100 at the baseline finish unless milestones with "
                    "a planned percent bend it (null without baseline dates).")
    ev: Decimal = strawberry.field(description="Earned value: BAC x percent complete / 100.")
    ac: Decimal = strawberry.field(
        description="Actual cost: the cost entries incurred on or before the date.")
    cv: Decimal = strawberry.field(description="Cost variance: EV - AC.")
    sv: Decimal | None = strawberry.field(description="Schedule variance: EV - PV.")
    cpi: Decimal | None = strawberry.field(description="Cost performance index: EV / AC.")
    spi: Decimal | None = strawberry.field(description="Schedule performance index: EV / PV.")
    eac: Decimal | None = strawberry.field(description="Estimate at completion: BAC / CPI.")
    etc: Decimal | None = strawberry.field(description="Estimate to complete: EAC - AC.")
    vac: Decimal | None = strawberry.field(description="Variance at completion: BAC - EAC.")
    tcpi: Decimal | None = strawberry.field(
        description="To-complete performance index: (BAC - EV) / (BAC - AC).")
    health: Rag | None = strawberry.field(  # type: ignore[valid-type]
        description="The worst of the CPI and SPI bands from the RAG thresholds (a project's "
                    "health override wins); null when neither index is known.")
    forecast_finish: date | None = strawberry.field(
        description="Forecast finish: baseline start + (baseline finish - baseline start) / SPI "
                    "days, rounded to the nearest day (half to even) from the unrounded SPI; "
                    "null when SPI is null or 0, without baseline dates, and on a portfolio.")

    @classmethod
    def from_figures(cls, as_of: date, figures: EarnedValueFigures,
                     health: RagValue | None,
                     forecast_finish: date | None = None) -> EarnedValue:
        r = figures.rounded()
        return cls(as_of=as_of, bac=r.bac, pv=r.pv, ev=r.ev, ac=r.ac, cv=r.cv, sv=r.sv,
                   cpi=r.cpi, spi=r.spi, eac=r.eac, etc=r.etc, vac=r.vac, tcpi=r.tcpi,
                   health=health, forecast_finish=forecast_finish)
