"""Access and integration in the console: an API token created there works at once and its
secret is shown once; revoking it stops it; a webhook's signing key is shown once and never
again; a dead delivery can be sent again; the audit trail is read-only and readable."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.enums import AuditSource, DeliveryStatus, Role
from server.domain.models import (
    ApiToken,
    AuditEvent,
    OutboxEvent,
    Person,
    Webhook,
    WebhookDelivery,
)
from server.settings import load_settings
from tests.server.console import post, sign_in

Sessions = async_sessionmaker[AsyncSession]
SECRET_VALUE = 'id="modal-secret-value"'


@pytest.fixture
async def console(db_url: str, sessions: Sessions) -> AsyncIterator[httpx2.AsyncClient]:
    async with sessions() as s, s.begin():
        await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                       role=Role.PMO, password="correct-horse")
        await auth_service.create_user(s, email="bi@example.com", full_name="BI",
                                       role=Role.ANALYST)
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await sign_in(c, "ada@example.com", "correct-horse")).status_code == 302
            yield c


async def analyst(sessions: Sessions) -> int:
    async with sessions() as s:
        return int((await s.exec(sa.select(Person.id).where(  # type: ignore[call-overload]
            Person.email == "bi@example.com"))).scalar_one())


def revealed(page: str) -> str:
    start = page.index(SECRET_VALUE)
    return page[page.index('value="', start - 200) + 7:].split('"', 1)[0]


async def viewer(client: httpx2.AsyncClient, token: str) -> httpx2.Response:
    return await client.post("/graphql", json={"query": "{ viewer { fullName } }"},
                              headers={"Authorization": f"Bearer {token}"})


async def test_a_token_made_in_the_console_works_is_shown_once_and_revoked(
    console: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    bi = await analyst(sessions)
    page = await post(console, "/admin/api-token/create", {"name": "powerbi", "owner": str(bi)})
    assert page.status_code == 200 and SECRET_VALUE in page.text
    assert "no-store" in page.headers["cache-control"]
    token = revealed(page.text)
    assert (await viewer(console, token)).json()["data"]["viewer"]["fullName"] == "BI"
    async with sessions() as s:
        row = (await s.exec(sa.select(ApiToken))).scalars().one()  # type: ignore[call-overload]
        event = (await s.exec(sa.select(AuditEvent))).scalars().one()  # type: ignore[call-overload]
    assert token not in (await console.get(f"/admin/api-token/details/{row.id}")).text
    assert (event.source, event.entity_type, event.action) == (AuditSource.ADMIN, "api_token",
                                                                "create")
    listing = await console.get("/admin/api-token/list")
    assert "Last used" in listing.text
    # when it is revoked in the console
    revoked = await post(console, f"/admin/api-token/edit/{row.id}", {"revoke": "y"})
    assert revoked.status_code == 302, revoked.text
    assert (await viewer(console, token)).status_code == 401


async def test_a_token_name_taken_is_named_next_to_the_field(
    console: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    bi = await analyst(sessions)
    await post(console, "/admin/api-token/create", {"name": "powerbi", "owner": str(bi)})
    again = await post(console, "/admin/api-token/create", {"name": "powerbi", "owner": str(bi)})
    assert again.status_code == 400 and "already exists" in again.text
    assert SECRET_VALUE not in again.text


async def test_a_webhook_key_is_shown_once_and_never_again(
    console: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    page = await post(console, "/admin/webhook/create", {
        "url": "http://127.0.0.1:9/hook", "event_types": ["project.changed"], "active": "y"})
    assert page.status_code == 200 and SECRET_VALUE in page.text
    key = revealed(page.text)
    async with sessions() as s:
        hook = (await s.exec(sa.select(Webhook))).scalars().one()  # type: ignore[call-overload]
    assert hook.secret == key and hook.event_types == ["project.changed"]
    for url in (f"/admin/webhook/details/{hook.id}", "/admin/webhook/list",
                f"/admin/webhook/edit/{hook.id}"):
        assert key not in (await console.get(url)).text


async def test_only_a_dead_delivery_is_sent_again(console: httpx2.AsyncClient,
                                                  sessions: Sessions) -> None:
    async with sessions() as s, s.begin():
        hook = Webhook(url="http://127.0.0.1:9/hook", event_types=["*"], secret="k" * 40)
        event = OutboxEvent(event_type="project.changed", payload={})
        s.add_all([hook, event])
        await s.flush()
        dead = WebhookDelivery(webhook_id=hook.id, event_id=event.id, attempts=8,  # type: ignore[arg-type]
                               status=DeliveryStatus.DEAD, last_error="connection refused")
        done = WebhookDelivery(webhook_id=hook.id, event_id=event.id, attempts=1,  # type: ignore[arg-type]
                               status=DeliveryStatus.SUCCEEDED)
        s.add_all([dead, done])
        await s.flush()
        ids = (dead.id, done.id)
    listing = await console.get("/admin/webhook-delivery/list")
    assert "connection refused" in listing.text
    retried = await post(console, f"/admin/webhook-delivery/edit/{ids[0]}", {"retry": "y"})
    assert retried.status_code == 302, retried.text
    refused = await post(console, f"/admin/webhook-delivery/edit/{ids[1]}", {"retry": "y"})
    assert refused.status_code == 400 and "only a DEAD delivery" in refused.text
    async with sessions() as s:
        statuses = [(await s.get(WebhookDelivery, i)).status for i in ids]  # type: ignore[union-attr]
    assert statuses == [DeliveryStatus.PENDING, DeliveryStatus.SUCCEEDED]


async def test_the_audit_trail_is_read_only_filterable_and_shows_a_diff(
    console: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    await post(console, "/admin/project-type/create", {"code": "INFRA",
                                                       "name": "Infrastructure", "active": "y"})
    async with sessions() as s:
        event = (await s.exec(sa.select(AuditEvent))).scalars().one()  # type: ignore[call-overload]
    listing = await console.get("/admin/audit-event/list?entity_type=ProjectType")
    assert "ProjectType" in listing.text and "Ada" in listing.text
    details = await console.get(f"/admin/audit-event/details/{event.id}")
    assert "<th>code</th><td><del></del></td><td><ins>INFRA</ins></td>" in details.text
    assert (await console.get("/admin/audit-event/create")).status_code in (403, 404)
    assert (await console.get(f"/admin/audit-event/edit/{event.id}")).status_code in (403, 404)
