"""EarnedValue.forecastFinish through GraphQL: the worked example of tests/domain/test_evm.py
(baselined 1 Jan - 1 Apr 2026, 90 days) on both backends."""

from __future__ import annotations

from typing import Any

from server.domain.models import Project
from tests.schema.conftest import Api, World
from tests.schema.metrics.conftest import Sessions

PROJECT_FORECAST = """
query($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Project { evm(asOf: $asOf) { spi forecastFinish } } }
}"""
PORTFOLIO_FORECAST = """
query($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Portfolio { evm(asOf: $asOf) { spi forecastFinish } } }
}"""


def evm(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result["errors"]
    return result["data"]["node"]["evm"]  # type: ignore[no-any-return]


async def test_mid_way_the_forecast_uses_the_unrounded_spi(api: Api, evm_world: World) -> None:
    # when
    result = await api("alice", PROJECT_FORECAST,
                       id=evm_world.gid("Project", evm_world.alice_project), asOf="2026-02-01")

    # then: SPI = 36/31; 90 x 31/36 = 77.5 days -> 78 (half to even) after 1 Jan
    assert evm(result) == {"spi": "1.1613", "forecastFinish": "2026-03-20"}


async def test_a_late_project_is_forecast_after_its_baseline_finish(
    api: Api, evm_world: World,
) -> None:
    # when
    result = await api("carol", PROJECT_FORECAST,
                       id=evm_world.gid("Project", evm_world.alice_project), asOf="2026-06-30")

    # then: SPI 0.4 -> 225 days after 1 Jan
    assert evm(result) == {"spi": "0.4000", "forecastFinish": "2026-08-14"}


async def test_no_forecast_before_the_start_when_spi_is_null(api: Api, evm_world: World) -> None:
    # when
    result = await api("ana", PROJECT_FORECAST,
                       id=evm_world.gid("Project", evm_world.alice_project), asOf="2025-12-01")

    # then
    assert evm(result) == {"spi": None, "forecastFinish": None}


async def test_no_forecast_when_spi_is_zero(
    api: Api, evm_world: World, sessions: Sessions,
) -> None:
    # given
    async with sessions() as s, s.begin():
        project = await s.get(Project, evm_world.alice_project)
        assert project is not None
        project.percent_complete = 0

    # when
    result = await api("bob", PROJECT_FORECAST,
                       id=evm_world.gid("Project", evm_world.alice_project), asOf="2026-02-01")

    # then
    assert evm(result) == {"spi": "0.0000", "forecastFinish": None}


async def test_a_portfolio_has_no_baseline_so_no_forecast(api: Api, evm_world: World) -> None:
    # when
    result = await api("carol", PORTFOLIO_FORECAST,
                       id=evm_world.gid("Portfolio", evm_world.portfolio), asOf="2026-02-01")

    # then
    assert evm(result) == {"spi": "0.4300", "forecastFinish": None}
