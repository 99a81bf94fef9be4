"""Project.evm, Project.health and Portfolio.evm through GraphQL: the worked example of
tests/domain/test_evm.py, read back from the database on both backends."""

from __future__ import annotations

from typing import Any

from server.domain.enums import Rag
from server.domain.models import Project
from tests.schema.conftest import Api, World, codes
from tests.schema.metrics.conftest import Sessions

FIELDS = "asOf bac pv ev ac cv sv cpi spi eac etc vac tcpi health"
PROJECT_EVM = f"""
query($id: ID!, $asOf: Date) {{
  node(id: $id) {{ ... on Project {{ health evm(asOf: $asOf) {{ {FIELDS} }} }} }}
}}"""
PORTFOLIO_EVM = f"""
query($id: ID!, $asOf: Date) {{
  node(id: $id) {{ ... on Portfolio {{ evm(asOf: $asOf) {{ {FIELDS} }} }} }}
}}"""
BOARD = f"""
query($asOf: Date) {{
  projects(first: 10) {{ nodes {{ code evm(asOf: $asOf) {{ {FIELDS} }} }} }}
}}"""


def evm(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result["errors"]
    return result["data"]["node"]["evm"]  # type: ignore[no-any-return]


async def test_before_the_start_the_ratios_with_a_zero_divisor_are_null(
    api: Api, evm_world: World,
) -> None:
    # when
    result = await api("alice", PROJECT_EVM, id=evm_world.gid("Project", evm_world.alice_project),
                       asOf="2025-12-01")

    # then
    assert evm(result) == {
        "asOf": "2025-12-01", "bac": "100000.00", "pv": "0.00", "ev": "40000.00",
        "ac": "0.00", "cv": "40000.00", "sv": "40000.00", "cpi": None, "spi": None,
        "eac": None, "etc": None, "vac": None, "tcpi": "0.6000", "health": None}


async def test_mid_way_the_cost_entry_of_the_day_counts(api: Api, evm_world: World) -> None:
    # when
    result = await api("ana", PROJECT_EVM, id=evm_world.gid("Project", evm_world.alice_project),
                       asOf="2026-02-01")

    # then
    assert evm(result) == {
        "asOf": "2026-02-01", "bac": "100000.00", "pv": "34444.44", "ev": "40000.00",
        "ac": "35000.00", "cv": "5000.00", "sv": "5555.56", "cpi": "1.1429",
        "spi": "1.1613", "eac": "87500.00", "etc": "52500.00", "vac": "12500.00",
        "tcpi": "0.9231", "health": "GREEN"}


async def test_after_the_finish_everything_is_planned_and_cpi_is_red(
    api: Api, evm_world: World,
) -> None:
    # when
    result = await api("carol", PROJECT_EVM,
                       id=evm_world.gid("Project", evm_world.alice_project), asOf="2026-06-30")

    # then
    assert evm(result) == {
        "asOf": "2026-06-30", "bac": "100000.00", "pv": "100000.00", "ev": "40000.00",
        "ac": "65000.00", "cv": "-25000.00", "sv": "-60000.00", "cpi": "0.6154",
        "spi": "0.4000", "eac": "162500.00", "etc": "97500.00", "vac": "-62500.00",
        "tcpi": "1.7143", "health": "RED"}


async def test_zero_progress_gives_null_estimates(
    api: Api, evm_world: World, sessions: Sessions,
) -> None:
    # given
    async with sessions() as s, s.begin():
        project = await s.get(Project, evm_world.alice_project)
        assert project is not None
        project.percent_complete = 0

    # when
    result = await api("bob", PROJECT_EVM, id=evm_world.gid("Project", evm_world.alice_project),
                       asOf="2026-02-01")

    # then
    figures = evm(result)
    assert (figures["ev"], figures["cpi"], figures["spi"]) == ("0.00", "0.0000", "0.0000")
    assert (figures["eac"], figures["etc"], figures["vac"]) == (None, None, None)
    assert (figures["tcpi"], figures["health"]) == ("1.5385", "RED")


async def test_the_health_override_replaces_the_bands(
    api: Api, evm_world: World, sessions: Sessions,
) -> None:
    # given: the bands say RED as of 30 June
    async with sessions() as s, s.begin():
        project = await s.get(Project, evm_world.alice_project)
        assert project is not None
        project.health_override = Rag.AMBER

    # when
    result = await api("alice", PROJECT_EVM,
                       id=evm_world.gid("Project", evm_world.alice_project), asOf="2026-06-30")

    # then
    assert evm(result)["health"] == "AMBER"
    assert result["data"]["node"]["health"] == "AMBER"


async def test_health_today_follows_the_bands(api: Api, evm_world: World) -> None:
    # when: today is after both baselines, so Bob's SPI (20,000 / 200,000) and CPI are red
    result = await api("alice", PROJECT_EVM, id=evm_world.gid("Project", evm_world.bob_project))

    # then
    assert result["data"]["node"]["health"] == "RED"
    assert result["data"]["node"]["evm"]["spi"] == "0.1000"


async def test_a_portfolio_rolls_up_sums_then_ratios(api: Api, evm_world: World) -> None:
    # when
    result = await api("carol", PORTFOLIO_EVM, id=evm_world.gid("Portfolio", evm_world.portfolio),
                       asOf="2026-02-01")

    # then: Alice 34,444.44.. + Bob 105,084.74.. planned; CPI 60,000 / 85,000 (not the mean
    # of the projects' 1.1429 and 0.4000)
    assert evm(result) == {
        "asOf": "2026-02-01", "bac": "300000.00", "pv": "139529.19", "ev": "60000.00",
        "ac": "85000.00", "cv": "-25000.00", "sv": "-79529.19", "cpi": "0.7059",
        "spi": "0.4300", "eac": "425000.00", "etc": "340000.00", "vac": "-125000.00",
        "tcpi": "1.1163", "health": "RED"}


async def test_each_projects_figures_in_a_list_match_its_own(api: Api, evm_world: World) -> None:
    # when
    board = await api("pmo", BOARD, asOf="2026-02-01")

    # then
    assert "errors" not in board, board["errors"]
    by_code = {n["code"]: n["evm"] for n in board["data"]["projects"]["nodes"]}
    assert by_code["PRJ-0001"]["ac"] == "35000.00"
    assert by_code["PRJ-0002"] == {
        "asOf": "2026-02-01", "bac": "200000.00", "pv": "105084.75", "ev": "20000.00",
        "ac": "50000.00", "cv": "-30000.00", "sv": "-85084.75", "cpi": "0.4000",
        "spi": "0.1903", "eac": "500000.00", "etc": "450000.00", "vac": "-300000.00",
        "tcpi": "1.2000", "health": "RED"}


async def test_an_unauthenticated_caller_gets_nothing(api: Api, evm_world: World) -> None:
    # when
    response = await api.client.post("/graphql", json={"query": BOARD})

    # then
    assert "UNAUTHENTICATED" in codes(response.json())
