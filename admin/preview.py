"""A document template rendered against a chosen project, as ``renderDocument`` would give it
(the same service), so the PMO sees what a project manager will get before saving changes."""

from __future__ import annotations

import sqlalchemy as sa
from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import Response

from admin.services import ConsoleError, run
from server.domain.knowledge import documents
from server.domain.models import DocumentTemplate, Project


class DocumentPreview(BaseView):
    name = "Document preview"
    identity = "document-preview"

    def is_visible(self, request: Request) -> bool:
        return False  # reached from a document template's page

    @expose("/document-preview", identity="document-preview")
    async def page(self, request: Request) -> Response:
        template_id = request.query_params.get("template", "")
        project_id = request.query_params.get("project", "")
        async with request.app.state.pmo_sessions() as session:
            template = (await session.get(DocumentTemplate, int(template_id))
                        if template_id.isdigit() else None)
            projects = (await session.exec(sa.select(Project.id, Project.code, Project.name)  # type: ignore[call-overload]
                        .order_by(Project.code))).all()
        rendered, error = None, None
        if template is not None and project_id.isdigit():
            try:
                rendered = await run(request, lambda session, actor: documents.render(
                    session, actor=actor, project_id=int(project_id),
                    template_id=template.id))  # type: ignore[union-attr]
            except ConsoleError as refused:
                error = str(refused)
        return await self.templates.TemplateResponse(request, "console/preview.html", {
            "template": template, "projects": projects, "rendered": rendered,
            "project_id": int(project_id) if project_id.isdigit() else None, "error": error,
        }, status_code=404 if template is None else 200)
