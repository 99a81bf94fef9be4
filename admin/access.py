"""Console views of access and integration: API tokens (the secret shown once, revoked, never
deleted), webhooks (the signing key shown once) with their delivery log (a dead delivery can
be sent again), and the audit trail, read-only. Writes go through the same services as the
CLI and the API, audited with the console's person. Every change is a POST or DELETE with the
form token: SQLAdmin's custom actions are GET links, so none is used here."""

from __future__ import annotations

import html
import json
from contextvars import ContextVar
from typing import Any

from markupsafe import Markup
from sqladmin.filters import (
    AllUniqueStringValuesFilter,
    ForeignKeyFilter,
    OperationColumnFilter,
    StaticValuesFilter,
)
from sqladmin.secret import Secret
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from wtforms import BooleanField, SelectMultipleField

from admin.services import ConsoleError, ServiceView, humanised, run
from server.domain.actor import Actor
from server.domain.auth import api_tokens
from server.domain.enums import AuditSource, DeliveryStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import ALL_EVENTS
from server.domain.integration import service as integration
from server.domain.models import ApiToken, AuditEvent, Person, Webhook, WebhookDelivery

# The new token's plain text, from the service call to the page (the same request's task).
_revealed: ContextVar[str | None] = ContextVar("console_revealed_token", default=None)
_TOKEN_FIELDS = {
    api_tokens.ApiTokenErrorCode.INVALID_NAME: "name",
    api_tokens.ApiTokenErrorCode.DUPLICATE_NAME: "name",
    api_tokens.ApiTokenErrorCode.INVALID_EXPIRY: "expiresAt",
    api_tokens.ApiTokenErrorCode.UNKNOWN_OWNER: "ownerId",
    api_tokens.ApiTokenErrorCode.INACTIVE_OWNER: "ownerId",
}


class ApiTokenAdmin(ServiceView, model=ApiToken):  # type: ignore[call-arg]
    category = "Access"
    name = "API token"
    name_plural = "API tokens"
    column_list = [ApiToken.name, "owner", ApiToken.expires_at, ApiToken.last_used_at,
                   ApiToken.revoked_at, ApiToken.created_at]
    column_details_exclude_list = [ApiToken.token_hash]
    column_default_sort = [(ApiToken.created_at, True)]
    form_columns = [ApiToken.name, "owner", ApiToken.expires_at]
    form_edit_rules = ["revoke"]
    column_labels = humanised(ApiToken, owner="Acts as", expires_at="Expires",
                              last_used_at="Last used", revoked_at="Revoked")
    form_args = {"expires_at": {"description": "Blank: never (revoke it when it is no longer "
                                               "needed)."}}
    relations = {"owner": "owner_id"}
    can_delete = False  # revoked, never deleted: the audit trail keeps its name

    async def scaffold_form(self, rules: list[str] | None = None) -> Any:
        form = await super().scaffold_form(rules)
        form.revoke = BooleanField("Revoke this token now (for good)")
        return form

    def _refused(self, error: api_tokens.ApiTokenError) -> DomainError:
        return DomainError.one(_TOKEN_FIELDS.get(error.code, "input"), str(error),
                               ErrorCode.INVALID)

    async def create(self, session: AsyncSession, actor: Actor, data: dict[str, Any]) -> Any:
        owner = await session.get(Person, data["owner_id"]) if data.get("owner_id") else None
        if owner is None:
            raise DomainError.one("ownerId", "choose who the token acts as", ErrorCode.REQUIRED)
        try:
            token, plain = await api_tokens.create(
                session, name=data.get("name") or "", owner_email=owner.email,
                expires_at=data.get("expires_at"), actor=actor)
        except api_tokens.ApiTokenError as error:
            raise self._refused(error) from None
        _revealed.set(plain)
        return token

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        token = await super().insert_model(request, data)
        Secret.reveal_once(request, _revealed.get() or "", title="API token created",
                           label="Copy it now: it is shown only once. Send it as "
                                 "Authorization: Bearer <token>.")
        return token

    async def update(self, session: AsyncSession, actor: Actor, row_id: int,
                     data: dict[str, Any]) -> Any:
        token = await session.get(ApiToken, row_id)
        if token is None or not data.get("revoke"):
            return token
        try:
            return await api_tokens.revoke(session, name=token.name, actor=actor)
        except api_tokens.ApiTokenError as error:
            raise self._refused(error) from None


