"""Webhook management: register, change, delete and re-key; PMO only, audited, never committed.

The signing secret is generated here and returned to the caller once (create, rotate); it is
stored for signing but no read path exposes it, and the audit trail never copies it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
import socket
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.common import flush, get_or_raise
from server.domain.enums import DeliveryStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import ALL_EVENTS
from server.domain.integration.models import Webhook, WebhookDelivery

# The event types the services stage (grep ``DomainEvent(`` in server/domain); a test keeps
# this list in step with the code.
KNOWN_EVENT_TYPES = frozenset({
    "allocation.changed", "allocation.over_allocated", "benefit.changed",
    "change_request.decided", "change_request.submitted", "comment.added", "comment.deleted",
    "comment.edited",
    "cost_entry.changed",
    "cost_entry.recorded", "gate.changed", "gate.decided", "gate.submitted", "lesson.added",
    "lesson.changed", "milestone.changed", "project.changed", "risk.escalated",
    "stakeholder.changed", "status_report.overdue", "status_report.submitted",
})
MAX_URL_LENGTH = 2000
SECRET_PREFIX = "whsec_"
REDACTED = "(redacted)"


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, URL-safe."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (a seam for tests; DNS is not under our control)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
"""IPv6 prefixes whose last 32 bits are an IPv4 address a NAT64 gateway forwards to."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches through: mapped (::ffff:a.b.c.d), NAT64
    (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::) and Teredo (its client)."""
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if any(ip in network for network in NAT64):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def public_address(address: str) -> bool:
    """Whether ``address`` is a public unicast address, also when it wraps an IPv4 one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded:
            return all(public_address(str(inner)) for inner in embedded)
    return ip.is_global and not ip.is_multicast


async def check_public_host(host: str, port: int) -> str | None:
    """Why ``host`` must not be called from production (SSRF), or None if it may.

    Loopback, private, link-local, shared and reserved addresses are refused, whether written
    as an address or reached through a name; the worker checks again before each send because
    a name may resolve differently later.
    """
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return "the host is this machine (loopback)"
    try:
        addresses = [str(ipaddress.ip_address(name))]
    except ValueError:
        try:
            addresses = await resolve_host(name, port)
        except OSError:
            return "the host name does not resolve"
    refused = [a for a in addresses if not public_address(a)]
    if refused:
        return (f"the host resolves to a loopback, private or link-local address "
                f"({', '.join(refused)})")
    return None


async def validate_url(url: str, *, production: bool) -> str:
    """The URL, trimmed, once it is an http(s) URL without credentials (https and a public
    host in production). Raises DomainError on ``url``."""
    url = url.strip()
    if not url:
        raise DomainError.one("url", "url is required", ErrorCode.REQUIRED)
    if len(url) > MAX_URL_LENGTH:
        raise DomainError.one("url", f"at most {MAX_URL_LENGTH} characters", ErrorCode.TOO_LONG)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError.one("url", "not a valid URL", ErrorCode.INVALID) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError.one("url", "must be an http:// or https:// URL with a host",
                              ErrorCode.INVALID)
    if parts.username is not None or parts.password is not None:
        raise DomainError.one("url", "must not carry credentials (user:password@); the "
                                     "signature authenticates the sender", ErrorCode.INVALID)
    if production:
        if parts.scheme != "https":
            raise DomainError.one("url", "must be https:// in production", ErrorCode.INVALID)
        reason = await check_public_host(parts.hostname, port or 443)
        if reason is not None:
            raise DomainError.one("url", f"refused in production: {reason}", ErrorCode.INVALID)
    return url


def validate_event_types(event_types: Sequence[str]) -> list[str]:
    """Known event types or ``*``, without repeats, in the caller's order."""
    types = list(dict.fromkeys(t.strip() for t in event_types))
    if not types:
        raise DomainError.one("eventTypes", "subscribe to at least one event type (or *)",
                              ErrorCode.REQUIRED)
    unknown = [t for t in types if t != ALL_EVENTS and t not in KNOWN_EVENT_TYPES]
    if unknown:
        raise DomainError.one(
            "eventTypes", f"unknown event types: {', '.join(unknown)}; known: "
                          f"{', '.join(sorted(KNOWN_EVENT_TYPES))} or *", ErrorCode.INVALID)
    return types


