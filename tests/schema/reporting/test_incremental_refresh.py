"""The BI feed's incremental refresh through the live API: every mutation that changes what a
report row shows moves that row's ``updatedAt``, so ``filter: {updatedSince}`` returns it (and
not the rows it left alone); every deletion the API offers is listed by
``reports { deletedRows }``.

Not covered, for want of a mutation that changes them: RAG thresholds, strategic objectives'
weights, risk category and department names. Mutations of what no report row shows (lessons,
assumptions, dependencies, comments, checklists, webhooks...) are covered only by their
deletions' tombstones."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from server.domain.audit.models import ProjectSnapshot
from server.domain.enums import ApproverRole
from server.domain.governance.models import GateTemplate, GovernanceTemplate, ProjectGate
from server.domain.organisation.models import StrategicObjective
from server.domain.portfolio.models import Program
from server.domain.project.models import CostEntry, Milestone, ProjectObjective
from server.domain.raid.models import ChangeRequest, Issue, Risk, StatusReport
from server.domain.resource.models import Allocation, Benefit
from tests.schema.conftest import Api, World, codes
from tests.schema.metrics.conftest import Sessions
from tests.schema.reporting.conftest import ReportWorld

# The weeks the allocation rows are read for: Alice is allocated 50 % to Alpha in the two
# weeks from 2 March; June is far outside anything the changes below touch.
WEEKS = {"weekFrom": "2026-02-02", "weekTo": "2026-06-29"}
KEYS = {
    "projectRows": ("projectId", "ProjectFilter"),
    "riskRows": ("riskId", "RiskFilter"),
    "issueRows": ("issueId", "IssueFilter"),
    "milestoneRows": ("milestoneId", "MilestoneFilter"),
    "costRows": ("costEntryId", "CostEntryFilter"),
    "statusReportRows": ("statusReportId", "StatusReportFilter"),
    "gateDecisionRows": ("projectGateId", "GateDecisionFilter"),
    "changeRequestRows": ("changeRequestId", "ChangeRequestFilter"),
    "benefitRows": ("benefitId", "BenefitFilter"),
    "snapshotRows": ("projectSnapshotId", "SnapshotFilter"),
    "allocationRows": ("personId weekStart", "AllocationRowFilter"),
}
"""Each report: the fields that name a row, and its filter's input type."""
VERSION_OF = """
query($id: ID!) {
  node(id: $id) { ... on Project { version } ... on Risk { version } ... on Issue { version }
                  ... on ChangeRequest { version } }
}"""
DELETED = """
query($entity: DeletedEntity!, $since: DateTime!, $projectIds: [ID!]) {
  reports { deletedRows(entity: $entity, since: $since, projectIds: $projectIds, first: 100) {
    nodes { entity deletedId projectId deletedAt } } }
}"""
Key = tuple[str, str, str | None]
"""A row of a report: (report, global id, week) - the week only for allocation rows."""


def moment(value: str) -> datetime:
    """A DateTime of a response (an ISO string with an offset)."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


# --- the world and how the table acts on it -------------------------------------------------

@dataclass
class Env:
    """The reporting world, the API, and the global ids of what is in it, by name."""

    api: Api
    ids: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.ids[name]

    async def mutate(self, who: str, mutation: str, returns: str = "", /,
                     **values: Any) -> dict[str, Any]:
        """Run a mutation; it must succeed without errors or user errors."""
        name = mutation
        input_type = name[0].upper() + name[1:] + "Input"
        result = await self.api(who, f"""
            mutation($input: {input_type}!) {{
              {name}(input: $input) {{ {returns} userErrors {{ field message code }} }}
            }}""", input=values)
        assert "errors" not in result, (name, result["errors"])
        payload: dict[str, Any] = result["data"][name]
        assert payload["userErrors"] == [], (name, payload["userErrors"])
        return payload

    async def version(self, gid: str) -> int:
        result = await self.api("pmo", VERSION_OF, id=gid)
        return int(result["data"]["node"]["version"])

    async def updated_at(self, reports: set[str], since: datetime | None = None,
                         ) -> dict[Key, datetime]:
        """Every row of these reports (changed at or after ``since``, when given): its
        ``updatedAt`` by row. Read as the analyst, as a BI tool would."""
        out: dict[Key, datetime] = {}
        for report in sorted(reports):
            fields, filter_type = KEYS[report]
            row_filter: dict[str, Any] = dict(WEEKS) if report == "allocationRows" else {}
            if since is not None:
                row_filter["updatedSince"] = since.isoformat()
            result = await self.api("ana", f"""
                query($filter: {filter_type}) {{ reports {{
                  {report}(filter: $filter, first: 500) {{ nodes {{ {fields} updatedAt }} }} }} }}
                """, filter=row_filter or None)
            assert "errors" not in result, (report, result["errors"])
            for node in result["data"]["reports"][report]["nodes"]:
                gid = node[fields.split()[0]]
                out[(report, gid, node.get("weekStart"))] = moment(node["updatedAt"])
        return out

    async def deleted(self, who: str, entity: str, since: datetime,
                      project_ids: list[str] | None = None) -> list[dict[str, Any]]:
        result = await self.api(who, DELETED, entity=entity, since=since.isoformat(),
                                projectIds=project_ids)
        assert "errors" not in result, result["errors"]
        return result["data"]["reports"]["deletedRows"]["nodes"]  # type: ignore[no-any-return]


Step = Callable[[Env], Awaitable[Any]]


@dataclass(frozen=True)
class Ref:
    """The global id of something named in ``Env.ids`` (resolved when the step runs)."""

    name: str


class _Version:
    def __repr__(self) -> str:
        return "VERSION"


VERSION = _Version()
"""In a step's values: the current ``version`` of the object its ``id`` names."""


