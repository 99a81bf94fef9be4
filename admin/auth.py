"""Console sign-in: email and password of an active person the enforcer lets maintain the PMO
(the ``pmo`` role by default), checked again on every request.

- Sessions are server-side (``ConsoleSignIn`` rows): the signed cookie holds a random token
  whose hash names the row. Signing out deletes it, so the old cookie is worthless; so do
  deactivating the person (``organisation.service``), the idle timeout and the absolute one.
- Every POST, PUT, PATCH and DELETE must come from the console's own origin (``Origin``, else
  ``Referer``) and carry the form token of the signed session cookie (a hidden field, or the
  ``X-CSRF-Token`` header for the console's script). A forged request is refused before it
  is read any further, and changes nothing.
- Failed sign-ins are throttled per client address and per account (``server.rate_limit``);
  an unknown email costs the same password hashing as a known one, off the event loop.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqladmin.authentication import AuthenticationBackend
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from policies.enforcer import Authorizer
from policies.resources import Resource, Subject
from server import metrics
from server.domain.auth import roles
from server.domain.auth import service as auth_service
from server.domain.auth.models import ConsoleSignIn
from server.domain.auth.passwords import check_password
from server.domain.base import utcnow
from server.domain.organisation.models import Person
from server.rate_limit import Budgets

CONSOLE_RIGHT = ("update", Resource("reference_data"))
COOKIE = "pmo_console"
SESSION_TOKEN = "sign_in"
FORM_TOKEN = "csrf"
FORM_FIELD = "csrf_token"
FORM_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LAST_SEEN_EVERY = timedelta(minutes=1)
"""How stale ``last_seen_at`` may get before a request writes it again."""
NOT_PMO = ("The console is for the PMO: your account does not hold the PMO role. Use the API "
           "with a token, or ask the PMO for access.")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(request: Request) -> str:
    """The form token of this browser's session (made on first use): put in every form."""
    token = request.session.get(FORM_TOKEN)
    if not isinstance(token, str):
        token = request.session[FORM_TOKEN] = secrets.token_urlsafe(32)
    return token


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


async def forged(request: Request) -> str | None:
    """Why an unsafe request is refused as possibly forged, or None for a safe method or a
    request from the console's own page."""
    if request.method not in UNSAFE:
        return None
    own = _own_origin(request)
    origin = request.headers.get("origin")
    referer = request.headers.get("referer")
    if origin is not None:
        if origin != own:
            return "it came from another site"
    elif referer is None or not (referer == own or referer.startswith(own + "/")):
        return "it did not come from a console page"
    expected = request.session.get(FORM_TOKEN)
    sent: Any = request.headers.get(FORM_HEADER)
    if sent is None:
        sent = (await request.form()).get(FORM_FIELD)
    if not (isinstance(expected, str) and isinstance(sent, str)
            and hmac.compare_digest(sent, expected)):
        return "its form token is missing or out of date"
    return None


