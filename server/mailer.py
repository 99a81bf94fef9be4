"""Notification emails: claim due messages from the ``email_message`` outbox, render each from
its kind's template (plain text and HTML, with a link back to the object), send it over SMTP,
record the outcome.

At least once: a claim leases a message (``next_attempt_at`` moves ``LEASE`` ahead) and
commits before anything is sent, so a sender that dies mid-batch only delays it. On
PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED``, so several senders share the outbox and
never send the same message at the same time; SQLite serialises writers. A failed send is
retried with back-off and never given up: a message stays in the outbox until it is sent.
As a service (``run``) the sender waits out an unreachable database and stops cleanly on
SIGTERM, as the webhook worker does (``server.sender.Worker``): a batch's outcome is held
until it can be recorded, and what is still being sent when the shutdown budget runs out is
handed back, due at once.
The SMTP client is aiosmtplib (STARTTLS and implicit TLS, authentication); the templates are
Jinja2's, escaped for HTML.
"""

from __future__ import annotations

from contextlib import aclosing, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage as MimeMessage
from email.utils import formataddr, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
from jinja2 import Environment, select_autoescape
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import to_global_id
from server.domain.base import utcnow
from server.domain.collaboration.models import EmailMessage
from server.domain.enums import DUE, DeliveryStatus
from server.domain.organisation.models import Person
from server.sender import Worker

# Wait after the 1st, 2nd, ... failed attempt; then every LAST_WAIT, for as long as it takes.
BACKOFF: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=5),
                                  timedelta(minutes=30))
LAST_WAIT = timedelta(hours=2)
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 30.0
MAX_ERROR_LENGTH = 500

SUBJECTS = {
    "MENTION": "You were mentioned",
    "REPLY": "A reply to your comment",
    "GATE_SUBMITTED": "A gate waits for your decision",
    "GATE_DECIDED": "A gate was decided",
    "CHANGE_REQUEST_SUBMITTED": "A change request waits for your decision",
    "CHANGE_REQUEST_DECIDED": "A change request was decided",
    "RISK_ESCALATED": "A risk became an issue",
    "OVER_ALLOCATED": "An allocation goes over 100 %",
    "STATUS_REPORT_OVERDUE": "A status report is overdue",
}
"""Each kind's subject line (after "[PMO] "); its body says what happened and links to it."""
ACTIONS = {
    "GATE_SUBMITTED": "Review the gate and decide it",
    "CHANGE_REQUEST_SUBMITTED": "Review the change request and decide it",
    "OVER_ALLOCATED": "Review the allocations",
    "STATUS_REPORT_OVERDUE": "Submit the status report",
}
"""What the recipient is asked to do, for the kinds that ask something."""

_TEXT = """Hello {{ name }},

{{ message }}.
{% if action %}
{{ action }}: {{ link }}
{% else %}
Open it: {{ link }}
{% endif %}
--
You get this email because of your notification preferences in the PMO (kind {{ kind }}).
Turn it off with setNotificationPreference(kind: {{ kind }}, channel: EMAIL, enabled: false).
"""
_HTML = """<!doctype html>
<html><body style="font-family: sans-serif">
<p>Hello {{ name }},</p>
<p>{{ message }}.</p>
<p><a href="{{ link }}">{{ action or "Open it" }}</a></p>
<p style="color: #666; font-size: smaller">You get this email because of your notification
preferences in the PMO (kind {{ kind }}).</p>
</body></html>
"""
_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                   keep_trailing_newline=True)
_TEXT_TEMPLATE = Environment(autoescape=False, keep_trailing_newline=True).from_string(_TEXT)  # noqa: S701 - plain text
_HTML_TEMPLATE = _ENV.from_string(_HTML)


@dataclass(frozen=True)
class Smtp:
    """Where and how to send: ``PMO_SMTP_URL`` taken apart."""

    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool | None

    @classmethod
    def from_url(cls, url: str) -> Smtp:
        """``smtp://[user:pass@]host[:port]`` (STARTTLS when the server offers it),
        ``smtp+starttls://`` (STARTTLS required) or ``smtps://`` (TLS from the start);
        ValueError for anything else."""
        parts = urlsplit(url)
        schemes = {"smtp": (False, None, 25), "smtp+starttls": (False, True, 587),
                   "smtps": (True, False, 465)}
        if parts.scheme not in schemes or not parts.hostname:
            raise ValueError("PMO_SMTP_URL must be smtp://, smtp+starttls:// or smtps:// "
                             "with a host, such as smtp+starttls://user:pass@mail.example.com")
        use_tls, start_tls, port = schemes[parts.scheme]
        return cls(parts.hostname, parts.port or port,
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None, use_tls, start_tls)


