"""Fixtures shared by the server tests."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.auth import service as auth_service
from server.domain.enums import Role

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def person(sessions: Sessions) -> int:
    async with sessions() as s, s.begin():
        ada = await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                             role=Role.PMO, password="correct-horse")
        return ada.id  # type: ignore[return-value]
