"""The governance template editor: one screen for a template, its ordered gates and each
gate's checklist items. Gates and items are added, reordered and removed in the page
(``statics/governance.js``) and saved together in one transaction by
``reference.save_gates`` (audited once, before and after). The page's data travels as JSON
in a non-executable script element and back in one hidden field, so the strict CSP holds."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.services import ConsoleError, run
from server.domain.enums import ApproverRole
from server.domain.governance import reference
from server.domain.models import GovernanceTemplate, Project


class GovernanceEditor(BaseView):
    name = "Template editor"
    identity = "governance-editor"
    category = "Governance"
    icon = "fa-solid fa-diagram-project"

    @expose("/governance-editor", methods=["GET", "POST"], identity="governance-editor")
    async def page(self, request: Request) -> Response:
        template_id = request.query_params.get("template")
        if not (template_id or "").isdigit():
            return await self._choose(request)
        row_id = int(template_id)  # type: ignore[arg-type]
        error = None
        posted: Any = None
        if request.method == "POST":
            form = await request.form()
            try:
                posted = json.loads(str(form.get("structure") or "[]"))
            except ValueError:
                posted = None
            if not isinstance(posted, list):
                error = "The page sent no gates: reload it and try again."
            else:
                try:
                    await run(request, lambda session, actor: reference.save_gates(
                        session, actor=actor, template_id=row_id, gates=posted))
                except ConsoleError as refused:
                    error = str(refused)
                else:
                    url = request.url.replace(query=f"template={row_id}&saved=1")
                    return RedirectResponse(str(url), status_code=302)
        async with request.app.state.pmo_sessions() as session:
            template = await session.get(GovernanceTemplate, row_id)
            if template is None:
                return await self._choose(request, "No such template.")
            gates, items = await reference.gates_of(session, row_id)
            in_use = int((await session.exec(sa.select(sa.func.count()).where(  # type: ignore[call-overload]
                Project.governance_template_id == row_id))).scalar_one())
        structure = [{"id": g.id, "name": g.name, "description": g.description or "",
                      "approver_role": g.approver_role.value,
                      "takes_baseline": g.takes_baseline,
                      "items": [{"id": i.id, "text": i.text, "mandatory": i.mandatory}
                                for i in items[g.id]]}  # type: ignore[index]
                     for g in gates]
        if request.method == "POST" and error is not None and isinstance(posted, list):
            structure = posted  # the page as it was sent, to correct
        return await self.templates.TemplateResponse(request, "console/governance.html", {
            "template": template, "in_use": in_use, "error": error,
            "saved": request.query_params.get("saved") == "1",
            # Inside a script element: no "<" may close it early.
            "structure": json.dumps(structure).replace("<", "\\u003c"),
            "roles": [(role.value, role.name) for role in ApproverRole],
        }, status_code=400 if error else 200)

    async def _choose(self, request: Request, error: str | None = None) -> Response:
        async with request.app.state.pmo_sessions() as session:
            templates = (await session.exec(sa.select(GovernanceTemplate).order_by(  # type: ignore[call-overload]
                GovernanceTemplate.name))).scalars().all()
        return await self.templates.TemplateResponse(request, "console/governance.html", {
            "templates": templates, "error": error})


__all__: list[Any] = ["GovernanceEditor"]
