"""The console as a PMO admin meets it, in Debian's Chromium: sign in, build a governance
template on one screen, see it through GraphQL and apply it, change a person's roles and see
the API honour them, keep a document template's line breaks through renderDocument, be
refused deleting a template in use; a PM refused, a signed-out cookie worthless, a forged POST
changing nothing. Screenshots go to .artifacts/ (PMO_ARTIFACTS)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx2
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ROOT, LiveServer

ARTIFACTS = Path(os.environ.get("PMO_ARTIFACTS", ROOT / ".artifacts"))
PMO = ("pmo.admin@example.com", "demo-password")


def signed_in(browser: Browser, server: LiveServer, who: tuple[str, str] = PMO) -> Page:
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.base}/admin/login")
    page.fill("#email", who[0])
    page.fill("#password", who[1])
    page.click("button[type=submit]")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def graphql(server: LiveServer, query: str, email: str = PMO[0],
            **variables: Any) -> dict[str, Any]:
    token = server.token(email)
    answer = httpx2.post(f"{server.base}/graphql", json={"query": query, "variables": variables},
                         headers={"Authorization": f"Bearer {token}"})
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_home_page_is_the_pmo_dashboard(browser: Browser, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server)
    expect(page.locator("#health-chart")).to_be_visible()
    expect(page.locator("#heat-chart")).to_be_visible()
    expect(page.locator("#waiting")).to_contain_text("Decisions waiting")
    shot(page, "dashboard")
    # a number is a link to the rows behind it
    page.locator("#heat-chart a").first.click()
    expect(page.locator("#drill tbody tr").first).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_governance_template_built_on_one_screen_is_applied_through_the_api(
    browser: Browser, live_server: LiveServer,
) -> None:
    page = signed_in(browser, live_server)
    expect(page).to_have_url(f"{live_server.base}/admin/")
    # a new template
    page.goto(f"{live_server.base}/admin/governance-template/create")
    page.fill("#name", "Browser gates")
    page.fill("#methodology", "Hybrid")
    page.click("text=Save")
    # its gates and checklists, on one screen
    page.goto(f"{live_server.base}/admin/governance-editor")
    page.click("text=Browser gates")
    for g, (name, items) in enumerate([("Idea", ["Problem statement", "Sponsor named"]),
                                       ("Plan", ["Schedule baselined"]),
                                       ("Close", ["Lessons recorded"])]):
        page.click("#add-gate")
        gate = page.locator(".gate").nth(g)
        gate.locator(".gate-name").fill(name)
        for i, text in enumerate(items):
            gate.locator("[data-action=item-add]").click()
            page.locator(".gate").nth(g).locator(".item-text").nth(i).fill(text)
    page.locator(".gate").nth(1).locator(".gate-role").select_option("pmo")
    page.locator(".gate").nth(1).locator(".gate-baseline").check()
    # move Close up and back down again: the order survives the round trip
    page.locator(".gate").nth(2).locator("[data-action=gate-up]").click()
    page.locator(".gate").nth(1).locator("[data-action=gate-down]").click()
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator(".gate-name")).to_have_count(3)
    shot(page, "template-editor")
    assert page.errors == []  # type: ignore[attr-defined]
    # seen through GraphQL, and applied to a project that has no gates yet
    templates = graphql(live_server, """{ governanceTemplates(first: 50) { nodes { id name
      gates { name approverRole takesBaseline checklist { text } } } } }""")
    [made] = [t for t in templates["governanceTemplates"]["nodes"] if t["name"] == "Browser gates"]
    assert [(g["name"], g["approverRole"], g["takesBaseline"]) for g in made["gates"]] == [
        ("Idea", "EXECUTIVE", False), ("Plan", "PMO", True), ("Close", "EXECUTIVE", False)]
    assert [i["text"] for i in made["gates"][0]["checklist"]] == [
        "Problem statement", "Sponsor named"]
    portfolio = graphql(live_server, "{ portfolios(first: 1) { nodes { id } } }")
    created = graphql(live_server, """mutation($pf: ID!, $t: ID!) { createProject(input: {
      name: "Browser project", portfolioId: $pf, governanceTemplateId: $t}) {
        project { gates { nodes { name checklist { nodes { text } } } } }
        userErrors { message } } }""", pf=portfolio["portfolios"]["nodes"][0]["id"],
                      t=made["id"])["createProject"]
    assert created["userErrors"] == []
    assert [g["name"] for g in created["project"]["gates"]["nodes"]] == ["Idea", "Plan", "Close"]


def test_roles_changed_in_the_console_are_honoured_by_the_api(
    browser: Browser, live_server: LiveServer,
) -> None:
    email = "bi.reader@example.com"
    assert graphql(live_server, "{ viewer { roles } }", email)["viewer"]["roles"] == ["analyst"]
    page = signed_in(browser, live_server)
    page.goto(f"{live_server.base}/admin/person/list?search=bi.reader")
    page.locator("a[title=Edit], a:has(.fa-pen-to-square)").first.click()
    page.select_option("#roles", ["analyst", "executive"])
    page.click("text=Save")
    expect(page.locator("text=Edit Person")).to_have_count(0)
    assert graphql(live_server, "{ viewer { roles } }", email)["viewer"]["roles"] == [
        "analyst", "executive"]


def test_a_document_template_keeps_its_line_breaks_through_render_document(
    browser: Browser, live_server: LiveServer,
) -> None:
    page = signed_in(browser, live_server)
    page.goto(f"{live_server.base}/admin/document-template/create")
    page.fill("#name", "Browser charter")
    page.select_option("#kind", "CHARTER")
    body = "# {{project.name}}\n\nManager: {{project.manager}}\n\n- first\n- second"
    page.fill("#body", body)
    page.click("text=Save")
    expect(page).to_have_url(f"{live_server.base}/admin/document-template/list")
    data = graphql(live_server, """{ documentTemplates(first: 50) { nodes { id name } }
      projects(first: 1) { nodes { id name manager { fullName } } } }""")
    [template] = [t for t in data["documentTemplates"]["nodes"]
                  if t["name"] == "Browser charter"]
    project = data["projects"]["nodes"][0]
    rendered = graphql(live_server, """query($p: ID!, $t: ID!) { renderDocument(projectId: $p,
      templateId: $t) { markdown } }""", p=project["id"], t=template["id"])
    assert rendered["renderDocument"]["markdown"] == (
        f"# {project['name']}\n\nManager: {project['manager']['fullName']}\n\n"
        "- first\n- second")


def test_deleting_a_template_in_use_is_refused_in_words(browser: Browser,
                                                        live_server: LiveServer) -> None:
    page = signed_in(browser, live_server)
    page.goto(f"{live_server.base}/admin/governance-template/list")
    row = page.locator("tbody tr", has_text="Standard Stage-Gate")
    row.locator("a[data-bs-target='#modal-delete']").click()
    page.click("#modal-delete-button")
    expect(page.locator("body")).to_contain_text("Governance template Standard Stage-Gate is "
                                                 "still used by")
    expect(page.locator("body")).to_contain_text("Retire it instead")
    expect(page.locator("tbody tr", has_text="Standard Stage-Gate")).to_have_count(1)


def test_a_pm_is_told_the_console_is_for_the_pmo(browser: Browser,
                                                  live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, ("pm.alice@example.com", "demo-password"))
    expect(page.locator("#refusal")).to_contain_text("The console is for the PMO")


def test_signing_out_makes_the_old_cookie_worthless(browser: Browser,
                                                    live_server: LiveServer) -> None:
    page = signed_in(browser, live_server)
    cookies = page.context.cookies()
    page.goto(f"{live_server.base}/admin/logout")
    expect(page).to_have_url(f"{live_server.base}/admin/login")
    replay = browser.new_context()
    replay.add_cookies(cookies)  # type: ignore[arg-type]
    again = replay.new_page()
    again.goto(f"{live_server.base}/admin/")
    expect(again).to_have_url(f"{live_server.base}/admin/login")


def test_a_forged_post_without_the_token_changes_nothing(browser: Browser,
                                                         live_server: LiveServer) -> None:
    page = signed_in(browser, live_server)
    before = graphql(live_server, "{ projectTypes(first: 100) { totalCount } }")
    answer = page.request.post(f"{live_server.base}/admin/project-type/create",
                               form={"code": "FORGED", "name": "Forged", "active": "y"},
                               headers={"Origin": live_server.base})
    assert answer.status == 403
    after = graphql(live_server, "{ projectTypes(first: 100) { totalCount } }")
    assert after == before
