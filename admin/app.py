"""Mount the SQLAdmin console on the application."""

from __future__ import annotations

from collections.abc import Callable

from sqladmin import Admin
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from admin.audit import ConsoleSession
from admin.auth import ConsoleAuth
from admin.views import ALL_VIEWS
from policies.enforcer import Authorizer
from server.rate_limit import Budgets


def mount_admin(app: Starlette, *, engine: AsyncEngine,
                sessions: async_sessionmaker[AsyncSession], authorizer: Callable[[], Authorizer],
                secret_key: str, https_only: bool,
                budgets: Callable[[], Budgets | None] = lambda: None) -> Admin:
    """Mount the console at ``/admin`` behind the PMO login."""
    console = Admin(
        app,
        engine=engine,
        # The console's own sessions: every change they flush is audited (admin/audit.py).
        session_maker=async_sessionmaker(engine, sync_session_class=ConsoleSession,
                                         expire_on_commit=False),
        title="PMO console",
        base_url="/admin",
        authentication_backend=ConsoleAuth(secret_key, sessions, authorizer,
                                           https_only=https_only, budgets=budgets),
    )
    for view in ALL_VIEWS:
        console.add_view(view)
    return console
