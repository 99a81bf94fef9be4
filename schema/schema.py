"""The GraphQL schema: each domain package's roots (``schema/<pkg>/roots.py``) merged here."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

import server
from schema import input_lengths
from schema.analytics import roots as analytics
from schema.auth.types import ApiToken
from schema.base import unauthenticated_error
from schema.collaboration import roots as collaboration
from schema.context import Info
from schema.control import roots as control
from schema.decisions import roots as decisions
from schema.extensions import (
    CachedParsing,
    MaskInternalErrors,
    Observe,
    PersistedOperations,
    RequestLimits,
    operation_spans,
)
from schema.governance import roots as governance
from schema.integration import roots as integration
from schema.live import roots as live
from schema.metrics import roots as metrics
from schema.node import register, resolve_node
from schema.organisation import roots as organisation
from schema.organisation.types import Person, Viewer
from schema.pagination import bad_input
from schema.portfolio.types import Portfolio
from schema.project import roots as project
from schema.project.types import Project
from schema.raid import roots as raid
from schema.readpath.execute import ReadPathExecutor
from schema.reporting import roots as reporting
from schema.resource import roots as resource

SDL_PATH = Path(__file__).with_name("schema.graphql")
MAX_NODES = 100
DOCUMENT_CACHE_SIZE = 512
PACKAGES = (project, raid, control, resource, organisation, governance, live, collaboration,
            metrics, decisions, analytics, reporting, integration)
for _package in PACKAGES:
    register(_package.NODES)


@strawberry.type
class CoreQueries:
    @strawberry.field(description="The version of the PMO API serving this request.")
    def api_version(self) -> str:
        return server.__version__

    @strawberry.field(description="The authenticated caller.")
    def viewer(self, info: Info) -> Viewer:
        viewer = info.context.viewer
        if viewer is None:
            raise unauthenticated_error()
        identity = viewer.identity
        return Viewer(email=identity.email, full_name=identity.full_name,
                      roles=sorted(viewer.subject.roles), person_id=identity.person_id)

    @strawberry.field(description="Any object by its global id; null if it does not exist.")
    async def node(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(
            description="The object's global id (its `id` field).")]) -> relay.Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description=f"Objects by global ids, in order (at most {MAX_NODES}).")
    async def nodes(self, info: Info, ids: Annotated[list[strawberry.ID], strawberry.argument(
            description="Global ids, of any types.")]) -> list[relay.Node | None]:
        if len(ids) > MAX_NODES:
            raise bad_input(f"at most {MAX_NODES} ids")
        return list(await asyncio.gather(*(resolve_node(info, i) for i in ids)))


def _merged(name: str, description: str, parts: list[type]) -> type | None:
    if not parts:
        return None
    merged = merge_types(name, tuple(parts))
    merged.__strawberry_definition__.description = description  # type: ignore[attr-defined]
    return merged


Query = _merged("Query", "The root of every read.",
                [CoreQueries, *(q for p in PACKAGES for q in p.QUERIES)])
Mutation = _merged("Mutation", "Every change; each is one transaction.",
                   [m for p in PACKAGES for m in p.MUTATIONS])
Subscription = _merged("Subscription", "Live updates over graphql-transport-ws.",
                       [s for p in PACKAGES for s in p.SUBSCRIPTIONS])


class PmoSchema(strawberry.Schema):
    """Our schema. Errors are logged by ``MaskInternalErrors`` (bugs, with a request id), so
    Strawberry's own logging of every error, client mistakes included, is turned off."""

    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        return None


schema = PmoSchema(
    query=Query,  # type: ignore[arg-type]
    mutation=Mutation,
    subscription=Subscription,
    types=[Person, Portfolio, Project, ApiToken, *(t for p in PACKAGES for t in p.TYPES)],
    execution_context_class=ReadPathExecutor,
    extensions=[
        # Around everything: the operation's span (when traced), then its measures, taken
        # once the errors have their codes (MaskInternalErrors, inside).
        operation_spans,
        Observe,
        # The limits first (the token limit is a parse option), then parsing and validation,
        # both cached by document.
        PersistedOperations,
        lambda: RequestLimits(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: CachedParsing(maxsize=DOCUMENT_CACHE_SIZE),
        MaskInternalErrors,
    ],
)


input_lengths.document(schema._schema)  # noqa: SLF001 - descriptions of the built schema


def print_sdl() -> str:
    """The schema as SDL, exactly as committed in ``schema/schema.graphql``."""
    return schema.as_str() + "\n"
