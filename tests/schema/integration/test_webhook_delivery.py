"""Webhooks end to end: a change fans out to subscribed webhooks in its own transaction, and
the worker POSTs it, signed, to a real HTTP endpoint, retrying with back-off."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from typer.testing import CliRunner

from policies.enforcer import offline_authorizer
from schema.base import run_mutation
from server.cli import app as cli
from server.domain import events
from server.domain.base import utcnow
from server.domain.enums import DeliveryStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.integration.models import OutboxEvent, Webhook, WebhookDelivery
from server.domain.integration.service import KNOWN_EVENT_TYPES
from server.webhooks import BACKOFF, MAX_ATTEMPTS, claim, deliver_due
from tests.schema.conftest import Api, World
from tests.schema.integration.conftest import Receiver

CREATE = """
mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id url eventTypes active } signingSecret
                                 userErrors { field message code } } }"""
UPDATE_WEBHOOK = """
mutation($input: UpdateWebhookInput!) {
  updateWebhook(input: $input) { webhook { active } userErrors { code } } }"""
UPDATE_PROJECT = """
mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) { project { version } userErrors { code } } }"""


async def create_webhook(api: Api, url: str, event_types: list[str],
                         active: bool = True) -> dict[str, Any]:
    result = await api("pmo", CREATE, input={"url": url, "eventTypes": event_types,
                                             "active": active})
    payload = result["data"]["createWebhook"]
    assert payload["userErrors"] == [], payload
    return payload  # type: ignore[no-any-return]


async def change_project(api: Api, world: World, description: str = "changed") -> None:
    """A PMO edit of Alice's project: stages one project.changed event."""
    gid = world.gid("Project", world.alice_project)
    result = await api("pmo", UPDATE_PROJECT,
                       input={"id": gid, "version": 1, "description": description})
    assert result["data"]["updateProject"]["userErrors"] == [], result


async def deliveries(sessions: async_sessionmaker[AsyncSession]) -> list[WebhookDelivery]:
    async with sessions() as s:
        return list(await s.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)))  # type: ignore[arg-type]


