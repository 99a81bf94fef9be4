"""Delivery mutations: thin wrappers over the services, one audited transaction each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import UserError, decode_id, input_id, to_global_id
from schema.context import Info
from schema.resource.allocations import Allocation
from schema.resource.benefits import Benefit
from schema.resource.costs import CostEntry
from schema.resource.inputs import (
    AddLessonInput,
    CreateAllocationInput,
    CreateBenefitInput,
    CreateMilestoneInput,
    DeleteAllocationInput,
    DeleteCostEntryInput,
    DeleteLessonInput,
    DeleteMilestoneInput,
    RecordCostInput,
    SetProjectObjectivesInput,
    UpdateAllocationInput,
    UpdateBenefitInput,
    UpdateCostEntryInput,
    UpdateLessonInput,
    UpdateMilestoneInput,
    values_of,
)
from schema.resource.lessons import Lesson
from schema.resource.milestones import Milestone
from schema.resource.objectives import ProjectObjective
from server.domain.errors import DomainError, ErrorCode, FieldError
from server.domain.knowledge import service as lesson_service
from server.domain.project import cost_service, milestone_service, objective_service
from server.domain.project.models import Project as ProjectRow
from server.domain.resource import service as resource_service

if TYPE_CHECKING:
    from schema.project.types import Project

LazyProject = Annotated["Project", strawberry.lazy("schema.project.types")]


def _project(row: ProjectRow | None) -> Project | None:
    from schema.project.types import Project

    return Project.from_row(row) if row is not None else None


def _row_id(value: str, expected: str) -> int:
    row_id = input_id(value, expected=expected, field="id")
    if row_id is None:
        raise DomainError.one("id", "required", ErrorCode.REQUIRED)
    return row_id


def _argument(description: str) -> Any:
    return strawberry.argument(description=description)


_ERRORS = "Why nothing was changed; empty on success."


# --- payloads ----------------------------------------------------------------------------

@strawberry.type(description="The result of createMilestone.")
class CreateMilestonePayload:
    milestone: Milestone | None = strawberry.field(description="The new milestone, if created.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of updateMilestone.")
class UpdateMilestonePayload:
    milestone: Milestone | None = strawberry.field(description="The milestone after the update.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of deleteMilestone.")
class DeleteMilestonePayload:
    milestone: Milestone | None = strawberry.field(
        description="The milestone as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted milestone's global id (to evict it from client caches).")
    project: LazyProject | None = strawberry.field(
        description="The project it belonged to, as it is now.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of recordCost.")
class RecordCostPayload:
    cost_entry: CostEntry | None = strawberry.field(description="The recorded cost.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of updateCostEntry.")
class UpdateCostEntryPayload:
    cost_entry: CostEntry | None = strawberry.field(
        description="The cost entry after the correction.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of deleteCostEntry.")
class DeleteCostEntryPayload:
    cost_entry: CostEntry | None = strawberry.field(
        description="The cost entry as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted cost entry's global id (to evict it from client caches).")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of createAllocation.")
class CreateAllocationPayload:
    allocation: Allocation | None = strawberry.field(description="The new allocation.")
    warnings: list[str] = strawberry.field(
        description="ISO weeks (e.g. `2026-W07: 120% allocated (week of 2026-02-09)`) in which "
                    "the person is now over 100%; the allocation was made all the same.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of updateAllocation.")
class UpdateAllocationPayload:
    allocation: Allocation | None = strawberry.field(description="The allocation after the "
                                                                 "update.")
    warnings: list[str] = strawberry.field(
        description="ISO weeks in which the person is now over 100%; the change was made all "
                    "the same.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of deleteAllocation.")
class DeleteAllocationPayload:
    allocation: Allocation | None = strawberry.field(
        description="The allocation as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted allocation's global id (to evict it from client caches).")
    project: LazyProject | None = strawberry.field(
        description="The project it belonged to, as it is now.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of createBenefit.")
class CreateBenefitPayload:
    benefit: Benefit | None = strawberry.field(description="The new benefit.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of updateBenefit.")
class UpdateBenefitPayload:
    benefit: Benefit | None = strawberry.field(description="The benefit after the update.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of addLesson.")
class AddLessonPayload:
    lesson: Lesson | None = strawberry.field(description="The recorded lesson.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of updateLesson.")
class UpdateLessonPayload:
    lesson: Lesson | None = strawberry.field(description="The lesson after the correction.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of deleteLesson.")
class DeleteLessonPayload:
    lesson: Lesson | None = strawberry.field(description="The lesson as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted lesson's global id (to evict it from client caches).")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of setProjectObjectives.")
class SetProjectObjectivesPayload:
    project: LazyProject | None = strawberry.field(description="The project.")
    objectives: list[ProjectObjective] = strawberry.field(
        description="The project's alignments after the change, by objective.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


def _alignments(input: SetProjectObjectivesInput) -> list[dict[str, Any]]:
    """The alignment items with their objective ids decoded; INVALID at the item otherwise."""
    items, errors = [], []
    for index, item in enumerate(input.objectives):
        decoded = decode_id(item.objective_id, expected="StrategicObjective")
        if decoded is None:
            errors.append(FieldError(("objectives", str(index), "objectiveId"),
                                     "not a valid StrategicObjective id", ErrorCode.INVALID))
            continue
        items.append({"objective_id": decoded[1], "alignment_score": item.alignment_score})
    if errors:
        raise DomainError(errors)
    return items


# --- mutations ---------------------------------------------------------------------------

@strawberry.type
class ResourceMutations:
    @strawberry.mutation(description="Add a milestone to a project (its manager or the PMO).")
    async def create_milestone(
        self, info: Info,
        input: Annotated[CreateMilestoneInput, _argument("The milestone to add.")],
    ) -> CreateMilestonePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await milestone_service.create(session, actor=actor, data=values_of(input))

        row, errors = await info.context.mutate(work)
        return CreateMilestonePayload(milestone=Milestone.from_row(row) if row else None,
                                      user_errors=errors)

    @strawberry.mutation(description="Change a milestone's name, dates or status.")
    async def update_milestone(
        self, info: Info,
        input: Annotated[UpdateMilestoneInput, _argument("The milestone and its changes.")],
    ) -> UpdateMilestonePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await milestone_service.update(
                session, actor=actor, milestone_id=_row_id(input.id, "Milestone"),
                changes=values_of(input))

        row, errors = await info.context.mutate(work)
        return UpdateMilestonePayload(milestone=Milestone.from_row(row) if row else None,
                                      user_errors=errors)

    @strawberry.mutation(description="Delete a milestone.")
    async def delete_milestone(
        self, info: Info,
        input: Annotated[DeleteMilestoneInput, _argument("The milestone to delete.")],
    ) -> DeleteMilestonePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            row = await milestone_service.delete(
                session, actor=actor, milestone_id=_row_id(input.id, "Milestone"))
            return row, await session.get(ProjectRow, row.project_id)

        result, errors = await info.context.mutate(work)
        if result is None:
            return DeleteMilestonePayload(milestone=None, deleted_id=None, project=None,
                                          user_errors=errors)
        row, project = result
        return DeleteMilestonePayload(milestone=Milestone.from_row(row),
                                      deleted_id=to_global_id("Milestone", row.id),
                                      project=_project(project), user_errors=errors)

    @strawberry.mutation(description="Record an actual cost against a project.")
    async def record_cost(
        self, info: Info, input: Annotated[RecordCostInput, _argument("The cost to record.")],
    ) -> RecordCostPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await cost_service.record(session, actor=actor, data=values_of(input))

        row, errors = await info.context.mutate(work)
        return RecordCostPayload(cost_entry=CostEntry.from_row(row) if row else None,
                                 user_errors=errors)

    @strawberry.mutation(description="Correct a recorded cost's date, amount, category or "
                                     "description (the project's manager or the PMO).")
    async def update_cost_entry(
        self, info: Info,
        input: Annotated[UpdateCostEntryInput, _argument("The cost entry and its corrections.")],
    ) -> UpdateCostEntryPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await cost_service.update(
                session, actor=actor, cost_entry_id=_row_id(input.id, "CostEntry"),
                changes=values_of(input))

        row, errors = await info.context.mutate(work)
        return UpdateCostEntryPayload(cost_entry=CostEntry.from_row(row) if row else None,
                                      user_errors=errors)

    @strawberry.mutation(description="Delete a cost recorded by mistake (the project's "
                                     "manager or the PMO); it no longer counts in AC.")
    async def delete_cost_entry(
        self, info: Info,
        input: Annotated[DeleteCostEntryInput, _argument("The cost entry to delete.")],
    ) -> DeleteCostEntryPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await cost_service.delete(
                session, actor=actor, cost_entry_id=_row_id(input.id, "CostEntry"))

        row, errors = await info.context.mutate(work)
        return DeleteCostEntryPayload(
            cost_entry=CostEntry.from_row(row) if row else None,
            deleted_id=to_global_id("CostEntry", row.id) if row else None, user_errors=errors)

    @strawberry.mutation(description="Allocate a person to a project; warns about weeks in "
                                     "which the person goes over 100%.")
    async def create_allocation(
        self, info: Info,
        input: Annotated[CreateAllocationInput, _argument("The allocation to make.")],
    ) -> CreateAllocationPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await resource_service.create_allocation(session, actor=actor,
                                                            data=values_of(input))

        change, errors = await info.context.mutate(work)
        return CreateAllocationPayload(
            allocation=Allocation.from_row(change.allocation) if change else None,
            warnings=change.warnings if change else [], user_errors=errors)

    @strawberry.mutation(description="Change an allocation's role, dates or percent; warns "
                                     "about weeks in which the person goes over 100%.")
    async def update_allocation(
        self, info: Info,
        input: Annotated[UpdateAllocationInput, _argument("The allocation and its changes.")],
    ) -> UpdateAllocationPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await resource_service.update_allocation(
                session, actor=actor, allocation_id=_row_id(input.id, "Allocation"),
                changes=values_of(input))

        change, errors = await info.context.mutate(work)
        return UpdateAllocationPayload(
            allocation=Allocation.from_row(change.allocation) if change else None,
            warnings=change.warnings if change else [], user_errors=errors)

    @strawberry.mutation(description="Delete an allocation.")
    async def delete_allocation(
        self, info: Info,
        input: Annotated[DeleteAllocationInput, _argument("The allocation to delete.")],
    ) -> DeleteAllocationPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            row = await resource_service.delete_allocation(
                session, actor=actor, allocation_id=_row_id(input.id, "Allocation"))
            return row, await session.get(ProjectRow, row.project_id)

        result, errors = await info.context.mutate(work)
        if result is None:
            return DeleteAllocationPayload(allocation=None, deleted_id=None, project=None,
                                           user_errors=errors)
        row, project = result
        return DeleteAllocationPayload(allocation=Allocation.from_row(row),
                                       deleted_id=to_global_id("Allocation", row.id),
                                       project=_project(project), user_errors=errors)

    @strawberry.mutation(description="Add a benefit the project should realise.")
    async def create_benefit(
        self, info: Info, input: Annotated[CreateBenefitInput, _argument("The benefit to add.")],
    ) -> CreateBenefitPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await resource_service.create_benefit(session, actor=actor,
                                                         data=values_of(input))

        row, errors = await info.context.mutate(work)
        return CreateBenefitPayload(benefit=Benefit.from_row(row) if row else None,
                                    user_errors=errors)

    @strawberry.mutation(description="Change a benefit, e.g. record the value realised so far.")
    async def update_benefit(
        self, info: Info,
        input: Annotated[UpdateBenefitInput, _argument("The benefit and its changes.")],
    ) -> UpdateBenefitPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await resource_service.update_benefit(
                session, actor=actor, benefit_id=_row_id(input.id, "Benefit"),
                changes=values_of(input))

        row, errors = await info.context.mutate(work)
        return UpdateBenefitPayload(benefit=Benefit.from_row(row) if row else None,
                                    user_errors=errors)

    @strawberry.mutation(description="Record a lesson learned on a project.")
    async def add_lesson(
        self, info: Info, input: Annotated[AddLessonInput, _argument("The lesson to record.")],
    ) -> AddLessonPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await lesson_service.add(session, actor=actor, data=values_of(input))

        row, errors = await info.context.mutate(work)
        return AddLessonPayload(lesson=Lesson.from_row(row) if row else None,
                                user_errors=errors)

    @strawberry.mutation(description="Correct a lesson's text, category, impact or tags "
                                     "(the project's manager or the PMO).")
    async def update_lesson(
        self, info: Info,
        input: Annotated[UpdateLessonInput, _argument("The lesson and its corrections.")],
    ) -> UpdateLessonPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await lesson_service.update(
                session, actor=actor, lesson_id=_row_id(input.id, "Lesson"),
                changes=values_of(input))

        row, errors = await info.context.mutate(work)
        return UpdateLessonPayload(lesson=Lesson.from_row(row) if row else None,
                                   user_errors=errors)

    @strawberry.mutation(description="Delete a lesson (the project's manager or the PMO).")
    async def delete_lesson(
        self, info: Info,
        input: Annotated[DeleteLessonInput, _argument("The lesson to delete.")],
    ) -> DeleteLessonPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await lesson_service.delete(
                session, actor=actor, lesson_id=_row_id(input.id, "Lesson"))

        row, errors = await info.context.mutate(work)
        return DeleteLessonPayload(
            lesson=Lesson.from_row(row) if row else None,
            deleted_id=to_global_id("Lesson", row.id) if row else None, user_errors=errors)

    @strawberry.mutation(description="Replace a project's strategic objective alignments "
                                     "with the list given.")
    async def set_project_objectives(
        self, info: Info,
        input: Annotated[SetProjectObjectivesInput,
                         _argument("The project and all its alignments.")],
    ) -> SetProjectObjectivesPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            project_id = input_id(input.project_id, expected="Project", field="projectId")
            if project_id is None:
                raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
            return await objective_service.set_for_project(
                session, actor=actor, project_id=project_id, items=_alignments(input))

        result, errors = await info.context.mutate(work)
        return SetProjectObjectivesPayload(
            project=_project(result[0]) if result else None,
            objectives=[ProjectObjective.from_row(r) for r in result[1]] if result else [],
            user_errors=errors)
