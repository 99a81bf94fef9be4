"""The worked earned-value example in the database: baselines, progress, costs, thresholds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import EvmMetric
from server.domain.models import CostEntry, Project, RagThreshold
from tests.schema.conftest import World

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def evm_world(sessions: Sessions, world: World) -> World:
    """Alice's project: BAC 100,000, 40 %, baselined 1 Jan - 1 Apr 2026 (90 days), costs
    20,000 (15 Jan), 15,000 (1 Feb), 30,000 (15 Mar). Bob's: BAC 200,000, 10 %, baselined
    1 Jan - 1 Mar 2026 (59 days), 50,000 spent on 10 Jan. CPI bands 0.95/0.85, SPI 0.90/0.80."""
    async with sessions() as s, s.begin():
        alice = await s.get(Project, world.alice_project)
        bob = await s.get(Project, world.bob_project)
        assert alice is not None and bob is not None
        alice.percent_complete, bob.percent_complete = 40, 10
        alice.baseline_start = bob.baseline_start = date(2026, 1, 1)
        alice.baseline_finish, bob.baseline_finish = date(2026, 4, 1), date(2026, 3, 1)
        s.add_all([
            CostEntry(project_id=world.alice_project, incurred_on=date(2026, 1, 15),
                      amount=Decimal("20000.00")),
            CostEntry(project_id=world.alice_project, incurred_on=date(2026, 2, 1),
                      amount=Decimal("15000.00")),
            CostEntry(project_id=world.alice_project, incurred_on=date(2026, 3, 15),
                      amount=Decimal("30000.00")),
            CostEntry(project_id=world.bob_project, incurred_on=date(2026, 1, 10),
                      amount=Decimal("50000.00")),
            RagThreshold(metric=EvmMetric.CPI, green_at=Decimal("0.950"),
                         amber_at=Decimal("0.850")),
            RagThreshold(metric=EvmMetric.SPI, green_at=Decimal("0.900"),
                         amber_at=Decimal("0.800")),
        ])
    return world
