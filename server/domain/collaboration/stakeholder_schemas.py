"""Validated inputs for the stakeholder register (SQLModel data models, no tables)."""

from __future__ import annotations

from pydantic import ConfigDict, field_validator
from sqlmodel import Field, SQLModel

from server.domain.enums import Engagement

SCORE_MIN = 1
SCORE_MAX = 5


class StakeholderFields(SQLModel):
    """Fields a caller may set on create and update. Surrounding blanks are dropped, so a
    blank role or external name is a missing one, and a blank organisation or note none."""

    model_config = ConfigDict(str_strip_whitespace=True)  # type: ignore[assignment]

    person_id: int | None = None
    external_name: str | None = Field(default=None, min_length=1, max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, min_length=1, max_length=100)
    influence: int | None = Field(default=None, ge=SCORE_MIN, le=SCORE_MAX)
    interest: int | None = Field(default=None, ge=SCORE_MIN, le=SCORE_MAX)
    engagement_current: Engagement | None = None
    engagement_desired: Engagement | None = None
    notes: str | None = None

    @field_validator("organisation", "notes")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class StakeholderCreate(StakeholderFields):
    """A new stakeholder: the project, a role and both scores are required; engagement is
    NEUTRAL now and SUPPORTIVE wanted unless given."""

    project_id: int
    role: str = Field(min_length=1, max_length=100)
    influence: int = Field(ge=SCORE_MIN, le=SCORE_MAX)
    interest: int = Field(ge=SCORE_MIN, le=SCORE_MAX)
    engagement_current: Engagement = Engagement.NEUTRAL
    engagement_desired: Engagement = Engagement.SUPPORTIVE


class StakeholderUpdate(StakeholderFields):
    """A partial update; only the fields given are changed (the project stays)."""
