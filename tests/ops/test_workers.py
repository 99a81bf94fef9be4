"""The webhook and email workers (``pmo webhooks deliver``, ``pmo notify send``) as an
operator runs them: separate processes against a PostgreSQL server that restarts, crashes
and comes back, a real HTTP receiver and a real SMTP server (aiosmtpd), then SIGTERM.

What they guarantee: while a worker lives, a database outage loses nothing and sends nothing
twice (a batch's outcome is held until it can be recorded), so the restarts here deliver
exactly once. A worker stopped mid-send hands its batch back, and the next run sends it
again: at least once, which receivers absorb with ``X-PMO-Delivery`` (emails: the row id in
the Message-ID).
"""

from __future__ import annotations

import asyncio
import email
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from server import mailer, webhooks
from server.db import create_engine, session_factory
from server.domain import events
from server.domain.base import utcnow
from server.domain.collaboration.models import EmailMessage
from server.domain.enums import DeliveryStatus
from server.domain.integration.models import Webhook, WebhookDelivery
from server.domain.organisation.models import Person
from tests.conftest import free_port
from tests.ops.cluster import Cluster
from tests.ops.conftest import PMO

Sessions = async_sessionmaker[AsyncSession]
WAIT = 30.0  # seconds any one expectation may take before the test fails
UNREACHABLE = "the database cannot be reached"
APP_URL = "https://pmo.example.org"
SENDER = "PMO <pmo@example.org>"


class Receiver:
    """A webhook endpoint on 127.0.0.1: notes each delivery id as it arrives, then answers
    200 after ``delay`` seconds (cut short when the test ends)."""

    def __init__(self) -> None:
        self.arrived: list[str] = []
        self.delay = 0.0
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.arrived.append(self.headers["X-PMO-Delivery"])
                receiver.release.wait(receiver.delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    state.thread.start()
    try:
        yield state
    finally:
        state.release.set()
        state.server.shutdown()
        state.server.server_close()
        state.thread.join(5)


class Inbox:
    """An aiosmtpd handler: notes each email's outbox row id as its data arrives, then
    accepts it after ``delay`` seconds."""

    def __init__(self) -> None:
        self.arrived: list[str] = []
        self.delay = 0.0
        self.port = free_port()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message_id = email.message_from_bytes(envelope.content)["Message-ID"]
        self.arrived.append(re.search(r"pmo-email-(\d+)", message_id).group(1))  # type: ignore[union-attr]
        await asyncio.sleep(self.delay)
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    state = Inbox()
    controller = Controller(state, hostname="127.0.0.1", port=state.port)
    controller.start()
    try:
        yield state
    finally:
        controller.stop()


class Workers:
    """``pmo`` worker processes: output to files, killed if a test leaves one running."""

    def __init__(self, folder: Path, cluster: Cluster, inbox: Inbox) -> None:
        self.folder = folder
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith("PMO_")}
        self.env.update(PMO_DATABASE_URL=cluster.url, PMO_SMTP_URL=f"smtp://127.0.0.1:{inbox.port}",
                        PMO_APP_URL=APP_URL, PMO_SHUTDOWN_TIMEOUT="5")
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        name = "-".join(args[:2])
        with (self.folder / f"{name}.out").open("wb") as out, \
                (self.folder / f"{name}.err").open("wb") as err:
            process = subprocess.Popen([str(PMO), *args], cwd=self.folder,  # noqa: S603 - our own command
                                       env={**self.env, **env}, stdout=out, stderr=err)
        self.started.append(process)
        return process

    def run(self, *args: str) -> str:
        """Run a worker to its end (``--once``); its standard output."""
        done = subprocess.run([str(PMO), *args], cwd=self.folder, env=self.env,  # noqa: S603 - our own command
                              capture_output=True, text=True, timeout=WAIT, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def stderr(self, process: subprocess.Popen[bytes]) -> str:
        return self._output(process, "err")

    def stdout(self, process: subprocess.Popen[bytes]) -> str:
        return self._output(process, "out")

    def _output(self, process: subprocess.Popen[bytes], kind: str) -> str:
        name = "-".join(str(a) for a in process.args[1:3])  # type: ignore[index]
        return (self.folder / f"{name}.{kind}").read_text()

    def terminate(self, process: subprocess.Popen[bytes]) -> tuple[int, float]:
        """SIGTERM; the exit status and the seconds it took to exit (fails after WAIT)."""
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=WAIT)
        return code, time.monotonic() - signalled


