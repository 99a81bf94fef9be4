"""Mount the SQLAdmin console on the application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from admin.audit import ConsoleSession
from admin.auth import ConsoleAuth, csrf_token
from admin.dashboard import PmoAdmin
from admin.views import ALL_PAGES, ALL_VIEWS
from policies.enforcer import Authorizer
from server.rate_limit import Budgets

HERE = Path(__file__).parent


def mount_admin(app: Starlette, *, engine: AsyncEngine,
                sessions: async_sessionmaker[AsyncSession], authorizer: Callable[[], Authorizer],
                secret_key: str, https_only: bool, production: bool = False,
                budgets: Callable[[], Budgets | None] = lambda: None,
                idle: timedelta = timedelta(minutes=30),
                lifetime: timedelta = timedelta(hours=12)) -> PmoAdmin:
    """Mount the console at ``/admin`` behind the PMO sign-in."""
    auth = ConsoleAuth(secret_key, sessions, authorizer, https_only=https_only,
                       budgets=budgets, idle=idle, lifetime=lifetime)
    console = PmoAdmin(
        app,
        engine=engine,
        # The console's own sessions: every change they flush is audited (admin/audit.py).
        session_maker=async_sessionmaker(engine, sync_session_class=ConsoleSession,
                                         expire_on_commit=False),
        title="PMO console",
        base_url="/admin",
        authentication_backend=auth,
        # Our templates first (the page frame with the form token, the sign-in page), and our
        # assets beside SQLAdmin's, all served locally.
        templates_dir=str(HERE / "templates"),
        static_files_kwargs={"directory": HERE / "static"},
    )
    console.templates.env.globals["csrf_token"] = csrf_token
    # What the views' writes need (admin/services.py), on the console's own app.
    console.admin.state.pmo_sessions = sessions
    console.admin.state.pmo_authorizer = authorizer
    console.admin.state.pmo_production = production  # webhooks: public HTTPS URLs only
    auth.templates = console.templates
    for view in [*ALL_VIEWS, *ALL_PAGES]:
        console.add_view(view)
    return console
