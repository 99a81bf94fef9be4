"""Driving the console as a browser does: every POST and DELETE from the console's own origin
with the form token of the signed session (admin/auth.py)."""

from __future__ import annotations

import re
from typing import Any

import httpx2

TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


async def form_token(client: httpx2.AsyncClient, page: str = "/admin/login") -> str:
    """The form token the console's pages carry now for this client's session."""
    response = await client.get(page)
    found = TOKEN.search(response.text)
    assert found is not None, response.text[:500]
    return found.group(1)


def origin(client: httpx2.AsyncClient) -> dict[str, str]:
    return {"Origin": str(client.base_url).rstrip("/")}


async def sign_in(client: httpx2.AsyncClient, email: str, password: str) -> httpx2.Response:
    token = await form_token(client)
    return await client.post("/admin/login", headers=origin(client), data={
        "username": email, "password": password, "csrf_token": token})


async def post(client: httpx2.AsyncClient, url: str, data: dict[str, Any],
               **headers: str) -> httpx2.Response:
    """A form POST as the console's page sends it (token from the console's home page)."""
    token = await form_token(client, "/admin/")
    return await client.post(url, headers={**origin(client), **headers},
                             data={**data, "csrf_token": token})


async def delete(client: httpx2.AsyncClient, url: str) -> httpx2.Response:
    """A DELETE as the console's script sends it (the token in a header)."""
    token = await form_token(client, "/admin/")
    return await client.delete(url, headers={**origin(client), "X-CSRF-Token": token})