@pytest.fixture
def workers(tmp_path: Path, migrated_cluster: Cluster, inbox: Inbox) -> Iterator[Workers]:
    running = Workers(tmp_path, migrated_cluster, inbox)
    try:
        yield running
    finally:
        for process in running.started:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            # Shown when the test fails: what each worker said.
            print(f"--- {' '.join(map(str, process.args[1:]))}: exit {process.returncode}\n"  # type: ignore[index]
                  f"{running.stdout(process)}{running.stderr(process)}")


@pytest.fixture
async def sessions(migrated_cluster: Cluster) -> AsyncIterator[Sessions]:
    engine = create_engine(migrated_cluster.url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def eventually(check: Callable[[], bool | Awaitable[bool]], what: str,
                     timeout: float = WAIT) -> None:
    """Poll ``check`` until true; fail, naming ``what``, after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result if isinstance(result, bool) else await result:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {timeout:g}s for {what}")
        await asyncio.sleep(0.05)


async def subscribed(sessions: Sessions, receiver: Receiver) -> int:
    """A webhook on every event type, pointing at the receiver; and a person to email (id)."""
    async with sessions() as s, s.begin():
        s.add(Webhook(url=receiver.url, event_types=[events.ALL_EVENTS], secret="whsec_ops"))
        person = Person(email="ops@example.com", full_name="Ops")
        s.add(person)
        await s.flush()
    return person.id  # type: ignore[return-value]


async def queue(sessions: Sessions, person: int, count: int, tag: str) -> None:
    """``count`` project changes (each a delivery to the webhook) and ``count`` emails, in
    one transaction, as the services would write them."""
    async with sessions() as s, s.begin():
        for i in range(count):
            events.stage(s, events.DomainEvent("project.changed", "Project", i + 1,
                                               payload={"tag": tag}))
        s.add_all(EmailMessage(recipient_id=person, kind="GATE_DECIDED", entity_type="Project",
                               entity_id=i + 1, message=f"{tag} {i}", next_attempt_at=utcnow())
                  for i in range(count))


async def outbox(sessions: Sessions) -> list[tuple[str, int, DeliveryStatus, int]]:
    """(kind, id, status, attempts) of every delivery and email."""
    async with sessions() as s:
        hooks = await s.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id)))
        mails = await s.exec(select(EmailMessage).order_by(col(EmailMessage.id)))
        return ([("webhook", d.id, d.status, d.attempts) for d in hooks]  # type: ignore[misc]
                + [("email", m.id, m.status, m.attempts) for m in mails])


async def all_sent(sessions: Sessions) -> bool:
    return all(status == DeliveryStatus.SUCCEEDED for *_, status, _ in await outbox(sessions))


async def test_both_workers_ride_out_restarts_and_crashes_and_deliver_exactly_once(
    migrated_cluster: Cluster, sessions: Sessions, receiver: Receiver, inbox: Inbox,
    workers: Workers,
) -> None:
    # given both workers running against the server, a subscribed webhook and a person
    person = await subscribed(sessions, receiver)
    hooks = workers.start("webhooks", "deliver", "--interval", "0.2")
    mails = workers.start("notify", "send", "--interval", "0.2")
    queued = 0

    async def deliver(tag: str, count: int = 5) -> None:
        nonlocal queued
        await queue(sessions, person, count, tag)
        queued += count
        await eventually(lambda: len(receiver.arrived) >= queued and len(inbox.arrived) >= queued,
                         f"the deliveries and emails queued {tag}")
        await eventually(lambda: all_sent(sessions), f"the outcomes of those queued {tag}")

    def warnings(process: subprocess.Popen[bytes]) -> int:
        return workers.stderr(process).count(UNREACHABLE)

    # when work comes, and again after a clean restart, and after a crash and restart
    await deliver("at first")
    await asyncio.to_thread(migrated_cluster.restart, "fast")
    await deliver("after a fast restart")
    await asyncio.to_thread(migrated_cluster.restart, "immediate")
    await deliver("after an immediate restart")

    # and the server crashes while both are sending, staying down until both noticed it
    receiver.delay = inbox.delay = 2.0
    before = (warnings(hooks), warnings(mails))
    await queue(sessions, person, 5, "during a crash")
    await eventually(lambda: len(receiver.arrived) > queued and len(inbox.arrived) > queued,
                     "both workers to be sending")
    await asyncio.to_thread(migrated_cluster.stop, "immediate")
    await eventually(lambda: warnings(hooks) > before[0] and warnings(mails) > before[1],
                     "both workers to find the database gone")
    await asyncio.to_thread(migrated_cluster.start)
    queued += 5
    await eventually(lambda: all_sent(sessions), "the outcomes of the batch sent in the crash")

    # then each delivery and each email arrived exactly once, recorded after one attempt
    rows = await outbox(sessions)
    assert len(rows) == 2 * queued
    assert Counter(receiver.arrived) == Counter(str(i) for kind, i, *_ in rows if kind == "webhook")
    assert Counter(inbox.arrived) == Counter(str(i) for kind, i, *_ in rows if kind == "email")
    assert {(status, attempts) for *_, status, attempts in rows} == {(DeliveryStatus.SUCCEEDED, 1)}
    # and both workers still run, having said why they waited, without a traceback
    assert hooks.poll() is None and mails.poll() is None
    for process in (hooks, mails):
        log = workers.stderr(process)
        assert UNREACHABLE in log and "Traceback" not in log, log

    # when the database goes away once more and they are told to stop
    await asyncio.to_thread(migrated_cluster.stop, "fast")
    before = (warnings(hooks), warnings(mails))
    await eventually(lambda: warnings(hooks) > before[0] and warnings(mails) > before[1],
                     "both workers to find the database gone again")
    stopped = [workers.terminate(p) for p in (hooks, mails)]

    # then both exit at once and cleanly, with their totals
    assert [code for code, _ in stopped] == [0, 0], [workers.stderr(p) for p in (hooks, mails)]
    assert all(seconds < 5 for _, seconds in stopped), stopped
    assert f"webhook deliveries: {queued} succeeded" in workers.stdout(hooks)
    assert f"sent {queued} email(s)" in workers.stdout(mails)


@pytest.mark.parametrize("command", [("webhooks", "deliver"), ("notify", "send")])
async def test_sigterm_mid_send_hands_the_batch_back_within_the_shutdown_timeout(
    command: tuple[str, str], sessions: Sessions, receiver: Receiver, inbox: Inbox,
    workers: Workers,
) -> None:
    # given a receiver that takes 30 s to answer, and a worker sending it three items
    receiver.delay = inbox.delay = 30.0
    arrived = receiver.arrived if command[0] == "webhooks" else inbox.arrived
    person = await subscribed(sessions, receiver)
    await queue(sessions, person, 3, "before the stop")
    worker = workers.start(*command, PMO_SHUTDOWN_TIMEOUT="2")
    await eventually(lambda: len(arrived) == 3, "the three sends to be under way")

    # when it is told to stop
    code, seconds = await asyncio.to_thread(workers.terminate, worker)

    # then it exits cleanly within PMO_SHUTDOWN_TIMEOUT, handing the three back
    assert code == 0, workers.stderr(worker)
    assert seconds < 2.0
    assert "3 handed back unsent" in workers.stdout(worker)
    kind = "webhook" if command[0] == "webhooks" else "email"
    handed_back = [row for row in await outbox(sessions) if row[0] == kind]
    assert {(status, attempts) for *_, status, attempts in handed_back} == {
        (DeliveryStatus.PENDING, 0)}
    async with sessions() as s:
        model = WebhookDelivery if kind == "webhook" else EmailMessage
        due = [r.next_attempt_at for r in await s.exec(select(model))]  # type: ignore[attr-defined]
    assert all(at is not None and at <= utcnow() for at in due), due  # due now, not leased

    # when another run sends what is due, to a receiver that answers at once
    receiver.delay = inbox.delay = 0.0
    workers.run(*command, "--once")

    # then each arrived again (at least once) and is recorded sent after one attempt
    assert Counter(arrived) == Counter({str(row[1]): 2 for row in handed_back})
    assert {(status, attempts) for kind_, _, status, attempts in await outbox(sessions)
            if kind_ == kind} == {(DeliveryStatus.SUCCEEDED, 1)}


async def test_a_batch_left_by_a_worker_that_died_is_due_again_when_its_lease_ends(
    sessions: Sessions, receiver: Receiver, inbox: Inbox,
) -> None:
    # given a delivery and an email claimed by workers that died before sending them
    person = await subscribed(sessions, receiver)
    await queue(sessions, person, 1, "left behind")
    claimed_at = utcnow()
    async with sessions() as s, s.begin():
        await webhooks.claim(s, now=claimed_at, batch=10)
        await mailer.claim(s, now=claimed_at, batch=10, sender=SENDER, app_url=APP_URL)
    smtp = mailer.Smtp("127.0.0.1", inbox.port, None, None, use_tls=False, start_tls=False)

    async def others_look(after: timedelta) -> tuple[int, int]:
        now = claimed_at + after
        hooks = await webhooks.deliver_due(sessions, now=now)
        mails = await mailer.send_due(sessions, smtp, sender=SENDER, app_url=APP_URL, now=now)
        return hooks.succeeded, mails.sent

    # when other workers look while the lease lasts, and once it has ended
    during = await others_look(webhooks.LEASE - timedelta(seconds=1))
    after = await others_look(webhooks.LEASE)

    # then nothing is sent during the lease, and each is sent once after it
    assert (during, after) == ((0, 0), (1, 1))
    assert (len(receiver.arrived), len(inbox.arrived)) == (1, 1)
    assert mailer.LEASE == webhooks.LEASE


async def test_workers_started_while_the_database_is_down_wait_for_it(
    migrated_cluster: Cluster, sessions: Sessions, receiver: Receiver, inbox: Inbox,
    workers: Workers,
) -> None:
    # given work waiting, and the server down when both workers start
    person = await subscribed(sessions, receiver)
    await queue(sessions, person, 3, "before the start")
    await asyncio.to_thread(migrated_cluster.stop, "fast")
    hooks = workers.start("webhooks", "deliver", "--interval", "0.2")
    mails = workers.start("notify", "send", "--interval", "0.2")
    # then they wait, saying why, rather than exit
    await eventually(lambda: all(workers.stderr(p).count(UNREACHABLE) >= 2
                                 for p in (hooks, mails)), "both workers to wait")
    assert hooks.poll() is None and mails.poll() is None
    # and when the server is back they do the work
    await asyncio.to_thread(migrated_cluster.start)
    await eventually(lambda: len(receiver.arrived) == 3 and len(inbox.arrived) == 3,
                     "the deliveries and emails queued before the start")
    await eventually(lambda: all_sent(sessions), "their outcomes")
    assert [workers.terminate(p)[0] for p in (hooks, mails)] == [0, 0]
