"""The GraphQL schema: per-domain Query and Mutation roots merged here."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

import server

SDL_PATH = Path(__file__).with_name("schema.graphql")
MAX_QUERY_DEPTH = 12
MAX_ALIASES = 30


@strawberry.type(description="The root of every read.")
class Query:
    @strawberry.field(description="The version of the PMO API serving this request.")
    def api_version(self) -> str:
        return server.__version__


schema = strawberry.Schema(
    query=Query,
    extensions=[
        lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
    ],
)


def print_sdl() -> str:
    """The schema as SDL, exactly as committed in ``schema/schema.graphql``."""
    return schema.as_str() + "\n"
