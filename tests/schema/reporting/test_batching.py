"""A report page costs a fixed number of statements, whatever the number of rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx2

from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.models import CostEntry, Project
from server.domain.project.models import Milestone
from server.domain.raid.models import Issue, Risk
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.metrics.conftest import Sessions
from tests.schema.reporting.conftest import ReportWorld

REPORTS = """
query($n: Int!) {
  reports {
    projectRows(first: $n, asOf: "2026-02-01") { nodes { code portfolioName programName
      managerName sponsorName health ac cpi openRisks highRisks openIssues overdueMilestones
      alignmentScore lastOverallRag } }
    riskRows(first: $n) { nodes { title projectCode portfolioCode category ownerName } }
    issueRows(first: $n) { nodes { title projectName ownerName } }
    milestoneRows(first: $n) { nodes { name projectCode slipDays } }
  }
}"""


async def test_statements_do_not_grow_with_the_rows(sessions: Sessions,
                                                    report_world: ReportWorld,
                                                    db_url: str) -> None:
    # given: twelve more projects, each with a cost, a risk, an issue and a milestone
    base = report_world.base
    async with sessions() as s, s.begin():
        for i in range(3, 15):
            project = Project(code=f"PRJ-{i:04d}", name=f"P{i}", portfolio_id=base.portfolio,
                              manager_id=base.people["bob"], sponsor_id=base.people["dave"])
            s.add(project)
            await s.flush()
            pid: int = project.id  # type: ignore[assignment]
            s.add_all([
                CostEntry(project_id=pid, incurred_on=date(2026, 1, 2), amount=Decimal("10")),
                Risk(project_id=pid, title=f"R{i}", probability=4, impact=4,
                     owner_id=base.people["bob"]),
                Issue(project_id=pid, title=f"I{i}", owner_id=base.people["bob"]),
                Milestone(project_id=pid, name=f"M{i}", planned_date=date(2026, 1, 5)),
            ])
    app = create_app(load_settings(database_url=db_url, debug=True))
    token = mint(base.people["ana"], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))

    # when
    bodies: list[dict[str, Any]] = []
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            for n in (2, 14):
                response = await http.post(
                    "/graphql", json={"query": REPORTS, "variables": {"n": n}},
                    headers={"Authorization": f"Bearer {token}"})
                bodies.append(response.json())

    # then
    for body in bodies:
        assert "errors" not in body, body["errors"]
    large = bodies[1]["data"]["reports"]
    assert len(large["projectRows"]["nodes"]) == 14
    assert len(large["riskRows"]["nodes"]) == 14
    counts = [b["extensions"]["sql"]["statements"] for b in bodies]
    # one per row would add at least 12 x 4 for the larger page
    assert counts[0] == counts[1], counts
    assert counts[1] <= 30, counts