@dataclass(frozen=True)
class Run:
    """One mutation as a role: values with ``Ref``s and ``VERSION`` resolved when it runs;
    ``keep`` = (name, payload field): the id of what it made, kept under that name."""

    who: str
    mutation: str
    values: dict[str, Any]
    keep: tuple[str, str] | None = None
    returns: str = ""

    async def __call__(self, env: Env) -> dict[str, Any]:
        values = {key: _resolved(env, value) for key, value in self.values.items()}
        if values.get("version") is VERSION:
            values["version"] = await env.version(values["id"])
        returns = self.returns + (f" {self.keep[1]} {{ id }}" if self.keep else "")
        payload = await env.mutate(self.who, self.mutation, returns, **values)
        if self.keep:
            env.ids[self.keep[0]] = payload[self.keep[1]]["id"]
        return payload


def _resolved(env: Env, value: Any) -> Any:
    if isinstance(value, Ref):
        return env[value.name]
    if isinstance(value, list):
        return [_resolved(env, v) for v in value]
    if isinstance(value, dict):
        return {k: _resolved(env, v) for k, v in value.items()}
    return value


def run(who: str, mutation: str, keep: tuple[str, str] | None = None, returns: str = "",
        **values: Any) -> Run:
    return Run(who, mutation, values, keep, returns)


def ref(name: str) -> Ref:
    return Ref(name)


async def apply_template(env: Env) -> None:
    """Beta follows the one-gate template; its gate is kept as "Business case"."""
    payload = await env.mutate("bob", "applyGovernanceTemplate",
                               "project { gates { nodes { id } } }", projectId=env["Beta"],
                               governanceTemplateId=env["Stage-Gate"])
    env.ids["Business case"] = payload["project"]["gates"]["nodes"][0]["id"]


def decide_plan(decision: str) -> Run:
    """Carol, Alpha's sponsor, decides its submitted executive gate "Plan"."""
    return run("carol", "decideGate", id=ref("Plan"), decision=decision, note="why")


@pytest.fixture
async def env(api: Api, report_world: ReportWorld, sessions: Sessions) -> Env:
    """The reporting world plus a benefit (Alpha, "Revenue", owned by Alice), an allocation
    (Alice on Alpha, 50 %, 2-15 March 2026, besides her 50 % on Beta through March) and a
    one-gate governance template ("Stage-Gate", its gate decided by an executive)."""
    base = report_world.base
    alice = base.alice_project
    async with sessions() as s, s.begin():
        s.add(Benefit(project_id=alice, name="Revenue", target_value=Decimal("1000.00"),
                      unit="EUR", owner_id=base.people["alice"]))
        allocation = Allocation(person_id=base.people["alice"], project_id=alice,
                                role_name="Lead", start_date=date(2026, 3, 2),
                                end_date=date(2026, 3, 15), percent=50)
        template = GovernanceTemplate(name="Stage-Gate")
        s.add_all([allocation, template])
        await s.flush()
        s.add(GateTemplate(governance_template_id=template.id, sequence=1,
                           name="Business case", approver_role=ApproverRole.EXECUTIVE))
    ids = {name: base.gid("Person", pid) for name, pid in base.people.items()}
    ids |= {"Alpha": base.gid("Project", alice), "Beta": base.gid("Project", base.bob_project),
            "Gamma": base.gid("Project", report_world.other_project),
            "PF-1": base.gid("Portfolio", base.portfolio),
            "PF-2": base.gid("Portfolio", report_world.other_portfolio),
            "formula risk": base.gid("Risk", report_world.injected_risk),
            "alice on Alpha": base.gid("Allocation", allocation.id),  # type: ignore[arg-type]
            "Stage-Gate": base.gid("GovernanceTemplate", template.id)}  # type: ignore[arg-type]
    codes_of = {alice: "Alpha", base.bob_project: "Beta", report_world.other_project: "Gamma"}
    named: list[tuple[Any, Any, str]] = [
        (Risk.title, Risk.id, "Risk"), (Issue.title, Issue.id, "Issue"),
        (Milestone.name, Milestone.id, "Milestone"),
        (ChangeRequest.title, ChangeRequest.id, "ChangeRequest"),
        (Program.code, Program.id, "Program"),
        (StrategicObjective.code, StrategicObjective.id, "StrategicObjective"),
        (Benefit.name, Benefit.id, "Benefit"), (ProjectGate.name, ProjectGate.id, "ProjectGate"),
        (sa.literal("cost ") + sa.cast(CostEntry.incurred_on, sa.String), CostEntry.id,
         "CostEntry"),
        (sa.literal("report ") + sa.cast(StatusReport.period_end, sa.String), StatusReport.id,
         "StatusReport")]
    async with sessions() as s:
        for label, row_id, type_name in named:
            for name, value in (await s.exec(sa.select(label, row_id))).all():  # type: ignore[call-overload]
                assert name not in ids, f"two things named {name!r}"
                ids[name] = base.gid(type_name, value)
        for row_id, project_id, taken_on in (await s.exec(sa.select(  # type: ignore[call-overload]
                ProjectSnapshot.id, ProjectSnapshot.project_id, ProjectSnapshot.taken_on))).all():
            ids[f"snapshot {codes_of[project_id]} {taken_on}"] = base.gid("ProjectSnapshot",
                                                                           row_id)
        for row_id, project_id, code in (await s.exec(sa.select(  # type: ignore[call-overload]
                ProjectObjective.id, ProjectObjective.project_id, StrategicObjective.code)
                .join(StrategicObjective))).all():
            ids[f"{codes_of[project_id]} serves {code}"] = base.gid("ProjectObjective", row_id)
    return Env(api, ids)


