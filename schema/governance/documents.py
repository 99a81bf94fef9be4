"""renderDocument: a document template filled from a project."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError

from policies.enforcer import Forbidden
from policies.resources import Resource
from schema.base import decode_id, forbidden_error
from schema.context import Info
from schema.pagination import bad_input
from server.domain.errors import DomainError
from server.domain.knowledge import documents
from server.error_codes import ApiErrorCode


@strawberry.type(description="A document template filled from a project.")
class RenderedDocument:
    markdown: str = strawberry.field(description="The Markdown with placeholders filled.")
    unknown_placeholders: list[str] = strawberry.field(
        description="Placeholders that name nothing known; left visible in the text.")
    warnings: list[str] = strawberry.field(description="What the reader should check.")


def _row_id(value: str, type_name: str, argument: str) -> int:
    decoded = decode_id(value, expected=type_name)
    if decoded is None:
        raise bad_input(f"{argument}: {value!r} is not a {type_name} id")
    return decoded[1]


@strawberry.type
class DocumentQueries:
    @strawberry.field(description="Every placeholder a document template may use, as "
                                  "{{name}}: the project's fields, its people, portfolio, "
                                  "program, department and governance template, its latest "
                                  "status report (report.*) and today.")
    def document_placeholders(self, info: Info) -> list[str]:
        info.context.require("read", Resource("document_template"))
        return documents.placeholder_names()

    @strawberry.field(description="Fill a document template's {{project.name}}-style "
                                  "placeholders from a project; unknown ones stay visible.")
    async def render_document(
        self, info: Info,
        project_id: Annotated[strawberry.ID, strawberry.argument(
            description="The project whose values fill the template (a Project id).")],
        template_id: Annotated[strawberry.ID, strawberry.argument(
            description="The template to render (a DocumentTemplate id).")],
    ) -> RenderedDocument:
        project = _row_id(project_id, "Project", "projectId")
        template = _row_id(template_id, "DocumentTemplate", "templateId")
        try:
            async with info.context.sessions() as session:
                rendered = await documents.render(session, actor=info.context.actor,
                                                  project_id=project, template_id=template)
        except Forbidden as exc:
            raise forbidden_error(str(exc)) from None
        except DomainError as exc:
            raise GraphQLError(exc.errors[0].message,
                               extensions={"code": ApiErrorCode.NOT_FOUND}) from None
        return RenderedDocument(
            markdown=rendered.markdown, unknown_placeholders=rendered.unknown_placeholders,
            warnings=[f"unknown placeholder {{{{{name}}}}} left as is"
                      for name in rendered.unknown_placeholders])
