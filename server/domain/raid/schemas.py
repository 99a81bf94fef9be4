"""Validated inputs for the RAID log (SQLModel data models, no tables).

Create models hold every field a caller may set with its range; update models are
partial (``exclude_unset``) and list in ``NOT_NULL`` the columns that cannot be emptied.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from server.domain.enums import (
    DependencyStatus,
    IssueSeverity,
    IssueStatus,
    RiskResponse,
    RiskStatus,
)

TITLE_MAX = 200


class _Input(SQLModel):
    """Shared settings: surrounding blanks are dropped, so a blank title is a missing one."""

    model_config = ConfigDict(str_strip_whitespace=True)  # type: ignore[assignment]


class _Update(_Input):
    """A partial update: the fields in ``NOT_NULL`` may be left out but never set to null
    (the service checks them, so the error names the field)."""

    NOT_NULL: ClassVar[tuple[str, ...]] = ()


# --- risks ------------------------------------------------------------------------------

class RiskCreate(_Input):
    """A new risk; it starts OPEN."""

    project_id: int
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    description: str | None = None
    category_id: int | None = None
    probability: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    owner_id: int | None = None
    response: RiskResponse = RiskResponse.MITIGATE
    response_plan: str | None = None
    due_date: date | None = None


class RiskUpdate(_Update):
    """A partial update of a risk; status moves are checked by the service."""

    NOT_NULL = ("title", "probability", "impact", "response", "status")

    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    description: str | None = None
    category_id: int | None = None
    probability: int | None = Field(default=None, ge=1, le=5)
    impact: int | None = Field(default=None, ge=1, le=5)
    owner_id: int | None = None
    status: RiskStatus | None = None
    response: RiskResponse | None = None
    response_plan: str | None = None
    due_date: date | None = None


# --- issues -----------------------------------------------------------------------------

class IssueCreate(_Input):
    """A new issue; it starts OPEN."""

    project_id: int
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    description: str | None = None
    severity: IssueSeverity = IssueSeverity.MEDIUM
    owner_id: int | None = None
    due_date: date | None = None


class IssueUpdate(_Update):
    """A partial update of an issue; status moves and resolution fields are checked by the
    service."""

    NOT_NULL = ("title", "severity", "status", "resolution", "resolved_on")

    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    description: str | None = None
    severity: IssueSeverity | None = None
    owner_id: int | None = None
    status: IssueStatus | None = None
    due_date: date | None = None
    resolution: str | None = Field(default=None, min_length=1)
    resolved_on: date | None = None


class IssueResolve(_Input):
    """How an issue was resolved; ``resolved_on`` defaults to today."""

    resolution: str = Field(min_length=1)
    resolved_on: date | None = None


# --- assumptions ------------------------------------------------------------------------

class AssumptionCreate(_Input):
    """A new assumption; not validated unless said so."""

    project_id: int
    text: str = Field(min_length=1)
    validated: bool = False


class AssumptionUpdate(_Update):
    """A partial update of an assumption."""

    NOT_NULL = ("text", "validated")

    text: str | None = Field(default=None, min_length=1)
    validated: bool | None = None


# --- dependencies -----------------------------------------------------------------------

class DependencyCreate(_Input):
    """A new dependency of ``from_project_id`` on another project or an external party."""

    from_project_id: int
    to_project_id: int | None = None
    external_name: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    description: str | None = None
    needed_by: date | None = None
    status: DependencyStatus = DependencyStatus.OPEN


class DependencyUpdate(_Update):
    """A partial update of a dependency; the target rule is checked by the service."""

    NOT_NULL = ("status",)

    to_project_id: int | None = None
    external_name: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    description: str | None = None
    needed_by: date | None = None
    status: DependencyStatus | None = None
