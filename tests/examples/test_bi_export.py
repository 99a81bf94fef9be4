"""examples/bi_export.py against a live ``pmo serve`` (SQLite, the demo seed) with the
analyst API token of a BI connector: every row of a report, typed as the schema says, equal
to what GraphQL returns, and its CSV byte for byte the one ``/export/<report>.csv`` serves."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2
import pandas as pd
import pytest
from gql.transport.exceptions import TransportQueryError

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bi_export.py"
PMO = str(Path(sys.executable).with_name("pmo"))
AS_OF = "2026-06-30"


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bi_export", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


bi = _load_example()



class Server:
    def __init__(self, base: str, env: dict[str, str], work: Path, token: str,
                 admin: str) -> None:
        self.base = base
        self.url = f"{base}/graphql"
        self.env = env
        self.work = work
        self.token = token  # the analyst's API token
        self.admin = admin  # a PMO admin's JWT

    def pmo(self, *args: str) -> str:
        """Run the ``pmo`` command on the server's database; its standard output."""
        return subprocess.run([PMO, *args], env=self.env, check=True, capture_output=True,
                              text=True, cwd=self.work).stdout

    def graphql(self, query: str, token: str | None = None, **variables: Any) -> Any:
        answer = httpx2.post(self.url, json={"query": query, "variables": variables},
                             headers={"Authorization": f"Bearer {token or self.token}"},
                             timeout=30)
        body = answer.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def export(self, report: str, **params: str) -> bytes:
        answer = httpx2.get(f"{self.base}/export/{report}.csv", params=params, timeout=30,
                            headers={"Authorization": f"Bearer {self.token}"})
        assert answer.status_code == 200, answer.text
        return answer.content


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("bi")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    env |= {"PMO_ENV": "development", "PMO_PORT": str(port),
            "PMO_DATABASE_URL": f"sqlite+aiosqlite:///{work / 'demo.db'}"}
    setup = Server(f"http://127.0.0.1:{port}", env, work, "", "")
    setup.pmo("db", "upgrade")
    setup.pmo("seed", "--demo")
    log = (work / "serve.log").open("w")
    process = subprocess.Popen([PMO, "serve", "--port", str(port)], env=env, cwd=work,
                               stdout=log, stderr=subprocess.STDOUT)
    # While the server starts: the BI connector's API token, and a PMO admin's JWT for the
    # changes an incremental load then picks up.
    token = setup.pmo("token", "create", "--name", "powerbi",
                      "--email", "bi.reader@example.com").strip()
    admin = setup.pmo("token", "pmo.admin@example.com").strip().splitlines()[-1]
    live = Server(setup.base, env, work, token, admin)
    try:
        for _ in range(120):
            try:
                if httpx2.get(f"{live.base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if process.poll() is not None:
                break
            time.sleep(0.25)
        else:
            pytest.fail((work / "serve.log").read_text())
        assert process.poll() is None, (work / "serve.log").read_text()
        yield live
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _total(server: Server, report: str, arguments: str = "") -> int:
    data = server.graphql(f"{{ reports {{ {report}{arguments} {{ totalCount }} }} }}")
    return int(data["reports"][report]["totalCount"])


def test_project_rows_as_a_typed_dataframe_equal_to_graphql(server: Server) -> None:
    frame = bi.export(server.url, server.token, "projectRows", arguments={"asOf": AS_OF})

    assert len(frame) == _total(server, "projectRows", f'(asOf: "{AS_OF}")') > 0
    assert list(frame.columns) == [f.name for f in bi.describe(
        _schema(server), "projectRows").columns]
    dtypes = frame.dtypes
    for name in ("budgetAtCompletion", "pv", "ev", "cpi", "spi", "alignmentScore"):
        assert dtypes[name] == "Float64", name
    for name in ("priority", "percentComplete", "openRisks", "overdueMilestones"):
        assert dtypes[name] == "Int64", name
    for name in ("baselineStart", "forecastFinish", "asOf", "lastReportPeriodEnd"):
        assert pd.api.types.is_datetime64_dtype(dtypes[name]), name
        assert not isinstance(dtypes[name], pd.DatetimeTZDtype), name
    assert isinstance(dtypes["updatedAt"], pd.DatetimeTZDtype)
    assert str(dtypes["updatedAt"].tz) == "UTC"
    for name in ("projectId", "code", "status", "health", "managerName"):
        assert isinstance(dtypes[name], pd.StringDtype), name
    assert frame["pv"].sum() > 0

    data = server.graphql("""query($asOf: Date) { reports { projectRows(first: 500, asOf: $asOf)
        { nodes { projectId code status health priority budgetAtCompletion cpi baselineStart
                  lastReportPeriodEnd updatedAt } } } }""", asOf=AS_OF)
    nodes = data["reports"]["projectRows"]["nodes"]
    assert frame["projectId"].tolist() == [n["projectId"] for n in nodes]
    assert any(n["cpi"] is None for n in nodes) and any(n["cpi"] is not None for n in nodes)
    parse = {"budgetAtCompletion": float, "cpi": float, "baselineStart": pd.Timestamp,
             "lastReportPeriodEnd": pd.Timestamp,
             "updatedAt": lambda text: pd.Timestamp(datetime.fromisoformat(text))}
    for i, node in enumerate(nodes):
        row = frame.iloc[i]
        for name, value in node.items():
            if value is None:
                assert pd.isna(row[name]), (i, name)
            else:
                assert row[name] == parse.get(name, lambda v: v)(value), (i, name)


def test_project_rows_csv_is_the_export_byte_for_byte(server: Server) -> None:
    exported = server.export("projectRows", asOf=AS_OF)
    # The module, writing to a file object.
    out = io.StringIO(newline="")
    count = bi.export_csv(server.url, server.token, "projectRows", out,
                          arguments={"asOf": AS_OF})
    assert out.getvalue().encode() == exported
    assert count == _total(server, "projectRows") == exported.count(b"\r\n") - 1
    # The command line, the token from the environment.
    target = server.work / "projects.csv"
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--url", server.url, "--report", "projectRows",
         "--arg", f"asOf={AS_OF}", "--csv", str(target)],
        env={**server.env, "PMO_TOKEN": server.token}, capture_output=True, text=True,
        timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"projectRows: {count} rows" in result.stderr
    assert target.read_bytes() == exported