# --- rows ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """A report row by the name of what it is about (and the week, for allocation rows)."""

    report: str
    name: str
    week: str | None = None

    def key(self, env: Env) -> Key:
        return (self.report, env[self.name], self.week)

    def __str__(self) -> str:
        return f"{self.report}[{self.name}{'' if self.week is None else ', ' + self.week}]"


def project(name: str) -> Row:
    return Row("projectRows", name)


def risk(name: str) -> Row:
    return Row("riskRows", name)


def issue(name: str) -> Row:
    return Row("issueRows", name)


def milestone(name: str) -> Row:
    return Row("milestoneRows", name)


def cost(day: str) -> Row:
    return Row("costRows", f"cost {day}")


def status_report(name: str) -> Row:
    return Row("statusReportRows", name)


def gate(name: str) -> Row:
    return Row("gateDecisionRows", name)


def change_request(name: str) -> Row:
    return Row("changeRequestRows", name)


def benefit(name: str) -> Row:
    return Row("benefitRows", name)


def snapshot(project_name: str, day: str) -> Row:
    return Row("snapshotRows", f"snapshot {project_name} {day}")


def week(person: str, monday: str) -> Row:
    return Row("allocationRows", person, monday)


# --- 1. every mutation that changes what a row shows moves it ----------------------------------

@dataclass(frozen=True)
class Change:
    """A mutation, and the rows it must move (existing rows), bring (rows it makes) and keep
    (rows it must leave alone); ``given`` runs first, before anything is read."""

    says: str
    step: Step
    moves: tuple[Row, ...] = ()
    brings: tuple[Row, ...] = ()
    keeps: tuple[Row, ...] = ()
    given: tuple[Step, ...] = ()

    @property
    def reports(self) -> set[str]:
        return {row.report for row in (*self.moves, *self.brings, *self.keeps)}


ALPHA_CHILDREN = (risk("Vendor late"), issue("Build broken"), milestone("Design"),
                  cost("2026-02-01"), status_report("report 2026-01-31"),
                  change_request("Draft"), benefit("Revenue"), benefit("Faster orders"),
                  gate("Initiate"), snapshot("Alpha", "2026-01-31"))
BETA_CHILDREN = (risk("formula risk"), issue("Slow"), milestone("Dropped"), cost("2026-01-10"),
                 change_request("More scope"), snapshot("Beta", "2026-01-31"))
GAMMA_CHILDREN = (project("Gamma"), risk("Elsewhere"), snapshot("Gamma", "2026-01-31"))

