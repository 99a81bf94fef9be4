"""Mutation inputs for delivery data; every id is a global id."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from schema.base import input_values
from schema.enums import MilestoneStatus
from schema.resource.costs import CostCategory
from schema.resource.lessons import LessonImpact

# Input fields holding global ids -> the node type they must name.
ID_FIELDS = {"project_id": "Project", "person_id": "Person", "owner_id": "Person"}


def values_of(data: Any, *, skip: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """The input's given fields as service values, global ids decoded (UNSET left out)."""
    return input_values(data, ID_FIELDS, skip=skip)


def _opt(description: str) -> Any:
    """An optional input field: leave it out to keep (or default) the value."""
    return strawberry.field(default=strawberry.UNSET, description=description)


# --- milestones --------------------------------------------------------------------------

PLANNED_PERCENT = ("How much of the work (0-100) the plan has done by this milestone; "
                   "milestones that say it shape the project's planned value.")

@strawberry.input(description="A new milestone of a project.")
class CreateMilestoneInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    name: str = strawberry.field(description="What is reached.")
    planned_date: date = strawberry.field(description="When it is planned.")
    forecast_date: date | None = _opt("Latest forecast.")
    actual_date: date | None = _opt("When it was reached; required when ACHIEVED, never in "
                                    "the future.")
    status: MilestoneStatus | None = _opt("Where it stands (default PLANNED).")  # type: ignore[valid-type]
    planned_percent: int | None = _opt(PLANNED_PERCENT)


@strawberry.input(description="A partial update of a milestone; omitted fields are kept.")
class UpdateMilestoneInput:
    id: strawberry.ID = strawberry.field(description="The milestone's global id.")
    name: str | None = _opt("What is reached.")
    planned_date: date | None = _opt("When it is planned.")
    forecast_date: date | None = _opt("Latest forecast; null clears it.")
    actual_date: date | None = _opt("When it was reached; required when ACHIEVED, never in "
                                    "the future.")
    status: MilestoneStatus | None = _opt("Where it stands.")  # type: ignore[valid-type]
    planned_percent: int | None = _opt(PLANNED_PERCENT + " Null clears it.")


@strawberry.input(description="The milestone to delete.")
class DeleteMilestoneInput:
    id: strawberry.ID = strawberry.field(description="The milestone's global id.")


# --- costs -------------------------------------------------------------------------------

@strawberry.input(description="An actual cost incurred by a project.")
class RecordCostInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    incurred_on: date = strawberry.field(description="When it was incurred; not in the future.")
    amount: Decimal = strawberry.field(description="Amount in the base currency, above zero, "
                                                   "at most 2 decimals.")
    category: CostCategory = strawberry.field(description="What it was spent on.")  # type: ignore[valid-type]
    description: str | None = _opt("What it was for.")


@strawberry.input(description="A correction of a cost entry; omitted fields are kept. The "
                              "project cannot be changed: delete the entry and record it "
                              "against the right project.")
class UpdateCostEntryInput:
    id: strawberry.ID = strawberry.field(description="The cost entry's global id.")
    incurred_on: date | None = _opt("When it was incurred; not in the future.")
    amount: Decimal | None = _opt("Amount in the base currency, above zero, at most 2 "
                                  "decimals.")
    category: CostCategory | None = _opt("What it was spent on.")  # type: ignore[valid-type]
    description: str | None = _opt("What it was for; null clears it.")


@strawberry.input(description="The cost entry to delete.")
class DeleteCostEntryInput:
    id: strawberry.ID = strawberry.field(description="The cost entry's global id.")


# --- allocations -------------------------------------------------------------------------

@strawberry.input(description="A share of a person's time given to a project.")
class CreateAllocationInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    person_id: strawberry.ID = strawberry.field(description="The person's global id.")
    role_name: str = strawberry.field(description="The role the person plays.")
    start_date: date = strawberry.field(description="First day; unique per person and project.")
    end_date: date = strawberry.field(description="Last day, on or after the start.")
    percent: int = strawberry.field(description="Share of the person's capacity, 1 to 100.")