async def test_a_change_is_posted_signed_to_the_subscribed_webhook(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    # given a webhook on project.changed, and its secret from createWebhook
    created = await create_webhook(api, receiver.url, ["project.changed"])
    secret = created["signingSecret"]
    # when the PMO changes a project
    await change_project(api, world)
    # then one PENDING delivery is queued, due now, in the change's transaction
    [queued] = await deliveries(sessions)
    assert (queued.status, queued.attempts) == (DeliveryStatus.PENDING, 0)
    assert queued.next_attempt_at is not None and queued.next_attempt_at <= utcnow()
    # when the worker runs
    outcome = await deliver_due(sessions)
    # then the endpoint got the event, signed with the secret over "<timestamp>.<body>"
    assert outcome.succeeded == 1
    [request] = receiver.requests
    timestamp = request.headers["x-pmo-timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.body,
                        hashlib.sha256).hexdigest()
    assert request.headers["x-pmo-signature"] == f"sha256={expected}"
    assert request.headers["x-pmo-event"] == "project.changed"
    assert request.headers["x-pmo-delivery"] == str(queued.id)
    assert request.headers["content-type"] == "application/json"
    body = request.json
    assert body["type"] == "project.changed"
    assert body["entity"] == {"type": "Project", "id": world.gid("Project", world.alice_project)}
    assert body["payload"]["portfolio_id"] == world.portfolio
    assert isinstance(body["id"], int) and body["created_at"]
    # and a wrong secret would not verify
    wrong = hmac.new(b"whsec_wrong", f"{timestamp}.".encode() + request.body,
                     hashlib.sha256).hexdigest()
    assert request.headers["x-pmo-signature"] != f"sha256={wrong}"
    # and the delivery is recorded as SUCCEEDED after one attempt
    [done] = await deliveries(sessions)
    assert (done.status, done.attempts, done.last_status_code, done.next_attempt_at) == (
        DeliveryStatus.SUCCEEDED, 1, 200, None)


async def test_only_active_webhooks_subscribed_to_the_type_get_a_delivery(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    # given webhooks on another type, on everything, on this type but paused, and on this type
    other = await create_webhook(api, receiver.url + "/other", ["risk.escalated"])
    everything = await create_webhook(api, receiver.url + "/all", ["*"])
    await create_webhook(api, receiver.url + "/paused", ["project.changed"], active=False)
    exact = await create_webhook(api, receiver.url + "/exact",
                                 ["gate.decided", "project.changed"])
    # when a project changes
    await change_project(api, world)
    # then only the catch-all and the exact subscriber get it
    async with sessions() as s:
        urls = {h.id: h.url for h in await s.exec(select(Webhook))}
    assert sorted(urls[d.webhook_id] for d in await deliveries(sessions)) == sorted(
        [everything["webhook"]["url"], exact["webhook"]["url"]])
    assert other["webhook"]["url"] not in {urls[d.webhook_id]
                                           for d in await deliveries(sessions)}


async def test_a_rolled_back_mutation_queues_no_delivery(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    # given a catch-all webhook
    await create_webhook(api, receiver.url, ["*"])
    actor_row = await _pmo_actor(world)

    async def failing(session: AsyncSession) -> None:
        events.stage(session, events.DomainEvent("project.changed", "Project",
                                                 world.alice_project))
        await session.flush()
        raise DomainError.one("input", "changed my mind", ErrorCode.INVALID)

    async def succeeding(session: AsyncSession) -> None:
        events.stage(session, events.DomainEvent("project.changed", "Project",
                                                 world.alice_project))

    # when a mutation stages an event and then fails
    _, errors = await run_mutation(actor_row, sessions, failing)
    # then neither the outbox row nor a delivery exists
    assert [e.code for e in errors] == ["INVALID"]
    async with sessions() as s:
        assert list(await s.exec(select(OutboxEvent))) == []
    assert await deliveries(sessions) == []
    # and the same work without the failure does queue one
    await run_mutation(actor_row, sessions, succeeding)
    assert len(await deliveries(sessions)) == 1


async def _pmo_actor(world: World) -> Any:
    from policies.resources import Subject
    from server.domain.actor import Actor
    from server.domain.enums import AuditSource

    person = world.people["pmo"]
    return Actor(Subject(person, frozenset({"pmo"})), offline_authorizer([(person, "pmo")]),
                 AuditSource.CLI)


async def test_a_failure_is_retried_after_the_backoff_then_succeeds(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    # given an endpoint that fails once with 500, then answers 200
    receiver.statuses = [500, 200]
    await create_webhook(api, receiver.url, ["project.changed"])
    await change_project(api, world)
    t0 = utcnow()
    # when the worker runs: the first attempt fails
    first = await deliver_due(sessions, now=t0)
    [failed] = await deliveries(sessions)
    # then it is FAILED, with the status and the next try one minute later
    assert (first.retrying, failed.status, failed.attempts, failed.last_status_code) == (
        1, DeliveryStatus.FAILED, 1, 500)
    assert failed.last_error is not None and "500" in failed.last_error
    assert failed.next_attempt_at == t0 + BACKOFF[0]
    # when the worker runs again before it is due: nothing is sent
    early = await deliver_due(sessions, now=t0 + BACKOFF[0] - timedelta(seconds=1))
    assert early.handled == 0 and len(receiver.requests) == 1
    # when it runs once it is due: the retry succeeds
    await deliver_due(sessions, now=t0 + BACKOFF[0])
    [done] = await deliveries(sessions)
    assert (done.status, done.attempts, done.last_status_code, done.last_error) == (
        DeliveryStatus.SUCCEEDED, 2, 200, None)
    assert len(receiver.requests) == 2
    assert receiver.requests[0].headers["x-pmo-delivery"] == \
        receiver.requests[1].headers["x-pmo-delivery"]


async def test_it_gives_up_after_the_last_attempt(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    # given an endpoint that always answers 503
    receiver.statuses = [503] * (MAX_ATTEMPTS + 2)
    await create_webhook(api, receiver.url, ["project.changed"])
    await change_project(api, world)
    now = utcnow()
    waits = []
    # when the worker retries every time the delivery falls due
    for _ in range(MAX_ATTEMPTS):
        await deliver_due(sessions, now=now)
        [row] = await deliveries(sessions)
        if row.next_attempt_at is not None:
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
    # then the waits follow the schedule (1 min, 5 min, 30 min, 2 h, 12 h) and it is DEAD
    assert waits == list(BACKOFF)
    assert (row.status, row.attempts, row.last_status_code, row.next_attempt_at) == (
        DeliveryStatus.DEAD, MAX_ATTEMPTS, 503, None)
    # and it is never sent again
    later = await deliver_due(sessions, now=now + timedelta(days=7))
    assert later.handled == 0 and len(receiver.requests) == MAX_ATTEMPTS


async def test_a_paused_webhooks_due_deliveries_are_cancelled_not_sent(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    # given a queued delivery
    created = await create_webhook(api, receiver.url, ["project.changed"])
    await change_project(api, world)
    # when the webhook is paused and the worker runs
    paused = await api("pmo", UPDATE_WEBHOOK, input={"id": created["webhook"]["id"],
                                                     "active": False})
    assert paused["data"]["updateWebhook"] == {"webhook": {"active": False}, "userErrors": []}
    outcome = await deliver_due(sessions)
    # then nothing is sent and the delivery is DEAD, saying why
    assert outcome.cancelled == 1 and receiver.requests == []
    [row] = await deliveries(sessions)
    assert row.status == DeliveryStatus.DEAD and "inactive" in (row.last_error or "")


async def test_an_unreachable_endpoint_is_a_failed_attempt_with_the_error(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # given a webhook on a port nobody listens on
    await create_webhook(api, "http://127.0.0.1:1/hook", ["project.changed"])
    await change_project(api, world)
    # when the worker runs
    await deliver_due(sessions)
    # then the attempt is recorded as failed with the connection error and no status
    [row] = await deliveries(sessions)
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.FAILED, 1, None)
    assert "ConnectError" in (row.last_error or "")


async def test_fan_out_costs_one_query_per_transaction(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def webhook_reads() -> int:
        return sum(1 for s in statements
                   if re.search(r"\bFROM webhook\b", s) and s.lstrip().startswith("SELECT"))

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        # given no webhooks: a change costs one cheap SELECT of the active webhooks
        await change_project(api, world)
        assert webhook_reads() == 1
        # given three subscribers: still one SELECT, and three deliveries
        for n in range(3):
            await create_webhook(api, f"{receiver.url}/{n}", ["*"])
        statements.clear()
        gid = world.gid("Project", world.alice_project)
        result = await api("pmo", UPDATE_PROJECT,
                           input={"id": gid, "version": 2, "description": "again"})
        assert result["data"]["updateProject"]["userErrors"] == []
        assert webhook_reads() == 1
        assert len(await deliveries(sessions)) == 3
        # and a mutation that stages no event reads no webhooks at all
        statements.clear()
        await create_webhook(api, f"{receiver.url}/quiet", ["*"])
        assert webhook_reads() == 0
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


# SKIP LOCKED is PostgreSQL's; on SQLite one worker runs, so this runs on PostgreSQL only.
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_two_workers_never_send_the_same_delivery(
    backend: str, api: Api, world: World, sessions: async_sessionmaker[AsyncSession],
    receiver: Receiver
) -> None:
    # given ten queued deliveries
    await create_webhook(api, receiver.url, ["*"])
    actor = await _pmo_actor(world)

    async def ten_events(session: AsyncSession) -> None:
        for _ in range(10):
            events.stage(session, events.DomainEvent("project.changed", "Project",
                                                     world.alice_project))

    await run_mutation(actor, sessions, ten_events)
    now = utcnow()
    # when one worker holds its claim open while a second claims
    async with sessions() as a, a.begin():
        first = await claim(a, now=now, batch=4)
        async with sessions() as b, b.begin():
            second = await claim(b, now=now, batch=10)
    # then they got disjoint sets covering the queue
    ids_a, ids_b = {c.delivery_id for c in first}, {c.delivery_id for c in second}
    assert len(ids_a) == 4 and len(ids_b) == 6 and not ids_a & ids_b
    # and once leased, nothing is due for a third worker
    async with sessions() as c, c.begin():
        assert await claim(c, now=now, batch=10) == []
    # when two full workers race over a fresh queue of ten
    await run_mutation(actor, sessions, ten_events)

    async def worker() -> None:
        while (await deliver_due(sessions, batch=3)).handled:
            pass

    await asyncio.gather(worker(), worker())
    # then each of the new deliveries was sent exactly once
    sent = [r.headers["x-pmo-delivery"] for r in receiver.requests]
    assert len(sent) == 10 and len(set(sent)) == 10


def test_known_event_types_are_the_ones_the_services_stage() -> None:
    # given the services' source
    root = Path(__file__).parents[3] / "server" / "domain"
    staged = set()
    for path in root.rglob("*.py"):
        text = path.read_text()
        if "DomainEvent(" in text and path.name != "events.py":
            staged |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', text))
    # then webhooks may subscribe to exactly those
    assert staged == KNOWN_EVENT_TYPES


runner = CliRunner()


def test_cli_deliver_once_sends_what_is_due_and_exits_0(
    clean_env: Path, db_url: str, receiver: Receiver
) -> None:
    # given a queued delivery written straight to the database
    async def queue() -> None:
        from server.db import create_engine, session_factory

        engine = create_engine(db_url)
        try:
            async with session_factory(engine)() as s, s.begin():
                s.add(Webhook(url=receiver.url, event_types=["*"], secret="whsec_k"))
                events.stage(s, events.DomainEvent("project.changed", "Project", 1))
        finally:
            await engine.dispose()

    asyncio.run(queue())
    # when the worker runs once
    result = runner.invoke(cli, ["webhooks", "deliver", "--once"],
                           env={"PMO_DATABASE_URL": db_url})
    # then it exits 0 having sent it
    assert result.exit_code == 0, result.output
    assert "1 succeeded" in result.stdout
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(("url", "fragment"), [
    ("nonsense://x", "unsupported driver"),
    ("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere", "cannot reach the database")])
def test_cli_deliver_with_a_bad_database_url_is_one_line(
    clean_env: Path, url: str, fragment: str
) -> None:
    result = runner.invoke(cli, ["webhooks", "deliver", "--once"],
                           env={"PMO_DATABASE_URL": url})
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr and "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


async def test_production_checks_the_address_again_when_connecting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A name that was public when checked resolves to this machine a moment later (DNS
    # rebinding): the connection itself is refused, before a byte is sent.
    import server.webhooks as webhooks

    async def rebound(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    monkeypatch.setattr(webhooks, "resolve_host", rebound)
    async with webhooks.new_client(production=True) as client:
        with pytest.raises(httpx2.ConnectError, match="refused"):
            await client.post("https://hooks.example.com/x", content=b"{}")
        # an address written in the URL is checked the same way, also IPv6 that wraps one
        with pytest.raises(httpx2.ConnectError, match="refused"):
            await client.post("https://[64:ff9b::7f00:1]/x", content=b"{}")
