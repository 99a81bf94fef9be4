"""Security headers on every response, built with the ``secure`` library, per kind of route.

- The API (GraphQL, CSV exports, health): ``nosniff``, no referrer, never framed, a CSP that
  allows nothing (a JSON answer loads nothing), and ``Cache-Control: no-store`` on GraphQL and
  exports, which carry a caller's data.
- The console (``/admin``): referrers only to itself (its POSTs are checked for their origin),
  a strict CSP for its own local assets; the one inline script
  SQLAdmin renders (the flash-message toasts) is allowed by its hash, computed from the
  installed template so an upgrade cannot silently break it. Pages are ``no-store``; its
  static files may be cached.
- HSTS whenever the request came over https (directly or as ``X-Forwarded-Proto`` through
  uvicorn's proxy headers).
- In development the GraphiQL page (HTML on ``GET /graphql``): a CSP for its own assets,
  served by the app at /graphiql/ (GraphiQL styles its editors inline).
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import secure
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = ("/graphql", "/export/")


@cache
def _flash_script_hash() -> str | None:
    """The CSP hash of the inline script in SQLAdmin's flash.html, or None if it has none."""
    import sqladmin

    template = Path(sqladmin.__file__).parent / "templates" / "sqladmin" / "flash.html"
    found = re.search(r"<script>(.*?)</script>", template.read_text(), re.S)
    if found is None:
        return None
    digest = hashlib.sha256(found.group(1).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _common() -> dict[str, object]:
    return {"xcto": secure.XContentTypeOptions(),
            "referrer": secure.ReferrerPolicy().no_referrer(),
            "xfo": secure.XFrameOptions().deny()}


@cache
def _headers(kind: str, https: bool) -> list[tuple[bytes, bytes]]:
    options = _common()
    if kind in ("console", "static"):
        # The console's forms are checked for their Origin (admin/auth.py): with no-referrer
        # a browser sends "Origin: null" on a form POST. same-origin keeps both to ourselves.
        options["referrer"] = secure.ReferrerPolicy().same_origin()
    if kind == "console":
        scripts = ["'self'", *filter(None, [_flash_script_hash()])]
        options["csp"] = (secure.ContentSecurityPolicy().default_src("'self'")
                          .script_src(*scripts).style_src("'self'", "'unsafe-inline'")
                          .img_src("'self'", "data:").font_src("'self'", "data:")
                          .object_src("'none'").base_uri("'self'").form_action("'self'")
                          .frame_ancestors("'none'"))
    elif kind == "ide":
        options["csp"] = (secure.ContentSecurityPolicy().default_src("'self'")
                          .script_src("'self'").style_src("'self'", "'unsafe-inline'")
                          .img_src("'self'", "data:").font_src("'self'", "data:")
                          .connect_src("'self'").object_src("'none'").base_uri("'self'")
                          .form_action("'self'").frame_ancestors("'none'"))
    else:
        options["csp"] = (secure.ContentSecurityPolicy().default_src("'none'")
                          .frame_ancestors("'none'"))
    if kind in ("private", "console"):
        options["cache"] = secure.CacheControl().no_store()
    if https:
        options["hsts"] = secure.StrictTransportSecurity().max_age(31536000) \
            .include_subdomains()
    headers = secure.Secure(**options).headers  # type: ignore[arg-type]
    return [(name.lower().encode(), value.encode()) for name, value in headers.items()]


def _kind(path: str, html: bool) -> str:
    if path.startswith("/admin"):
        return "static" if path.startswith("/admin/statics/") else "console"
    if html and path == "/graphql":
        return "ide"  # only served outside production
    return "private" if path.startswith(NO_STORE) else "public"


class SecurityHeaders:
    """Add the headers of the route's kind to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = list(message.get("headers") or [])
                names = {name.lower() for name, _ in existing}
                content_type = dict(existing).get(b"content-type", b"")
                kind = _kind(path, content_type.startswith(b"text/html"))
                extra = [(name, value) for name, value in _headers(kind, https)
                         if name not in names]
                message = {**message, "headers": existing + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)
