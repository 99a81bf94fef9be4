"""Validated inputs for adding and correcting lessons learned (SQLModel data models, no
tables)."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints, field_validator
from sqlmodel import Field, SQLModel

from server.domain.enums import LessonImpact

MAX_TAGS = 20
MAX_TEXT = 20_000
# Tags are matched exactly, so they are stored trimmed and in lower case.
Tag = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1,
                                       max_length=40)]


class LessonFields(SQLModel):
    """Fields a caller may set on add and update."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    category: str | None = Field(default=None, min_length=1, max_length=64)
    what_happened: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    recommendation: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    impact: LessonImpact | None = None
    tags: list[Tag] | None = None

    @field_validator("tags")
    @classmethod
    def _distinct(cls, tags: list[str] | None) -> list[str] | None:
        return None if tags is None else list(dict.fromkeys(tags))


class LessonCreate(LessonFields):
    """A lesson: what happened on a project and what to do next time."""

    project_id: int
    title: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=64)
    what_happened: str = Field(min_length=1, max_length=MAX_TEXT)
    recommendation: str = Field(min_length=1, max_length=MAX_TEXT)
    impact: LessonImpact
    tags: list[Tag] = Field(default_factory=list)


class LessonUpdate(LessonFields):
    """A correction; only the fields given are changed (the project stays)."""