def link(app_url: str, entity_type: str | None, entity_id: int | None) -> str:
    """The frontend's page of the object: ``<PMO_APP_URL>/<Type>/<global id>``."""
    base = app_url.rstrip("/")
    if entity_type is None or entity_id is None:
        return base + "/"
    return f"{base}/{entity_type}/{to_global_id(entity_type, entity_id)}"


def render(row: EmailMessage, person: Person, *, sender: str,
           app_url: str) -> MimeMessage:
    """The email of one outbox row: subject by kind, plain text and HTML bodies, a link."""
    values = {"name": person.full_name, "message": row.message.rstrip("."), "kind": row.kind,
              "action": ACTIONS.get(row.kind), "link": link(app_url, row.entity_type,
                                                            row.entity_id)}
    mail = MimeMessage()
    mail["Subject"] = f"[PMO] {SUBJECTS.get(row.kind, 'A notification')}"
    mail["From"] = sender
    mail["To"] = formataddr((person.full_name, person.email))
    mail["Message-ID"] = make_msgid(idstring=f"pmo-email-{row.id}")
    mail["X-PMO-Notification-Kind"] = row.kind
    mail.set_content(_TEXT_TEMPLATE.render(values))
    mail.add_alternative(_HTML_TEMPLATE.render(values), subtype="html")
    return mail


@dataclass
class Outcome:
    """What one batch did."""

    sent: int = 0
    retrying: int = 0
    released: int = 0
    ids: list[int] = field(default_factory=list)


async def claim(session: AsyncSession, *, now: datetime, batch: int, sender: str,
                app_url: str) -> list[tuple[int, int, MimeMessage | None]]:
    """Lease up to ``batch`` due messages (in the caller's transaction): (id, attempt, the
    rendered email; None when the recipient is gone or inactive, and then it is not sent)."""
    rows = list(await session.exec(
        select(EmailMessage)
        .where(col(EmailMessage.status).in_(DUE), col(EmailMessage.next_attempt_at) <= now)
        .order_by(col(EmailMessage.next_attempt_at), col(EmailMessage.id))
        .limit(batch)
        .with_for_update(skip_locked=True)))
    if not rows:
        return []
    people = {p.id: p for p in await session.exec(
        select(Person).where(col(Person.id).in_({r.recipient_id for r in rows})))}
    claimed: list[tuple[int, int, MimeMessage | None]] = []
    for row in rows:
        row.next_attempt_at = now + LEASE
        person = people.get(row.recipient_id)
        mail = (render(row, person, sender=sender, app_url=app_url)
                if person is not None and person.active else None)
        claimed.append((row.id, row.attempts + 1, mail))  # type: ignore[arg-type]
    await session.flush()
    return claimed


async def send(smtp: Smtp, mail: MimeMessage | None) -> str | None:
    """Send one email; the error, or None when the server took it (or nobody is left to
    send it to)."""
    if mail is None:
        return None
    client = aiosmtplib.SMTP(hostname=smtp.host, port=smtp.port, username=smtp.username,
                             password=smtp.password, use_tls=smtp.use_tls,
                             start_tls=smtp.start_tls, timeout=TIMEOUT_SECONDS)
    try:
        await client.connect()
        await client.send_message(mail)
    except (aiosmtplib.SMTPException, OSError) as exc:
        return (f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]) or type(exc).__name__
    else:
        with suppress(aiosmtplib.SMTPException, OSError):  # taken: a failed goodbye is no matter
            await client.quit()
        return None
    finally:
        # Not ``async with``: cancelled by a stop, that would wait for the server to answer
        # QUIT (up to TIMEOUT_SECONDS); this hangs up at once.
        client.close()


