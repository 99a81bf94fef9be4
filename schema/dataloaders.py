"""Per-request DataLoaders: one SQL statement per relation level, never one per row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from server.domain.sql import among

M = TypeVar("M", bound=SQLModel)


class RowByIdLoader(DataLoader[int, M | None], Generic[M]):
    """Rows of one table by primary key, batched into ``WHERE id IN (...)``."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], model: type[M]) -> None:
        super().__init__(load_fn=self._load)
        self._sessions = sessions
        self._model = model

    async def _load(self, ids: Sequence[int]) -> list[M | None]:
        model: Any = self._model
        async with self._sessions() as session:
            statement = sa.select(model).where(among(model.id, ids))
            rows = (await session.exec(statement)).scalars().all()  # type: ignore[call-overload]
        by_id = {row.id: row for row in rows}
        return [by_id.get(i) for i in ids]


Check = Callable[[AsyncSession, Any], Awaitable[Any]]


def state_allows(loaders: Loaders, name: str, sessions: async_sessionmaker[AsyncSession],
                 refusal: Check) -> DataLoader[Any, bool]:
    """Whether ``refusal(session, row)`` (a service's rule: why its state refuses an action,
    or None) lets each row a request asks about through, in one session per batch rather
    than one per row: the ``viewerCan*`` flags of a list."""
    def build() -> DataLoader[Any, bool]:
        async def load(rows: Sequence[Any]) -> list[bool]:
            async with sessions() as session:
                return [await refusal(session, row) is None for row in rows]
        # Not cached: a state can change between two mutations of one request.
        return DataLoader(load_fn=load, cache=False)
    return loaders.keyed(("state_allows", name), build)  # type: ignore[no-any-return]


class Loaders:
    """The loaders of one request, created on first use."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._by_id: dict[type[SQLModel], RowByIdLoader[Any]] = {}
        self._keyed: dict[Hashable, DataLoader[Any, Any]] = {}

    def by_id(self, model: type[M]) -> RowByIdLoader[M]:
        """The by-id loader for ``model``."""
        loader = self._by_id.get(model)
        if loader is None:
            loader = self._by_id[model] = RowByIdLoader(self._sessions, model)
        return loader

    def keyed(self, key: Hashable, build: Callable[[], DataLoader[Any, Any]]) -> Any:
        """The loader stored under ``key``, built on first use (e.g. one per nested page args)."""
        loader = self._keyed.get(key)
        if loader is None:
            loader = self._keyed[key] = build()
        return loader
