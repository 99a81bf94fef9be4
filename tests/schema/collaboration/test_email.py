"""Notification emails: the outbox a workflow change fills, and `pmo notify send` delivering
it through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, preferences, the server
down then up, and two senders that never send one email twice."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from server.cli import app
from server.domain.base import utcnow
from server.domain.collaboration.models import EmailMessage
from server.domain.enums import ApproverRole, DeliveryStatus, GateStatus
from server.domain.governance.models import ProjectGate
from server.mailer import Smtp, send_due
from tests.conftest import free_port
from tests.schema.conftest import Api, World
from tests.schema.decisions.conftest import Sessions

APP_URL = "https://pmo.example.org"
SENDER = "PMO <pmo@example.org>"
SUBMIT_GATE = """mutation($id: ID!) { submitGate(input: {id: $id}) { userErrors { message } } }"""
EMAIL_OFF = """mutation($kind: NotificationKind!) {
  setNotificationPreference(input: {kind: $kind, channel: EMAIL, enabled: false}) {
    userErrors { message } } }"""


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"



class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def smtp(self) -> Smtp:
        return Smtp("127.0.0.1", self.port, None, None, use_tls=False, start_tls=False)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def submitted_gate(api: Api, world: World, sessions: Sessions) -> int:
    """An executive gate of Alpha submitted by Alice: Carol (its sponsor) and the PMO may
    decide it, so both are notified."""
    async with sessions() as s, s.begin():
        gate = ProjectGate(project_id=world.alice_project, sequence=1, name="Business case",
                           approver_role=ApproverRole.EXECUTIVE, status=GateStatus.PENDING)
        s.add(gate)
        await s.flush()
    result = await api("alice", SUBMIT_GATE, id=world.gid("ProjectGate", gate.id))  # type: ignore[arg-type]
    assert result["data"]["submitGate"]["userErrors"] == [], result
    return gate.id  # type: ignore[return-value]


async def outbox(sessions: Sessions) -> list[EmailMessage]:
    async with sessions() as s:
        return list((await s.exec(sa.select(EmailMessage).order_by(  # type: ignore[call-overload]
            EmailMessage.id))).scalars().all())


async def send(sessions: Sessions, server: SmtpServer, **kwargs: Any) -> Any:
    return await send_due(sessions, server.smtp, sender=SENDER, app_url=APP_URL, **kwargs)


def text_and_html(message: Message) -> tuple[str, str]:
    parts = {part.get_content_type(): part.get_payload(decode=True).decode()  # type: ignore[union-attr]
             for part in message.walk() if not part.is_multipart()}
    return parts["text/plain"], parts["text/html"]


async def test_a_workflow_email_arrives_with_text_html_and_a_link(
    api: Api, world: World, sessions: Sessions, smtp_server: SmtpServer,
) -> None:
    # given a gate submitted: Carol and the PMO may decide it
    gate_id = await submitted_gate(api, world, sessions)

    # when the sender runs, twice
    first = await send(sessions, smtp_server)
    again = await send(sessions, smtp_server)

    # then each got one email, once, marked sent
    assert (first.sent, first.retrying, again.sent) == (2, 0, 0)
    received = {m["To"]: m for m in smtp_server.inbox.messages}
    assert sorted(received) == ["Carol <carol@example.com>", "Pmo <pmo@example.com>"]
    carol = received["Carol <carol@example.com>"]
    assert carol["Subject"] == "[PMO] A gate waits for your decision"
    assert carol["From"] == SENDER and carol["X-PMO-Notification-Kind"] == "GATE_SUBMITTED"
    text, html = text_and_html(carol)
    link = f"{APP_URL}/ProjectGate/{world.gid('ProjectGate', gate_id)}"
    assert "Hello Carol," in text
    assert "Gate 1 'Business case' of PRJ-0001 Alpha waits for your decision." in text
    assert f"Review the gate and decide it: {link}" in text
    assert f'<a href="{link}">Review the gate and decide it</a>' in html
    assert "Gate 1 &#39;Business case&#39; of PRJ-0001 Alpha" in html  # escaped
    assert [(row.status, row.attempts) for row in await outbox(sessions)] == [
        (DeliveryStatus.SUCCEEDED, 1)] * 2


async def test_email_preferences_are_per_kind_and_channel(
    api: Api, world: World, sessions: Sessions, smtp_server: SmtpServer,
) -> None:
    # given Carol turned emails of submitted gates off (not the inbox)
    result = await api("carol", EMAIL_OFF, kind="GATE_SUBMITTED")
    assert result["data"]["setNotificationPreference"]["userErrors"] == []

    # when a gate is submitted and the sender runs
    await submitted_gate(api, world, sessions)
    await send(sessions, smtp_server)

    # then only the PMO is emailed; Carol still finds it in her inbox
    assert [m["To"] for m in smtp_server.inbox.messages] == ["Pmo <pmo@example.com>"]
    inbox = await api("carol", "{ notifications { nodes { kind } } }")
    assert [n["kind"] for n in inbox["data"]["notifications"]["nodes"]] == ["GATE_SUBMITTED"]


async def test_a_server_down_delays_the_email_and_loses_nothing(
    api: Api, world: World, sessions: Sessions,
) -> None:
    # given a gate submitted while no SMTP server listens
    server = SmtpServer()
    await submitted_gate(api, world, sessions)
    now = utcnow()

    # when the sender runs: both fail and wait a minute
    down = await send(sessions, server, now=now)
    rows = await outbox(sessions)
    assert (down.sent, down.retrying) == (0, 2)
    assert {(r.status, r.attempts) for r in rows} == {(DeliveryStatus.FAILED, 1)}
    assert all(r.last_error and r.next_attempt_at == now + timedelta(minutes=1) for r in rows)
    too_soon = await send(sessions, server, now=now + timedelta(seconds=30))

    # then once the server is up and the minute has passed, each is sent once
    server.start()
    try:
        up = await send(sessions, server, now=now + timedelta(minutes=1))
        after = await send(sessions, server, now=now + timedelta(hours=3))
    finally:
        server.stop()
    assert too_soon.sent + too_soon.retrying == 0
    assert (up.sent, after.sent) == (2, 0)
    assert len(server.inbox.messages) == 2
    assert {(r.status, r.attempts) for r in await outbox(sessions)} == {
        (DeliveryStatus.SUCCEEDED, 2)}


async def test_two_senders_never_send_an_email_twice(
    world: World, sessions: Sessions, smtp_server: SmtpServer, backend: str,
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers, so one sender runs there; "
                    "PostgreSQL's SKIP LOCKED is what lets several share the outbox")
    # given 40 emails due
    async with sessions() as s, s.begin():
        s.add_all(EmailMessage(recipient_id=world.people["alice"], kind="GATE_DECIDED",
                               entity_type="Project", entity_id=world.alice_project,
                               message=f"Update {i}", next_attempt_at=utcnow())
                  for i in range(40))

    # when two senders work through them at the same time, five at a time
    async def sender() -> int:
        sent = 0
        while True:
            outcome = await send(sessions, smtp_server, batch=5)
            if not outcome.ids:
                return sent
            sent += outcome.sent

    counts = await asyncio.gather(sender(), sender())

    # then every email went out exactly once, shared between them
    assert sum(counts) == 40 and all(counts)
    ids = [m["Message-ID"] for m in smtp_server.inbox.messages]
    assert len(ids) == len(set(ids)) == 40


async def test_the_command_needs_an_smtp_url_and_sends_with_one(
    clean_env: Path, api: Api, world: World, sessions: Sessions, smtp_server: SmtpServer,
    db_url: str,
) -> None:
    # given
    await submitted_gate(api, world, sessions)

    # when
    def pmo(**env: str) -> Any:
        return CliRunner().invoke(app, ["notify", "send", "--once"],
                                  env={"PMO_DATABASE_URL": db_url, **env})

    without = await asyncio.to_thread(pmo)
    with_url = await asyncio.to_thread(
        pmo, PMO_SMTP_URL=f"smtp://127.0.0.1:{smtp_server.port}", PMO_APP_URL=APP_URL)

    # then
    assert without.exit_code != 0 and "PMO_SMTP_URL" in without.stderr
    assert with_url.exit_code == 0, with_url.stderr
    assert "sent 2 email(s); 0 failed" in with_url.stdout
    assert len(smtp_server.inbox.messages) == 2


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.com", Smtp("mail.example.com", 25, None, None, False, None)),
    ("smtp+starttls://u%40x:p%2Fw@mail.example.com",
     Smtp("mail.example.com", 587, "u@x", "p/w", False, True)),
    ("smtps://mail.example.com:2465", Smtp("mail.example.com", 2465, None, None, True, False)),
])
def test_smtp_urls(url: str, expected: Smtp) -> None:
    assert Smtp.from_url(url) == expected


def test_a_wrong_smtp_url_is_refused() -> None:
    with pytest.raises(ValueError, match="smtp://"):
        Smtp.from_url("http://mail.example.com")
