"""Console login: email and password of an active person the enforcer lets maintain the PMO's
reference data (the ``pmo`` role by default). Checked again on every request, so a revoked
role or a deactivated person loses the console at once."""

from __future__ import annotations

from collections.abc import Callable

from sqladmin.authentication import AuthenticationBackend
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from policies.enforcer import Authorizer
from policies.resources import Resource, Subject
from server.domain.auth import roles
from server.domain.auth import service as auth_service
from server.domain.auth.passwords import check_password
from server.domain.organisation.models import Person
from server.rate_limit import Budgets

CONSOLE_RIGHT = ("update", Resource("reference_data"))


class ConsoleAuth(AuthenticationBackend):
    """Session-cookie login for the console, decided by the one enforcer."""

    def __init__(self, secret_key: str, sessions: async_sessionmaker[AsyncSession],
                 authorizer: Callable[[], Authorizer], *, https_only: bool,
                 budgets: Callable[[], Budgets | None] = lambda: None) -> None:
        super().__init__(secret_key=secret_key, https_only=https_only, same_site="strict")
        self._sessions = sessions
        self._authorizer = authorizer
        self._budgets = budgets

    async def _allowed(self, session: AsyncSession, person: Person | None) -> bool:
        if person is None or not person.active or person.id is None:
            return False
        held = await roles.roles_of(session, person_id=person.id)
        subject = Subject(person.id, frozenset(r.value for r in held))
        action, resource = CONSOLE_RIGHT
        return self._authorizer().can(subject, action, resource)

    async def login(self, request: Request) -> bool | Response:  # type: ignore[override]
        form = await request.form()
        email = str(form.get("username", "")).strip().lower()
        password = str(form.get("password", ""))
        budgets = self._budgets()
        address = "console:" + (request.client.host if request.client else "unknown")
        wait = budgets is not None and (await budgets.exhausted("address", address)
                                        or await budgets.exhausted("account", email))
        if wait:
            # Throttled: not checked, and answered at once (no page to render), so that a
            # flood of attempts costs as little as possible. SQLAdmin sends a Response as is.
            return PlainTextResponse(
                f"Too many failed logins: try again in {wait} seconds.", status_code=429,
                headers={"Retry-After": str(wait)})
        async with self._sessions() as session:
            try:
                person = await auth_service.get_by_email(session, email=email)
            except auth_service.UserError:
                person = None
            # The same hashing work whether or not the account exists (check_password).
            matches = await check_password(password, person.password_hash if person else None)
            allowed = matches and await self._allowed(session, person)
        if not allowed or person is None:
            if budgets is not None:
                await budgets.spend("address", address)
                await budgets.spend("account", email)
            return False
        request.session.update({"user_id": person.id})
        return True

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        user_id = request.session.get("user_id")
        if user_id is None:
            return False
        async with self._sessions() as session:
            if await self._allowed(session, await session.get(Person, user_id)):
                return True
        request.session.clear()
        return False