class ConsoleAuth(AuthenticationBackend):
    """Server-side sessions for the console, decided by the one enforcer."""

    def __init__(self, secret_key: str, sessions: async_sessionmaker[AsyncSession],
                 authorizer: Callable[[], Authorizer], *, https_only: bool,
                 budgets: Callable[[], Budgets | None] = lambda: None,
                 idle: timedelta = timedelta(minutes=30),
                 lifetime: timedelta = timedelta(hours=12)) -> None:
        super().__init__(secret_key=secret_key, https_only=https_only, same_site="strict",
                         session_cookie=COOKIE, max_age=int(lifetime.total_seconds()))
        self._sessions = sessions
        self._authorizer = authorizer
        self._budgets = budgets
        self._idle = idle
        self._lifetime = lifetime
        self.templates: Any = None  # the console's templates, set once the console exists

    async def _subject(self, session: AsyncSession, person: Person | None) -> Subject | None:
        """The person as the enforcer knows them, if they may use the console now."""
        if person is None or not person.active or person.id is None:
            return None
        held = await roles.roles_of(session, person_id=person.id)
        subject = Subject(person.id, frozenset(r.value for r in held))
        action, resource = CONSOLE_RIGHT
        return subject if self._authorizer().can(subject, action, resource) else None

    async def _page(self, request: Request, template: str, status: int,
                    **context: Any) -> Response:
        response: Response = await self.templates.TemplateResponse(
            request, template, context, status_code=status)
        return response

    async def refused(self, request: Request, why: str) -> Response:
        """403 for a request that may be forged: nothing was read or changed."""
        return await self._page(request, "sqladmin/error.html", 403, status_code=403,
                                message=f"Refused: {why}. Reload the page and try again.")

    async def login(self, request: Request) -> bool | Response:  # type: ignore[override]
        why = await forged(request)
        if why is not None:
            return await self.refused(request, why)
        form = await request.form()
        email = str(form.get("username", "")).strip().lower()
        password = str(form.get("password", ""))
        budgets = self._budgets()
        address = "console:" + (request.client.host if request.client else "unknown")
        wait = budgets is not None and (await budgets.exhausted("address", address)
                                        or await budgets.exhausted("account", email))
        if wait:
            # Throttled: not checked, so a flood of attempts costs as little as possible.
            metrics.refused("console_sign_in")
            response = await self._page(
                request, "sqladmin/login.html", 429,
                refusal=f"Too many failed sign-ins: try again in {wait} seconds.")
            response.headers["Retry-After"] = str(wait)
            return response
        async with self._sessions() as session, session.begin():
            try:
                person = await auth_service.get_by_email(session, email=email)
            except auth_service.UserError:
                person = None
            # The same hashing work whether or not the account exists (check_password).
            matches = await check_password(password, person.password_hash if person else None)
            if not matches or person is None or not person.active:
                if budgets is not None:
                    await budgets.spend("address", address)
                    await budgets.spend("account", email)
                return False
            if await self._subject(session, person) is None:
                return await self._page(request, "sqladmin/login.html", 403, refusal=NOT_PMO)
            token = secrets.token_urlsafe(32)
            now = utcnow()
            session.add(ConsoleSignIn(
                person_id=person.id, token_hash=_hash(token), last_seen_at=now,  # type: ignore[arg-type]
                address=request.client.host[:64] if request.client else None,
                user_agent=(request.headers.get("user-agent") or "")[:200] or None))
        # A new session and a new form token: nothing from before signing in carries over.
        request.session.clear()
        request.session[SESSION_TOKEN] = token
        request.session[FORM_TOKEN] = secrets.token_urlsafe(32)
        return True

    async def logout(self, request: Request) -> bool:
        token = request.session.get(SESSION_TOKEN)
        if isinstance(token, str):
            async with self._sessions() as session, session.begin():
                await session.exec(sa.delete(ConsoleSignIn).where(  # type: ignore[call-overload]
                    ConsoleSignIn.token_hash == _hash(token)))
        request.session.clear()
        return False  # to the sign-in page

    async def authenticate(self, request: Request) -> bool | Response:  # type: ignore[override]
        token = request.session.get(SESSION_TOKEN)
        if not isinstance(token, str):
            return False
        why = await forged(request)
        if why is not None:
            return await self.refused(request, why)
        now = utcnow()
        async with self._sessions() as session, session.begin():
            sign_in = (await session.exec(sa.select(ConsoleSignIn).where(  # type: ignore[call-overload]
                ConsoleSignIn.token_hash == _hash(token)))).scalars().first()
            person = None if sign_in is None else await session.get(Person, sign_in.person_id)
            subject = await self._subject(session, person)
            if (sign_in is None or subject is None or now - sign_in.created_at > self._lifetime
                    or now - sign_in.last_seen_at > self._idle):
                if sign_in is not None:
                    await session.delete(sign_in)
                request.session.clear()
                return False
            if now - sign_in.last_seen_at > LAST_SEEN_EVERY:
                sign_in.last_seen_at = now
            request.state.console_person_id = sign_in.person_id
            request.state.console_subject = subject
        return True

    async def get_user_id(self, request: Request) -> Any:
        return getattr(request.state, "console_person_id", None)
