"""SQL statements per GraphQL request, counted in-process with the debug statistics.

Reads a JSON job from standard input::

    {"database_url": "...", "email": "pm.alice@example.com",
     "operations": [{"name": "board", "query": "...", "variables": {...}}, ...]}

serves each operation once through the ASGI app built with ``debug=True`` (which adds
``extensions.sql = {statements, ms}`` to every response), after one warm-up request, and
prints one JSON object: ``{name: {"statements": n, "ms": t, "errors": [...]}}``. ``bench/load.py``
runs it in a subprocess so that the load driver never imports the application.

    echo '{...}' | .venv/bin/python bench/sql_counts.py
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from typing import Any

import httpx2
import sqlalchemy as sa

from server.app import create_app
from server.db import create_engine
from server.domain.auth.tokens import mint
from server.domain.models import Person
from server.settings import DEMO_SECRET_KEY, load_settings


async def person_id(url: str, email: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(sa.select(Person.id).where(  # type: ignore[call-overload]
                Person.email == email))).scalar_one())
    finally:
        await engine.dispose()


async def count(job: dict[str, Any]) -> dict[str, Any]:
    url = job["database_url"]
    token = mint(await person_id(url, job["email"]), secret=DEMO_SECRET_KEY,
                 ttl=timedelta(hours=1))
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(load_settings(database_url=url, debug=True, env="development",
                               secret_key=DEMO_SECRET_KEY))
    results: dict[str, Any] = {}
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://bench",
                                     timeout=None) as client:
            warm_up = {"query": "query { apiVersion }"}
            await client.post("/graphql", json=warm_up, headers=headers)
            for operation in job["operations"]:
                body = {"query": operation["query"], "variables": operation.get("variables")}
                answer = (await client.post("/graphql", json=body, headers=headers)).json()
                sql = (answer.get("extensions") or {}).get("sql") or {}
                results[operation["name"]] = {
                    "statements": sql.get("statements"),
                    "ms": sql.get("ms"),
                    "errors": [e.get("message") for e in answer.get("errors") or []],
                }
    return results


def main() -> None:
    job = json.load(sys.stdin)
    print(json.dumps(asyncio.run(count(job))))


if __name__ == "__main__":
    main()