CHANGES = [
    # projects
    Change("creating a project brings its project row",
           run("pmo", "createProject", keep=("Delta", "project"), name="Delta",
               portfolioId=ref("PF-1"), managerId=ref("bob")),
           brings=(project("Delta"),), keeps=(project("Alpha"),)),
    Change("updating a project's progress moves its project row and no other",
           run("alice", "updateProject", id=ref("Alpha"), version=VERSION, percentComplete=55),
           moves=(project("Alpha"),), keeps=(project("Beta"), project("Gamma"))),
    Change("renaming a project moves the rows of everything recorded under it",
           run("alice", "updateProject", id=ref("Alpha"), version=VERSION, name="Alpha Two"),
           moves=(project("Alpha"), *ALPHA_CHILDREN),
           keeps=(project("Beta"), *BETA_CHILDREN)),
    Change("baselining a project moves its project row and its milestone rows",
           run("carol", "baselineProject", id=ref("Alpha"), version=VERSION),
           given=(run("alice", "updateProject", id=ref("Alpha"), version=VERSION,
                      plannedStart="2026-01-05", plannedFinish="2026-04-30"),),
           moves=(project("Alpha"), milestone("Design"), milestone("Build")),
           keeps=(project("Beta"), milestone("Dropped"))),
    # risks
    Change("creating a risk brings its risk row and moves its project row",
           run("alice", "createRisk", keep=("new risk", "risk"), projectId=ref("Alpha"),
               title="Supplier strike", probability=4, impact=5),
           brings=(risk("new risk"),), moves=(project("Alpha"),),
           keeps=(project("Beta"), risk("Vendor late"))),
    Change("updating a risk moves its risk row and its project row",
           run("alice", "updateRisk", id=ref("Vendor late"), version=VERSION, probability=1),
           moves=(risk("Vendor late"), project("Alpha")),
           keeps=(risk("Scope creep"), project("Beta"))),
    Change("closing a risk moves its risk row and its project row",
           run("alice", "closeRisk", id=ref("Vendor late"), version=VERSION),
           moves=(risk("Vendor late"), project("Alpha")), keeps=(project("Beta"),)),
    Change("escalating a risk moves its risk row and project row and brings the issue's row",
           run("alice", "escalateRisk", keep=("escalated", "issue"), id=ref("Vendor late"),
               version=VERSION),
           moves=(risk("Vendor late"), project("Alpha")), brings=(issue("escalated"),),
           keeps=(project("Beta"), issue("Build broken"))),
    Change("deleting a risk moves its project row",
           run("alice", "deleteRisk", id=ref("Vendor late"), version=VERSION),
           moves=(project("Alpha"),), keeps=(project("Beta"), risk("Scope creep"))),
    # issues
    Change("creating an issue brings its issue row and moves its project row",
           run("bob", "createIssue", keep=("new issue", "issue"), projectId=ref("Beta"),
               title="Outage", severity="CRITICAL"),
           brings=(issue("new issue"),), moves=(project("Beta"),),
           keeps=(project("Alpha"), issue("Slow"))),
    Change("updating an issue moves its issue row and its project row",
           run("alice", "updateIssue", id=ref("Build broken"), version=VERSION,
               severity="LOW"),
           moves=(issue("Build broken"), project("Alpha")),
           keeps=(issue("Fixed"), project("Beta"))),
    Change("resolving an issue moves its issue row and its project row",
           run("alice", "resolveIssue", id=ref("Build broken"), version=VERSION,
               resolution="rebuilt"),
           moves=(issue("Build broken"), project("Alpha")), keeps=(project("Beta"),)),
    Change("deleting an issue moves its project row",
           run("alice", "deleteIssue", id=ref("Build broken"), version=VERSION),
           moves=(project("Alpha"),), keeps=(project("Beta"), issue("Fixed"))),
    # milestones
    Change("creating a milestone brings its milestone row and moves its project row",
           run("alice", "createMilestone", keep=("new milestone", "milestone"),
               projectId=ref("Alpha"), name="Go-live", plannedDate="2026-04-01"),
           brings=(milestone("new milestone"),), moves=(project("Alpha"),),
           keeps=(project("Beta"), milestone("Design"))),
    Change("updating a milestone moves its milestone row and its project row",
           run("alice", "updateMilestone", id=ref("Design"), status="ACHIEVED",
               actualDate="2026-01-28"),
           moves=(milestone("Design"), project("Alpha")),
           keeps=(milestone("Build"), project("Beta"))),
    Change("deleting a milestone moves its project row",
           run("alice", "deleteMilestone", id=ref("Build")),
           moves=(project("Alpha"),), keeps=(project("Beta"), milestone("Design"))),
    # costs
    Change("recording a cost brings its cost row and moves its project row",
           run("alice", "recordCost", keep=("new cost", "costEntry"), projectId=ref("Alpha"),
               incurredOn="2026-01-20", amount="500.00", category="VENDOR"),
           brings=(Row("costRows", "new cost"),), moves=(project("Alpha"),),
           keeps=(project("Beta"), cost("2026-02-01"))),
    Change("correcting a cost moves its cost row and its project row",
           run("alice", "updateCostEntry", id=ref("cost 2026-02-01"), amount="16000.00"),
           moves=(cost("2026-02-01"), project("Alpha")),
           keeps=(cost("2026-01-15"), project("Beta"))),
    Change("deleting a cost moves its project row",
           run("alice", "deleteCostEntry", id=ref("cost 2026-02-01")),
           moves=(project("Alpha"),), keeps=(project("Beta"), cost("2026-01-15"))),
    # status reports
    Change("submitting a status report brings its row and moves its project row",
           run("alice", "submitStatusReport", keep=("new report", "statusReport"),
               projectId=ref("Alpha"), periodEnd="2026-02-15", overall="RED",
               summary="Vendor slipped"),
           brings=(status_report("new report"),), moves=(project("Alpha"),),
           keeps=(project("Beta"), status_report("report 2026-01-31"))),
    # gates
    Change("submitting a gate moves its project row",
           run("bob", "submitGate", id=ref("Business case")), given=(apply_template,),
           moves=(project("Beta"),), keeps=(project("Alpha"), gate("Initiate"))),
    # (GO on the last gate completes the project: an edit of the project, which moves the rows
    # of everything under it, "Initiate" included)
    Change("deciding a gate brings its gate decision row and moves its project row",
           decide_plan("GO"), brings=(gate("Plan"),), moves=(project("Alpha"),),
           keeps=(project("Beta"),)),
    Change("deciding a held gate again moves its gate decision row and its project row",
           decide_plan("GO"), given=(decide_plan("HOLD"),),
           moves=(gate("Plan"), project("Alpha")), keeps=(project("Beta"),)),
    Change("resubmitting a recycled gate moves its gate decision row and its project row",
           run("alice", "submitGate", id=ref("Plan")), given=(decide_plan("RECYCLE"),),
           moves=(gate("Plan"), project("Alpha")), keeps=(project("Beta"), gate("Initiate"))),
    # change requests
    Change("drafting a change request brings its change request row",
           run("alice", "createChangeRequest", keep=("new request", "changeRequest"),
               projectId=ref("Alpha"), title="Add reporting", costImpact="2000.00"),
           brings=(change_request("new request"),),
           keeps=(change_request("Draft"), change_request("More scope"))),
    Change("editing a change request moves its change request row",
           run("alice", "updateChangeRequest", id=ref("Draft"), version=VERSION,
               scheduleImpactDays=5),
           moves=(change_request("Draft"),), keeps=(change_request("More scope"),)),
    Change("submitting a change request moves its change request row",
           run("alice", "submitChangeRequest", id=ref("Draft"), version=VERSION),
           moves=(change_request("Draft"),), keeps=(change_request("More scope"),)),
    Change("approving a change request moves its row and its project row",
           run("carol", "decideChangeRequest", id=ref("More scope"), version=VERSION,
               decision="APPROVED"),
           moves=(change_request("More scope"), project("Beta")),
           keeps=(change_request("Draft"), project("Alpha"))),
    Change("rejecting a change request moves its change request row",
           run("pmo", "decideChangeRequest", id=ref("More scope"), version=VERSION,
               decision="REJECTED", note="no budget"),
           moves=(change_request("More scope"),), keeps=(change_request("Draft"),)),
    # benefits
    Change("creating a benefit brings its benefit row and moves its project row",
           run("alice", "createBenefit", keep=("new benefit", "benefit"),
               projectId=ref("Alpha"), name="Fewer tickets", targetValue="100", unit="tickets"),
           brings=(benefit("new benefit"),), moves=(project("Alpha"),),
           keeps=(benefit("Revenue"), benefit("Faster orders"), project("Beta"))),
    Change("updating a benefit moves its benefit row and its project row",
           run("alice", "updateBenefit", id=ref("Revenue"), realizedValue="250.00"),
           moves=(benefit("Revenue"), project("Alpha")),
           keeps=(benefit("Faster orders"), project("Beta"))),
    # strategic alignment
    Change("changing a project's objective alignment moves its project row",
           run("alice", "setProjectObjectives", projectId=ref("Alpha"),
               objectives=[{"objectiveId": ref("GROW"), "alignmentScore": 5}]),
           moves=(project("Alpha"),), keeps=(project("Beta"),)),
    # names shown from elsewhere
    Change("renaming a portfolio moves the project rows of its projects",
           run("pmo", "updatePortfolio", id=ref("PF-1"), name="Growth and more"),
           moves=(project("Alpha"), project("Beta")), keeps=GAMMA_CHILDREN),
    Change("recoding a portfolio moves the rows of everything under its projects",
           run("pmo", "updatePortfolio", id=ref("PF-1"), code="PF-G"),
           moves=(project("Alpha"), project("Beta"), *ALPHA_CHILDREN, *BETA_CHILDREN),
           keeps=GAMMA_CHILDREN),
    Change("renaming a program moves the project rows of its projects",
           run("pmo", "updateProgram", id=ref("CORE"), name="Core platform"),
           moves=(project("Alpha"),), keeps=(project("Beta"), project("Gamma"))),
    Change("renaming a project manager moves the rows that name them and all their weeks",
           run("pmo", "updatePerson", id=ref("alice"), fullName="Alice Liddell"),
           moves=(project("Alpha"), risk("Vendor late"), issue("Build broken"),
                  benefit("Revenue"), week("alice", "2026-02-02"), week("alice", "2026-03-02"),
                  week("alice", "2026-06-29")),
           keeps=(project("Beta"), project("Gamma"), risk("Scope creep"), issue("Fixed"),
                  benefit("Faster orders"), week("bob", "2026-03-02"))),
    Change("renaming a sponsor moves the project rows of the projects they sponsor",
           run("pmo", "updatePerson", id=ref("carol"), fullName="Caroline"),
           moves=(project("Alpha"),), keeps=(project("Beta"), project("Gamma"))),
    Change("renaming a benefit's owner moves its benefit row",
           run("pmo", "updatePerson", id=ref("carol"), fullName="Caroline"),
           moves=(benefit("Faster orders"),), keeps=(benefit("Revenue"),)),
    Change("renaming the person who submitted a status report moves its row",
           run("pmo", "updatePerson", id=ref("bob"), fullName="Robert"),
           given=(run("bob", "submitStatusReport", keep=("bob's report", "statusReport"),
                      projectId=ref("Beta"), periodEnd="2026-02-15", overall="AMBER",
                      summary="Slow"),),
           moves=(status_report("bob's report"), project("Beta"), project("Gamma")),
           keeps=(status_report("report 2026-01-31"), project("Alpha"))),
    Change("renaming the person who requested a change moves the change request row",
           run("pmo", "updatePerson", id=ref("alice"), fullName="Alice Liddell"),
           given=(run("alice", "createChangeRequest", keep=("alice's request", "changeRequest"),
                      projectId=ref("Alpha"), title="Add reporting"),),
           moves=(change_request("alice's request"),),
           keeps=(change_request("Draft"), change_request("More scope"))),
    Change("renaming the person who decided a gate moves its gate decision row",
           run("pmo", "updatePerson", id=ref("carol"), fullName="Caroline"),
           given=(run("pmo", "decideGate", id=ref("Plan"), decision="GO"),),
           moves=(gate("Initiate"),), keeps=(gate("Plan"),)),
    Change("renaming the person who decided a change request moves its row",
           run("pmo", "updatePerson", id=ref("carol"), fullName="Caroline"),
           given=(run("carol", "decideChangeRequest", id=ref("More scope"), version=VERSION,
                      decision="REJECTED"),),
           moves=(change_request("More scope"),), keeps=(change_request("Draft"),)),
    # allocation weeks
    Change("creating an allocation moves the person's weeks it covers and its project row",
           run("alice", "createAllocation", personId=ref("bob"), projectId=ref("Alpha"),
               roleName="Tester", startDate="2026-04-06", endDate="2026-04-19", percent=40),
           moves=(week("bob", "2026-04-06"), week("bob", "2026-04-13"), project("Alpha")),
           keeps=(week("bob", "2026-03-30"), week("bob", "2026-04-20"),
                  week("bob", "2026-06-29"), week("alice", "2026-04-06"), project("Beta"))),
    Change("updating an allocation moves the weeks it covers and its project row",
           run("alice", "updateAllocation", id=ref("alice on Alpha"), percent=80),
           moves=(week("alice", "2026-03-02"), week("alice", "2026-03-09"), project("Alpha")),
           keeps=(week("alice", "2026-02-23"), week("alice", "2026-03-16"),
                  week("alice", "2026-06-29"), week("bob", "2026-03-02"), project("Beta"))),
    Change("extending an allocation moves the week it now covers too",
           run("alice", "updateAllocation", id=ref("alice on Alpha"), endDate="2026-03-22"),
           moves=(week("alice", "2026-03-09"), week("alice", "2026-03-16")),
           keeps=(week("alice", "2026-03-23"), week("alice", "2026-06-29"))),
    Change("shortening an allocation moves the week it no longer covers",
           run("alice", "updateAllocation", id=ref("alice on Alpha"), endDate="2026-03-08"),
           moves=(week("alice", "2026-03-02"), week("alice", "2026-03-09")),
           keeps=(week("alice", "2026-03-16"), week("alice", "2026-06-29"))),
    Change("moving an allocation later moves the weeks it left and the weeks it reached",
           run("alice", "updateAllocation", id=ref("alice on Alpha"), startDate="2026-05-04",
               endDate="2026-05-17"),
           moves=(week("alice", "2026-03-02"), week("alice", "2026-03-09"),
                  week("alice", "2026-05-04"), week("alice", "2026-05-11")),
           keeps=(week("alice", "2026-04-06"), week("alice", "2026-06-29"))),
    Change("deleting an allocation moves the weeks it covered and its project row",
           run("alice", "deleteAllocation", id=ref("alice on Alpha")),
           moves=(week("alice", "2026-03-02"), week("alice", "2026-03-09"), project("Alpha")),
           keeps=(week("alice", "2026-02-23"), week("alice", "2026-03-16"),
                  week("alice", "2026-06-29"), project("Beta"))),
    Change("changing a person's capacity moves all their weeks",
           run("pmo", "updatePerson", id=ref("bob"), capacityHoursPerWeek="32"),
           moves=(week("bob", "2026-02-02"), week("bob", "2026-06-29")),
           keeps=(week("alice", "2026-02-02"), week("dave", "2026-06-29"))),
    Change("deactivating a person moves all their weeks",
           run("pmo", "updatePerson", id=ref("dave"), active=False),
           moves=(week("dave", "2026-02-02"), week("dave", "2026-06-29")),
           keeps=(week("bob", "2026-02-02"),)),
    Change("creating a person brings their weeks",
           run("pmo", "createPerson", keep=("eve", "person"), email="eve@example.com",
               fullName="Eve", roles=["PM"]),
           brings=(week("eve", "2026-02-02"), week("eve", "2026-06-29")),
           keeps=(week("bob", "2026-02-02"),)),
]


