"""Webhook delivery: claim due deliveries, POST each event signed, record the outcome.

At least once: a claim leases a delivery (``next_attempt_at`` moves ``LEASE`` ahead) and
commits before anything is sent, so a worker that dies mid-batch only delays it; receivers
deduplicate on ``X-PMO-Delivery``. On PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED``, so
any number of workers share the queue without sending a delivery twice; SQLite serialises
writers, so run one worker there.

As a service (``run``, shared with ``server.mailer``): a database that cannot be reached
(refused, lost mid-batch, no free connection in time) is waited out with one warning line per
try and a bounded back-off, and a batch's outcome is held until it can be recorded, so a
restart of the database loses nothing and sends nothing twice. SIGTERM (or SIGINT) stops the
claiming; the batch in hand gets ``shutdown_timeout`` seconds to finish, and what is still
being sent then is handed back (due at once, for another worker), so the process exits in
time. Only a worker that dies outright, or a claim whose commit is lost with the connection,
leaves deliveries leased: they are due again when the lease ends.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager, aclosing, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpcore2
import httpx2
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import server
from schema.base import to_global_id
from server.domain.base import utcnow
from server.domain.enums import DUE, DeliveryStatus
from server.domain.integration.models import OutboxEvent, Webhook, WebhookDelivery
from server.domain.integration.service import check_public_host, public_address, resolve_host

# Every mapper must be known before the first query: policies (through schema.base) import
# ApiToken, whose relationship names Person, which nothing else here imports.
from server.domain.models import metadata as _every_table  # noqa: F401
from server.sender import Worker

# Wait after the 1st, 2nd, ... failed attempt; the attempt after the last wait is the final one.
BACKOFF: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=5),
                                  timedelta(minutes=30), timedelta(hours=2),
                                  timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a claimed delivery is hidden from other workers while it is being sent.
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 10.0
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker holds the lease on, with everything needed to send it."""

    delivery_id: int
    attempt: int
    url: str
    secret: str
    event_type: str
    body: bytes


@dataclass
class Outcome:
    """What one batch did."""

    succeeded: int = 0
    retrying: int = 0
    dead: int = 0
    cancelled: int = 0
    released: int = 0
    ids: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.succeeded + self.retrying + self.dead + self.cancelled


def event_body(event: OutboxEvent) -> bytes:
    """The JSON a receiver gets: ``id, type, entity {type, id}, payload, created_at``."""
    payload = dict(event.payload)
    entity_type, entity_id = payload.pop("entity_type", None), payload.pop("entity_id", None)
    entity = ({"type": entity_type, "id": str(to_global_id(entity_type, entity_id))}
              if entity_type and entity_id is not None else None)
    return json.dumps({"id": event.id, "type": event.event_type, "entity": entity,
                       "payload": payload, "created_at": event.created_at.isoformat()},
                      separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">``: what ``X-PMO-Signature`` holds."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


async def claim(session: AsyncSession, *, now: datetime, batch: int,
                outcome: Outcome | None = None) -> list[Claimed]:
    """Lease up to ``batch`` due deliveries (in the caller's transaction); deliveries of an
    inactive webhook are cancelled (DEAD) instead."""
    rows = list(await session.exec(
        select(WebhookDelivery)
        .where(col(WebhookDelivery.status).in_(DUE), col(WebhookDelivery.next_attempt_at) <= now)
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
        .limit(batch)
        .with_for_update(skip_locked=True)))
    if not rows:
        return []
    hooks = {h.id: h for h in await session.exec(
        select(Webhook).where(col(Webhook.id).in_({r.webhook_id for r in rows})))}
    events = {e.id: e for e in await session.exec(
        select(OutboxEvent).where(col(OutboxEvent.id).in_({r.event_id for r in rows})))}
    claimed = []
    for row in rows:
        hook = hooks.get(row.webhook_id)
        if hook is None or not hook.active:
            row.status, row.next_attempt_at = DeliveryStatus.DEAD, None
            row.last_error = "cancelled: the webhook is inactive"
            if outcome is not None:
                outcome.cancelled += 1
            continue
        row.next_attempt_at = now + LEASE
        event = events[row.event_id]
        claimed.append(Claimed(row.id, row.attempts + 1, hook.url, hook.secret,  # type: ignore[arg-type]
                               event.event_type, event_body(event)))
    await session.flush()
    return claimed


async def send(client: httpx2.AsyncClient, item: Claimed, *, now: datetime,
               production: bool) -> tuple[int | None, str | None]:
    """POST one delivery; ``(status code, error)``, error None on a 2xx answer."""
    if production:
        parts = urlsplit(item.url)
        reason = await check_public_host(parts.hostname or "", parts.port or 443)
        if reason is not None:
            return None, f"refused: {reason}"
    timestamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json", "User-Agent": f"pmo/{server.__version__}",
               "X-PMO-Event": item.event_type, "X-PMO-Delivery": str(item.delivery_id),
               "X-PMO-Timestamp": timestamp,
               "X-PMO-Signature": signature(item.secret, timestamp, item.body)}
    try:
        response = await client.post(item.url, content=item.body, headers=headers)
    except httpx2.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH] or type(exc).__name__
    if response.is_success:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code} {response.reason_phrase}".strip()


