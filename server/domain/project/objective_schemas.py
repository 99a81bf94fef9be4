"""Validated input for a project's strategic alignment (SQLModel data models, no tables)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

MAX_ALIGNMENTS = 100


class ObjectiveAlignment(SQLModel):
    """How strongly (0-5) the project serves one strategic objective."""

    objective_id: int
    alignment_score: int = Field(ge=0, le=5)