@pytest.mark.parametrize("change", [pytest.param(c, id=c.says) for c in CHANGES])
async def test_a_change_moves_the_rows_that_show_it(env: Env, change: Change) -> None:
    # given
    for step in change.given:
        await step(env)
    before = await env.updated_at(change.reports)
    absent = [str(row) for row in (*change.moves, *change.keeps) if row.key(env) not in before]
    assert absent == [], f"rows missing before the change: {absent}"
    await asyncio.sleep(0.005)  # whatever `given` changed is strictly before `since`
    since = datetime.now(UTC)

    # when
    await change.step(env)

    # then
    after = await env.updated_at(change.reports)
    listed = await env.updated_at(change.reports, since)
    problems: list[str] = []
    for row in change.moves:
        was, now = before[row.key(env)], after.get(row.key(env))
        if now is None or not (now > was and now >= since):
            problems.append(f"{row} did not move: updatedAt {was} -> {now}, since {since}")
    for row in change.brings:
        now = after.get(row.key(env))
        if row.key(env) in before or now is None or now < since:
            problems.append(f"{row} is not new: updatedAt {now}, since {since}")
    for row in (*change.moves, *change.brings):
        if row.key(env) not in listed:
            problems.append(f"{row} not returned by updatedSince")
    for row in change.keeps:
        was, now = before[row.key(env)], after.get(row.key(env))
        if now != was:
            problems.append(f"{row} moved: updatedAt {was} -> {now}, since {since}")
        if row.key(env) in listed:
            problems.append(f"{row} returned by updatedSince")
    assert problems == [], "\n".join(problems)