async def _record(session: AsyncSession, actor: Actor, action: str, webhook: Webhook,
                  before: dict[str, Any], *, rekeyed: bool = False) -> None:
    changes = audit.diff(before, audit.snapshot(webhook)) if action != "delete" else \
        audit.diff(before, {})
    if rekeyed:  # that the key changed is worth keeping; the key itself never is
        changes["secret"] = {"before": REDACTED, "after": REDACTED}
    await audit.record(session, actor=actor, action=action, entity_type="Webhook",
                       entity_id=webhook.id, changes=changes)  # type: ignore[arg-type]


async def create(session: AsyncSession, *, actor: Actor, url: str, event_types: Sequence[str],
                 active: bool = True, production: bool) -> tuple[Webhook, str]:
    """Register a webhook; returns it and its signing secret (the only time it is shown)."""
    actor.require("create", Resource("webhook"))
    webhook = Webhook(url=await validate_url(url, production=production),
                      event_types=validate_event_types(event_types), active=active,
                      secret=new_secret())
    session.add(webhook)
    await flush(session, "webhook")
    await _record(session, actor, "create", webhook, {}, rekeyed=True)
    return webhook, webhook.secret


async def update(session: AsyncSession, *, actor: Actor, webhook_id: int,
                 url: str | None = None, event_types: Sequence[str] | None = None,
                 active: bool | None = None, production: bool) -> Webhook:
    """Change a webhook's URL, subscriptions or active flag (None leaves a field as it is).

    A deactivated webhook's due deliveries are cancelled by the worker, not sent."""
    actor.require("update", Resource("webhook", id=webhook_id))
    webhook = await get_or_raise(session, Webhook, webhook_id, "webhook")
    before = audit.snapshot(webhook)
    if url is not None:
        webhook.url = await validate_url(url, production=production)
    if event_types is not None:
        webhook.event_types = validate_event_types(event_types)
    if active is not None:
        webhook.active = active
    await flush(session, "webhook")
    await _record(session, actor, "update", webhook, before)
    return webhook


async def rotate_secret(session: AsyncSession, *, actor: Actor,
                        webhook_id: int) -> tuple[Webhook, str]:
    """Give a webhook a new signing secret, returned this once; the old one stops working."""
    actor.require("update", Resource("webhook", id=webhook_id))
    webhook = await get_or_raise(session, Webhook, webhook_id, "webhook")
    before = audit.snapshot(webhook)
    webhook.secret = new_secret()
    await flush(session, "webhook")
    await _record(session, actor, "rotate_secret", webhook, before, rekeyed=True)
    return webhook, webhook.secret


async def delete(session: AsyncSession, *, actor: Actor, webhook_id: int) -> Webhook:
    """Delete a webhook and (by cascade) its deliveries; returns it as it was."""
    actor.require("delete", Resource("webhook", id=webhook_id))
    webhook = await get_or_raise(session, Webhook, webhook_id, "webhook")
    await _record(session, actor, "delete", webhook, audit.snapshot(webhook))
    await session.delete(webhook)
    await flush(session, "webhook")
    return webhook


async def retry_delivery(session: AsyncSession, *, actor: Actor, delivery_id: int) -> None:
    """Send a DEAD delivery again: back to PENDING, due now, its attempts counted afresh."""
    actor.require("update", Resource("webhook"))
    delivery = await get_or_raise(session, WebhookDelivery, delivery_id, "delivery")
    if delivery.status != DeliveryStatus.DEAD:
        raise DomainError.one("id", f"only a DEAD delivery is retried; this one is "
                              f"{delivery.status.value}", ErrorCode.INVALID_TRANSITION)
    before = audit.snapshot(delivery)
    delivery.status, delivery.attempts, delivery.next_attempt_at = (
        DeliveryStatus.PENDING, 0, utcnow())
    await flush(session, "delivery")
    await audit.record(session, actor=actor, action="retry", entity_type="WebhookDelivery",
                       entity_id=delivery_id, changes=audit.diff(before,
                                                                 audit.snapshot(delivery)))
