"""The ASGI application: GraphQL at ``/graphql``, CSV reports at ``/export``, the console at
``/admin``, health checks."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from admin.app import mount_admin
from policies.enforcer import build_authorizer, offline_authorizer
from schema.schema import schema
from server import metrics, request_log, tracing
from server.authentication import RequireBearer
from server.body_limit import BodyLimit
from server.broadcast import for_database as broadcast_for
from server.db import create_engine, describe_db_error, instrument, ping, session_factory
from server.deadline import Deadline
from server.export import export_app
from server.graphql_app import GRAPHIQL_ASSETS, PmoGraphQL
from server.persisted import OperationStore, read_manifest
from server.rate_limit import Budgets, storage_for
from server.security_headers import SecurityHeaders
from server.settings import Settings, get_settings
from server.unavailable import Unavailable

READY_TIMEOUT_SECONDS = 3.0


async def healthz(request: Request) -> JSONResponse:
    """The process is alive (no dependencies are checked)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database answers; 503 with the reason when it does not."""
    try:
        await asyncio.wait_for(ping(request.app.state.engine), READY_TIMEOUT_SECONDS)
    except TimeoutError:
        return JSONResponse(
            {"status": "unavailable", "reason": "database did not answer in time"}, 503
        )
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", with its reason
        return JSONResponse({"status": "unavailable", "reason": describe_db_error(exc)}, 503)
    return JSONResponse({"status": "ok", "database": "reachable"})


GC_YOUNG_THRESHOLD = 20_000


def serve_app() -> Starlette:
    """The app as ``pmo serve`` runs it: uvicorn's factory, called once in each worker process.

    A serving process also collects its young garbage less often. A young collection every 700
    new container objects (Python's default) ran about 70 times for one 500-row report page,
    2 ms of its 35 ms; every 20,000 it is a tenth of that, and cycles are still collected, a
    little later. Only here: a process that builds apps for other purposes (the tests) keeps
    Python's default.
    """
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    return create_app()


class PmoApp(Starlette):
    """Starlette with the request id, the request's log line and HTTP metrics (and, when
    tracing, its span) around everything, Starlette's own error handling included: a 500 is
    logged, counted and carries its ``X-Request-ID`` like any other answer."""

    def build_middleware_stack(self) -> ASGIApp:
        app = request_log.wrap(super().build_middleware_stack())
        return tracing.http(app) if self.state.settings.otel else app


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the application from settings (the process-wide ones by default)."""
    settings = settings or get_settings()
    engine = create_engine(
        settings.database_url, echo=settings.db_echo, pool_size=settings.db_pool_size,
        connect_timeout=settings.db_connect_timeout, pool_timeout=settings.db_pool_timeout)
    sessions = session_factory(engine)
    # Reports, CSV exports and the BI rows read from the replica when there is one.
    replica = (create_engine(settings.replica_database_url.get_secret_value(),
                             pool_size=settings.db_pool_size,
                             connect_timeout=settings.db_connect_timeout,
                             pool_timeout=settings.db_pool_timeout)
               if settings.replica_database_url is not None else None)
    # Statements counted per request and operation; pools followed; spans when tracing.
    for database, used in (("primary", engine), ("replica", replica)):
        if used is not None:
            instrument(used)
            metrics.watch_pool(used, database)
            if settings.otel:
                tracing.sql(used)

    # Subscriptions speak graphql-transport-ws only: the legacy graphql-ws protocol is
    # unmaintained (its client library is deprecated) and has no ping/pong.
    graphql = PmoGraphQL(schema, graphql_ide=None if settings.is_production else "graphiql",
                         allow_queries_via_get=settings.graphql_get,
                         subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The enforcer loads role assignments from the database. If it is down at start-up
        # the same policies start with no role links: each request brings its caller's
        # roles from the database anyway (Authorizer.sync_subject), and /readyz reports it.
        try:
            app.state.authorizer = await build_authorizer(engine)
        except Exception:  # noqa: BLE001 - any failure: start without preloaded roles
            app.state.authorizer = offline_authorizer()
        # Everything built so far (the schema, the models, the policies) lives as long as the
        # process: moved out of the collector's sight, so the collections that a busy request
        # path triggers no longer walk it each time.
        gc.collect()
        gc.freeze()
        yield
        stop = getattr(app.state.broadcast, "stop", None)
        if stop is not None:
            await stop()
        await app.state.budgets.aclose()
        await engine.dispose()
        if replica is not None:
            await replica.dispose()

    # Starlette 1.x: routes are declared up front; GraphQL needs Route + WebSocketRoute
    # (a Mount would answer POST /graphql with a redirect).
    app = PmoApp(
        debug=settings.debug,
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", RequireBearer(graphql), methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/export/{report}.csv", export_app(), methods=["GET"]),
            *([Route("/metrics", metrics.endpoint(settings.metrics_token.get_secret_value()),
                     methods=["GET"])] if settings.metrics_token is not None else []),
            *([] if settings.is_production else [
                Mount("/graphiql", StaticFiles(directory=GRAPHIQL_ASSETS), name="graphiql")]),
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeaders),
            *([Middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                          allow_methods=["GET", "POST"],
                          allow_headers=["Authorization", "Content-Type", "Accept"],
                          max_age=600)] if settings.cors_origins else []),
            Middleware(Unavailable),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
            Middleware(Deadline, seconds=settings.request_timeout),
        ],
    )
    app.state.settings = settings
    app.state.operations = OperationStore(read_manifest(settings.persisted_operations),
                                          only_registered=settings.persisted_only)
    app.state.budgets = Budgets(per_caller=settings.cost_per_minute,
                                per_address=settings.failures_per_minute_per_address,
                                per_account=settings.failures_per_minute_per_account,
                                storage=storage_for(settings, engine))
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.report_sessions = session_factory(replica) if replica is not None else sessions
    app.state.broadcast = broadcast_for(settings.database_url, engine,
                                        connect_timeout=settings.db_connect_timeout)
    mount_admin(
        app,
        engine=engine,
        sessions=sessions,
        authorizer=lambda: app.state.authorizer,
        secret_key=settings.secret_key.get_secret_value(),
        https_only=settings.is_production,
        production=settings.is_production,
        budgets=lambda: app.state.budgets,
        idle=timedelta(minutes=settings.console_idle_minutes),
        lifetime=timedelta(hours=settings.console_session_hours),
    )
    return app
