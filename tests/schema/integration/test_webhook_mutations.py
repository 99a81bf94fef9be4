"""Managing webhooks: PMO only, validated, audited; the signing secret is shown once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.audit.models import AuditEvent
from server.domain.auth.tokens import mint
from server.domain.errors import DomainError
from server.domain.integration import service
from server.domain.integration.models import Webhook
from server.settings import load_settings
from tests.schema.conftest import Api, World, codes

CREATE = """
mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id url eventTypes active } signingSecret
                                 userErrors { field message code } } }"""
UPDATE = """
mutation($input: UpdateWebhookInput!) {
  updateWebhook(input: $input) { webhook { url eventTypes active }
                                 userErrors { field code } } }"""
DELETE = """
mutation($input: DeleteWebhookInput!) {
  deleteWebhook(input: $input) { deletedId webhook { url } userErrors { code } } }"""
ROTATE = """
mutation($input: RotateWebhookSecretInput!) {
  rotateWebhookSecret(input: $input) { signingSecret webhook { url } userErrors { code } } }"""
READ = "query($id: ID!) { node(id: $id) { ... on Webhook { url eventTypes active } } }"


def create_input(url: str = "https://hooks.example.com/pmo", **values: Any) -> dict[str, Any]:
    return {"url": url, "eventTypes": ["project.changed"], **values}


async def stored(sessions: async_sessionmaker[AsyncSession]) -> list[Webhook]:
    async with sessions() as s:
        return list(await s.exec(select(Webhook).order_by(Webhook.id)))  # type: ignore[arg-type]


async def test_the_pmo_creates_a_webhook_and_sees_its_secret_once(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # when the PMO registers a webhook
    result = await api("pmo", CREATE, input=create_input(eventTypes=["*", "gate.decided"]))
    payload = result["data"]["createWebhook"]
    # then it is stored as given with a fresh secret, which the payload shows
    assert payload["userErrors"] == []
    assert payload["webhook"]["eventTypes"] == ["*", "gate.decided"]
    secret = payload["signingSecret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    [row] = await stored(sessions)
    assert row.secret == secret and row.active
    # and reading it back shows no secret, and asking for one is invalid
    read = await api("pmo", READ, id=payload["webhook"]["id"])
    assert read["data"]["node"] == {"url": "https://hooks.example.com/pmo",
                                    "eventTypes": ["*", "gate.decided"], "active": True}
    asked = await api("pmo", "{ webhooks { nodes { secret signingSecret } } }")
    assert asked.get("data") is None and secret not in str(asked)
    # and the audit trail records the creation without the secret
    async with sessions() as s:
        [audit] = list(await s.exec(select(AuditEvent).where(AuditEvent.entity_type == "Webhook")))
    assert audit.action == "create" and secret not in str(audit.changes)
    assert audit.changes["url"]["after"] == "https://hooks.example.com/pmo"


async def test_rotating_shows_a_new_secret_once_and_replaces_the_old(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # given a webhook
    created = (await api("pmo", CREATE, input=create_input()))["data"]["createWebhook"]
    # when its secret is rotated
    result = await api("pmo", ROTATE, input={"id": created["webhook"]["id"]})
    rotated = result["data"]["rotateWebhookSecret"]
    # then the payload shows a new secret, which is now the stored one
    assert rotated["userErrors"] == []
    assert rotated["signingSecret"] not in (None, created["signingSecret"])
    [row] = await stored(sessions)
    assert row.secret == rotated["signingSecret"]
    async with sessions() as s:
        audits = list(await s.exec(select(AuditEvent).where(AuditEvent.entity_type == "Webhook")))
    assert [a.action for a in audits] == ["create", "rotate_secret"]
    assert row.secret not in str([a.changes for a in audits])


async def test_the_pmo_updates_and_deletes_a_webhook(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = (await api("pmo", CREATE, input=create_input()))["data"]["createWebhook"]
    gid = created["webhook"]["id"]
    # when the PMO changes its URL and event types and pauses it
    updated = await api("pmo", UPDATE, input={"id": gid, "url": "https://other.example.com/h",
                                              "eventTypes": ["risk.escalated"],
                                              "active": False})
    # then the change is stored, the secret untouched
    assert updated["data"]["updateWebhook"] == {"webhook": {
        "url": "https://other.example.com/h", "eventTypes": ["risk.escalated"],
        "active": False}, "userErrors": []}
    [row] = await stored(sessions)
    assert row.secret == created["signingSecret"]
    # when it is deleted
    deleted = await api("pmo", DELETE, input={"id": gid})
    # then it is gone and the payload says which
    assert deleted["data"]["deleteWebhook"] == {"deletedId": gid, "userErrors": [],
                                                "webhook": {"url": "https://other.example.com/h"}}
    assert await stored(sessions) == []
    # and a second delete is NOT_FOUND
    again = await api("pmo", DELETE, input={"id": gid})
    assert again["data"]["deleteWebhook"]["userErrors"] == [{"code": "NOT_FOUND"}]
    wrong = await api("pmo", DELETE, input={"id": world.gid("Project", world.alice_project)})
    assert wrong["data"]["deleteWebhook"]["userErrors"] == [{"code": "INVALID"}]


@pytest.mark.parametrize("who", ["alice", "carol", "ana"])
async def test_only_the_pmo_manages_webhooks(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession], who: str
) -> None:
    # given a webhook
    created = (await api("pmo", CREATE, input=create_input()))["data"]["createWebhook"]
    gid = created["webhook"]["id"]
    # when a PM, an executive or an analyst tries any management mutation
    results = [await api(who, CREATE, input=create_input("https://evil.example.com")),
               await api(who, UPDATE, input={"id": gid, "active": False}),
               await api(who, ROTATE, input={"id": gid}),
               await api(who, DELETE, input={"id": gid})]
    # then each is FORBIDDEN, no secret leaks, and nothing changed
    for result in results:
        assert codes(result) == ["FORBIDDEN"], result
        assert created["signingSecret"] not in str(result)
    [row] = await stored(sessions)
    assert (row.url, row.active, row.secret) == (
        "https://hooks.example.com/pmo", True, created["signingSecret"])


@pytest.mark.parametrize(("values", "field", "code"), [
    ({"url": "ftp://hooks.example.com/x"}, "url", "INVALID"),
    ({"url": "hooks.example.com/x"}, "url", "INVALID"),
    ({"url": "https://user:pass@hooks.example.com/x"}, "url", "INVALID"),
    ({"url": "https://hooks.example.com:99999/x"}, "url", "INVALID"),
    ({"url": "  "}, "url", "REQUIRED"),
    ({"url": "https://h.example.com/" + "x" * 2000}, "url", "TOO_LONG"),
    ({"eventTypes": []}, "eventTypes", "REQUIRED"),
    ({"eventTypes": ["project.changed", "project.exploded"]}, "eventTypes", "INVALID"),
])
async def test_bad_input_is_a_user_error_and_nothing_is_stored(
    api: Api, sessions: async_sessionmaker[AsyncSession], values: dict[str, Any], field: str,
    code: str
) -> None:
    result = await api("pmo", CREATE, input=create_input(**values))
    payload = result["data"]["createWebhook"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], code)]
    assert payload["signingSecret"] is None and payload["webhook"] is None
    assert await stored(sessions) == []


async def test_development_allows_local_http_endpoints(api: Api) -> None:
    for url in ("http://127.0.0.1:9000/hook", "http://localhost/hook", "http://10.1.2.3/h"):
        result = await api("pmo", CREATE, input=create_input(url))
        assert result["data"]["createWebhook"]["userErrors"] == [], url


@pytest.mark.parametrize("url", [
    "http://hooks.example.com/x", "https://127.0.0.1/x", "https://localhost/x",
    "https://api.localhost/x", "https://10.0.0.5/x", "https://192.168.1.10/x",
    "https://172.16.0.1/x", "https://169.254.169.254/latest/meta-data", "https://[::1]/x",
    "https://[fe80::1]/x", "https://[::ffff:127.0.0.1]/x", "https://0.0.0.0/x",
    "https://internal.example.com/x",
    # IPv4 wrapped in IPv6: mapped, NAT64 (well-known and local-use prefixes), 6to4, Teredo
    "https://[::ffff:a00:1]/x", "https://[64:ff9b::7f00:1]/x", "https://[64:ff9b::a9fe:a9fe]/x",
    "https://[64:ff9b:1::c0a8:101]/x", "https://[2002:7f00:1::1]/x",
    "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/x",
])
async def test_production_refuses_plain_http_and_internal_hosts(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return {"internal.example.com": ["10.9.8.7"]}.get(host, ["93.184.215.14"])

    monkeypatch.setattr(service, "resolve_host", resolve)
    with pytest.raises(DomainError) as refused:
        await service.validate_url(url, production=True)
    [error] = refused.value.errors
    assert (error.field, error.code) == (("url",), "INVALID")
    # and a public https endpoint is accepted
    assert await service.validate_url("https://hooks.example.com/x", production=True) == \
        "https://hooks.example.com/x"


@pytest.mark.parametrize("address", ["93.184.215.14", "64:ff9b::5db8:d70e",
                                     "2002:5db8:d70e::1", "2606:2800:220:1::1"])
def test_public_addresses_are_allowed_also_when_wrapped(address: str) -> None:
    assert service.public_address(address)


PRODUCTION_KEY = "p" * 40


async def test_a_production_server_refuses_an_internal_webhook_over_graphql(
    db_url: str, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # given the app running with PMO_ENV=production
    app = create_app(load_settings(database_url=db_url, env="production",
                                   secret_key=PRODUCTION_KEY))
    token = mint(world.people["pmo"], secret=PRODUCTION_KEY, ttl=timedelta(minutes=5))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="https://testserver") as c:
            # when the PMO registers a webhook on the cloud metadata address
            response = await c.post("/graphql", headers={"Authorization": f"Bearer {token}"},
                                    json={"query": CREATE, "variables": {"input": create_input(
                                        "https://169.254.169.254/latest")}})
    # then it is refused as a user error and nothing is stored
    payload = response.json()["data"]["createWebhook"]
    assert payload["userErrors"][0]["code"] == "INVALID"
    assert "production" in payload["userErrors"][0]["message"]
    assert await stored(sessions) == []
