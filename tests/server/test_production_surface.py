"""The production profile shows nothing it need not: no introspection unless asked for, no
field suggestions, no GraphiQL, no GET queries unless enabled; security headers on every
response; CORS only for listed origins; persisted operations, as an allow-list or by APQ."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from typer.testing import CliRunner

from server.app import create_app
from server.cli import app as cli
from server.domain.auth.tokens import mint
from server.persisted import digest
from server.settings import load_settings

Sessions = async_sessionmaker[AsyncSession]
SECRET = "a-production-secret-of-more-than-32-characters"
GRAPHQL_RESPONSE = "application/graphql-response+json"


async def serve(db_url: str, **settings: Any) -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app(load_settings(database_url=db_url, **settings))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
async def production(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    async for client in serve(db_url, env="production", secret_key=SECRET):
        yield client


def auth(person_id: int, secret: str = SECRET) -> dict[str, str]:
    token = mint(person_id, secret=secret, ttl=timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


async def ask(client: httpx2.AsyncClient, person_id: int, query: str, secret: str = SECRET,
              **extra: Any) -> httpx2.Response:
    return await client.post("/graphql", json={"query": query, **extra},
                              headers=auth(person_id, secret))


async def test_introspection_is_off_in_production(production: httpx2.AsyncClient,
                                                  person: int) -> None:
    for query in ("{ __schema { types { name } } }", '{ __type(name: "Project") { name } }'):
        answer = (await ask(production, person, query)).json()
        assert answer.get("data") is None
        assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection" in answer["errors"][0]["message"]
    # __typename is not introspection
    assert (await ask(production, person, "{ __typename }")).json()["data"] == \
        {"__typename": "Query"}


async def test_introspection_can_be_turned_on_in_production(db_url: str, person: int) -> None:
    async for client in serve(db_url, env="production", secret_key=SECRET, introspection=True):
        answer = (await ask(client, person, '{ __type(name: "Project") { name } }')).json()
        assert answer["data"] == {"__type": {"name": "Project"}}


async def test_introspection_is_on_in_development(db_url: str, person: int) -> None:
    async for client in serve(db_url):
        answer = await ask(client, person, '{ __type(name: "Project") { name } }',
                           secret="dev-insecure-demo-secret-do-not-use-in-production")
        assert answer.json()["data"] == {"__type": {"name": "Project"}}


async def test_production_errors_suggest_nothing(production: httpx2.AsyncClient,
                                                 person: int) -> None:
    answer = (await ask(production, person, "{ project { id } }")).json()
    message = answer["errors"][0]["message"]
    assert message == "Cannot query field 'project' on type 'Query'."
    variables = await production.post("/graphql", headers=auth(person), json={
        "query": "query($s: [ProjectStatus!]) { projects(filter: {status: $s}) { totalCount } }",
        "variables": {"s": ["ACTIV"]}})
    assert "Did you mean" not in json.dumps(variables.json())


async def test_development_errors_keep_their_suggestions(db_url: str, person: int) -> None:
    async for client in serve(db_url):
        answer = await ask(client, person, "{ project { id } }",
                           secret="dev-insecure-demo-secret-do-not-use-in-production")
        assert "Did you mean" in answer.json()["errors"][0]["message"]


async def test_no_graphiql_and_no_get_queries_in_production(production: httpx2.AsyncClient,
                                                            person: int) -> None:
    page = await production.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code != 200 or "graphiql" not in page.text.lower()
    query = await production.get("/graphql", params={"query": "{ apiVersion }"},
                                 headers=auth(person))
    assert query.status_code in (400, 405)
    assert "apiVersion" not in query.text


async def test_get_queries_when_enabled_and_never_mutations(db_url: str, person: int) -> None:
    async for client in serve(db_url, env="production", secret_key=SECRET, graphql_get=True):
        query = await client.get("/graphql", params={"query": "{ apiVersion }"},
                                 headers=auth(person))
        assert query.status_code == 200 and query.json()["data"]["apiVersion"]
        mutation = await client.get(
            "/graphql", params={"query": "mutation { markNotificationsRead(input: {all: true})"
                                          " { count } }"}, headers=auth(person))
        assert mutation.status_code in (400, 405)


@pytest.mark.parametrize("query", ["{ projects { ", "{ nope }", "{ " + "a: apiVersion " * 40 + "}"],
                         ids=["parse", "validation", "limit"])
async def test_refused_documents_carry_no_data_entry(production: httpx2.AsyncClient, person: int,
                                                     query: str) -> None:
    response = await production.post("/graphql", json={"query": query},
                                     headers={**auth(person), "Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert "data" not in response.json()
    assert response.json()["errors"]


API_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
               "x-frame-options": "DENY"}


async def test_security_headers_on_api_answers(production: httpx2.AsyncClient,
                                               person: int) -> None:
    answers = [await ask(production, person, "{ apiVersion }"),
               await production.get("/export/projectRows.csv", headers=auth(person)),
               await production.get("/healthz"),
               await production.post("/graphql", json={"query": "{ apiVersion }"})]
    for answer in answers:
        for name, value in API_HEADERS.items():
            assert answer.headers[name] == value, (answer.url, name)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "strict-transport-security" not in answer.headers  # plain http here
    # the caller's data is never cached
    assert answers[0].headers["cache-control"] == "no-store"
    assert answers[1].headers["cache-control"] == "no-store"


async def test_the_console_has_a_strict_csp_and_cannot_be_framed(
        production: httpx2.AsyncClient) -> None:
    page = await production.get("/admin/login")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    # a browser sends "Origin: null" under no-referrer, and the console checks the origin
    assert page.headers["referrer-policy"] == "same-origin"


async def test_hsts_over_https(db_url: str) -> None:
    app = create_app(load_settings(database_url=db_url, env="production", secret_key=SECRET))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="https://pmo.test") as c:
            answer = await c.get("/healthz")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_cors_only_for_listed_origins(db_url: str, person: int) -> None:
    async for client in serve(db_url, env="production", secret_key=SECRET,
                              cors_origins=["https://pmo.example.com"]):
        def preflight(origin: str, client: httpx2.AsyncClient = client) -> Any:
            return client.options("/graphql", headers={
                "Origin": origin, "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type"})
        allowed = await preflight("https://pmo.example.com")
        assert allowed.headers["access-control-allow-origin"] == "https://pmo.example.com"
        refused = await preflight("https://evil.example.com")
        assert "access-control-allow-origin" not in refused.headers
    async for client in serve(db_url, env="production", secret_key=SECRET):
        answer = await client.post("/graphql", json={"query": "{ apiVersion }"},
                                   headers={**auth(person), "Origin": "https://x.example"})
        assert "access-control-allow-origin" not in answer.headers


REGISTERED = "query Version { apiVersion }\n"


def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    manifest = tmp_path / "operations.json"
    document = tmp_path / "version.graphql"
    document.write_text(text)
    monkeypatch.setenv("PMO_PERSISTED_OPERATIONS", str(manifest))
    result = CliRunner().invoke(cli, ["operations", "register", str(document)])
    assert result.exit_code == 0, result.output
    assert digest(text) in result.output
    return manifest


def test_register_refuses_an_operation_the_schema_does_not_have(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = tmp_path / "bad.graphql"
    document.write_text("{ nope }")
    monkeypatch.setenv("PMO_PERSISTED_OPERATIONS", str(tmp_path / "operations.json"))
    result = CliRunner().invoke(cli, ["operations", "register", str(document)])
    assert result.exit_code != 0
    assert "nope" in result.output
    assert not (tmp_path / "operations.json").exists()


async def test_only_registered_operations_run_when_asked(
        db_url: str, person: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = register(tmp_path, monkeypatch, REGISTERED)
    key = digest(REGISTERED)
    async for client in serve(db_url, env="production", secret_key=SECRET,
                              persisted_operations=manifest, persisted_only=True):
        by_hash = await client.post("/graphql", headers=auth(person), json={
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": key}}})
        assert by_hash.json()["data"]["apiVersion"]
        by_text = await ask(client, person, REGISTERED)
        assert by_text.json()["data"]["apiVersion"]
        for refused in [await ask(client, person, "{ apiVersion }"),
                        await client.post("/graphql", headers=auth(person), json={
                            "query": "{ apiVersion }", "extensions": {"persistedQuery": {
                                "version": 1, "sha256Hash": digest("{ apiVersion }")}}})]:
            assert refused.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
            assert refused.json().get("data") is None


async def test_automatic_persisted_queries(db_url: str, person: int) -> None:
    query = "{ apiVersion }"
    key = digest(query)
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": key}}
    async for client in serve(db_url, env="production", secret_key=SECRET):
        first = await client.post("/graphql", headers=auth(person), json={"extensions": persisted})
        assert first.status_code == 200
        assert first.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        assert first.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        sent = await client.post("/graphql", headers=auth(person),
                                 json={"query": query, "extensions": persisted})
        assert sent.json()["data"]["apiVersion"]
        again = await client.post("/graphql", headers=auth(person), json={"extensions": persisted})
        assert again.json()["data"]["apiVersion"]
        wrong = await client.post("/graphql", headers=auth(person), json={
            "query": "{ __typename }", "extensions": persisted})
        assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
