"""Change request and status report mutations: thin wrappers over the control services, one
transaction each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import UserError, input_id, input_values
from schema.context import Info
from schema.control.types import ChangeRequest, StatusReport
from schema.enums import Rag
from server.domain.control import change_request_service, status_report_service
from server.domain.errors import DomainError, ErrorCode

# Input fields holding global ids: field -> expected node type.
_ID_FIELDS = {"project_id": "Project"}


def _values(data: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return input_values(data, _ID_FIELDS, skip=skip)


def _change_request_id(value: str) -> int:
    row_id = input_id(value, expected="ChangeRequest", field="id")
    if row_id is None:
        raise DomainError.one("id", "required", ErrorCode.REQUIRED)
    return row_id


# --- inputs ------------------------------------------------------------------------------


@strawberry.input(description="A new change request, drafted by the caller (status DRAFT).")
class CreateChangeRequestInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    title: str = strawberry.field(description="Short statement of the change (1-200 chars).")
    description: str | None = strawberry.field(default=strawberry.UNSET,
                                               description="What changes and why, in Markdown.")
    cost_impact: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="Change to the budget at completion if approved; default 0.")
    schedule_impact_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Days the baseline finish moves if approved (-3650 to 3650); default 0.")


@strawberry.input(description="A partial update of a DRAFT change request read at `version`.")
class UpdateChangeRequestInput:
    id: strawberry.ID = strawberry.field(description="The change request's global id.")
    version: int = strawberry.field(description="The version the caller read.")
    title: str | None = strawberry.field(default=strawberry.UNSET,
                                         description="Short statement of the change.")
    description: str | None = strawberry.field(default=strawberry.UNSET,
                                               description="What changes and why, in Markdown.")
    cost_impact: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Change to the budget at completion if approved.")
    schedule_impact_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="Days the baseline finish moves if approved.")


@strawberry.input(description="Submit a DRAFT change request, read at `version`, for a decision.")
class SubmitChangeRequestInput:
    id: strawberry.ID = strawberry.field(description="The change request's global id.")
    version: int = strawberry.field(description="The version the caller read.")


@strawberry.input(description="A project's status for the period ending `periodEnd`; submitted "
                              "at once and immutable afterwards. One per project and period.")
class SubmitStatusReportInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    period_end: date = strawberry.field(description="Last day of the period reported on.")
    overall: Rag | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="Overall health; left out: the worst of the four below.")
    schedule: Rag | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="Schedule health; left out: the SPI band as of `periodEnd` (without an "
                    "SPI, the project's health override, else GREEN).")
    cost: Rag | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="Cost health; left out: the CPI band as of `periodEnd` (without a CPI, "
                    "the project's health override, else GREEN).")
    scope: Rag | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET, description="Scope health; left out: GREEN.")
    risk: Rag | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="Risk health; left out: RED if an open or mitigating risk scores 15 or "
                    "more, AMBER if one scores 8 or more, else GREEN.")
    summary: str = strawberry.field(description="The headline, in Markdown (required).")
    accomplishments: str | None = strawberry.field(default=strawberry.UNSET,
                                                   description="Done this period.")
    next_steps: str | None = strawberry.field(default=strawberry.UNSET,
                                              description="Planned for the next period.")


# --- payloads ----------------------------------------------------------------------------


@strawberry.type(description="The result of createChangeRequest.")
class CreateChangeRequestPayload:
    change_request: ChangeRequest | None = strawberry.field(
        description="The new change request, if created.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was created.")


@strawberry.type(description="The result of updateChangeRequest.")
class UpdateChangeRequestPayload:
    change_request: ChangeRequest | None = strawberry.field(
        description="The change request after the update.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.type(description="The result of submitChangeRequest.")
class SubmitChangeRequestPayload:
    change_request: ChangeRequest | None = strawberry.field(
        description="The change request, now SUBMITTED.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.type(description="The result of submitStatusReport.")
class SubmitStatusReportPayload:
    status_report: StatusReport | None = strawberry.field(
        description="The submitted report, if accepted.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was submitted.")


def _change_request(row: Any) -> ChangeRequest | None:
    return ChangeRequest.from_row(row) if row else None




@strawberry.type
class ControlMutations:
    @strawberry.mutation(description="Draft a change request on a project (its manager or the "
                                      "PMO); the caller is its requester.")
    async def create_change_request(
        self, info: Info,
        input: Annotated[CreateChangeRequestInput, strawberry.argument(
            description="The new change request.")],
    ) -> CreateChangeRequestPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await change_request_service.create(session, actor=actor, data=_values(input))

        row, errors = await info.context.mutate(work)
        return CreateChangeRequestPayload(change_request=_change_request(row), user_errors=errors)

    @strawberry.mutation(description="Edit a DRAFT change request; a stale `version` is "
                                      "VERSION_CONFLICT, a submitted one INVALID.")
    async def update_change_request(
        self, info: Info,
        input: Annotated[UpdateChangeRequestInput, strawberry.argument(
            description="The id, the version read and the fields to change.")],
    ) -> UpdateChangeRequestPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await change_request_service.update(
                session, actor=actor, change_request_id=_change_request_id(input.id),
                version=input.version, changes=_values(input, skip=("id", "version")))

        row, errors = await info.context.mutate(work)
        return UpdateChangeRequestPayload(change_request=_change_request(row), user_errors=errors)

    @strawberry.mutation(description="Submit a DRAFT change request for a decision "
                                      "(DRAFT -> SUBMITTED); a stale `version` is "
                                      "VERSION_CONFLICT.")
    async def submit_change_request(
        self, info: Info,
        input: Annotated[SubmitChangeRequestInput, strawberry.argument(
            description="The id and the version read.")],
    ) -> SubmitChangeRequestPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await change_request_service.submit(
                session, actor=actor, change_request_id=_change_request_id(input.id),
                version=input.version)

        row, errors = await info.context.mutate(work)
        return SubmitChangeRequestPayload(change_request=_change_request(row), user_errors=errors)

    @strawberry.mutation(description="Submit a project's status report for a period (its "
                                      "manager or the PMO); a second report for the same "
                                      "period is DUPLICATE on periodEnd.")
    async def submit_status_report(
        self, info: Info,
        input: Annotated[SubmitStatusReportInput, strawberry.argument(
            description="The report.")],
    ) -> SubmitStatusReportPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await status_report_service.submit(
                session, actor=actor, data=_values(input),
                grace_days=info.context.status_report_grace_days)

        row, errors = await info.context.mutate(work)
        return SubmitStatusReportPayload(
            status_report=StatusReport.from_row(row) if row else None, user_errors=errors)
