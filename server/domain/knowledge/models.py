"""Lessons learned, so the next project can learn from the last."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.orm import query_expression
from sqlmodel import Field

from server.domain.base import EnumField, ForeignKey, JSONField, TimestampedTable
from server.domain.enums import LessonImpact
from server.domain.knowledge import full_text


class Lesson(TimestampedTable, table=True):
    """What happened on a project and what to do next time."""

    project_id: int | None = ForeignKey("project", nullable=True)
    title: str = Field(max_length=200, index=True)
    category: str = Field(max_length=64, index=True)
    what_happened: str = Field()
    recommendation: str = Field()
    impact: LessonImpact = EnumField(LessonImpact, index=True)
    tags: list[str] = JSONField(default_factory=list)
    # Not a column: a search's relevance, filled in by queries that rank
    # (``with_expression``) so a page's cursors can carry it; None otherwise.
    search_rank: ClassVar[Any] = query_expression()


full_text.install(Lesson.__table__)  # type: ignore[attr-defined]
