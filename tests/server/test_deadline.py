"""A GraphQL request past its deadline is cancelled and answered 504 TIMEOUT; other routes
and quick requests are untouched."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.app import create_app
from server.deadline import Deadline
from server.domain.auth.tokens import mint
from server.settings import DEMO_SECRET_KEY, load_settings

finished: list[str] = []


async def slow(request: Request) -> JSONResponse:
    await asyncio.sleep(float(request.query_params.get("s", "0")))
    finished.append(request.url.path)
    return JSONResponse({"data": {"ok": True}})


def client_for(seconds: float) -> httpx2.AsyncClient:
    app = Starlette(routes=[Route("/graphql", slow), Route("/export/x.csv", slow)])
    wrapped = Deadline(app, seconds)
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=wrapped),
                             base_url="http://testserver")


async def test_a_request_past_its_deadline_is_cancelled_and_answered_504() -> None:
    finished.clear()
    async with client_for(0.05) as client:
        late = await client.get("/graphql", params={"s": "5"})
        assert late.status_code == 504
        assert late.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
        quick = await client.get("/graphql", params={"s": "0"})
        assert quick.status_code == 200
        # streamed exports and other routes have no deadline
        export = await client.get("/export/x.csv", params={"s": "0.2"})
        assert export.status_code == 200
    assert finished == ["/graphql", "/export/x.csv"]  # the late one never finished


async def test_the_app_applies_the_setting(db_url: str) -> None:
    app = create_app(load_settings(database_url=db_url, request_timeout=1e-6))
    token = mint(1, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            answer = await c.post("/graphql", json={"query": "{ apiVersion }"},
                                  headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 504
            assert answer.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
            assert (await c.get("/healthz")).status_code == 200
