"""Console login: email and password of a person who holds the ``pmo`` role."""

from __future__ import annotations

import sqlalchemy as sa
from sqladmin.authentication import AuthenticationBackend
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from server.domain.auth import roles
from server.domain.auth.passwords import verify_password
from server.domain.enums import Role
from server.domain.organisation.models import Person


class ConsoleAuth(AuthenticationBackend):
    """Session-cookie login for the console; only active PMO people get in."""

    def __init__(self, secret_key: str, sessions: async_sessionmaker[AsyncSession], *,
                 https_only: bool) -> None:
        super().__init__(secret_key=secret_key, https_only=https_only, same_site="strict")
        self._sessions = sessions

    async def login(self, request: Request) -> bool:
        form = await request.form()
        email = str(form.get("username", "")).strip().lower()
        password = str(form.get("password", ""))
        async with self._sessions() as session:
            person = (
                await session.exec(sa.select(Person).where(Person.email == email))  # type: ignore[call-overload]
            ).scalar_one_or_none()
            if person is None or not person.active:
                return False
            if not verify_password(password, person.password_hash):
                return False
            if Role.PMO not in await roles.roles_of(session, person_id=person.id):  # type: ignore[arg-type]
                return False
        request.session.update({"user_id": person.id})
        return True

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        return request.session.get("user_id") is not None
