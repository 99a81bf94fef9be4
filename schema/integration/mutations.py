"""Webhook management mutations (PMO only): thin wrappers over the integration service.

The signing secret appears in the payloads of createWebhook and rotateWebhookSecret and
nowhere else: ``Webhook`` has no field for it.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import UserError, input_id, to_global_id
from schema.collaboration.types import Webhook
from schema.context import Info
from server.domain.errors import DomainError, ErrorCode
from server.domain.integration import service as webhook_service
from server.settings import get_settings

URL_RULES = ("An http:// or https:// URL without credentials. In production (PMO_ENV="
             "production) it must be https:// and its host must not be, or resolve to, a "
             "loopback, private or link-local address (SSRF); development and test allow "
             "both, e.g. http://127.0.0.1:9000/hook.")
EVENT_TYPES = ("The event types to receive, e.g. project.changed, risk.escalated, "
               "gate.decided; * for every event.")


def _production(info: Info) -> bool:
    """Whether the serving app runs with PMO_ENV=production (its settings, else the process's)."""
    request = info.context.request
    settings = getattr(getattr(getattr(request, "app", None), "state", None), "settings", None)
    return (settings or get_settings()).is_production


def _webhook_id(value: strawberry.ID) -> int:
    row_id = input_id(value, expected="Webhook", field="id")
    if row_id is None:
        raise DomainError.one("id", "required", ErrorCode.REQUIRED)
    return row_id


@strawberry.input(description="Register an endpoint for signed event deliveries.")
class CreateWebhookInput:
    url: str = strawberry.field(description=URL_RULES)
    event_types: list[str] = strawberry.field(description=EVENT_TYPES)
    active: bool = strawberry.field(default=True,
                                    description="Whether to send events to it (default true).")


@strawberry.type(description="The result of createWebhook.")
class CreateWebhookPayload:
    webhook: Webhook | None = strawberry.field(description="The new webhook.")
    signing_secret: str | None = strawberry.field(
        description="The HMAC-SHA256 signing secret. Shown this once: store it now; it is "
                    "never readable again (rotateWebhookSecret issues a new one).")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="Change a webhook; omitted fields keep their value.")
class UpdateWebhookInput:
    id: strawberry.ID = strawberry.field(description="The webhook's global id.")
    url: str | None = strawberry.field(default=None, description=URL_RULES)
    event_types: list[str] | None = strawberry.field(default=None, description=EVENT_TYPES)
    active: bool | None = strawberry.field(
        default=None, description="False pauses it: its due deliveries are cancelled.")


@strawberry.type(description="The result of updateWebhook.")
class UpdateWebhookPayload:
    webhook: Webhook | None = strawberry.field(description="The webhook after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="Delete a webhook and its deliveries.")
class DeleteWebhookInput:
    id: strawberry.ID = strawberry.field(description="The webhook's global id.")


@strawberry.type(description="The result of deleteWebhook.")
class DeleteWebhookPayload:
    webhook: Webhook | None = strawberry.field(description="The webhook as it was.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted webhook's global id (to evict it from client caches).")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="Replace a webhook's signing secret.")
class RotateWebhookSecretInput:
    id: strawberry.ID = strawberry.field(description="The webhook's global id.")


@strawberry.type(description="The result of rotateWebhookSecret.")
class RotateWebhookSecretPayload:
    webhook: Webhook | None = strawberry.field(description="The webhook.")
    signing_secret: str | None = strawberry.field(
        description="The new signing secret, shown this once; the old one stops signing "
                    "immediately.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


def _hook(row: Any) -> Webhook | None:
    return Webhook.from_row(row) if row is not None else None


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="Register a webhook (PMO only); the payload carries its "
                                     "signing secret, shown once.")
    async def create_webhook(self, info: Info, input: Annotated[
            CreateWebhookInput, strawberry.argument(description="The webhook.")],
            ) -> CreateWebhookPayload:
        actor, production = info.context.actor, _production(info)

        async def work(session: AsyncSession) -> Any:
            return await webhook_service.create(
                session, actor=actor, url=input.url, event_types=input.event_types,
                active=input.active, production=production)

        result, errors = await info.context.mutate(work)
        row, secret = result if result else (None, None)
        return CreateWebhookPayload(webhook=_hook(row), signing_secret=secret,
                                    user_errors=errors)

    @strawberry.mutation(description="Change a webhook's URL, event types or active flag "
                                     "(PMO only).")
    async def update_webhook(self, info: Info, input: Annotated[
            UpdateWebhookInput, strawberry.argument(description="What to change.")],
            ) -> UpdateWebhookPayload:
        actor, production = info.context.actor, _production(info)

        async def work(session: AsyncSession) -> Any:
            return await webhook_service.update(
                session, actor=actor, webhook_id=_webhook_id(input.id), url=input.url,
                event_types=input.event_types, active=input.active, production=production)

        row, errors = await info.context.mutate(work)
        return UpdateWebhookPayload(webhook=_hook(row), user_errors=errors)

    @strawberry.mutation(description="Delete a webhook and its deliveries (PMO only).")
    async def delete_webhook(self, info: Info, input: Annotated[
            DeleteWebhookInput, strawberry.argument(description="The webhook to delete.")],
            ) -> DeleteWebhookPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await webhook_service.delete(session, actor=actor,
                                                webhook_id=_webhook_id(input.id))

        row, errors = await info.context.mutate(work)
        return DeleteWebhookPayload(
            webhook=_hook(row), user_errors=errors,
            deleted_id=to_global_id("Webhook", row.id) if row is not None else None)

    @strawberry.mutation(description="Give a webhook a new signing secret, shown once in the "
                                     "payload (PMO only).")
    async def rotate_webhook_secret(self, info: Info, input: Annotated[
            RotateWebhookSecretInput, strawberry.argument(description="The webhook.")],
            ) -> RotateWebhookSecretPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await webhook_service.rotate_secret(session, actor=actor,
                                                       webhook_id=_webhook_id(input.id))

        result, errors = await info.context.mutate(work)
        row, secret = result if result else (None, None)
        return RotateWebhookSecretPayload(webhook=_hook(row), signing_secret=secret,
                                          user_errors=errors)
