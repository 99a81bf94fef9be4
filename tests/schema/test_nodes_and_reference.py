"""Every node type round-trips through node(id:), and the reference and history data of a
seeded project reads back as stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from graphql import build_schema, get_named_type
from sqlalchemy.ext.asyncio import AsyncEngine

import schema.schema  # noqa: F401 - registers every package's node types
from schema.base import to_global_id
from schema.node import NODE_TYPES
from schema.schema import SDL_PATH
from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.models import Person, Project, ProjectBaseline, Stakeholder
from server.seed import seed_database
from server.settings import DEMO_SECRET_KEY, load_settings


@pytest.fixture
async def call(engine: AsyncEngine, db_url: str) -> AsyncIterator[Any]:
    await seed_database(engine, scale=1, seed=3)
    async with engine.connect() as conn:
        ids = dict((await conn.execute(sa.select(Person.email, Person.id))).all())  # type: ignore[call-overload]
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            async def run(email: str, query: str, **variables: Any) -> dict[str, Any]:
                token = mint(ids[email], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
                response = await http.post("/graphql", json={"query": query,
                                                             "variables": variables},
                                           headers={"Authorization": f"Bearer {token}"})
                return response.json()  # type: ignore[no-any-return]
            yield run


async def test_every_node_type_round_trips_through_node_id(call: Any, engine: AsyncEngine) -> None:
    checked = []
    for type_name, (_graphql_type, model, _resource) in sorted(NODE_TYPES.items()):
        async with engine.connect() as conn:
            row_id = (await conn.execute(sa.select(sa.func.min(model.id)))).scalar_one()  # type: ignore[attr-defined]
        if row_id is None:
            continue
        gid = str(to_global_id(type_name, row_id))
        result = await call("pmo.admin@example.com",
                            "query($id: ID!) { node(id: $id) { id __typename } }", id=gid)
        assert result.get("errors") is None, (type_name, result)
        assert result["data"]["node"] == {"id": gid, "__typename": type_name}
        checked.append(type_name)
    assert len(checked) >= 25, checked


PROJECT = """
query($id: ID!) { node(id: $id) { ... on Project {
  program { code } department { code } projectType { code }
  governanceTemplate { name gates { name } }
  baselines { totalCount nodes { number bac } }
  snapshots { totalCount }
  stakeholders { totalCount nodes { role influence } }
  gates { nodes { sequence checklist { totalCount nodes { text mandatory done } } } }
} } }"""


async def test_project_history_stakeholders_and_reference_read_back(
    call: Any, engine: AsyncEngine
) -> None:
    async with engine.connect() as conn:
        project_id = (await conn.execute(
            sa.select(ProjectBaseline.project_id).limit(1))).scalar_one()  # type: ignore[call-overload]
        baselines = (await conn.execute(sa.select(sa.func.count()).select_from(ProjectBaseline)
                                        .where(ProjectBaseline.project_id == project_id))
                     ).scalar_one()
        stakeholders = (await conn.execute(sa.select(sa.func.count()).select_from(Stakeholder)
                                           .where(Stakeholder.project_id == project_id))
                        ).scalar_one()
        has_template = (await conn.execute(sa.select(Project.governance_template_id).where(
            Project.id == project_id))).scalar_one() is not None  # type: ignore[call-overload]
    result = await call("bi.reader@example.com", PROJECT,
                        id=str(to_global_id("Project", project_id)))
    assert result.get("errors") is None, result
    project = result["data"]["node"]
    assert project["baselines"]["totalCount"] == baselines
    assert [b["number"] for b in project["baselines"]["nodes"]] == list(range(1, baselines + 1))
    assert project["stakeholders"]["totalCount"] == stakeholders
    if has_template:
        assert project["governanceTemplate"]["gates"]
        assert all(g["checklist"]["totalCount"] == len(g["checklist"]["nodes"])
                   for g in project["gates"]["nodes"])


async def test_reference_data_lists(call: Any) -> None:
    result = await call("bi.reader@example.com", """{
      projectTypes { totalCount nodes { code name } }
      ragThresholds { nodes { metric greenAt amberAt } }
      settings { nodes { key value } } }""")
    assert result.get("errors") is None, result
    data = result["data"]
    assert data["projectTypes"]["totalCount"] > 0
    assert {t["metric"] for t in data["ragThresholds"]["nodes"]} == {"CPI", "SPI"}
    assert any(s["key"] == "base_currency" for s in data["settings"]["nodes"])


# Every id a write input takes, with the list a form's dropdown fills it from. A role that
# may write the input must be able to list its candidates.
DROPDOWNS = {
    "riskCategories": ["CreateRiskInput.categoryId", "UpdateRiskInput.categoryId"],
    "people": ["CreateRiskInput.ownerId", "CreateIssueInput.ownerId",
               "CreateAllocationInput.personId", "CreateBenefitInput.ownerId",
               "CreateProjectInput.managerId", "CreateProjectInput.sponsorId",
               "EscalateRiskInput.ownerId"],
    "projects": ["CreateRiskInput.projectId", "CreateDependencyInput.toProjectId",
                 "RecordCostInput.projectId", "SubmitStatusReportInput.projectId"],
    "portfolios": ["CreateProjectInput.portfolioId"],
    "programs": ["CreateProjectInput.programId"],
    "departments": ["CreateProjectInput.departmentId"],
    "projectTypes": ["CreateProjectInput.projectTypeId"],
    "governanceTemplates": ["CreateProjectInput.governanceTemplateId",
                            "ApplyGovernanceTemplateInput.governanceTemplateId"],
    "objectives": ["ObjectiveAlignmentInput.objectiveId"],
}


def test_the_dropdown_table_names_id_inputs() -> None:
    sdl = build_schema(SDL_PATH.read_text(encoding="utf-8"))
    for name, fields in DROPDOWNS.items():
        assert name in sdl.query_type.fields
        for field in fields:
            input_type, input_field = field.split(".")
            assert get_named_type(sdl.get_type(input_type).fields[input_field].type).name == "ID"


@pytest.mark.parametrize("email", ["pm.alice@example.com", "pmo.admin@example.com"])
async def test_every_id_a_form_takes_can_be_listed_by_its_writers(call: Any,
                                                                  email: str) -> None:
    # when a project manager or the PMO fills the dropdowns of the forms they may submit
    query = "{ " + " ".join(f"{name}(first: 5) {{ nodes {{ id }} }}" for name in DROPDOWNS) + " }"
    result = await call(email, query)
    # then every list answers with candidates
    assert result.get("errors") is None, result
    assert [name for name in DROPDOWNS if not result["data"][name]["nodes"]] == []


async def test_a_risk_created_from_the_listed_category_and_owner(call: Any) -> None:
    # given the ids a PM's risk form offers
    lists = await call("pm.alice@example.com", """{
      riskCategories(filter: {active: true}) { nodes { id name } }
      people(first: 1) { nodes { id } } }""")
    category = lists["data"]["riskCategories"]["nodes"][0]
    owner = lists["data"]["people"]["nodes"][0]["id"]
    mine = await call("pm.alice@example.com", """{ viewer { person { id } } }""")
    projects = await call("pm.alice@example.com", """query($me: ID!) {
      projects(first: 1, filter: {managerIds: [$me]}) { nodes { id } } }""",
                          me=mine["data"]["viewer"]["person"]["id"])
    project = projects["data"]["projects"]["nodes"][0]["id"]
    # when she creates a risk with them
    created = await call("pm.alice@example.com", """mutation($input: CreateRiskInput!) {
      createRisk(input: $input) { risk { category { id name } } userErrors { code } } }""",
                         input={"projectId": project, "title": "Vendor late", "probability": 3,
                                "impact": 4, "categoryId": category["id"], "ownerId": owner})
    # then the risk carries the listed category
    assert created.get("errors") is None, created
    assert created["data"]["createRisk"] == {"risk": {"category": category}, "userErrors": []}