# --- 2. deletions are listed by deletedRows ----------------------------------------------------

@dataclass(frozen=True)
class Deletion:
    """Deleting one object (named in ``Env.ids``, made by ``given`` when the world has none):
    its kind, its project (None: it has none) and the report whose row it was (if any)."""

    says: str
    entity: str
    name: str
    delete: Run
    project: str | None = "Alpha"
    report: str | None = None
    given: tuple[Step, ...] = ()
    reader: str = "ana"
    """Who lists the deletions: the analyst (a BI token) unless only the PMO may."""


DELETIONS = [
    Deletion("deleting a risk", "RISK", "Scope creep",
             run("alice", "deleteRisk", returns="deletedId", id=ref("Scope creep"),
                 version=VERSION), report="riskRows"),
    Deletion("deleting an issue", "ISSUE", "Build broken",
             run("alice", "deleteIssue", returns="deletedId", id=ref("Build broken"),
                 version=VERSION), report="issueRows"),
    Deletion("deleting an assumption", "ASSUMPTION", "assumption",
             run("alice", "deleteAssumption", returns="deletedId", id=ref("assumption")),
             given=(run("alice", "createAssumption", keep=("assumption", "assumption"),
                        projectId=ref("Alpha"), text="The vendor delivers in March"),)),
    Deletion("deleting a dependency", "DEPENDENCY", "dependency",
             run("alice", "deleteDependency", returns="deletedId", id=ref("dependency")),
             given=(run("alice", "createDependency", keep=("dependency", "dependency"),
                        fromProjectId=ref("Alpha"), toProjectId=ref("Beta"),
                        description="Beta's API"),)),
    Deletion("deleting a milestone", "MILESTONE", "Build",
             run("alice", "deleteMilestone", returns="deletedId", id=ref("Build")),
             report="milestoneRows"),
    Deletion("deleting a cost entry", "COST_ENTRY", "cost 2026-03-15",
             run("alice", "deleteCostEntry", returns="deletedId", id=ref("cost 2026-03-15")),
             report="costRows"),
    Deletion("deleting an allocation", "ALLOCATION", "alice on Alpha",
             run("alice", "deleteAllocation", returns="deletedId", id=ref("alice on Alpha"))),
    Deletion("deleting a lesson", "LESSON", "lesson",
             run("alice", "deleteLesson", returns="deletedId", id=ref("lesson")),
             given=(run("alice", "addLesson", keep=("lesson", "lesson"), projectId=ref("Alpha"),
                        title="Order early", category="Procurement",
                        whatHappened="The vendor was late", recommendation="Order early",
                        impact="NEGATIVE"),)),
    Deletion("removing a project's alignment to an objective", "PROJECT_OBJECTIVE",
             "Alpha serves CUT",
             run("alice", "setProjectObjectives", projectId=ref("Alpha"),
                 objectives=[{"objectiveId": ref("GROW"), "alignmentScore": 4}])),
    Deletion("deleting a webhook", "WEBHOOK", "webhook",
             run("pmo", "deleteWebhook", returns="deletedId", id=ref("webhook")),
             project=None, reader="pmo",
             given=(run("pmo", "createWebhook", keep=("webhook", "webhook"),
                        url="https://example.com/hook", eventTypes=["*"], active=True),)),
]


