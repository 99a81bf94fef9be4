"""GraphQL type, filter and ordering for lessons learned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from strawberry import relay

from policies.resources import Resource
from schema.context import Info
from schema.enums import described
from schema.listing import ListSpec, ids_of, one_of, plan, since
from schema.pagination import OrderDirection, OrderSpec, SortField, bad_input, order_fields
from schema.raid.types import LazyProject, child_resource, project_of
from server.domain import enums
from server.domain.knowledge import full_text
from server.domain.knowledge.models import Lesson as LessonRow
from server.domain.project.models import Project as ProjectRow

LessonImpact = described(
    enums.LessonImpact, "Whether a lesson comes from something that went well or badly.", {
        "POSITIVE": "Something that went well: repeat it.",
        "NEGATIVE": "Something that went badly: avoid it.",
    })


@strawberry.type(description="What happened on a project and what to do next time.")
class Lesson(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="The lesson in a line.")
    category: str = strawberry.field(description="Area it concerns (e.g. Planning, Vendors).")
    what_happened: str = strawberry.field(description="What happened, in Markdown.")
    recommendation: str = strawberry.field(description="What to do next time, in Markdown.")
    impact: LessonImpact = strawberry.field(description="POSITIVE or NEGATIVE.")  # type: ignore[valid-type]
    tags: list[str] = strawberry.field(description="Keywords, trimmed and in lower case.")
    created_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[LessonRow]

    @strawberry.field(description="The project the lesson was learned on.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    async def _resource(self, info: Info) -> Resource:
        if self.row.project_id is None:  # no project, no manager: the PMO's alone
            return Resource("lesson", id=self.row.id)
        return await child_resource(info, "lesson", self.row.project_id, self.row.id)

    @strawberry.field(description="Whether the viewer may edit this lesson.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await self._resource(info))

    @strawberry.field(description="Whether the viewer may delete this lesson.")
    async def viewer_can_delete(self, info: Info) -> bool:
        return info.context.can("delete", await self._resource(info))

    @classmethod
    def from_row(cls, row: LessonRow) -> Lesson:
        return cls(id=row.id, title=row.title, category=row.category,  # type: ignore[arg-type]
                   what_happened=row.what_happened, recommendation=row.recommendation,
                   impact=row.impact, tags=list(row.tags or []), created_at=row.created_at,
                   updated_at=row.updated_at, row=row)


class _json_array_has_any(FunctionElement[bool]):  # noqa: N801 (an SQL function)
    """``column`` (a JSON array of strings) holds any of the given values."""

    type = sa.Boolean()
    inherit_cache = True
    name = "json_array_has_any"


def _render(element: Any, compiler: SQLCompiler, elements_of: str, **kw: Any) -> str:
    column, *values = list(element.clauses)
    wanted = ", ".join(compiler.process(v, **kw) for v in values)
    return (f"EXISTS (SELECT 1 FROM {elements_of}({compiler.process(column, **kw)}) AS tag"
            f" WHERE tag.value IN ({wanted}))")


@compiles(_json_array_has_any)
def _compile_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return _render(element, compiler, "json_each", **kw)


@compiles(_json_array_has_any, "postgresql")
def _compile_postgresql(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return _render(element, compiler, "jsonb_array_elements_text", **kw)


def any_tag(column: Any, tags: Sequence[str] | None) -> list[ColumnElement[bool]]:
    """Rows whose JSON ``column`` holds any of ``tags`` (compared trimmed, in lower case)."""
    if tags is None:
        return []
    wanted = sorted({t.strip().lower() for t in tags if t.strip()})
    if not wanted:
        return [sa.false()]
    return [_json_array_has_any(column, *(sa.literal(t, sa.String) for t in wanted))]


MAX_SEARCH_LENGTH = 200


@order_fields("lessons")
class LessonOrderField(Enum):
    RELEVANCE = strawberry.enum_value(
        "RELEVANCE", description="How well a lesson matches `filter.search` (DESC: best "
                                 "first, the default when searching); only with a search.")
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    TITLE = "TITLE"
    CATEGORY = "CATEGORY"
    IMPACT = "IMPACT"


@strawberry.input(description="One ordering term for lessons.")
class LessonOrder:
    field: LessonOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which lessons to list; all given conditions must hold.")
class LessonFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Full-text search in the title, what happened, the recommendation, the "
                    "category and the tags: every word must appear, in any form of it "
                    "(English stemming: `estimate` finds `estimating`), and the last word may "
                    "be the start of one. Punctuation is never an operator; on PostgreSQL "
                    "English stop words (`the`, `of`) are left out. Blank: no condition; no "
                    "letters or digits: no lessons. At most "
                    f"{MAX_SEARCH_LENGTH} characters. Unless `orderBy` says otherwise, "
                    "results come best match first (the title counts most).")
    category: list[str] | None = strawberry.field(default=None,
                                                  description="Any of these categories.")
    impact: list[LessonImpact] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these impacts.")
    tags: list[str] | None = strawberry.field(default=None,
                                              description="Tagged with any of these tags.")
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Learned on any of these projects.")
    portfolio_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Learned on a project of any of these portfolios.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def _search_words(f: LessonFilter | None) -> list[str] | None:
    """The words searched for; None when there is no search (absent or blank)."""
    if f is None or f.search is None or not f.search.strip():
        return None
    if len(f.search) > MAX_SEARCH_LENGTH:
        raise bad_input(f"search: at most {MAX_SEARCH_LENGTH} characters")
    return full_text.words(f.search)


def _on_portfolios(global_ids: Sequence[str] | None) -> list[ColumnElement[bool]]:
    inside = ids_of(ProjectRow.portfolio_id, global_ids, "Portfolio", "portfolioIds")
    if not inside:
        return []
    return [LessonRow.project_id.in_(  # type: ignore[union-attr]
        sa.select(ProjectRow.id).where(*inside))]


def lesson_conditions(f: LessonFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a lesson filter."""
    if f is None:
        return []
    lesson: Any = LessonRow
    words = _search_words(f)
    return [
        *([] if words is None else [full_text.matches(lesson.id, words)]),
        *one_of(lesson.category, f.category),
        *one_of(lesson.impact, f.impact),
        *any_tag(lesson.tags, f.tags),
        *ids_of(lesson.project_id, f.project_ids, "Project", "projectIds"),
        *_on_portfolios(f.portfolio_ids),
        *since(lesson.updated_at, f.updated_since),
    ]


