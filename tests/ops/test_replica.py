"""Reports read from a real streaming replica (PMO_REPLICA_DATABASE_URL), everything else from
the primary: a standby of the machine's PostgreSQL (pg_basebackup), its replay paused, shows
that reports, CSV exports and BI rows come from it while the API's other reads and every
write's own answer come from the primary; resumed, the reports catch up; stopped, reports
answer 503 and the rest of the API works."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.ops.cluster import Cluster, wait_until_standby_has
from tests.ops.conftest import MakeStandby
from tests.ops.servers import Served, data, demo_database, served, token

WAIT = 30.0


@pytest.fixture
def env() -> Iterator[dict[str, str]]:
    with demo_database() as seeded:
        yield seeded


def _psql(standby: Cluster, database: str, sql: str) -> str:
    return standby.psql(sql, database=database).strip()


def test_reports_read_from_the_replica_and_everything_else_from_the_primary(
        env: dict[str, str], make_standby: MakeStandby, tmp_path: Any) -> None:
    primary_url = env["PMO_DATABASE_URL"]
    primary = make_url(PG_URL)
    standby = make_standby(primary.host or "127.0.0.1", primary.port or 5432)
    database = make_url(primary_url).database
    assert database is not None
    # the standby has the seeded database (it was copied after the seed)
    wait_until_standby_has(standby, f"SELECT count(*) > 0 FROM pg_database "
                                    f"WHERE datname = '{database}'", "t")
    replica_url = make_url(primary_url).set(port=standby.port).render_as_string(
        hide_password=False)
    env["PMO_REPLICA_DATABASE_URL"] = replica_url
    alice = token(env, "pm.alice@example.com")
    with served(env, tmp_path) as server:
        project = next(p for p in data(server.graphql(
            "{ projects(first: 100) { nodes { id code name version manager { email } } } }",
            alice))["projects"]["nodes"] if p["manager"]["email"] == "pm.alice@example.com")
        assert report_name(server, alice, project["code"]) == project["name"]

        # the replica stops replaying: what the primary commits now, it does not have
        _psql(standby, database, "SELECT pg_wal_replay_pause()")
        wait_until_paused(standby, database)
        changed = data(server.graphql(
            "mutation($i: UpdateProjectInput!) { updateProject(input: $i) { "
            "project { name } userErrors { code } } }", alice,
            i={"id": project["id"], "version": project["version"], "name": "Renamed"}))
        # a write's own answer, and the API's other reads, come from the primary
        assert changed["updateProject"] == {"project": {"name": "Renamed"}, "userErrors": []}
        assert data(server.graphql('query($id: ID!) { node(id: $id) { ... on Project { name } } }',
                                   alice, id=project["id"]))["node"]["name"] == "Renamed"
        # reports, the CSV export and the BI rows from the replica, which has the old name
        assert report_name(server, alice, project["code"]) == project["name"]
        assert export_name(server, alice, project["code"]) == project["name"]
        summary = data(server.graphql(
            "{ reports { projectRows(first: 500) { totalCount } } }", alice))
        assert summary["reports"]["projectRows"]["totalCount"] > 0
        assert _psql(standby, database, "SELECT pg_is_in_recovery()") == "t"

        # replay resumes: the reports catch up
        _psql(standby, database, "SELECT pg_wal_replay_resume()")
        for _ in range(int(WAIT * 10)):
            if report_name(server, alice, project["code"]) == "Renamed":
                break
            time.sleep(0.1)
        else:
            pytest.fail("the replica's reports never showed the primary's change")
        assert export_name(server, alice, project["code"]) == "Renamed"

        # the replica goes away: reports answer 503, the rest of the API is unaffected
        standby.stop("immediate")
        down = server.graphql("{ reports { projectRows(first: 5) { nodes { code } } } }", alice)
        assert down.status_code == 503, down.text
        assert down.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert data(server.graphql("{ projects(first: 5) { nodes { code } } }", alice))


def wait_until_paused(standby: Cluster, database: str) -> None:
    for _ in range(int(WAIT * 10)):
        if _psql(standby, database, "SELECT pg_get_wal_replay_pause_state()") == "paused":
            return
        time.sleep(0.1)
    pytest.fail("the standby's replay never paused")


def report_name(server: Served, token: str, code: str) -> str:
    rows = data(server.graphql("{ reports { projectRows(first: 500) { nodes { code name } } } }",
                               token))["reports"]["projectRows"]["nodes"]
    return str(next(row["name"] for row in rows if row["code"] == code))


def export_name(server: Served, token: str, code: str) -> str:
    answer = httpx2.get(f"{server.url}/export/projectRows.csv",
                        headers={"Authorization": f"Bearer {token}"}, timeout=WAIT)
    assert answer.status_code == 200, answer.text
    rows = csv.DictReader(io.StringIO(answer.text))
    return str(next(row["name"] for row in rows if row["code"] == code))