@pytest.mark.parametrize("deletion", [pytest.param(d, id=d.says) for d in DELETIONS])
async def test_a_deletion_is_listed_by_deleted_rows(env: Env, deletion: Deletion) -> None:
    # given
    for step in deletion.given:
        await step(env)
    gid = env[deletion.name]
    reports = {"projectRows"} | ({deletion.report} if deletion.report else set())
    before = await env.updated_at(reports)
    if deletion.report:
        assert (deletion.report, gid, None) in before
    await asyncio.sleep(0.005)
    since = datetime.now(UTC)

    # when
    payload = await deletion.delete(env)

    # then: listed once, with the id it had and its project; gone from its report; its
    # project's row moved and is returned by updatedSince
    assert payload.get("deletedId", gid) == gid
    project_gid = env[deletion.project] if deletion.project else None
    problems = await deletion_problems(env, deletion, gid, project_gid, since)
    after = await env.updated_at(reports)
    if deletion.report and (deletion.report, gid, None) in after:
        problems.append(f"still listed by {deletion.report}")
    if project_gid is not None:
        key = ("projectRows", project_gid, None)
        if not (after[key] > before[key] and after[key] >= since):
            problems.append(f"project row did not move: updatedAt {before[key]} -> "
                            f"{after[key]}, since {since}")
        if key not in await env.updated_at({"projectRows"}, since):
            problems.append("project row not returned by updatedSince")
    assert problems == [], "\n".join(problems)


