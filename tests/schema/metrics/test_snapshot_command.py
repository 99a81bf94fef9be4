"""`pmo snapshot` takes the day's ProjectSnapshot of every running project, once per day."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from server.cli import app
from server.domain.enums import ProjectStatus, RiskStatus
from server.domain.models import Project, ProjectSnapshot, Risk
from tests.schema.conftest import World
from tests.schema.metrics.conftest import Sessions


async def pmo(db_url: str, *args: str) -> tuple[int, str, str]:
    # The command runs its own event loop, so it runs in a thread here.
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args),
                                     env={"PMO_DATABASE_URL": db_url})
    return result.exit_code, result.stdout, result.stderr


async def snapshots(sessions: Sessions) -> list[ProjectSnapshot]:
    async with sessions() as s:
        statement = sa.select(ProjectSnapshot).order_by(ProjectSnapshot.project_id)
        return list((await s.exec(statement)).scalars().all())  # type: ignore[call-overload]


async def test_every_running_project_is_snapshotted_once_per_day(
    clean_env: Path, db_url: str, evm_world: World, sessions: Sessions,
) -> None:
    # given Alice's project with an open risk, Bob's completed, and a third one proposed
    async with sessions() as s, s.begin():
        s.add(Risk(project_id=evm_world.alice_project, title="Vendor late", probability=3,
                   impact=4, status=RiskStatus.OPEN,
                   created_at=datetime(2026, 1, 10, tzinfo=UTC)))
        bob = await s.get(Project, evm_world.bob_project)
        assert bob is not None
        bob.status = ProjectStatus.COMPLETED
        s.add(Project(code="PRJ-0099", name="Next", portfolio_id=evm_world.portfolio,
                      manager_id=evm_world.people["bob"], status=ProjectStatus.PROPOSED))

    # when
    code, out, err = await pmo(db_url, "snapshot", "--on", "2026-02-01")

    # then Alice's and the proposed one, not Bob's completed project
    assert code == 0, err
    assert "took 2 project snapshots for 2026-02-01" in out
    alice, proposed = await snapshots(sessions)
    assert (alice.project_id, alice.taken_on) == (evm_world.alice_project, date(2026, 2, 1))
    assert (alice.pv, alice.ev, alice.ac) == (
        Decimal("34444.44"), Decimal("40000.00"), Decimal("35000.00"))
    assert (alice.open_risks, alice.open_issues, alice.percent_complete) == (1, 0, 40)
    assert proposed.status == ProjectStatus.PROPOSED

    # when run again the same day after progress
    async with sessions() as s, s.begin():
        project = await s.get(Project, evm_world.alice_project)
        assert project is not None
        project.percent_complete = 50
    code, _, err = await pmo(db_url, "snapshot", "--on", "2026-02-01")

    # then the day's rows are updated, not duplicated
    assert code == 0, err
    rows = await snapshots(sessions)
    assert len(rows) == 2
    assert (rows[0].percent_complete, rows[0].ev) == (50, Decimal("50000.00"))


async def test_a_bad_day_is_one_line_and_exit_2(clean_env: Path, db_url: str) -> None:
    code, _, err = await pmo(db_url, "snapshot", "--on", "1 Feb")
    assert code == 2
    assert "is not a date" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
