"""``node(id:)`` and ``nodes(ids:)``: any object by global id, through the same permissions."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from sqlmodel import SQLModel
from strawberry import relay

from policies.resources import Resource
from schema.auth.types import ApiToken
from schema.base import decode_id
from schema.context import Info
from schema.organisation.types import Person
from schema.portfolio.types import Portfolio
from schema.project.types import Project
from server.domain.auth.models import ApiToken as ApiTokenRow
from server.domain.organisation.models import Person as PersonRow
from server.domain.portfolio.models import Portfolio as PortfolioRow
from server.domain.project.models import Project as ProjectRow
from server.error_codes import ApiErrorCode

# GraphQL type name -> (type with ``from_row``, table, policy resource type); each domain
# package adds its own through ``NODES`` in its ``roots.py``.
NodeEntry = tuple[Any, type[SQLModel], str]
NODE_TYPES: dict[str, NodeEntry] = {
    "Person": (Person, PersonRow, "person"),
    "Portfolio": (Portfolio, PortfolioRow, "portfolio"),
    "Project": (Project, ProjectRow, "project"),
    "ApiToken": (ApiToken, ApiTokenRow, "api_token"),
}


def register(nodes: dict[str, NodeEntry]) -> None:
    """Make more types reachable through ``node(id:)``."""
    NODE_TYPES.update(nodes)


def _bad_id(value: str) -> GraphQLError:
    return GraphQLError(f"not a valid id: {value!r}",
                        extensions={"code": ApiErrorCode.BAD_USER_INPUT})


async def resolve_node(info: Info, node_id: str) -> relay.Node | None:
    """The object behind a global id, or None if there is no such row; FORBIDDEN if unreadable."""
    decoded = decode_id(node_id)
    if decoded is None or decoded[0] not in NODE_TYPES:
        raise _bad_id(node_id)
    type_name, row_id = decoded
    graphql_type, model, resource_type = NODE_TYPES[type_name]
    # Types whose rows answer differently (a notification is its recipient's, a comment is
    # readable with what it is on) say so with ``policy_resource(row)``: a resource or a tuple
    # of them, each of which must be readable. A missing row gets the type's answer, so
    # FORBIDDEN does not tell somebody else's row from no row.
    per_row = getattr(graphql_type, "policy_resource", None)
    if per_row is None:
        info.context.require("read", Resource(resource_type, id=row_id))
    row = await info.context.loaders.by_id(model).load(row_id)
    if per_row is not None:
        asked = per_row(row) if row is not None else Resource(resource_type, id=row_id)
        for resource in asked if isinstance(asked, tuple) else (asked,):
            info.context.require("read", resource)
    return graphql_type.from_row(row) if row is not None else None
