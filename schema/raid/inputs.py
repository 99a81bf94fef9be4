"""Inputs and payloads of the RAID mutations, and turning inputs into service values."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from schema.base import UserError, input_id, input_values
from schema.enums import RiskResponse, RiskStatus
from schema.raid.types import (
    Assumption,
    Dependency,
    DependencyStatus,
    Issue,
    IssueSeverity,
    IssueStatus,
    Risk,
)
from server.domain.errors import DomainError, ErrorCode

# Input fields holding global ids: model field -> the node type they must name.
ID_FIELDS = {
    "project_id": "Project", "owner_id": "Person", "category_id": "RiskCategory",
    "from_project_id": "Project", "to_project_id": "Project",
}


def values(data: Any, *, skip: tuple[str, ...] = ("id", "version")) -> dict[str, Any]:
    """The input's given fields as service values, global ids decoded (INVALID if foreign)."""
    return input_values(data, ID_FIELDS, skip=skip)


def row_id(value: str, type_name: str) -> int:
    """The row id behind the input's ``id`` (INVALID if it names another type)."""
    decoded = input_id(value, expected=type_name, field="id")
    if decoded is None:
        raise DomainError.one("id", "id is required", ErrorCode.REQUIRED)
    return decoded


def _id(description: str) -> Any:
    return strawberry.field(description=description)


def _opt(description: str) -> Any:
    return strawberry.field(default=strawberry.UNSET, description=description)


_VERSION = "The version the caller read; a stale one is VERSION_CONFLICT."


# --- risks ------------------------------------------------------------------------------

@strawberry.input(description="A new risk on a project; it starts OPEN.")
class CreateRiskInput:
    project_id: strawberry.ID = _id("The project's global id.")
    title: str = strawberry.field(description="Short statement of the risk (1-200 characters).")
    probability: int = strawberry.field(description="1 (rare) to 5 (almost certain).")
    impact: int = strawberry.field(description="1 (minor) to 5 (severe).")
    description: str | None = _opt("Details, cause and effect.")
    category_id: strawberry.ID | None = _opt("A RiskCategory's global id.")
    owner_id: strawberry.ID | None = _opt("The owning person's global id.")
    response: RiskResponse | None = _opt("Response strategy (default MITIGATE).")  # type: ignore[valid-type]
    response_plan: str | None = _opt("What will be done.")
    due_date: date | None = _opt("When the response is due.")


@strawberry.input(description="A partial update of a risk read at `version`; only the fields "
                              "given change. Closing and escalating have their own mutations.")
class UpdateRiskInput:
    id: strawberry.ID = _id("The risk's global id.")
    version: int = strawberry.field(description=_VERSION)
    title: str | None = _opt("Short statement of the risk (1-200 characters).")
    description: str | None = _opt("Details, cause and effect.")
    category_id: strawberry.ID | None = _opt("A RiskCategory's global id; null clears it.")
    probability: int | None = _opt("1 (rare) to 5 (almost certain).")
    impact: int | None = _opt("1 (minor) to 5 (severe).")
    owner_id: strawberry.ID | None = _opt("The owning person's global id; null clears it.")
    status: RiskStatus | None = _opt(  # type: ignore[valid-type]
        "OPEN or MITIGATING (a CLOSED risk may be reopened).")
    response: RiskResponse | None = _opt("Response strategy.")  # type: ignore[valid-type]
    response_plan: str | None = _opt("What will be done.")
    due_date: date | None = _opt("When the response is due.")


@strawberry.input(description="Close an OPEN or MITIGATING risk.")
class CloseRiskInput:
    id: strawberry.ID = _id("The risk's global id.")
    version: int = strawberry.field(description=_VERSION)


@strawberry.input(description="The risk to delete (one recorded by mistake; close a risk that "
                              "no longer applies). An escalated risk cannot be deleted.")
