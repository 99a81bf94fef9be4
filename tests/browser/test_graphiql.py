"""GraphiQL as a frontend developer meets it, in a real browser with no internet: the page
loads from the app alone, says how to pass a token, and runs a query with one."""

from __future__ import annotations

import json
from urllib.parse import urlparse

from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.conftest import LiveServer


def _open(browser: Browser, server: LiveServer) -> tuple[Page, list[str], list[str]]:
    """The page, the requests that left the app's origin (all refused, as offline), and the
    console errors (a CSP refusal is one)."""
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    origin = urlparse(server.base).netloc

    def only_ours(route, request: Request) -> None:  # noqa: ANN001 - playwright's Route
        if urlparse(request.url).netloc == origin:
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    page.route("**/*", only_ours)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.base}/graphql")
    return page, outside, errors


def test_graphiql_loads_offline_and_explains_the_token(browser: Browser,
                                                       live_server: LiveServer) -> None:
    page, outside, errors = _open(browser, live_server)
    # then the editor is up, with the help above it and the headers editor open
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)
    expect(page.locator("#pmo-help")).to_contain_text("Authorization")
    expect(page.locator("#pmo-help")).to_contain_text("pmo token")
    expect(page.locator(".graphiql-editor-tool .CodeMirror").last).to_contain_text(
        "Authorization")
    # and nothing was fetched from elsewhere, and nothing failed
    assert outside == []
    assert errors == []
    page.context.close()


def test_a_query_with_a_pasted_token_answers(browser: Browser, live_server: LiveServer) -> None:
    page, outside, errors = _open(browser, live_server)
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)
    token = live_server.token("pm.alice@example.com")
    # when the developer pastes the token into the headers editor and runs the query
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    page.evaluate("""(text) => {
        const editors = document.querySelectorAll('.graphiql-editor-tool .CodeMirror');
        editors[editors.length - 1].CodeMirror.setValue(text);
    }""", headers)
    page.evaluate("""(text) => {
        document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text);
    }""", "{ viewer { fullName roles } }")
    page.locator(".graphiql-execute-button").click()
    # then the response pane shows the viewer
    result = page.locator(".graphiql-response .CodeMirror")
    expect(result).to_contain_text("Alice", timeout=20_000)
    expect(result).to_contain_text('"pm"')
    # and the schema was loaded with the token: the docs list the root fields
    page.locator('[aria-label="Show Documentation Explorer"]').click()
    expect(page.locator(".graphiql-doc-explorer")).to_contain_text("ProjectConnection",
                                                                   timeout=20_000)
    assert outside == []
    assert errors == []
    page.context.close()


def test_without_a_token_the_answer_says_so(browser: Browser, live_server: LiveServer) -> None:
    page, _outside, _errors = _open(browser, live_server)
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)
    page.evaluate("""() => {
        const editors = document.querySelectorAll('.graphiql-editor-tool .CodeMirror');
        editors[editors.length - 1].CodeMirror.setValue('{}');
    }""")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response .CodeMirror")).to_contain_text(
        "No token yet", timeout=20_000)
    page.context.close()
