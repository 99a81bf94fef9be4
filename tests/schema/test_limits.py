"""What one request may ask (schema/limits.py): each limit at its bound and just over it,
refused before anything runs with its own ``extensions.code``; the figures computed once per
fragment, so a document of nested fragments costs no more than its size."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from graphql import get_introspection_query, parse

from schema.limits import LIST_ESTIMATE, measure
from schema.pagination import DEFAULT_PAGE_SIZE
from schema.schema import schema
from server.limits import Limits
from tests.schema.conftest import Api, codes

GRAPHQL = schema._schema  # noqa: SLF001
LIMITS = Limits()


def measured(query: str, variables: dict[str, Any] | None = None,
             limits: Limits = LIMITS) -> tuple[Any, list[str]]:
    found = measure(GRAPHQL, parse(query), None, variables, limits)
    return found, [e.extensions["code"] for e in found.errors]  # type: ignore[index]


def nested_portfolios(levels: int) -> str:
    """``projects -> portfolio -> projects -> ...``: two fields per level."""
    query = "code"
    for _ in range(levels):
        query = f"projects(first: 1) {{ nodes {{ portfolio {{ {query} }} }} }}"
    return "{ " + query + " }"


def test_depth_at_the_bound_passes_and_one_more_is_refused() -> None:
    # Each level is projects > nodes > portfolio (3 fields); "code" adds one.
    found, refused = measured(nested_portfolios(3))
    assert found.depth == 10 and refused == []
    deeper, refused = measured(nested_portfolios(4))
    assert deeper.depth == 13
    assert refused == ["MAX_DEPTH_EXCEEDED"]


@pytest.mark.parametrize("tool", ["graphiql", "codegen"])
async def test_the_standard_introspection_query_is_answered(api: Api, tool: str) -> None:
    # GraphiQL's (input value deprecation on) and GraphQL Code Generator's: depth 15 in
    # ``ofType``, which the depth limit leaves to graphql-core's introspection depth rule
    query = get_introspection_query(input_value_deprecation=tool == "graphiql",
                                    descriptions=True)
    result = await api("ana", query)
    assert "errors" not in result, result["errors"]
    assert result["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_circular_introspection_is_still_refused(api: Api) -> None:
    query = ("{ __schema { types { fields { type { fields { type { fields { type { name } } } "
             "} } } } } }")
    assert codes(await api("ana", query)) == ["GRAPHQL_VALIDATION_FAILED"]


def aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: apiVersion" for i in range(n)) + " }"


def test_aliases_at_the_bound_pass_and_one_more_is_refused() -> None:
    limits = Limits(root_fields=100)
    assert measured(aliases(LIMITS.aliases), limits=limits)[1] == []
    assert measured(aliases(LIMITS.aliases + 1), limits=limits)[1] == ["MAX_ALIASES_EXCEEDED"]


def test_aliases_are_counted_through_every_spread_of_a_fragment() -> None:
    fragment = "fragment F on Query { " + " ".join(f"a{i}: apiVersion" for i in range(8)) + " }"
    # 4 spreads x 8 aliases = 32: over the bound although the document names only 8.
    found, refused = measured("{ ...F ...F ...F ...F } " + fragment,
                              limits=Limits(root_fields=100))
    assert found.aliases == 32
    assert refused == ["MAX_ALIASES_EXCEEDED"]


def test_root_fields_at_the_bound_pass_and_one_more_is_refused() -> None:
    limits = Limits(aliases=100)
    assert measured(aliases(LIMITS.root_fields), limits=limits)[1] == []
    assert measured(aliases(LIMITS.root_fields + 1), limits=limits)[1] == \
        ["MAX_ROOT_FIELDS_EXCEEDED"]


def test_directives_on_one_field_at_the_bound_pass_and_one_more_is_refused() -> None:
    def query(n: int) -> str:
        return "query($no: Boolean = false) { apiVersion" + " @skip(if: $no)" * n + " }"
    assert measured(query(LIMITS.directives))[1] == []
    assert measured(query(LIMITS.directives + 1))[1] == ["MAX_DIRECTIVES_EXCEEDED"]


def test_operations_per_document_at_the_bound_pass_and_one_more_is_refused() -> None:
    def document(n: int) -> str:
        return " ".join(f"query Q{i} {{ apiVersion }}" for i in range(n))
    found = measure(GRAPHQL, parse(document(LIMITS.operations)), "Q0", None, LIMITS)
    assert found.errors == [] and found.root_fields == 1
    over = measure(GRAPHQL, parse(document(LIMITS.operations + 1)), "Q0", None, LIMITS)
    assert [e.extensions["code"] for e in over.errors] == ["MAX_OPERATIONS_EXCEEDED"]  # type: ignore[index]


def test_cost_multiplies_each_connection_by_its_page_size() -> None:
    found, _ = measured("{ projects(first: 100) { nodes { code portfolio { name } } } }")
    # projects 1 + 100 x (nodes 1 + code 1 + portfolio 1 + name 1)
    assert found.cost == 1 + 100 * 4
    # without first: the default page size; a page size from a variable counts as given
    default, _ = measured("{ projects { nodes { code } } }")
    assert default.cost == 1 + DEFAULT_PAGE_SIZE * 2
    variable, _ = measured("query($n: Int) { projects(first: $n) { nodes { code } } }", {"n": 7})
    assert variable.cost == 1 + 7 * 2
    # a plain list without a page size counts LIST_ESTIMATE rows
    listed, _ = measured("{ comments(first: 2) { nodes { mentions { id } } } }")
    assert listed.cost == 1 + 2 * (1 + 1 + LIST_ESTIMATE * 1)


def test_cost_at_the_bound_passes_and_just_over_is_refused_with_the_figures() -> None:
    query = "query($n: Int) { projects(first: $n) { nodes { code } } }"
    limits = Limits(cost=1 + 20 * 2)
    assert measured(query, {"n": 20}, limits)[1] == []
    found, refused = measured(query, {"n": 21}, limits)
    assert refused == ["MAX_COST_EXCEEDED"]
    assert found.errors[0].extensions == {"code": "MAX_COST_EXCEEDED", "cost": 43,
                                          "maximumCost": 41}


def test_the_nested_page_attack_is_refused() -> None:
    # Three levels of projects(first: 500) -> portfolio: about 10^8 rows asked for.
    level = "code"
    for _ in range(3):
        level = f"projects(first: 500) {{ nodes {{ portfolio {{ {level} }} }} }}"
    assert measured("{ " + level + " }")[1] == ["MAX_COST_EXCEEDED"]


def fragment_bomb(levels: int, spreads: int) -> str:
    """Fragment i spreads fragment i-1 ``spreads`` times: spreads^levels paths."""
    fragments = ["fragment F0 on Query { apiVersion }"]
    for i in range(1, levels + 1):
        fragments.append(f"fragment F{i} on Query {{ {' '.join([f'...F{i - 1}'] * spreads)} }}")
    return f"{{ ...F{levels} }} " + " ".join(fragments)


def test_a_fragment_fan_out_is_measured_once_per_fragment() -> None:
    # 4^12 = 16.7 million paths: walking them took minutes; each fragment once takes none.
    started = time.process_time()
    found, refused = measured(fragment_bomb(12, 4))
    assert time.process_time() - started < 1.0
    assert found.root_fields == 4 ** 12
    assert "MAX_ROOT_FIELDS_EXCEEDED" in refused


async def test_a_fragment_fan_out_is_refused_over_http(api: Api) -> None:
    result = await asyncio.wait_for(api("alice", fragment_bomb(12, 4)), timeout=10)
    assert "data" not in result or result["data"] is None
    assert "MAX_ROOT_FIELDS_EXCEEDED" in codes(result)


async def test_a_refused_request_runs_nothing_and_says_which_limit(api: Api) -> None:
    result = await api("alice", nested_portfolios(4))
    assert codes(result) == ["MAX_DEPTH_EXCEEDED"]
    assert result.get("data") is None


async def test_every_answer_reports_its_cost(api: Api) -> None:
    result = await api("alice", "{ projects(first: 3) { nodes { code } } }")
    assert "errors" not in result
    assert result["extensions"]["cost"] == {"requested": 1 + 3 * 2, "maximum": LIMITS.cost,
                                            "remaining": 1_000_000 - 7}


async def test_too_many_tokens_are_refused_while_parsing(api: Api) -> None:
    # "{ viewer {" and "} }" are five tokens
    at_bound = "{ viewer { " + "__typename " * (LIMITS.tokens - 5) + "} }"
    assert "MAX_TOKENS_EXCEEDED" not in codes(await api("alice", at_bound))
    over = "{ viewer { " + "__typename " * (LIMITS.tokens - 4) + "} }"
    assert codes(await api("alice", over)) == ["MAX_TOKENS_EXCEEDED"]


async def test_variables_over_their_size_are_refused(api: Api) -> None:
    query = "query($s: ID!) { node(id: $s) { id } }"
    at_bound = await api("alice", query, s="x" * (LIMITS.variables_bytes - 100))
    assert "MAX_VARIABLES_SIZE_EXCEEDED" not in codes(at_bound)
    result = await api("alice", query, s="x" * LIMITS.variables_bytes)
    assert codes(result) == ["MAX_VARIABLES_SIZE_EXCEEDED"]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
async def test_a_body_over_the_limit_is_413_before_it_is_read(api: Api, declared: bool) -> None:
    body = b'{"query": "{ apiVersion }", "padding": "' + b"x" * 1_000_001 + b'"}'
    headers = {"Authorization": f"Bearer {api.token('alice')}",
               "Content-Type": "application/json"}

    async def chunks() -> Any:
        for start in range(0, len(body), 65536):
            yield body[start:start + 65536]
    response = await api.client.post("/graphql", content=body if declared else chunks(),
                                     headers=headers)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    small = await api.client.post("/graphql", json={"query": "{ apiVersion }"},
                                  headers=headers)
    assert small.status_code == 200