class DeleteRiskInput:
    id: strawberry.ID = _id("The risk's global id.")
    version: int = strawberry.field(description=_VERSION)


@strawberry.input(description="The risk happened: open an issue from it. The issue's fields "
                              "default to the risk's, its severity to the risk's impact.")
class EscalateRiskInput:
    id: strawberry.ID = _id("The risk's global id.")
    version: int = strawberry.field(description=_VERSION)
    title: str | None = _opt("The issue's title (default: the risk's).")
    description: str | None = _opt("The issue's description (default: the risk's).")
    severity: IssueSeverity | None = _opt(  # type: ignore[valid-type]
        "The issue's severity (default: from the risk's impact, 5 CRITICAL, 4 HIGH, 3 MEDIUM, "
        "else LOW).")
    owner_id: strawberry.ID | None = _opt("Who resolves the issue (default: the risk's owner).")
    due_date: date | None = _opt("When the issue must be resolved by.")


# --- issues -----------------------------------------------------------------------------

@strawberry.input(description="A new issue on a project; it starts OPEN.")
class CreateIssueInput:
    project_id: strawberry.ID = _id("The project's global id.")
    title: str = strawberry.field(description="Short statement of the issue (1-200 characters).")
    description: str | None = _opt("Details and effect.")
    severity: IssueSeverity | None = _opt("LOW, MEDIUM (default), HIGH or CRITICAL.")  # type: ignore[valid-type]
    owner_id: strawberry.ID | None = _opt("Who resolves it: a person's global id.")
    due_date: date | None = _opt("When it must be resolved by.")


@strawberry.input(description="A partial update of an issue read at `version`; only the fields "
                              "given change. Resolving has its own mutation.")
class UpdateIssueInput:
    id: strawberry.ID = _id("The issue's global id.")
    version: int = strawberry.field(description=_VERSION)
    title: str | None = _opt("Short statement of the issue (1-200 characters).")
    description: str | None = _opt("Details and effect.")
    severity: IssueSeverity | None = _opt("LOW, MEDIUM, HIGH or CRITICAL.")  # type: ignore[valid-type]
    owner_id: strawberry.ID | None = _opt("Who resolves it; null clears it.")
    status: IssueStatus | None = _opt(  # type: ignore[valid-type]
        "OPEN, IN_PROGRESS or CLOSED; reopening a RESOLVED or CLOSED issue clears its "
        "resolution.")
    due_date: date | None = _opt("When it must be resolved by.")
    resolution: str | None = _opt("Corrects the resolution of a RESOLVED or CLOSED issue.")
    resolved_on: date | None = _opt("Corrects the resolution date of a RESOLVED or CLOSED issue.")


@strawberry.input(description="The issue to delete (one recorded by mistake; resolve or close "
                              "an issue that is dealt with).")
class DeleteIssueInput:
    id: strawberry.ID = _id("The issue's global id.")
    version: int = strawberry.field(description=_VERSION)


@strawberry.input(description="Resolve an OPEN or IN_PROGRESS issue.")
class ResolveIssueInput:
    id: strawberry.ID = _id("The issue's global id.")
    version: int = strawberry.field(description=_VERSION)
    resolution: str = strawberry.field(description="How it was resolved (required).")
    resolved_on: date | None = _opt("When it was resolved (default: today, UTC).")


# --- assumptions ------------------------------------------------------------------------

@strawberry.input(description="A new assumption on a project.")
class CreateAssumptionInput:
    project_id: strawberry.ID = _id("The project's global id.")
    text: str = strawberry.field(description="What is assumed.")
    validated: bool | None = _opt("Whether it is already confirmed (default false).")


@strawberry.input(description="A partial update of an assumption.")
class UpdateAssumptionInput:
    id: strawberry.ID = _id("The assumption's global id.")
    text: str | None = _opt("What is assumed.")
    validated: bool | None = _opt("Whether it has been confirmed.")


