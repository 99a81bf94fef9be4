"""One log line per request, JSON in production and readable in development, each with the
request id that ``X-Request-ID`` brings (if plausible) or that is made, and that every
response returns (server/request_log.py, server/workers.py ``log_config``)."""

from __future__ import annotations

import json
import logging
import logging.config
import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.routing import Route

from schema import schema as root
from server.app import create_app
from server.domain.auth.tokens import mint
from server.request_log import valid_request_id
from server.settings import Settings, load_settings
from server.workers import log_config

Sessions = async_sessionmaker[AsyncSession]
SECRET = "a-production-secret-of-more-than-32-characters"
PROJECTS = "query Projects { projects(first: 3) { nodes { code } } }"
COST = 1 + 3 * 2
HEX_ID = re.compile(r"[0-9a-f]{32}")
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "pmo")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Logging as it was (pytest's capture handlers included) after the test configures it."""
    saved = [(logging.getLogger(name), logging.getLogger(name).handlers[:],
              logging.getLogger(name).level, logging.getLogger(name).propagate)
             for name in LOGGERS]
    yield
    for logger, handlers, level, propagate in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


async def served(settings: Settings) -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app(settings)

    async def boom(request: Request) -> None:
        raise RuntimeError("a bug")

    app.router.routes.append(Route("/boom", boom))
    logging.config.dictConfig(log_config(settings))
    async with app.router.lifespan_context(app):
        # A bug's 500 is answered, not raised into the test.
        transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


def bearer(person_id: int, secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Bearer " + mint(person_id, secret=secret,
                                              ttl=timedelta(minutes=5))}


def request_lines(output: str) -> list[dict[str, Any]]:
    """Every line parsed as JSON (each must be), keeping the request lines."""
    parsed = [json.loads(line) for line in output.splitlines() if line.strip()]
    return [line for line in parsed if line["logger"] == "pmo.request"]


@pytest.mark.usefixtures("restore_logging")
async def test_production_logs_one_json_line_per_request(
        db_url: str, person: int, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # given the production profile, configured as pmo serve configures it
    settings = load_settings(database_url=db_url, env="production", secret_key=SECRET)
    assert settings.json_logs

    async def broken(info: Any, node_id: str) -> None:
        raise RuntimeError("a resolver bug")

    monkeypatch.setattr(root, "resolve_node", broken)
    capsys.readouterr()
    async for client in served(settings):
        # when requests of every kind are answered
        query = await client.post("/graphql", json={"query": PROJECTS},
                                  headers={**bearer(person), "X-Request-ID": "client-id-0001"})
        invalid_id = await client.get("/healthz", headers={"X-Request-ID": "no spaces, please"})
        missing = await client.get("/no/such/page")
        console = await client.get("/admin/login")
        export = await client.get("/export/projects.csv")
        bug = await client.get("/boom")
        masked = await client.post("/graphql", json={"query": '{ node(id: "x") { id } }'},
                                   headers=bearer(person))
    responses = [query, invalid_id, missing, console, export, bug, masked]
    lines = request_lines(capsys.readouterr().err)

    # then every response carries its request id: the client's when plausible, else a new one
    ids = [response.headers["x-request-id"] for response in responses]
    assert ids[0] == "client-id-0001"
    assert all(HEX_ID.fullmatch(i) for i in ids[1:]), ids
    assert len(set(ids)) == len(ids)
    assert [r.status_code for r in responses] == [200, 200, 404, 200, 401, 500, 200]
    # and each request has one line, with that id, in order
    assert [line["request_id"] for line in lines] == ids
    assert [line["status"] for line in lines] == [r.status_code for r in responses]
    assert [line["path"] for line in lines] == ["/graphql", "/healthz", "/no/such/page",
                                                "/admin/login", "/export/projects.csv",
                                                "/boom", "/graphql"]
    # and the GraphQL one tells what ran, for whom, and what it cost
    first = lines[0]
    assert first["method"] == "POST" and first["level"] == "INFO"
    assert (first["operation"], first["operation_type"]) == ("Projects", "query")
    assert first["role"] == "pmo"
    assert first["statements"] >= 2  # the caller's roles, then the page
    assert first["cost"] == COST
    assert first["duration_ms"] > 0 and "time" in first
    assert lines[1]["operation"] is None and lines[1]["role"] is None
    # and a masked bug's requestId is the request's id, as in its line
    [error] = masked.json()["errors"]
    assert error["extensions"]["requestId"] == ids[-1] == lines[-1]["request_id"]


@pytest.mark.usefixtures("restore_logging")
async def test_development_logs_are_readable_lines(
        db_url: str, person: int, capsys: pytest.CaptureFixture[str]) -> None:
    # given the development profile
    settings = load_settings(database_url=db_url)
    assert not settings.json_logs
    capsys.readouterr()
    async for client in served(settings):
        # when a query is answered
        answer = await client.post("/graphql", json={"query": PROJECTS},
                                   headers=bearer(person, settings.secret_key.get_secret_value()))
    output = capsys.readouterr().err
    # then its line is text, not JSON, with what ran and the request id
    [line] = [line for line in output.splitlines() if "/graphql" in line]
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
    assert line.startswith("INFO:")
    assert "POST /graphql 200" in line and "query Projects" in line
    assert "role=pmo" in line and f"cost={COST}" in line
    assert f"id={answer.headers['x-request-id']}" in line


@pytest.mark.parametrize(("header", "kept"), [
    ("0f1e2d3c4b5a69788796a5b4c3d2e1f0", True), ("3b8a0f2e-7c44-4d1a-9a57-0c2b3e4f5a6b", True),
    ("Root=1-67891233-abcdef012345678912345678", True), ("abcdefgh", True),
    ("short", False), ("x" * 129, False), ("with space 123", False), ("line\nbreak12", False),
    ('quote"12345', False), ("é" * 10, False)])
def test_a_request_id_is_kept_only_when_plausible(header: str, kept: bool) -> None:
    assert valid_request_id(header) is kept
