"""The organisation through the API (PMO only): portfolios, programs, people and roles, each
one audited transaction; everyone else is refused and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.models import AuditEvent, Person, Portfolio, Program
from tests.schema.conftest import Api, World, codes

Sessions = async_sessionmaker[AsyncSession]

CREATE_PORTFOLIO = """mutation($input: CreatePortfolioInput!) {
  createPortfolio(input: $input) { portfolio { id code name budget owner { fullName } }
    userErrors { field code } } }"""
UPDATE_PORTFOLIO = """mutation($input: UpdatePortfolioInput!) {
  updatePortfolio(input: $input) { portfolio { code name budget } userErrors { field code } } }"""
CREATE_PROGRAM = """mutation($input: CreateProgramInput!) {
  createProgram(input: $input) { program { id code name portfolio { code } manager { fullName } }
    userErrors { field code } } }"""
UPDATE_PROGRAM = """mutation($input: UpdateProgramInput!) {
  updateProgram(input: $input) { program { name manager { fullName } }
    userErrors { field code } } }"""
CREATE_PERSON = """mutation($input: CreatePersonInput!) {
  createPerson(input: $input) { person { id fullName email capacityHoursPerWeek active }
    roles userErrors { field code } } }"""
UPDATE_PERSON = """mutation($input: UpdatePersonInput!) {
  updatePerson(input: $input) { person { fullName active } roles userErrors { field code } } }"""
ASSIGN = """mutation($input: AssignRolesInput!) {
  assignRoles(input: $input) { person { fullName } roles userErrors { field code } } }"""


async def counts(sessions: Sessions) -> tuple[int, ...]:
    async with sessions() as s:
        return tuple([(await s.exec(sa.select(sa.func.count()).select_from(model))).scalar_one()  # type: ignore[call-overload]
                      for model in (Portfolio, Program, Person, AuditEvent)])


async def test_the_pmo_builds_the_organisation(api: Api, world: World,
                                               sessions: Sessions) -> None:
    before = await counts(sessions)
    # a portfolio owned by Carol
    portfolio = await api("pmo", CREATE_PORTFOLIO, input={
        "code": "PF-2", "name": "Digital", "ownerId": world.gid("Person", world.people["carol"]),
        "budget": "250000.00"})
    created = portfolio["data"]["createPortfolio"]
    assert created["userErrors"] == []
    assert created["portfolio"]["owner"] == {"fullName": "Carol"}
    pf = created["portfolio"]["id"]
    renamed = await api("pmo", UPDATE_PORTFOLIO, input={"id": pf, "name": "Digital first"})
    assert renamed["data"]["updatePortfolio"]["portfolio"] == {
        "code": "PF-2", "name": "Digital first", "budget": "250000.00"}
    # a program in it managed by Bob
    program = await api("pmo", CREATE_PROGRAM, input={
        "portfolioId": pf, "code": "PG-1", "name": "Cloud",
        "managerId": world.gid("Person", world.people["bob"])})
    made = program["data"]["createProgram"]
    assert made["userErrors"] == [] and made["program"]["portfolio"] == {"code": "PF-2"}
    cleared = await api("pmo", UPDATE_PROGRAM, input={"id": made["program"]["id"],
                                                      "managerId": None})
    assert cleared["data"]["updateProgram"]["program"] == {"name": "Cloud", "manager": None}
    # a person who is a project manager
    person = await api("pmo", CREATE_PERSON, input={
        "email": " Erin@Example.com ", "fullName": "Erin", "roles": ["PM"]})
    erin = person["data"]["createPerson"]
    assert erin["userErrors"] == []
    assert erin["person"]["email"] == "erin@example.com" and erin["person"]["active"] is True
    assert erin["person"]["capacityHoursPerWeek"] == "40.00" and erin["roles"] == ["PM"]
    # then every change is in the tables and in the audit trail
    assert await counts(sessions) == (before[0] + 1, before[1] + 1, before[2] + 1,
                                      before[3] + 6)


@pytest.mark.parametrize("who", ["alice", "carol", "ana"])
async def test_nobody_else_changes_the_organisation(api: Api, world: World, sessions: Sessions,
                                                    who: str) -> None:
    before = await counts(sessions)
    portfolio, person = world.gid("Portfolio", world.portfolio), world.gid("Person",
                                                                            world.people["bob"])
    attempts = [
        (CREATE_PORTFOLIO, {"code": "PF-9", "name": "Mine", "ownerId": person}),
        (UPDATE_PORTFOLIO, {"id": portfolio, "name": "Mine"}),
        (CREATE_PROGRAM, {"portfolioId": portfolio, "code": "PG-9", "name": "Mine"}),
        (CREATE_PERSON, {"email": "x@example.com", "fullName": "X"}),
        (UPDATE_PERSON, {"id": person, "active": False}),
        (ASSIGN, {"personId": person, "roles": ["PMO"]}),
    ]
    for document, values in attempts:
        assert codes(await api(who, document, input=values)) == ["FORBIDDEN"], document
    assert await counts(sessions) == before


async def test_a_role_change_is_effective_on_the_next_request(api: Api, world: World) -> None:
    # given Alice, a PM who may edit her project
    update = """mutation($input: UpdateProjectInput!) {
      updateProject(input: $input) { userErrors { code } } }"""
    # when the PMO makes her an analyst only
    result = await api("pmo", ASSIGN, input={
        "personId": world.gid("Person", world.people["alice"]), "roles": ["ANALYST"]})
    assert result["data"]["assignRoles"] == {"person": {"fullName": "Alice"},
                                             "roles": ["ANALYST"], "userErrors": []}
    # then her very next request has analyst rights only
    viewer = await api("alice", "{ viewer { roles } }")
    assert viewer["data"]["viewer"]["roles"] == ["analyst"]
    refused = await api("alice", update, input={
        "id": world.gid("Project", world.alice_project), "version": 1, "name": "Nope"})
    assert codes(refused) == ["FORBIDDEN"]


async def test_a_deactivated_person_can_no_longer_call_the_api(api: Api, world: World) -> None:
    result = await api("pmo", UPDATE_PERSON, input={
        "id": world.gid("Person", world.people["bob"]), "active": False})
    assert result["data"]["updatePerson"]["person"] == {"fullName": "Bob", "active": False}
    response = await api.client.post("/graphql", json={"query": "{ viewer { roles } }"},
                                     headers={"Authorization": f"Bearer {api.token('bob')}"})
    assert response.status_code == 401


@pytest.mark.parametrize(("document", "values", "field", "code"), [
    (CREATE_PORTFOLIO, {"code": "PF-1", "name": "Twin", "ownerId": "carol"}, "code",
     "DUPLICATE"),
    (CREATE_PORTFOLIO, {"code": "PF-3", "name": "Broke", "ownerId": "carol", "budget": "-1"},
     "budget", "OUT_OF_RANGE"),
    (CREATE_PERSON, {"email": "alice@example.com", "fullName": "Alice again"}, "email",
     "DUPLICATE"),
    (CREATE_PERSON, {"email": "not an email", "fullName": "Nobody"}, "email", "INVALID"),
    (UPDATE_PERSON, {"id": "pmo", "active": False}, "active", "INVALID"),  # not oneself
    (ASSIGN, {"personId": "pmo", "roles": ["PM"]}, "roles", "INVALID"),  # keeps PMO
])
async def test_bad_input_is_a_user_error_and_nothing_changes(
    api: Api, world: World, sessions: Sessions, document: str, values: dict[str, Any],
    field: str, code: str,
) -> None:
    people = {"ownerId", "id", "personId"}
    values = {key: world.gid("Person", world.people[value]) if key in people else value
              for key, value in values.items()}
    before = await counts(sessions)
    result = await api("pmo", document, input=values)
    payload = next(iter(result["data"].values()))
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], code)]
    assert await counts(sessions) == before
