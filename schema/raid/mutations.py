"""RAID mutations: thin wrappers over the RAID services, one audited transaction each."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import to_global_id
from schema.context import Info
from schema.raid.inputs import (
    CloseRiskInput,
    CloseRiskPayload,
    CreateAssumptionInput,
    CreateAssumptionPayload,
    CreateDependencyInput,
    CreateDependencyPayload,
    CreateIssueInput,
    CreateIssuePayload,
    CreateRiskInput,
    CreateRiskPayload,
    DeleteAssumptionInput,
    DeleteAssumptionPayload,
    DeleteDependencyInput,
    DeleteDependencyPayload,
    DeleteIssueInput,
    DeleteIssuePayload,
    DeleteRiskInput,
    DeleteRiskPayload,
    EscalateRiskInput,
    EscalateRiskPayload,
    ResolveIssueInput,
    ResolveIssuePayload,
    UpdateAssumptionInput,
    UpdateAssumptionPayload,
    UpdateDependencyInput,
    UpdateDependencyPayload,
    UpdateIssueInput,
    UpdateIssuePayload,
    UpdateRiskInput,
    UpdateRiskPayload,
    row_id,
    values,
)
from schema.raid.types import Assumption, Dependency, Issue, Risk
from server.domain.raid import (
    assumption_service,
    dependency_service,
    issue_service,
    risk_service,
)


def _risk(row: Any) -> Risk | None:
    return Risk.from_row(row) if row is not None else None


def _issue(row: Any) -> Issue | None:
    return Issue.from_row(row) if row is not None else None


def _assumption(row: Any) -> Assumption | None:
    return Assumption.from_row(row) if row is not None else None


def _dependency(row: Any) -> Dependency | None:
    return Dependency.from_row(row) if row is not None else None


def _deleted_id(type_name: str, row: Any) -> strawberry.ID | None:
    return to_global_id(type_name, row.id) if row is not None else None


@strawberry.type
class RiskMutations:
    @strawberry.mutation(description="Raise a risk (PMO, or the project's manager).")
    async def create_risk(self, info: Info,
                          input: Annotated[CreateRiskInput, strawberry.argument(
                              description="The new risk.")]) -> CreateRiskPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await risk_service.create(session, actor=actor, data=values(input))

        row, errors = await info.context.mutate(work)
        return CreateRiskPayload(risk=_risk(row), user_errors=errors)

    @strawberry.mutation(description="Update a risk; a stale `version` is VERSION_CONFLICT, an "
                                     "illegal status move INVALID.")
    async def update_risk(self, info: Info,
                          input: Annotated[UpdateRiskInput, strawberry.argument(
                              description="The risk and the fields to change.")],
                          ) -> UpdateRiskPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await risk_service.update(session, actor=actor,
                                             risk_id=row_id(input.id, "Risk"),
                                             version=input.version, changes=values(input))

        row, errors = await info.context.mutate(work)
        return UpdateRiskPayload(risk=_risk(row), user_errors=errors)

    @strawberry.mutation(description="Delete a risk recorded by mistake (PMO, or the "
                                     "project's manager); an escalated risk cannot be.")
    async def delete_risk(self, info: Info,
                          input: Annotated[DeleteRiskInput, strawberry.argument(
                              description="The risk to delete.")]) -> DeleteRiskPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await risk_service.delete(session, actor=actor,
                                             risk_id=row_id(input.id, "Risk"),
                                             version=input.version)

        row, errors = await info.context.mutate(work)
        return DeleteRiskPayload(risk=_risk(row), deleted_id=_deleted_id("Risk", row),
                                 user_errors=errors)

    @strawberry.mutation(description="Close an OPEN or MITIGATING risk (status CLOSED).")
    async def close_risk(self, info: Info,
                         input: Annotated[CloseRiskInput, strawberry.argument(
                             description="The risk to close.")]) -> CloseRiskPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await risk_service.close(session, actor=actor,
                                            risk_id=row_id(input.id, "Risk"),
                                            version=input.version)

        row, errors = await info.context.mutate(work)
        return CloseRiskPayload(risk=_risk(row), user_errors=errors)

    @strawberry.mutation(description="The risk happened: mark an OPEN or MITIGATING risk "
                                     "OCCURRED and open an issue from it, in one transaction. "
                                     "Subscribers of riskEscalated are told.")
    async def escalate_risk(self, info: Info,
                            input: Annotated[EscalateRiskInput, strawberry.argument(
                                description="The risk and the new issue's fields.")],
                            ) -> EscalateRiskPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await risk_service.escalate(session, actor=actor,
                                               risk_id=row_id(input.id, "Risk"),
                                               version=input.version, issue=values(input))

        result, errors = await info.context.mutate(work)
        risk, issue = result if result is not None else (None, None)
        return EscalateRiskPayload(risk=_risk(risk), issue=_issue(issue), user_errors=errors)


@strawberry.type
class IssueMutations:
    @strawberry.mutation(description="Log an issue (PMO, or the project's manager).")
    async def create_issue(self, info: Info,
                           input: Annotated[CreateIssueInput, strawberry.argument(
                               description="The new issue.")]) -> CreateIssuePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await issue_service.create(session, actor=actor, data=values(input))

        row, errors = await info.context.mutate(work)
        return CreateIssuePayload(issue=_issue(row), user_errors=errors)

    @strawberry.mutation(description="Update an issue; a stale `version` is VERSION_CONFLICT, "
                                     "an illegal status move INVALID.")
    async def update_issue(self, info: Info,
                           input: Annotated[UpdateIssueInput, strawberry.argument(
                               description="The issue and the fields to change.")],
                           ) -> UpdateIssuePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await issue_service.update(session, actor=actor,
                                              issue_id=row_id(input.id, "Issue"),
                                              version=input.version, changes=values(input))

        row, errors = await info.context.mutate(work)
        return UpdateIssuePayload(issue=_issue(row), user_errors=errors)

    @strawberry.mutation(description="Resolve an OPEN or IN_PROGRESS issue with a resolution.")
    async def resolve_issue(self, info: Info,
                            input: Annotated[ResolveIssueInput, strawberry.argument(
                                description="The issue and how it was resolved.")],
                            ) -> ResolveIssuePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await issue_service.resolve(session, actor=actor,
                                               issue_id=row_id(input.id, "Issue"),
                                               version=input.version, data=values(input))

        row, errors = await info.context.mutate(work)
        return ResolveIssuePayload(issue=_issue(row), user_errors=errors)

    @strawberry.mutation(description="Delete an issue recorded by mistake (PMO, or the "
                                     "project's manager).")
    async def delete_issue(self, info: Info,
                           input: Annotated[DeleteIssueInput, strawberry.argument(
                               description="The issue to delete.")]) -> DeleteIssuePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await issue_service.delete(session, actor=actor,
                                              issue_id=row_id(input.id, "Issue"),
                                              version=input.version)

        row, errors = await info.context.mutate(work)
        return DeleteIssuePayload(issue=_issue(row), deleted_id=_deleted_id("Issue", row),
                                  user_errors=errors)


@strawberry.type
class AssumptionMutations:
    @strawberry.mutation(description="Record an assumption (PMO, or the project's manager).")
    async def create_assumption(self, info: Info,
                                input: Annotated[CreateAssumptionInput, strawberry.argument(
                                    description="The new assumption.")],
                                ) -> CreateAssumptionPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await assumption_service.create(session, actor=actor, data=values(input))

        row, errors = await info.context.mutate(work)
        return CreateAssumptionPayload(assumption=_assumption(row), user_errors=errors)

    @strawberry.mutation(description="Change an assumption or mark it validated.")
    async def update_assumption(self, info: Info,
                                input: Annotated[UpdateAssumptionInput, strawberry.argument(
                                    description="The assumption and the fields to change.")],
                                ) -> UpdateAssumptionPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await assumption_service.update(
                session, actor=actor, assumption_id=row_id(input.id, "Assumption"),
                changes=values(input))

        row, errors = await info.context.mutate(work)
        return UpdateAssumptionPayload(assumption=_assumption(row), user_errors=errors)

    @strawberry.mutation(description="Delete an assumption.")
    async def delete_assumption(self, info: Info,
                                input: Annotated[DeleteAssumptionInput, strawberry.argument(
                                    description="The assumption to delete.")],
                                ) -> DeleteAssumptionPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await assumption_service.delete(
                session, actor=actor, assumption_id=row_id(input.id, "Assumption"))

        row, errors = await info.context.mutate(work)
        return DeleteAssumptionPayload(assumption=_assumption(row),
                                       deleted_id=_deleted_id("Assumption", row),
                                       user_errors=errors)


@strawberry.type
class DependencyMutations:
    @strawberry.mutation(description="Record a dependency on another project or an external "
                                     "party (PMO, or the depending project's manager).")
    async def create_dependency(self, info: Info,
                                input: Annotated[CreateDependencyInput, strawberry.argument(
                                    description="The new dependency.")],
                                ) -> CreateDependencyPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await dependency_service.create(session, actor=actor, data=values(input))

        row, errors = await info.context.mutate(work)
        return CreateDependencyPayload(dependency=_dependency(row), user_errors=errors)

    @strawberry.mutation(description="Update a dependency.")
    async def update_dependency(self, info: Info,
                                input: Annotated[UpdateDependencyInput, strawberry.argument(
                                    description="The dependency and the fields to change.")],
                                ) -> UpdateDependencyPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await dependency_service.update(
                session, actor=actor, dependency_id=row_id(input.id, "Dependency"),
                changes=values(input))

        row, errors = await info.context.mutate(work)
        return UpdateDependencyPayload(dependency=_dependency(row), user_errors=errors)

    @strawberry.mutation(description="Delete a dependency.")
    async def delete_dependency(self, info: Info,
                                input: Annotated[DeleteDependencyInput, strawberry.argument(
                                    description="The dependency to delete.")],
                                ) -> DeleteDependencyPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await dependency_service.delete(
                session, actor=actor, dependency_id=row_id(input.id, "Dependency"))

        row, errors = await info.context.mutate(work)
        return DeleteDependencyPayload(dependency=_dependency(row),
                                       deleted_id=_deleted_id("Dependency", row),
                                       user_errors=errors)
