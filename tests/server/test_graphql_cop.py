"""graphql-cop's twelve checks, written as tests against the production profile: each probe
sends what graphql-cop sends and the server must show none of the weaknesses it looks for."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx2
import pytest

from tests.server.test_production_surface import SECRET, auth, serve


@pytest.fixture
async def production(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    async for client in serve(db_url, env="production", secret_key=SECRET):
        yield client


def codes(response: httpx2.Response) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]


async def post(client: httpx2.AsyncClient, person: int, body: object) -> httpx2.Response:
    return await client.post("/graphql", json=body, headers=auth(person))


async def test_alias_overloading(production: httpx2.AsyncClient, person: int) -> None:
    query = "query cop { " + " ".join(f"alias{i}:__typename" for i in range(101)) + " }"
    response = await post(production, person, {"query": query})
    assert response.json().get("data") is None
    assert "MAX_ALIASES_EXCEEDED" in codes(response)


async def test_batch_queries(production: httpx2.AsyncClient, person: int) -> None:
    response = await post(production, person, [{"query": "query cop { __typename }"}] * 10)
    assert response.status_code == 400
    assert "__typename" not in response.text


async def test_directive_overloading(production: httpx2.AsyncClient, person: int) -> None:
    response = await post(production, person,
                          {"query": "query cop { __typename " + "@aa" * 10 + " }"})
    assert response.json().get("data") is None
    assert "MAX_DIRECTIVES_EXCEEDED" in codes(response)


async def test_circular_introspection(production: httpx2.AsyncClient, person: int) -> None:
    query = ("query cop { __schema { types { fields { type { fields { type { fields { type {"
             " fields { name } } } } } } } } } }")
    response = await post(production, person, {"query": query})
    assert response.json().get("data") is None


async def test_introspection(production: httpx2.AsyncClient, person: int) -> None:
    response = await post(production, person,
                          {"query": "query cop { __schema { types { name fields { name } } } }"})
    assert response.json().get("data") is None
    assert "introspection" in response.json()["errors"][0]["message"]


async def test_field_suggestions(production: httpx2.AsyncClient, person: int) -> None:
    response = await post(production, person, {"query": "query cop { __schema { directive } }"})
    assert "Did you mean" not in response.text
    response = await post(production, person, {"query": "query cop { projectz { id } }"})
    assert "Did you mean" not in response.text


async def test_graphiql_detection(production: httpx2.AsyncClient) -> None:
    for path in ("/graphql", "/graphiql", "/playground", "/console", "/graphql/console"):
        page = await production.get(path, headers={"Accept": "text/html"})
        assert "graphiql" not in page.text.lower() and "playground" not in page.text.lower()


async def test_get_queries(production: httpx2.AsyncClient, person: int) -> None:
    response = await production.get("/graphql", params={"query": "query cop { __typename }"},
                                    headers=auth(person))
    assert response.status_code in (400, 405)
    assert "__typename" not in response.text or "data" not in response.json()


async def test_get_mutations(production: httpx2.AsyncClient, person: int) -> None:
    response = await production.get(
        "/graphql", params={"query": "mutation cop { __typename }"}, headers=auth(person))
    assert response.status_code in (400, 405)


async def test_form_post_csrf(production: httpx2.AsyncClient, person: int) -> None:
    # A cross-site form can send urlencoded or multipart bodies without a preflight.
    urlencoded = await production.post("/graphql", data={"query": "mutation cop { __typename }"},
                                       headers=auth(person))
    assert urlencoded.status_code in (400, 415)
    multipart = await production.post(
        "/graphql", files={"operations": (None, json.dumps({"query": "{ __typename }"})),
                           "map": (None, "{}")}, headers=auth(person))
    assert multipart.status_code in (400, 415)


async def test_trace_mode(production: httpx2.AsyncClient, person: int) -> None:
    response = await post(production, person, {"query": "query cop { __typename }"})
    extensions = response.json().get("extensions", {})
    assert "tracing" not in extensions and "sql" not in extensions
    assert set(extensions) <= {"cost"}


async def test_unhandled_errors(production: httpx2.AsyncClient, person: int) -> None:
    for body in ({"query": "query cop { __typename @include(if: 1) }"},
                 {"query": "query cop($x: Int) { projects(first: $x) { totalCount } }",
                  "variables": {"x": "not a number"}},
                 {"query": 42}, {"query": "{ node(id: \"\\u0000\") { id } }"}):
        response = await post(production, person, body)
        assert response.status_code < 500, body
        text = response.text.lower()
        assert "traceback" not in text and "exception" not in text and ".py" not in text, body
        if response.headers.get("content-type", "").startswith("application/json"):
            assert "INTERNAL_SERVER_ERROR" not in codes(response), body