def test_allocation_rows_page_after_page(server: Server) -> None:
    total = _total(server, "allocationRows")
    assert total > 2 * bi.PAGE_SIZE  # three pages of 500
    frame = bi.export(server.url, server.token, "allocationRows")

    assert len(frame) == total
    assert not frame.duplicated(["personId", "week"]).any()
    assert frame["active"].dtype == "boolean" and frame["overAllocated"].dtype == "boolean"
    assert frame["allocatedPercent"].dtype == "Int64"
    assert frame["capacityHours"].dtype == "Float64"
    assert pd.api.types.is_datetime64_dtype(frame["weekStart"])
    assert isinstance(frame["week"].dtype, pd.StringDtype)
    assert frame["overAllocated"].any()
    # Rows of the first and of a later page, against one person's rows asked of GraphQL.
    for i in (0, 1, 2, bi.PAGE_SIZE + 10, total - 1):
        row = frame.iloc[i]
        data = server.graphql("""query($person: ID!) { reports { allocationRows(first: 500,
            filter: {personIds: [$person]}) { nodes { personId personName week weekStart
            allocatedPercent capacityHours allocatedHours overAllocated active } } } }""",
                              person=row["personId"])
        [node] = [n for n in data["reports"]["allocationRows"]["nodes"]
                  if n["week"] == row["week"]]
        assert row["weekStart"] == pd.Timestamp(node.pop("weekStart"))
        for name in ("capacityHours", "allocatedHours"):
            assert row[name] == float(node.pop(name)), (i, name)
        assert {name: row[name] for name in node} == node, i

    with open(server.work / "allocations.csv", "w", newline="", encoding="utf-8") as out:
        bi.export_csv(server.url, server.token, "allocationRows", out)
    assert (server.work / "allocations.csv").read_bytes() == server.export("allocationRows")