async def _record(session: AsyncSession, item: Claimed, code: int | None, error: str | None,
                  now: datetime, outcome: Outcome) -> None:
    row = await session.get(WebhookDelivery, item.delivery_id)
    if row is None:  # its webhook was deleted while it was being sent
        return
    row.attempts, row.last_status_code, row.last_error = item.attempt, code, error
    outcome.ids.append(item.delivery_id)
    if error is None:
        row.status, row.next_attempt_at = DeliveryStatus.SUCCEEDED, None
        outcome.succeeded += 1
    elif item.attempt >= MAX_ATTEMPTS:
        row.status, row.next_attempt_at = DeliveryStatus.DEAD, None
        outcome.dead += 1
    else:
        row.status, row.next_attempt_at = DeliveryStatus.FAILED, now + BACKOFF[item.attempt - 1]
        outcome.retrying += 1


async def _release(session: AsyncSession, items: list[Claimed], *, now: datetime) -> int:
    """Hand back deliveries whose sending was abandoned: due at ``now`` again, attempts
    unchanged; only those still under this batch's lease (none another worker took over)."""
    rows = list(await session.exec(
        select(WebhookDelivery)
        .where(col(WebhookDelivery.id).in_([i.delivery_id for i in items]),
               col(WebhookDelivery.status).in_(DUE),
               col(WebhookDelivery.next_attempt_at) == now + LEASE)))
    for row in rows:
        row.next_attempt_at = now
    return len(rows)


async def deliver_due(sessions: async_sessionmaker[AsyncSession], *, now: datetime | None = None,
                      batch: int = 50, production: bool = False,
                      client: httpx2.AsyncClient | None = None,
                      worker: Worker | None = None) -> Outcome:
    """Send one batch of due deliveries and record each outcome; ``now`` defaults to the clock
    (tests pass it to move through the retry schedule without sleeping). Under a ``worker``
    the outcome waits out an unreachable database, and a stop hands back what was not sent."""
    now = now or utcnow()
    worker = worker or Worker("webhooks")
    outcome = Outcome()
    async with sessions() as session, session.begin():
        claimed = await claim(session, now=now, batch=batch, outcome=outcome)
    if not claimed:
        return outcome
    async with _client(client, production=production) as http:
        results = await worker.finish([send(http, c, now=now, production=production)
                                       for c in claimed])

    async def write_back() -> None:
        done = Outcome()  # counted afresh on each try: a failed try's counts are void
        async with sessions() as session, session.begin():
            for item, result in zip(claimed, results, strict=True):
                if result is not None:
                    await _record(session, item, *result, now, done)
            abandoned = [c for c, r in zip(claimed, results, strict=True) if r is None]
            if abandoned:
                done.released = await _release(session, abandoned, now=now)
        for name in ("succeeded", "retrying", "dead", "released", "ids"):
            setattr(outcome, name, getattr(done, name))

    await worker.write_back(write_back, f"the outcome of {len(claimed)} deliveries")
    if outcome.released:
        worker.log.info("handed back %d unsent deliveries, due again now", outcome.released)
    return outcome


class PublicOnly(httpcore2.AsyncNetworkBackend):
    """Connect only to public addresses, checked when connecting.

    A name checked before sending may resolve elsewhere a moment later (DNS rebinding): this
    backend resolves the name itself, refuses it if any address is not public, and connects
    to an address it checked. TLS still verifies the certificate for, and sends SNI with, the
    URL's host name (httpcore passes it to ``start_tls``). No maintained transport does this
    for httpx2 (``httpx-secure`` supports httpx only), hence this class.
    """

    def __init__(self) -> None:
        self._inner = httpcore2.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None,
                          ) -> httpcore2.AsyncNetworkStream:
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                addresses = await resolve_host(host, port)
            except OSError as exc:
                raise httpcore2.ConnectError(f"{host} does not resolve: {exc}") from exc
        refused = [a for a in addresses if not public_address(a)]
        if refused or not addresses:
            raise httpcore2.ConnectError(
                f"refused: {host} resolves to a loopback, private or link-local address "
                f"({', '.join(refused)})")
        return await self._inner.connect_tcp(addresses[0], port, timeout, local_address,
                                             socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None,
                                  ) -> httpcore2.AsyncNetworkStream:
        raise httpcore2.ConnectError("refused: unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def new_client(*, production: bool) -> httpx2.AsyncClient:
    """The delivery client: redirects are not followed (a 3xx is a failed attempt and cannot
    bounce us inwards), and in production it connects only to public addresses."""
    transport = httpx2.AsyncHTTPTransport()
    if production:
        # httpx2 builds its connection pool without a way to pass a network backend; the
        # same pool, with ours, replaces it.
        transport._pool = httpcore2.AsyncConnectionPool(  # noqa: SLF001
            ssl_context=httpx2.create_ssl_context(), network_backend=PublicOnly())
    return httpx2.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False,
                              transport=transport)


def _client(client: httpx2.AsyncClient | None, *, production: bool,
            ) -> AbstractAsyncContextManager[httpx2.AsyncClient]:
    if client is not None:
        return nullcontext(client)  # the caller's: not closed here
    return new_client(production=production)


async def run(sessions: async_sessionmaker[AsyncSession], *, once: bool, batch: int,
              interval: float, production: bool, shutdown_timeout: float = 20.0) -> Outcome:
    """Deliver batches until nothing is due (``once``), or until stopped, pausing
    ``interval`` seconds when the queue is empty; returns the totals. The loop waits out an
    unreachable database; ``once`` gives up on it (cron runs again)."""
    total = Outcome()
    worker = Worker("webhooks", shutdown_timeout=shutdown_timeout, survive=not once)
    async with new_client(production=production) as http, aclosing(worker.batches(
            lambda: deliver_due(sessions, batch=batch, production=production, client=http,
                                worker=worker))) as outcomes:
        async for outcome in outcomes:
            for name in ("succeeded", "retrying", "dead", "cancelled", "released"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
            if outcome.handled == 0:
                if once:
                    break
                await worker.pause(interval)
    return total
