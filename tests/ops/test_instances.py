"""Two ``pmo serve`` instances on two ports against one PostgreSQL database, as behind a load
balancer: what one instance does, the other knows at once. A subscription on A hears a
change made on B; a role given in the console on A is enforced on B (and the console session
signed in on A is good on B); an API token's cost budget spent on A is refused on B."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx2
import pytest
from websockets.asyncio.client import connect

from tests.ops.servers import Served, data, demo_database, pmo, served, token
from tests.server.console import post, sign_in

# An expensive read (1 + 500 x 2 = 1,001 units): two fit the minute's budget, not three.
EXPENSIVE = "{ projects(first: 500) { nodes { code } } }"
BUDGET = 2_500
WAIT = 15.0


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory,
              ) -> Iterator[tuple[Served, Served, dict[str, str]]]:
    work = tmp_path_factory.mktemp("instances")
    with demo_database(cost_per_minute=str(BUDGET)) as env, \
            served(env, work) as a, served(env, work) as b:
        yield a, b, env


async def test_a_subscription_on_one_instance_hears_a_change_made_on_the_other(
        instances: tuple[Served, Served, dict[str, str]]) -> None:
    a, b, env = instances
    alice, carol = token(env, "pm.alice@example.com"), token(env, "exec.carol@example.com")
    projects = data(b.graphql("{ projects(first: 100) { nodes { id name version "
                              "manager { email } portfolio { id } } } }", alice))
    project = next(p for p in projects["projects"]["nodes"]
                   if p["manager"]["email"] == "pm.alice@example.com")
    async with connect(a.ws_url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                       open_timeout=WAIT) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {carol}"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription($p: ID!) { projectChanged(portfolioId: $p) { id name } }",
            "variables": {"p": project["portfolio"]["id"]}}}))
        # The subscription is registered once A's listener has it: change on B until A hears
        # (a change made before then is not one this subscription was promised).
        heard = None
        async with asyncio.timeout(WAIT):
            for attempt in range(100):
                name = f"Across instances {attempt}"
                changed = data(b.graphql(
                    "mutation($i: UpdateProjectInput!) { updateProject(input: $i) { "
                    "project { version } userErrors { code } } }", alice,
                    i={"id": project["id"], "version": project["version"], "name": name}))
                assert changed["updateProject"]["userErrors"] == []
                project["version"] = changed["updateProject"]["project"]["version"]
                try:
                    heard = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                except TimeoutError:
                    continue
                break
        assert heard is not None and heard["type"] == "next", heard
        assert heard["payload"]["data"]["projectChanged"]["id"] == project["id"]
        assert heard["payload"]["data"]["projectChanged"]["name"].startswith("Across")


async def test_a_role_given_on_one_instance_is_enforced_on_the_other(
        instances: tuple[Served, Served, dict[str, str]]) -> None:
    a, b, env = instances
    reader = token(env, "bi.reader@example.com")
    create = ("mutation($i: CreatePortfolioInput!) { createPortfolio(input: $i) { "
              "portfolio { name } userErrors { code } } }")
    me = data(b.graphql("{ viewer { roles person { id } } }", reader))["viewer"]
    assert me["roles"] == ["analyst"]
    portfolio = {"code": "TWO", "name": "Analyst's portfolio", "ownerId": me["person"]["id"]}
    refused = b.graphql(create, reader, i=portfolio).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
    person = _row_id(me["person"]["id"])
    async with httpx2.AsyncClient(base_url=a.url, timeout=WAIT) as console:
        assert (await sign_in(console, "pmo.admin@example.com", "demo-password")
                ).status_code == 302
        edited = await post(console, f"/admin/person/edit/{person}", {
            "full_name": "BI Reader", "capacity_hours_per_week": "40", "active": "y",
            "roles": ["analyst", "pmo"]})
        assert edited.status_code == 302, edited.text
        # the console session is the database's: B knows it too (no sticky sessions needed)
        async with httpx2.AsyncClient(base_url=b.url, cookies=console.cookies,
                                      timeout=WAIT) as elsewhere:
            home = await elsewhere.get("/admin/")
            assert home.status_code == 200 and "csrf-token" in home.text, home.text[:300]
    assert data(b.graphql("{ viewer { roles } }", reader))["viewer"]["roles"] == [
        "analyst", "pmo"]
    allowed = data(b.graphql(create, reader, i=portfolio))
    assert allowed["createPortfolio"] == {"portfolio": {"name": "Analyst's portfolio"},
                                          "userErrors": []}


def _row_id(global_id: str) -> int:
    from schema.base import decode_id

    decoded = decode_id(global_id, expected="Person")
    assert decoded is not None
    return int(decoded[1])


def test_a_token_budget_spent_on_one_instance_is_refused_on_the_other(
        instances: tuple[Served, Served, dict[str, str]]) -> None:
    a, b, env = instances
    api_token = pmo(env, "token", "create", "--name", "two-instances",
                    "--email", "bi.reader@example.com").strip()
    for _ in range(2):
        spent = a.graphql(EXPENSIVE, api_token)
        assert spent.status_code == 200, spent.text
        assert spent.json()["extensions"]["cost"]["requested"] == 1_001
    assert spent.json()["extensions"]["cost"]["remaining"] == BUDGET - 2 * 1_001
    refused = b.graphql(EXPENSIVE, api_token)
    assert refused.status_code == 429, refused.text
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # a cheap operation still fits on either instance: the budget is one, not two
    assert b.graphql("{ apiVersion }", api_token).status_code == 200
    assert a.graphql(EXPENSIVE, api_token).status_code == 429