def test_incremental_load_of_risk_rows(server: Server) -> None:
    """The recipe of docs/bi.md: rows changed since the last load, then the deletions."""
    full = bi.export(server.url, server.token, "riskRows")
    assert len(full) == _total(server, "riskRows")
    assert isinstance(full["updatedAt"].dtype, pd.DatetimeTZDtype)
    since = full["updatedAt"].max().to_pydatetime() + timedelta(microseconds=1)
    nothing = bi.export(server.url, server.token, "riskRows", updated_since=since)
    assert len(nothing) == 0 and nothing["updatedAt"].dtype == full["updatedAt"].dtype

    risks = server.graphql("""{ risks(first: 2, filter: {status: [OPEN]})
        { nodes { id version } } }""", server.admin)["risks"]["nodes"]
    changed, removed = risks
    answer = server.graphql("""mutation($id: ID!, $version: Int!) { updateRisk(input:
        {id: $id, version: $version, title: "=1+1 formula-like title"}) { userErrors { message } }
        }""", server.admin, **changed)
    assert answer["updateRisk"]["userErrors"] == []
    answer = server.graphql("""mutation($id: ID!, $version: Int!) {
        deleteRisk(input: {id: $id, version: $version}) { deletedId userErrors { message } } }""",
                            server.admin, **removed)
    assert answer["deleteRisk"] == {"deletedId": removed["id"], "userErrors": []}

    delta = bi.export(server.url, server.token, "riskRows", updated_since=since)
    assert changed["id"] in set(delta["riskId"])
    assert removed["id"] not in set(delta["riskId"])
    assert (delta["updatedAt"] >= pd.Timestamp(since)).all()
    assert delta.set_index("riskId").loc[changed["id"], "title"] == "=1+1 formula-like title"
    deleted = bi.export(server.url, server.token, "deletedRows",
                        arguments={"entity": "RISK", "since": since.isoformat()})
    assert deleted["deletedId"].tolist() == [removed["id"]]
    assert deleted["entity"].tolist() == ["RISK"]

    # The CSV has the export's apostrophe before the formula-like title.
    out = io.StringIO(newline="")
    bi.export_csv(server.url, server.token, "riskRows", out)
    assert out.getvalue().encode() == server.export("riskRows")
    assert ",'=1+1 formula-like title," in out.getvalue()
    with pytest.raises(TransportQueryError) as refused:  # older than the retention: reload
        bi.export(server.url, server.token, "deletedRows",
                  arguments={"entity": "RISK", "since": "2000-01-01T00:00:00Z"})
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


def _schema(server: Server) -> Any:
    with bi.connect(server.url, server.token) as session:
        return session.client.schema


def test_other_reports_arguments_and_the_committed_sdl(server: Server) -> None:
    schema = _schema(server)
    with pytest.raises(ValueError, match="no argument 'asOf'"):
        bi.check_arguments(bi.describe(schema, "riskRows"), {"asOf": AS_OF})
    with pytest.raises(ValueError, match="deletedRows needs entity, since"):
        bi.check_arguments(bi.describe(schema, "deletedRows"), {})
    with pytest.raises(ValueError, match="no report 'nope'"):
        bi.describe(schema, "nope")
    # The committed SDL (for a server without introspection) describes the same reports.
    sdl = ROOT / "schema" / "schema.graphql"
    committed_schema = bi.connect(server.url, server.token, schema=sdl).schema
    assert committed_schema is not None
    for report in ("projectRows", "allocationRows", "deletedRows", "portfolioTrend"):
        committed, introspected = bi.describe(committed_schema, report), bi.describe(schema, report)
        assert committed.columns == introspected.columns
        assert list(committed.arguments) == list(introspected.arguments)
    # A report that is a list rather than pages, read through the committed SDL.
    portfolio = server.graphql("{ portfolios(first: 1) { nodes { id } } }")
    arguments = {"portfolioId": portfolio["portfolios"]["nodes"][0]["id"],
                 "from": "2026-01-01", "to": "2026-12-31"}
    trend = bi.export(server.url, server.token, "portfolioTrend", arguments=arguments,
                      schema=sdl)
    data = server.graphql("""query($portfolioId: ID!, $from: Date!, $to: Date!) { reports {
        portfolioTrend(portfolioId: $portfolioId, from: $from, to: $to) { day cpi } } }""",
                          **arguments)
    points = data["reports"]["portfolioTrend"]
    assert len(trend) == len(points) > 0
    assert trend["day"].tolist() == [pd.Timestamp(p["day"]) for p in points]
    assert trend["cpi"].dtype == "Float64"
