"""Console views of the organisation: portfolios, programs and people (with their roles and a
console password), through ``server.domain.organisation.service`` as the API's mutations go.
Nothing here is deleted: people are deactivated, and their names stay on what they did."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlmodel.ext.asyncio.session import AsyncSession
from wtforms import PasswordField, SelectMultipleField

from admin.services import ServiceView, humanised
from server.domain.actor import Actor
from server.domain.auth import roles
from server.domain.auth.models import CasbinRule
from server.domain.enums import Role
from server.domain.models import (
    Person,
    Portfolio,
    Program,
    Project,
    ProjectObjective,
    StrategicObjective,
)
from server.domain.organisation import service as organisation

ROLE_HELP = ("PMO: the console and everything; PM: edits the projects they manage; EXECUTIVE: "
             "sponsors projects and decides gates; ANALYST: reads reports. Effective on the "
             "person's next API request.")


def _objectives(model: Any, _attribute: Any) -> Markup:
    rows = getattr(model, "console_objectives", [])
    if not rows:
        return Markup("No project of this portfolio is aligned to an objective yet.")
    body = "".join(f"<tr><td>{escape(code)} {escape(name)}</td><td>{projects}</td>"
                   f"<td>{average:.1f}</td></tr>" for code, name, projects, average in rows)
    return Markup('<table class="table table-sm" id="portfolio-objectives"><thead><tr>'
                  "<th>Objective</th><th>Projects aligned</th><th>Average alignment (0-5)</th>"
                  f"</tr></thead><tbody>{body}</tbody></table>")


class PortfolioAdmin(ServiceView, model=Portfolio):  # type: ignore[call-arg]
    category = "Organisation"
    column_list = [Portfolio.code, Portfolio.name, "owner", Portfolio.budget]
    column_details_list = [Portfolio.code, Portfolio.name, Portfolio.description, "owner",
                           Portfolio.budget, "objectives"]
    column_formatters_detail = {"objectives": _objectives}
    column_searchable_list = [Portfolio.code, Portfolio.name]
    form_columns = [Portfolio.code, Portfolio.name, Portfolio.description, "owner",
                    Portfolio.budget]
    column_labels = humanised(Portfolio, owner="Owner (an executive)",
                              budget="Budget (base currency)",
                              objectives="Strategic objectives")
    relations = {"owner": "owner_id"}
    can_delete = False

    async def get_object_for_details(self, request: Any) -> Any:
        """The portfolio with the strategic objectives its projects align to (the alignment
        itself is kept per project: ``ProjectObjective``)."""
        portfolio = await super().get_object_for_details(request)
        if portfolio is not None:
            async with self.session_maker() as session:
                # Not a field: set past pydantic, for this page's formatter only.
                object.__setattr__(portfolio, "console_objectives", (await session.execute(
                    sa.select(StrategicObjective.code, StrategicObjective.name,
                              sa.func.count(ProjectObjective.project_id),
                              sa.func.avg(ProjectObjective.alignment_score))
                    .join(ProjectObjective,
                          ProjectObjective.objective_id == StrategicObjective.id)
                    .join(Project, Project.id == ProjectObjective.project_id)
                    .where(Project.portfolio_id == portfolio.id)
                    .group_by(StrategicObjective.code, StrategicObjective.name)
                    .order_by(StrategicObjective.code))).all())
        return portfolio

    async def create(self, session: AsyncSession, actor: Actor, data: dict[str, Any]) -> Any:
        return await organisation.create_portfolio(session, actor=actor, data=data)

    async def update(self, session: AsyncSession, actor: Actor, row_id: int,
                     data: dict[str, Any]) -> Any:
        return await organisation.update_portfolio(session, actor=actor, portfolio_id=row_id,
                                                   changes=data)


class ProgramAdmin(ServiceView, model=Program):  # type: ignore[call-arg]
    category = "Organisation"
    column_list = [Program.code, Program.name, "portfolio", "manager"]
    column_searchable_list = [Program.code, Program.name]
    form_columns = ["portfolio", Program.code, Program.name, Program.description, "manager"]
    form_edit_rules = ["code", "name", "description", "manager"]
    column_labels = humanised(Program)
    relations = {"portfolio": "portfolio_id", "manager": "manager_id"}
    can_delete = False

    async def create(self, session: AsyncSession, actor: Actor, data: dict[str, Any]) -> Any:
        return await organisation.create_program(session, actor=actor, data=data)

    async def update(self, session: AsyncSession, actor: Actor, row_id: int,
                     data: dict[str, Any]) -> Any:
        data.pop("portfolio_id", None)  # a program stays in its portfolio
        return await organisation.update_program(session, actor=actor, program_id=row_id,
                                                 changes=data)


class PersonAdmin(ServiceView, model=Person):  # type: ignore[call-arg]
    category = "Organisation"
    name_plural = "People"
    column_list = [Person.full_name, Person.email, Person.title, "department", Person.active]
    column_searchable_list = [Person.full_name, Person.email]
    column_details_exclude_list = [Person.password_hash]
    form_columns = [Person.email, Person.full_name, Person.title, "department",
                    Person.capacity_hours_per_week, Person.cost_rate, Person.active]
    # The email is who signs in: set once.
    form_edit_rules = ["full_name", "title", "department", "capacity_hours_per_week",
                       "cost_rate", "active", "roles", "new_password"]
    form_create_rules = ["email", "full_name", "title", "department", "capacity_hours_per_week",
                         "cost_rate", "roles", "new_password"]
    column_labels = humanised(Person, capacity_hours_per_week="Capacity (hours a week)",
                              cost_rate="Cost rate (an hour)",
                              active="Active (unticked: deactivated, signed out at once)")
    relations = {"department": "department_id"}
    error_fields = {"password": "new_password"}
    can_delete = False

    async def scaffold_form(self, rules: list[str] | None = None) -> Any:
        form = await super().scaffold_form(rules)
        form.roles = SelectMultipleField(
            "Roles", choices=[(role.value, role.name) for role in Role], description=ROLE_HELP,
            render_kw={"class": "form-control"})
        form.new_password = PasswordField(
            "Set a new console password",
            description="Blank keeps the current one. At least 12 characters.",
            render_kw={"class": "form-control", "autocomplete": "new-password"})
        return form

    async def get_form_data_for_edit(self, obj: Any) -> dict[str, Any]:
        data = await super().get_form_data_for_edit(obj)
        async with self.session_maker() as session:
            held = (await session.execute(sa.select(CasbinRule.v1).where(
                CasbinRule.ptype == "g", CasbinRule.v0 == roles.subject(obj.id)))).scalars()
            data["roles"] = sorted(held)
        return data

    @staticmethod
    def _extras(data: dict[str, Any]) -> tuple[list[Role] | None, str | None]:
        wanted = data.pop("roles", None)
        password = data.pop("new_password", None) or None
        return (None if wanted is None else [Role(r) for r in wanted]), password

    async def create(self, session: AsyncSession, actor: Actor, data: dict[str, Any]) -> Any:
        wanted, password = self._extras(data)
        person = await organisation.create_person(session, actor=actor, data=data,
                                                  role_names=wanted or [])
        if password is not None:
            await organisation.set_password(session, actor=actor, person_id=person.id,  # type: ignore[arg-type]
                                            password=password)
        return person

    async def update(self, session: AsyncSession, actor: Actor, row_id: int,
                     data: dict[str, Any]) -> Any:
        wanted, password = self._extras(data)
        data.pop("email", None)
        person = await organisation.update_person(session, actor=actor, person_id=row_id,
                                                  changes=data)
        if wanted is not None:
            await organisation.assign_roles(session, actor=actor, person_id=row_id,
                                            role_names=wanted)
        if password is not None:
            await organisation.set_password(session, actor=actor, person_id=row_id,
                                            password=password)
        return person


VIEWS = [PortfolioAdmin, ProgramAdmin, PersonAdmin]