_ORDER_FIELDS = {
    "CREATED_AT": SortField("CREATED_AT", LessonRow.created_at),
    "UPDATED_AT": SortField("UPDATED_AT", LessonRow.updated_at),
    "TITLE": SortField("TITLE", LessonRow.title),
    "CATEGORY": SortField("CATEGORY", LessonRow.category),
    "IMPACT": SortField("IMPACT", LessonRow.impact),
}
LESSONS = ListSpec(LessonRow, "lesson", OrderSpec(_ORDER_FIELDS, default=[("CREATED_AT", True)]),
                   Lesson.from_row)


@lru_cache(maxsize=256)
def _ranked(words: tuple[str, ...]) -> ListSpec[Lesson]:
    # Cached so that every project of one request listing lessons(filter: {search}) gets the
    # same ordering object: nested pages are batched per (filter, ordering).
    relevance = full_text.rank(LessonRow.id, list(words)).label(LessonRow.search_rank.key)
    order = OrderSpec({**_ORDER_FIELDS,
                       "RELEVANCE": SortField("RELEVANCE", relevance, computed=True)},
                      default=[("RELEVANCE", True)])
    return ListSpec(LessonRow, "lesson", order, Lesson.from_row)


def lesson_list(f: LessonFilter | None, order_by: Sequence[LessonOrder] | None,
                ) -> ListSpec[Lesson]:
    """How to list lessons under this filter: best match first when searching.

    Ordering by RELEVANCE without a search is BAD_USER_INPUT (there is nothing to rank by).
    """
    words = _search_words(f)
    if words is not None:
        return _ranked(tuple(words))
    if any(item.field == LessonOrderField.RELEVANCE for item in order_by or ()):
        raise bad_input("orderBy RELEVANCE needs filter.search")
    return LESSONS


LessonFilterArg = Annotated[LessonFilter | None, strawberry.argument(
    description="Which lessons to list; all given conditions must hold.")]
LessonOrderArg = Annotated[list[LessonOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: best match first when searching, "
                "else newest first).")]