@strawberry.input(description="A partial update of an allocation; omitted fields are kept.")
class UpdateAllocationInput:
    id: strawberry.ID = strawberry.field(description="The allocation's global id.")
    role_name: str | None = _opt("The role the person plays.")
    start_date: date | None = _opt("First day; unique per person and project.")
    end_date: date | None = _opt("Last day, on or after the start.")
    percent: int | None = _opt("Share of the person's capacity, 1 to 100.")


@strawberry.input(description="The allocation to delete.")
class DeleteAllocationInput:
    id: strawberry.ID = strawberry.field(description="The allocation's global id.")


# --- benefits ----------------------------------------------------------------------------

@strawberry.input(description="A benefit a project should realise.")
class CreateBenefitInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    name: str = strawberry.field(description="What the benefit is.")
    target_value: Decimal = strawberry.field(description="The value to reach, in `unit`.")
    unit: str = strawberry.field(description="What the values count (EUR, hours, %, ...).")
    realized_value: Decimal | None = _opt("The value reached so far (default 0).")
    target_date: date | None = _opt("When the target should be met.")
    owner_id: strawberry.ID | None = _opt("Global id of the person accountable for it.")


@strawberry.input(description="A partial update of a benefit; omitted fields are kept.")
class UpdateBenefitInput:
    id: strawberry.ID = strawberry.field(description="The benefit's global id.")
    name: str | None = _opt("What the benefit is.")
    target_value: Decimal | None = _opt("The value to reach, in `unit`.")
    realized_value: Decimal | None = _opt("The value reached so far.")
    unit: str | None = _opt("What the values count.")
    target_date: date | None = _opt("When the target should be met; null clears it.")
    owner_id: strawberry.ID | None = _opt("Global id of the person accountable; null clears "
                                          "it.")


# --- lessons -----------------------------------------------------------------------------

@strawberry.input(description="A lesson learned on a project.")
class AddLessonInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    title: str = strawberry.field(description="The lesson in a line.")
    category: str = strawberry.field(description="Area it concerns (e.g. Planning, Vendors).")
    what_happened: str = strawberry.field(description="What happened, in Markdown.")
    recommendation: str = strawberry.field(description="What to do next time, in Markdown.")
    impact: LessonImpact = strawberry.field(description="POSITIVE or NEGATIVE.")  # type: ignore[valid-type]
    tags: list[str] | None = _opt("Keywords (at most 20, each up to 40 characters); stored "
                                  "trimmed, in lower case, without repeats.")


@strawberry.input(description="A correction of a lesson; omitted fields are kept. The "
                              "project cannot be changed.")
class UpdateLessonInput:
    id: strawberry.ID = strawberry.field(description="The lesson's global id.")
    title: str | None = _opt("The lesson in a line.")
    category: str | None = _opt("Area it concerns (e.g. Planning, Vendors).")
    what_happened: str | None = _opt("What happened, in Markdown.")
    recommendation: str | None = _opt("What to do next time, in Markdown.")
    impact: LessonImpact | None = _opt("POSITIVE or NEGATIVE.")  # type: ignore[valid-type]
    tags: list[str] | None = _opt("All the keywords, replacing the current ones (at most 20, "
                                  "each up to 40 characters); stored trimmed, in lower case, "
                                  "without repeats. An empty list clears them (null is "
                                  "refused).")


@strawberry.input(description="The lesson to delete.")
class DeleteLessonInput:
    id: strawberry.ID = strawberry.field(description="The lesson's global id.")


# --- strategic alignment -----------------------------------------------------------------

@strawberry.input(description="How strongly the project serves one strategic objective.")
class ObjectiveAlignmentInput:
    objective_id: strawberry.ID = strawberry.field(
        description="The strategic objective's global id.")
    alignment_score: int = strawberry.field(description="0 (not at all) to 5 (fully).")


@strawberry.input(description="The project's complete list of objective alignments.")
class SetProjectObjectivesInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    objectives: list[ObjectiveAlignmentInput] = strawberry.field(
        description="Every objective the project serves; objectives left out are removed. "
                    "An empty list clears them all.")