async def deletion_problems(env: Env, deletion: Deletion, gid: str, project_gid: str | None,
                            since: datetime) -> list[str]:
    """What ``deletedRows`` gets wrong about one deletion just made (after ``since``)."""
    problems: list[str] = []
    reader, entity = deletion.reader, deletion.entity
    listed = await env.deleted(reader, entity, since)
    got = [(n["entity"], n["deletedId"], n["projectId"]) for n in listed]
    if got != [(entity, gid, project_gid)]:
        problems.append(f"deletedRows listed {got}, expected {[(entity, gid, project_gid)]}")
    if listed and moment(listed[0]["deletedAt"]) < since:
        problems.append(f"deletedAt {listed[0]['deletedAt']} is before {since}")
    if await env.deleted(reader, entity, datetime.now(UTC)):
        problems.append("listed with a later since")
    if project_gid is not None:
        if await env.deleted(reader, entity, since, project_ids=[env["Beta"]]):
            problems.append("listed for another project")
        if len(await env.deleted(reader, entity, since, project_ids=[project_gid])) != 1:
            problems.append("not listed for its project")
    return problems


@pytest.mark.parametrize(("days", "errors"), [(91, ["BAD_USER_INPUT"]), (89, [])],
                         ids=["a since older than the retention period is bad input",
                              "a since within the retention period is fine"])
async def test_deleted_rows_are_kept_for_the_retention_period(
    api: Api, world: World, days: int, errors: list[str],
) -> None:
    # when
    since = datetime.now(UTC) - timedelta(days=days)
    result = await api("ana", DELETED, entity="RISK", since=since.isoformat())

    # then
    assert codes(result) == errors
    if not errors:
        assert result["data"]["reports"]["deletedRows"]["nodes"] == []


@pytest.mark.parametrize(("who", "entity", "errors"), [
    ("ana", "WEBHOOK", ["FORBIDDEN"]),  # webhooks are the PMO's only
    ("carol", "WEBHOOK", ["FORBIDDEN"]),
    ("alice", "WEBHOOK", ["FORBIDDEN"]),
    ("pmo", "WEBHOOK", []),
    ("ana", "RISK", []),
], ids=["an analyst may not list deleted webhooks",
        "an executive may not list deleted webhooks",
        "a PM may not list deleted webhooks",
        "the PMO lists deleted webhooks",
        "an analyst lists deleted risks"])
async def test_listing_deletions_needs_read_access_to_their_kind(
    api: Api, world: World, who: str, entity: str, errors: list[str],
) -> None:
    # when
    since = datetime.now(UTC) - timedelta(days=1)
    result = await api(who, DELETED, entity=entity, since=since.isoformat())

    # then
    assert codes(result) == errors
