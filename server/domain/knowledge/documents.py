"""Rendering document templates: ``{{project.name}}``-style placeholders filled from a project.

Written by hand because the placeholder language is deliberately tiny (dotted names, no
logic) and must leave unknown placeholders visible; a template engine such as Jinja would
execute logic and fail or blank on unknown names instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain.actor import Actor
from server.domain.errors import DomainError, ErrorCode
from server.domain.governance.models import DocumentTemplate, GovernanceTemplate
from server.domain.organisation.models import Department, Person
from server.domain.portfolio.models import Portfolio, Program
from server.domain.project.access import project_resource
from server.domain.project.models import Project
from server.domain.raid.models import StatusReport

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")

PROJECT_FIELDS = (
    "code", "name", "description", "status", "priority", "budget_at_completion",
    "planned_start", "planned_finish", "baseline_start", "baseline_finish", "baseline_budget",
    "actual_start", "actual_finish", "forecast_finish", "percent_complete",
)
PERSON_FIELDS = ("full_name", "title")
REPORT_FIELDS = ("period_end", "overall", "schedule", "cost", "scope", "risk", "summary",
                 "accomplishments", "next_steps")


def placeholder_keys() -> list[str]:
    """Every placeholder a template may use (snake_case, as ``fill`` matches them): the
    project's fields; its manager and sponsor (``project.manager`` is the full name), its
    portfolio, program and department (``project.portfolio`` is the name) and governance
    template; its latest status report (``report.*``, empty without one); and today."""
    keys = [f"project.{f}" for f in PROJECT_FIELDS]
    for role in ("manager", "sponsor"):
        keys += [f"project.{role}"] + [f"project.{role}.{f}" for f in PERSON_FIELDS]
    for prefix in ("portfolio", "program", "department"):
        keys += [f"project.{prefix}"] + [f"project.{prefix}.{f}" for f in ("code", "name")]
    keys += ["project.governance_template"] + [f"report.{f}" for f in REPORT_FIELDS]
    return [*keys, "today"]


def placeholder_names() -> list[str]:
    """``placeholder_keys`` as templates are written: camelCase parts (``project.fullName``)."""
    return [".".join(_snake_to_camel(part) for part in key.split("."))
            for key in placeholder_keys()]


def _snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def unknown_in(body: str) -> list[str]:
    """The placeholders of ``body`` that no project can fill (as written, once each)."""
    known = set(placeholder_keys())
    unknown: list[str] = []
    for match in PLACEHOLDER.finditer(body):
        key = ".".join(_camel_to_snake(part) for part in match.group(1).split("."))
        if key not in known and match.group(1) not in unknown:
            unknown.append(match.group(1))
    return unknown


@dataclass(frozen=True)
class RenderedDocument:
    """The filled Markdown and the placeholders that could not be filled."""

    markdown: str
    unknown_placeholders: list[str]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def fill(body: str, values: dict[str, str]) -> RenderedDocument:
    """Replace known placeholders; leave unknown ones as they are and list them."""
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        key = ".".join(_camel_to_snake(part) for part in match.group(1).split("."))
        if key in values:
            return values[key]
        if match.group(1) not in unknown:
            unknown.append(match.group(1))
        return match.group(0)

    return RenderedDocument(PLACEHOLDER.sub(replace, body), unknown)


async def _values(session: AsyncSession, project: Project) -> dict[str, str]:
    values = {f"project.{f}": _text(getattr(project, f)) for f in PROJECT_FIELDS}
    for role, person_id in (("manager", project.manager_id), ("sponsor", project.sponsor_id)):
        person = await session.get(Person, person_id) if person_id else None
        for f in PERSON_FIELDS:
            values[f"project.{role}.{f}"] = _text(getattr(person, f) if person else None)
        values[f"project.{role}"] = values[f"project.{role}.full_name"]
    portfolio = await session.get(Portfolio, project.portfolio_id)
    program = await session.get(Program, project.program_id) if project.program_id else None
    department = (await session.get(Department, project.department_id)
                  if project.department_id else None)
    for prefix, row in (("portfolio", portfolio), ("program", program),
                        ("department", department)):
        for f in ("code", "name"):
            values[f"project.{prefix}.{f}"] = _text(getattr(row, f) if row else None)
        values[f"project.{prefix}"] = values[f"project.{prefix}.name"]
    template = (await session.get(GovernanceTemplate, project.governance_template_id)
                if project.governance_template_id else None)
    values["project.governance_template"] = _text(template.name if template else None)
    report = (await session.exec(sa.select(StatusReport).where(  # type: ignore[call-overload]
        StatusReport.project_id == project.id).order_by(StatusReport.period_end.desc())  # type: ignore[attr-defined]
        .limit(1))).scalars().first()
    for f in REPORT_FIELDS:
        values[f"report.{f}"] = _text(getattr(report, f) if report else None)
    values["today"] = date.today().isoformat()
    return values


async def render(session: AsyncSession, *, actor: Actor, project_id: int,
                 template_id: int) -> RenderedDocument:
    """Fill a document template from a project the caller may read."""
    actor.require("read", await project_resource(session, project_id, "project"))
    actor.require("read", Resource("document_template"))
    project = await session.get(Project, project_id)
    template = await session.get(DocumentTemplate, template_id)
    if project is None:
        raise DomainError.one("projectId", "no project with this id", ErrorCode.NOT_FOUND)
    if template is None:
        raise DomainError.one("templateId", "no document template with this id",
                              ErrorCode.NOT_FOUND)
    return fill(template.body, await _values(session, project))