@strawberry.input(description="The assumption to delete.")
class DeleteAssumptionInput:
    id: strawberry.ID = _id("The assumption's global id.")


# --- dependencies -----------------------------------------------------------------------

@strawberry.input(description="A new dependency: give exactly one of `toProjectId` and "
                              "`externalName`.")
class CreateDependencyInput:
    from_project_id: strawberry.ID = _id("The global id of the project that depends.")
    to_project_id: strawberry.ID | None = _opt("The project depended on (not the same one).")
    external_name: str | None = _opt("The external party depended on.")
    description: str | None = _opt("What is needed.")
    needed_by: date | None = _opt("When it is needed.")
    status: DependencyStatus | None = _opt("OPEN (default), AT_RISK, MET or BROKEN.")  # type: ignore[valid-type]


@strawberry.input(description="A partial update of a dependency; afterwards exactly one of "
                              "`toProjectId` and `externalName` must be set (null clears one).")
class UpdateDependencyInput:
    id: strawberry.ID = _id("The dependency's global id.")
    to_project_id: strawberry.ID | None = _opt("The project depended on (not the same one).")
    external_name: str | None = _opt("The external party depended on.")
    description: str | None = _opt("What is needed.")
    needed_by: date | None = _opt("When it is needed.")
    status: DependencyStatus | None = _opt("OPEN, AT_RISK, MET or BROKEN.")  # type: ignore[valid-type]


@strawberry.input(description="The dependency to delete.")
class DeleteDependencyInput:
    id: strawberry.ID = _id("The dependency's global id.")


# --- payloads ---------------------------------------------------------------------------

_ERRORS = "Why nothing was changed; empty on success."


def _errors() -> Any:
    return strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of createRisk.")
class CreateRiskPayload:
    risk: Risk | None = strawberry.field(description="The new risk, if created.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of updateRisk.")
class UpdateRiskPayload:
    risk: Risk | None = strawberry.field(description="The risk after the update.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of closeRisk.")
class CloseRiskPayload:
    risk: Risk | None = strawberry.field(description="The closed risk.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of escalateRisk.")
class EscalateRiskPayload:
    risk: Risk | None = strawberry.field(description="The risk, now OCCURRED.")
    issue: Issue | None = strawberry.field(description="The issue opened from it.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of createIssue.")
class CreateIssuePayload:
    issue: Issue | None = strawberry.field(description="The new issue, if created.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of updateIssue.")
class UpdateIssuePayload:
    issue: Issue | None = strawberry.field(description="The issue after the update.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of resolveIssue.")
class ResolveIssuePayload:
    issue: Issue | None = strawberry.field(description="The resolved issue.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of createAssumption.")
class CreateAssumptionPayload:
    assumption: Assumption | None = strawberry.field(description="The new assumption.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of updateAssumption.")
class UpdateAssumptionPayload:
    assumption: Assumption | None = strawberry.field(description="The assumption after it.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of deleteRisk.")
class DeleteRiskPayload:
    risk: Risk | None = strawberry.field(description="The risk as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted risk's global id (to evict it from client caches).")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of deleteIssue.")
class DeleteIssuePayload:
    issue: Issue | None = strawberry.field(description="The issue as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted issue's global id (to evict it from client caches).")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of deleteAssumption.")
class DeleteAssumptionPayload:
    assumption: Assumption | None = strawberry.field(
        description="The assumption as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted assumption's global id (to evict it from client caches).")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of createDependency.")
class CreateDependencyPayload:
    dependency: Dependency | None = strawberry.field(description="The new dependency.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of updateDependency.")
class UpdateDependencyPayload:
    dependency: Dependency | None = strawberry.field(description="The dependency after it.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of deleteDependency.")
class DeleteDependencyPayload:
    dependency: Dependency | None = strawberry.field(
        description="The dependency as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted dependency's global id (to evict it from client caches).")
    user_errors: list[UserError] = _errors()