class WebhookAdmin(ServiceView, model=Webhook):  # type: ignore[call-arg]
    category = "Integration"
    column_list = [Webhook.url, Webhook.event_types, Webhook.active]
    column_details_exclude_list = [Webhook.secret]
    form_columns = [Webhook.url, Webhook.active]
    column_labels = humanised(Webhook, url="URL", event_types="Events")

    async def scaffold_form(self, rules: list[str] | None = None) -> Any:
        form = await super().scaffold_form(rules)
        form.event_types = SelectMultipleField(
            "Events", choices=[(ALL_EVENTS, "* (every event)"),
                               *((e, e) for e in sorted(integration.KNOWN_EVENT_TYPES))],
            description="What it is sent: an HTTPS POST per event, signed with its key.",
            render_kw={"class": "form-control", "size": 12})
        return form

    async def get_form_data_for_edit(self, obj: Any) -> dict[str, Any]:
        return {**await super().get_form_data_for_edit(obj), "event_types": obj.event_types}

    def _production(self, request: Request) -> bool:
        return bool(request.app.state.pmo_production)

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        values = self.service_data(data)

        async def work(session: AsyncSession, actor: Actor) -> Any:
            return await integration.create(
                session, actor=actor, url=values.get("url") or "",
                event_types=values.get("event_types") or [],
                active=bool(values.get("active")), production=self._production(request))
        webhook, secret = await run(request, work)
        Secret.reveal_once(request, secret, title="Webhook signing key",
                           label="Copy it now: it is shown only once. Deliveries are signed "
                                 "with it (X-PMO-Signature).")
        return webhook

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        values = self.service_data(data)
        return await run(request, lambda session, actor: integration.update(
            session, actor=actor, webhook_id=int(pk), url=values.get("url"),
            event_types=values.get("event_types") or [], active=bool(values.get("active")),
            production=self._production(request)))

    async def delete_model(self, request: Request, pk: Any) -> None:
        await run(request, lambda session, actor: integration.delete(
            session, actor=actor, webhook_id=int(pk)))


class WebhookDeliveryAdmin(ServiceView, model=WebhookDelivery):  # type: ignore[call-arg]
    category = "Integration"
    name = "Delivery"
    name_plural = "Deliveries"
    column_list = [WebhookDelivery.id, "webhook", WebhookDelivery.status,
                   WebhookDelivery.attempts, WebhookDelivery.last_status_code,
                   WebhookDelivery.last_error, WebhookDelivery.next_attempt_at,
                   WebhookDelivery.updated_at]
    column_default_sort = [(WebhookDelivery.id, True)]
    column_filters = [StaticValuesFilter(WebhookDelivery.status, [
        (status.value, status.value) for status in DeliveryStatus], title="Status")]
    form_columns: list[Any] = []
    form_edit_rules = ["retry"]
    column_labels = humanised(WebhookDelivery, last_status_code="Last HTTP status",
                              next_attempt_at="Next attempt")
    can_create = False
    can_delete = False

    async def scaffold_form(self, rules: list[str] | None = None) -> Any:
        form = await super().scaffold_form(rules)
        form.retry = BooleanField("Send it again (only a DEAD delivery)")
        return form

    async def update(self, session: AsyncSession, actor: Actor, row_id: int,
                     data: dict[str, Any]) -> Any:
        if data.get("retry"):
            await integration.retry_delivery(session, actor=actor, delivery_id=row_id)
        return await session.get(WebhookDelivery, row_id)


def _changes(model: Any, _attribute: Any) -> Markup:
    """An audit event's changes as a table of field, before and after."""
    rows = []
    for field, change in sorted((model.changes or {}).items()):
        before, after = (change.get("before"), change.get("after")) if isinstance(
            change, dict) else (None, change)
        rows.append(f"<tr><th>{html.escape(field)}</th><td><del>{html.escape(_plain(before))}</del></td><td><ins>{html.escape(_plain(after))}</ins></td></tr>")
    return Markup('<table class="table table-sm"><thead><tr><th>Field</th><th>Before</th>'
                  f'<th>After</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _plain(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class AuditEventAdmin(ServiceView, model=AuditEvent):  # type: ignore[call-arg]
    category = "Audit"
    name = "Audit event"
    column_list = [AuditEvent.at, "actor", AuditEvent.source, AuditEvent.action,
                   AuditEvent.entity_type, AuditEvent.entity_id]
    column_default_sort = [(AuditEvent.at, True)]
    column_filters = [
        AllUniqueStringValuesFilter(AuditEvent.entity_type, title="Entity"),
        ForeignKeyFilter(AuditEvent.actor_id, Person.full_name, Person, title="Actor"),
        StaticValuesFilter(AuditEvent.source, [(s.value, s.value) for s in AuditSource],
                           title="Source"),
        AllUniqueStringValuesFilter(AuditEvent.action, title="Action"),
        OperationColumnFilter(AuditEvent.at, title="Date"),
    ]
    column_searchable_list = [AuditEvent.entity_type, AuditEvent.action]
    column_formatters_detail = {AuditEvent.changes: _changes}
    column_labels = humanised(AuditEvent, entity_type="Entity", entity_id="Entity id",
                              actor_id="Actor")
    can_create = False
    can_edit = False
    can_delete = False
    can_export = True


VIEWS = [ApiTokenAdmin, WebhookAdmin, WebhookDeliveryAdmin, AuditEventAdmin]
__all__ = ["VIEWS", "ConsoleError"]