def next_wait(attempt: int) -> timedelta:
    """The wait after the ``attempt``-th failure."""
    return BACKOFF[attempt - 1] if attempt <= len(BACKOFF) else LAST_WAIT


async def _release(session: AsyncSession, ids: list[int], *, now: datetime) -> int:
    """Hand back messages whose sending was abandoned: due at ``now`` again, attempts
    unchanged; only those still under this batch's lease (none another sender took over)."""
    rows = list(await session.exec(
        select(EmailMessage)
        .where(col(EmailMessage.id).in_(ids), col(EmailMessage.status).in_(DUE),
               col(EmailMessage.next_attempt_at) == now + LEASE)))
    for row in rows:
        row.next_attempt_at = now
    return len(rows)


async def send_due(sessions: async_sessionmaker[AsyncSession], smtp: Smtp, *, sender: str,
                   app_url: str, now: datetime | None = None, batch: int = 50,
                   worker: Worker | None = None) -> Outcome:
    """Send one batch of due emails and record each outcome; ``now`` defaults to the clock
    (tests pass it to move through the retry schedule without sleeping). Under a ``worker``
    the outcome waits out an unreachable database, and a stop hands back what was not sent."""
    now = now or utcnow()
    worker = worker or Worker("emails")
    outcome = Outcome()
    async with sessions() as session, session.begin():
        claimed = await claim(session, now=now, batch=batch, sender=sender, app_url=app_url)
    if not claimed:
        return outcome
    # A finished send is (error,): None alone means abandoned at a stop.
    results = await worker.finish([_attempt(smtp, mail) for _, _, mail in claimed])

    async def write_back() -> None:
        done = Outcome()  # counted afresh on each try: a failed try's counts are void
        async with sessions() as session, session.begin():
            for (row_id, attempt, _), result in zip(claimed, results, strict=True):
                if result is not None:
                    await _record(session, row_id, attempt, result[0], now, done)
            abandoned = [c[0] for c, r in zip(claimed, results, strict=True) if r is None]
            if abandoned:
                done.released = await _release(session, abandoned, now=now)
        outcome.sent, outcome.retrying = done.sent, done.retrying
        outcome.released, outcome.ids = done.released, done.ids

    await worker.write_back(write_back, f"the outcome of {len(claimed)} emails")
    if outcome.released:
        worker.log.info("handed back %d unsent emails, due again now", outcome.released)
    return outcome


async def _attempt(smtp: Smtp, mail: MimeMessage | None) -> tuple[str | None]:
    return (await send(smtp, mail),)


async def _record(session: AsyncSession, row_id: int, attempt: int, error: str | None,
                  now: datetime, outcome: Outcome) -> None:
    row = await session.get(EmailMessage, row_id)
    if row is None:  # its recipient was deleted meanwhile
        return
    row.attempts, row.last_error = attempt, error
    outcome.ids.append(row_id)
    if error is None:
        row.status, row.next_attempt_at, row.sent_at = DeliveryStatus.SUCCEEDED, None, now
        outcome.sent += 1
    else:
        row.status, row.next_attempt_at = DeliveryStatus.FAILED, now + next_wait(attempt)
        outcome.retrying += 1


async def run(sessions: async_sessionmaker[AsyncSession], smtp: Smtp, *, sender: str,
              app_url: str, once: bool, batch: int, interval: float,
              shutdown_timeout: float = 20.0) -> Any:
    """Send batches until nothing is due (``once``), or until stopped, waiting ``interval``
    seconds whenever nothing is due; the totals sent, waiting to be retried and handed back.
    The loop waits out an unreachable database; ``once`` gives up on it (cron runs again)."""
    total = Outcome()
    worker = Worker("emails", shutdown_timeout=shutdown_timeout, survive=not once)
    async with aclosing(worker.batches(lambda: send_due(
            sessions, smtp, sender=sender, app_url=app_url, batch=batch,
            worker=worker))) as outcomes:
        async for outcome in outcomes:
            total.sent += outcome.sent
            total.retrying += outcome.retrying
            total.released += outcome.released
            if outcome.sent + outcome.retrying == 0:
                if once:
                    break
                await worker.pause(interval)
            elif once and outcome.sent == 0:
                break  # everything due failed: cron runs again later
    return total
