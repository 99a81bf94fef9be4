"""GraphQL over HTTP: status codes and media types per the spec, masked internal errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import schema.schema as root
from tests.schema.conftest import Api

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def post(api: Api, body: Any, accept: str | None = None, raw: bytes | None = None) -> Any:
    headers = {"Authorization": f"Bearer {api.token('alice')}"}
    if accept:
        headers["Accept"] = accept
    if raw is not None:
        headers["Content-Type"] = "application/json"
        return await api.client.post("/graphql", content=raw, headers=headers)
    return await api.client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    ("query", "code"),
    [("{ projects { ", "GRAPHQL_PARSE_FAILED"), ("{ nope }", "GRAPHQL_VALIDATION_FAILED")],
)
async def test_unparsable_or_invalid_documents_are_400_with_graphql_response_json(
    api: Api, query: str, code: str
) -> None:
    response = await post(api, {"query": query}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]
    # with plain application/json the legacy 200 stays, with the same error code
    legacy = await post(api, {"query": query})
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == code


async def test_a_successful_request_answers_in_the_media_type_asked_for(api: Api) -> None:
    response = await post(api, {"query": "{ apiVersion }"}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json()["data"] == {"apiVersion": "0.1.0"}


@pytest.mark.parametrize(
    ("body", "raw"), [(None, b"{not json"), ({"variables": {}}, None)])
async def test_malformed_requests_are_400(api: Api, body: Any, raw: bytes | None) -> None:
    response = await post(api, body, raw=raw)
    assert response.status_code == 400


async def test_mutations_over_get_are_refused(api: Api) -> None:
    response = await api.client.get(
        "/graphql", params={"query": "mutation { __typename }"},
        headers={"Authorization": f"Bearer {api.token('alice')}"})
    assert response.status_code in (400, 405)


async def test_page_size_over_the_maximum_is_a_clear_error(api: Api) -> None:
    result = await api("alice", "{ projects(first: 501) { totalCount } }")
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "500" in result["errors"][0]["message"]


async def test_unexpected_exceptions_are_masked_logged_and_carry_a_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(info: Any, node_id: str) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(root, "resolve_node", broken)
    with caplog.at_level(logging.ERROR, logger="pmo.graphql"):
        response = await post(api, {"query": '{ node(id: "x") { id } }'})
    body = response.json()
    [error] = body["errors"]
    assert error["message"] == "internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    request_id = error["extensions"]["requestId"]
    assert "hunter2" not in response.text
    assert any(request_id in record.getMessage() for record in caplog.records)
