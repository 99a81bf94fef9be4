"""Stage-gate mutations: thin wrappers over the governance service, one transaction each."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import UserError, input_id
from schema.context import Info
from schema.control.types import ChangeRequest
from schema.enums import GateDecision
from schema.governance.reference import ProjectChecklistItem
from schema.governance.types import ProjectGate
from schema.project.types import Project
from server.domain.control import decision_service
from server.domain.enums import ChangeRequestStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.governance import service as governance_service
from server.domain.project.models import Project as ProjectRow


def _required_id(value: str, *, expected: str, field: str) -> int:
    row_id = input_id(value, expected=expected, field=field)
    if row_id is None:
        raise DomainError.one(field, "required", ErrorCode.REQUIRED)
    return row_id


@strawberry.input(description="Copy a governance template's gates and checklists onto a "
                              "project that has none.")
class ApplyGovernanceTemplateInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    governance_template_id: strawberry.ID = strawberry.field(
        description="The governance template's global id.")


@strawberry.type(description="The result of applyGovernanceTemplate.")
class ApplyGovernanceTemplatePayload:
    project: Project | None = strawberry.field(description="The project with its new gates.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="Tick off a checklist item of a gate not yet submitted.")
class CompleteChecklistItemInput:
    id: strawberry.ID = strawberry.field(description="The checklist item's global id.")
    evidence_url: str | None = strawberry.field(
        default=None, description="An http(s) link to the evidence, e.g. the signed charter.")


@strawberry.input(description="A done checklist item to mark as not done.")
class ReopenChecklistItemInput:
    id: strawberry.ID = strawberry.field(description="The checklist item's global id.")


@strawberry.type(description="The result of completeChecklistItem or reopenChecklistItem.")
class CompleteChecklistItemPayload:
    checklist_item: ProjectChecklistItem | None = strawberry.field(
        description="The item as it is now.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="Submit a pending gate for decision.")
class SubmitGateInput:
    id: strawberry.ID = strawberry.field(description="The gate's global id.")


@strawberry.type(description="The result of submitGate.")
class SubmitGatePayload:
    gate: ProjectGate | None = strawberry.field(description="The gate, now SUBMITTED.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="Decide a submitted gate.")
class DecideGateInput:
    id: strawberry.ID = strawberry.field(description="The gate's global id.")
    decision: GateDecision = strawberry.field(  # type: ignore[valid-type]
        description="GO, NO_GO, HOLD or RECYCLE.")
    note: str | None = strawberry.field(default=None, description="Why, for the record.")


@strawberry.type(description="The result of decideGate.")
class DecideGatePayload:
    gate: ProjectGate | None = strawberry.field(description="The gate after the decision.")
    project: Project | None = strawberry.field(
        description="The gate's project, with the status the decision gave it.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.enum(description="What a change request's decision is.")
class ChangeRequestDecision(Enum):
    APPROVED = strawberry.enum_value(
        "APPROVED", description="Approve: BAC and baseline finish move by the impacts.")
    REJECTED = strawberry.enum_value("REJECTED", description="Reject: nothing moves.")


@strawberry.input(description="Decide a submitted change request read at `version`.")
class DecideChangeRequestInput:
    id: strawberry.ID = strawberry.field(description="The change request's global id.")
    version: int = strawberry.field(description="The version the caller read.")
    decision: ChangeRequestDecision = strawberry.field(description="APPROVED or REJECTED.")
    note: str | None = strawberry.field(default=None, description="Why, for the record.")


@strawberry.type(description="The result of decideChangeRequest.")
class DecideChangeRequestPayload:
    change_request: ChangeRequest | None = strawberry.field(
        description="The change request after the decision.")
    project: Project | None = strawberry.field(
        description="Its project, with the BAC and baseline finish an approval gave it.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


ApplyGovernanceTemplateArg = Annotated[ApplyGovernanceTemplateInput, strawberry.argument(
    description="The project and the governance template to apply.")]
ReopenChecklistItemArg = Annotated[ReopenChecklistItemInput, strawberry.argument(
    description="The checklist item.")]
CompleteChecklistItemArg = Annotated[CompleteChecklistItemInput, strawberry.argument(
    description="The checklist item and its evidence.")]
SubmitGateArg = Annotated[SubmitGateInput, strawberry.argument(
    description="The gate to submit for decision.")]
DecideGateArg = Annotated[DecideGateInput, strawberry.argument(
    description="The submitted gate and its decision.")]
DecideChangeRequestArg = Annotated[DecideChangeRequestInput, strawberry.argument(
    description="The submitted change request, the version read and the decision.")]


@strawberry.type
class DecisionMutations:
    @strawberry.mutation(description="Copy a governance template onto a project without gates "
                                     "(its PM or the PMO); later template edits never change it.")
    async def apply_governance_template(self, info: Info, input: ApplyGovernanceTemplateArg,
                                        ) -> ApplyGovernanceTemplatePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            project_id = _required_id(input.project_id, expected="Project", field="projectId")
            template_id = _required_id(input.governance_template_id,
                                       expected="GovernanceTemplate",
                                       field="governanceTemplateId")
            return await governance_service.apply_template(
                session, actor=actor, project_id=project_id, template_id=template_id)

        row, errors = await info.context.mutate(work)
        return ApplyGovernanceTemplatePayload(project=Project.from_row(row) if row else None,
                                              user_errors=errors)

    @strawberry.mutation(description="Tick off a checklist item (the project's PM or the PMO) "
                                     "while its gate is PENDING, with an http(s) link to the "
                                     "evidence; on a done item, corrects the link (whoever "
                                     "completed it, or the PMO).")
    async def complete_checklist_item(self, info: Info, input: CompleteChecklistItemArg,
                                      ) -> CompleteChecklistItemPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            item_id = _required_id(input.id, expected="ProjectChecklistItem", field="id")
            return await governance_service.complete_checklist_item(
                session, actor=actor, item_id=item_id, evidence_url=input.evidence_url)

        row, errors = await info.context.mutate(work)
        return CompleteChecklistItemPayload(
            checklist_item=ProjectChecklistItem.from_row(row) if row else None,
            user_errors=errors)

    @strawberry.mutation(description="Mark a done checklist item as not done while its gate is "
                                     "PENDING (whoever completed it, or the PMO).")
    async def reopen_checklist_item(self, info: Info, input: ReopenChecklistItemArg,
                                    ) -> CompleteChecklistItemPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            item_id = _required_id(input.id, expected="ProjectChecklistItem", field="id")
            return await governance_service.reopen_checklist_item(session, actor=actor,
                                                                  item_id=item_id)

        row, errors = await info.context.mutate(work)
        return CompleteChecklistItemPayload(
            checklist_item=ProjectChecklistItem.from_row(row) if row else None,
            user_errors=errors)

    @strawberry.mutation(description="Submit a gate for decision (the project's PM or the PMO); "
                                     "CHECKLIST_INCOMPLETE while a mandatory item is open.")
    async def submit_gate(self, info: Info, input: SubmitGateArg) -> SubmitGatePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            gate_id = _required_id(input.id, expected="ProjectGate", field="id")
            return await governance_service.submit_gate(session, actor=actor, gate_id=gate_id)

        row, errors = await info.context.mutate(work)
        return SubmitGatePayload(gate=ProjectGate.from_row(row) if row else None,
                                 user_errors=errors)

    @strawberry.mutation(description="Decide a submitted gate (its approver role: the sponsor or "
                                     "portfolio owner for executive gates, the PMO for any); "
                                     "the decision drives the project's status.")
    async def decide_gate(self, info: Info, input: DecideGateArg) -> DecideGatePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            gate_id = _required_id(input.id, expected="ProjectGate", field="id")
            gate = await governance_service.decide_gate(
                session, actor=actor, gate_id=gate_id, decision=input.decision,
                note=input.note)
            return gate, await session.get(ProjectRow, gate.project_id)

        result, errors = await info.context.mutate(work)
        gate, project = result if result else (None, None)
        return DecideGatePayload(gate=ProjectGate.from_row(gate) if gate else None,
                                 project=Project.from_row(project) if project else None,
                                 user_errors=errors)

    @strawberry.mutation(description="Approve or reject a submitted change request (its project's "
                                     "sponsor, its portfolio's owner or the PMO); approval moves "
                                     "BAC and baseline finish and records the next baseline.")
    async def decide_change_request(self, info: Info, input: DecideChangeRequestArg,
                                    ) -> DecideChangeRequestPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            request_id = _required_id(input.id, expected="ChangeRequest", field="id")
            row = await decision_service.decide(
                session, actor=actor, change_request_id=request_id, version=input.version,
                decision=ChangeRequestStatus(input.decision.value), note=input.note)
            return row, await session.get(ProjectRow, row.project_id)

        result, errors = await info.context.mutate(work)
        row, project = result if result else (None, None)
        return DecideChangeRequestPayload(
            change_request=ChangeRequest.from_row(row) if row else None,
            project=Project.from_row(project) if project else None, user_errors=errors)
