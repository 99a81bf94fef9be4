"""Searching lessons: full text (FTS5 on SQLite, tsvector on PostgreSQL) ranked best match
first, safe with any input, combined with the other filters, paged over the ranking, kept in
step with inserts, updates and deletes; the portfolio filter."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa

from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.enums import LessonImpact
from server.domain.models import Lesson, Portfolio, Project
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.conftest import Api, World, codes
from tests.schema.resource.conftest import Sessions, add

SEARCH = """
query($filter: LessonFilter, $orderBy: [LessonOrder!], $first: Int, $after: String,
      $last: Int, $before: String) {
  lessons(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last,
          before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { title }
  }
}"""

ADD = """
mutation($input: AddLessonInput!) {
  addLesson(input: $input) { lesson { id } userErrors { code } }
}"""

PROJECTS = """
query($filter: LessonFilter) {
  projects(first: 10) {
    nodes { code lessons(filter: $filter) { totalCount nodes { title } } }
  }
}"""


def lesson(project: int, title: str, what_happened: str = "It happened.",
           recommendation: str = "Do better.", category: str = "General",
           impact: LessonImpact = LessonImpact.NEGATIVE, tags: list[str] | None = None,
           ) -> Lesson:
    return Lesson(project_id=project, title=title, category=category, impact=impact,
                  what_happened=what_happened, recommendation=recommendation, tags=tags or [])


@pytest.fixture
async def other_project(sessions: Sessions, world: World) -> tuple[int, int]:
    """A second portfolio with one project of its own: (portfolio id, project id)."""
    [portfolio] = await add(sessions, Portfolio(code="PF-2", name="Run", owner_id=world.people[
        "dave"], budget=Decimal("1000.00")))
    [project] = await add(sessions, Project(code="PRJ-0009", name="Gamma", portfolio_id=portfolio,
                                            manager_id=world.people["bob"]))
    return portfolio, project


@pytest.fixture
async def shelf(sessions: Sessions, world: World, other_project: tuple[int, int]) -> None:
    """Five lessons, in this id order, on three projects and two portfolios."""
    alice, bob, gamma = world.alice_project, world.bob_project, other_project[1]
    await add(sessions,
              lesson(alice, "Contract review", "The vendor was late with the contract."),
              lesson(alice, "Estimating sprints", "Our estimates were optimistic.",
                     "Plan buffers.", category="Planning"),
              lesson(bob, "Team morale", "Retrospectives helped.", tags=["vendors"],
                     impact=LessonImpact.POSITIVE),
              lesson(bob, "Vendor onboarding", "Onboarding took a month.",
                     category="Procurement"),
              lesson(gamma, "Vendor exit", "Exit clauses saved us.", category="Procurement",
                     impact=LessonImpact.POSITIVE))


async def found(api: Api, filter: dict[str, Any] | None = None, who: str = "ana",
                **arguments: Any) -> list[str]:
    result = await api(who, SEARCH, filter=filter, **arguments)
    assert "errors" not in result, result["errors"]
    lessons = result["data"]["lessons"]
    titles = [n["title"] for n in lessons["nodes"]]
    if arguments.get("first") is None and arguments.get("last") is None:
        assert lessons["totalCount"] == len(titles)
    return titles


async def test_a_word_in_the_title_ranks_above_the_same_word_once_in_the_text(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given a lesson with escalation in its title, then a newer one with it in its text
    await add(sessions, lesson(world.alice_project, "Escalation path", "Nobody knew whom."))
    await add(sessions, lesson(world.alice_project, "Weekly steering", "An escalation came."))
    # when searching without an order, then the title match comes first (not newest first)
    assert await found(api, {"search": "escalation"}) == ["Escalation path", "Weekly steering"]
    # and RELEVANCE can be asked for either way (ASC is not id order: the ranks differ)
    assert await found(api, {"search": "escalation"},
                       orderBy=[{"field": "RELEVANCE", "direction": "ASC"}]) == [
        "Weekly steering", "Escalation path"]
    # and another order still applies to the matches only
    assert await found(api, {"search": "escalation"},
                       orderBy=[{"field": "TITLE", "direction": "DESC"}]) == [
        "Weekly steering", "Escalation path"]


@pytest.mark.parametrize(
    ("search", "titles"),
    [
        # stemming: any form of a word finds the others
        ("estimating", ["Estimating sprints"]),
        ("estimate", ["Estimating sprints"]),
        ("planned", ["Estimating sprints"]),
        # every word must appear, in any column
        ("vendor late", ["Contract review"]),
        ("late vendor", ["Contract review"]),
        ("vendor onboarding month", ["Vendor onboarding"]),
        ("vendor unicorn", []),
        # the last word may be the start of one
        ("onboard", ["Vendor onboarding"]),
        ("retro", ["Team morale"]),
        # category and tags are searched too
        ("procurement exit", ["Vendor exit"]),
        ("vendors morale", ["Team morale"]),
        # case does not matter
        ("CONTRACT", ["Contract review"]),
    ],
)
async def test_every_word_must_match_in_some_form(
    api: Api, shelf: None, search: str, titles: list[str]
) -> None:
    assert await found(api, {"search": search}, orderBy=[{"field": "TITLE"}]) == titles


async def test_searching_vendor_ranks_titles_first_then_tags_and_text(
    api: Api, shelf: None
) -> None:
    titles = await found(api, {"search": "vendor"})
    assert set(titles[:2]) == {"Vendor onboarding", "Vendor exit"}
    assert set(titles[2:]) == {"Contract review", "Team morale"}


VENDORS = ["Contract review", "Team morale", "Vendor exit", "Vendor onboarding"]


@pytest.mark.parametrize(
    ("search", "titles"),
    [
        ('"vendor"', VENDORS),
        ('"vendor', VENDORS),
        ("vendor*", VENDORS),
        ("-vendor", VENDORS),
        ("+vendor^", VENDORS),
        ("(vendor)", VENDORS),
        ("vendor:*", VENDORS),
        ("vendor NEAR", []),  # NEAR is just a word (none of the lessons has it)
        ("NEAR(vendor, late)", []),
        ("title:vendor", []),
        ("vendor | unicorn", []),
        ("unicorn OR vendor", []),
        ("' OR 1=1 --", []),
        ("a & b | !c <-> d", []),
        ("\\", []),
        ('"', []),
        ("***", []),
        ("() : - ^ \"\" ''", []),
        ("\tvendor\u200b", VENDORS),
        ("véndor ñ 東京", []),
    ],
)
async def test_any_input_is_a_clean_search_never_an_error(
    api: Api, shelf: None, search: str, titles: list[str]
) -> None:
    # Quotes, operators and punctuation are never syntax: they are word separators (or
    # words), so a search gives a result or nothing, and never an error.
    assert sorted(await found(api, {"search": search})) == titles


async def test_a_control_character_in_a_search_is_a_client_error(
    api: Api, shelf: None
) -> None:
    # NUL (which PostgreSQL refuses in any text) and the other C0 controls but tab and line
    # breaks are refused before anything runs, with a code that names the input
    result = await api("ana", SEARCH, filter={"search": "\x00vendor"})
    assert result.get("data") is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "variables.filter.search" in error["message"]


async def test_a_lone_surrogate_is_a_separator_not_a_driver_error(
    api: Api, shelf: None
) -> None:
    # httpx2 cannot encode a lone surrogate, so the JSON is written with it escaped
    body = json.dumps({"query": SEARCH, "variables": {"filter": {"search": "\ud800vendor"}}})
    response = await api.client.post("/graphql", content=body, headers={
        "Authorization": f"Bearer {api.token('ana')}", "Content-Type": "application/json"})
    result = response.json()
    assert "errors" not in result, result["errors"]
    assert sorted(n["title"] for n in result["data"]["lessons"]["nodes"]) == VENDORS


@pytest.mark.parametrize("search", ["", "   ", None])
async def test_a_blank_search_is_no_condition(
    api: Api, shelf: None, search: str | None
) -> None:
    assert len(await found(api, {"search": search})) == 5


async def test_a_search_with_no_letters_or_digits_finds_nothing(
    api: Api, shelf: None
) -> None:
    assert await found(api, {"search": "?!"}) == []
    assert await found(api, {"search": "?!"},
                       orderBy=[{"field": "RELEVANCE", "direction": "DESC"}]) == []


async def test_bad_search_arguments_are_bad_user_input(api: Api, shelf: None) -> None:
    for filter, order in [({"search": "x" * 201}, None),
                          ({}, [{"field": "RELEVANCE", "direction": "DESC"}]),
                          ({"search": "  "}, [{"field": "RELEVANCE"}])]:
        result = await api("ana", SEARCH, filter=filter, orderBy=order)
        assert codes(result) == ["BAD_USER_INPUT"], result
        assert result["data"] is None
    assert len(await found(api, {"search": "x" * 199 + " "})) == 0


async def test_search_combines_with_category_impact_tags_projects_and_portfolios(
    api: Api, world: World, shelf: None, other_project: tuple[int, int]
) -> None:
    portfolio = world.gid("Portfolio", world.portfolio)
    other = world.gid("Portfolio", other_project[0])
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"search": "vendor", "category": ["Procurement"]}, ["Vendor exit",
                                                             "Vendor onboarding"]),
        ({"search": "vendor", "impact": ["POSITIVE"]}, ["Team morale", "Vendor exit"]),
        ({"search": "vendor", "tags": ["VENDORS"]}, ["Team morale"]),
        ({"search": "vendor", "projectIds": [world.gid("Project", world.bob_project)]},
         ["Team morale", "Vendor onboarding"]),
        ({"search": "vendor", "portfolioIds": [other]}, ["Vendor exit"]),
        ({"search": "vendor", "portfolioIds": [portfolio]}, ["Contract review", "Team morale",
                                                              "Vendor onboarding"]),
        ({"portfolioIds": [other]}, ["Vendor exit"]),
        ({"portfolioIds": [portfolio, other]}, ["Contract review", "Estimating sprints",
                                                 "Team morale", "Vendor exit",
                                                 "Vendor onboarding"]),
        ({"portfolioIds": []}, []),
        ({"portfolioIds": [world.gid("Portfolio", 999)]}, []),
    ]
    for filter, titles in cases:
        assert sorted(await found(api, filter)) == titles, filter


@pytest.mark.parametrize("bad", ["Project", "garbage"])
async def test_a_foreign_or_broken_portfolio_id_is_bad_user_input(
    api: Api, world: World, shelf: None, bad: str
) -> None:
    value = world.gid("Project", world.alice_project) if bad == "Project" else "garbage"
    result = await api("ana", SEARCH, filter={"portfolioIds": [value]})
    assert codes(result) == ["BAD_USER_INPUT"]
    assert "portfolioIds" in result["errors"][0]["message"]


@pytest.fixture
async def ranked(sessions: Sessions, world: World) -> list[int]:
    """Seventeen lessons about risk, ranked in groups with ties (identical lessons)."""
    rows = []
    for i in range(17):
        title = "Risk review" if i % 4 == 0 else f"Review {i}"
        text = " ".join(["risk"] * (i % 3 + 1)) + " was discussed."
        rows.append(lesson(world.alice_project, title, text))
    rows.append(lesson(world.alice_project, "Unrelated", "Nothing to see."))
    return await add(sessions, *rows)


async def walk(api: Api, search: str, *, size: int, backwards: bool = False,
               order: list[dict[str, str]] | None = None) -> list[str]:
    """Page through the whole result, forwards or backwards; titles in list order."""
    seen: list[str] = []
    cursor: str | None = None
    while True:
        arguments: dict[str, Any] = (
            {"last": size, "before": cursor} if backwards else {"first": size, "after": cursor})
        result = await api("ana", SEARCH, filter={"search": search}, orderBy=order,
                           **arguments)
        assert "errors" not in result, result["errors"]
        page = result["data"]["lessons"]
        assert page["totalCount"] == 17
        titles = [n["title"] for n in page["nodes"]]
        seen = titles + seen if backwards else seen + titles
        info = page["pageInfo"]
        if not (info["hasPreviousPage"] if backwards else info["hasNextPage"]):
            return seen
        cursor = info["startCursor"] if backwards else info["endCursor"]


@pytest.mark.parametrize("order", [None, [{"field": "RELEVANCE", "direction": "ASC"}]])
async def test_paging_over_ranked_results_returns_each_match_once(
    api: Api, ranked: list[int], order: list[dict[str, str]] | None
) -> None:
    # given the whole ranked result in one page
    whole = await found(api, {"search": "risk"}, orderBy=order, first=100)
    assert len(whole) == 17
    if order is None:
        assert whole[:5] == ["Risk review"] * 5
    # when it is walked in pages of 4 forwards and of 3 backwards (cursors carry the rank)
    # then both walks see exactly the same rows in the same order
    assert await walk(api, "risk", size=4, order=order) == whole
    assert await walk(api, "risk", size=3, backwards=True, order=order) == whole


async def test_paging_by_titles_with_ranked_ties_returns_each_row_once(
    api: Api, ranked: list[int]
) -> None:
    titles = await walk(api, "risk", size=5, order=[{"field": "TITLE", "direction": "DESC"},
                                                    {"field": "RELEVANCE",
                                                     "direction": "DESC"}])
    assert titles == sorted(titles, reverse=True)
    assert len(titles) == 17


async def test_added_updated_and_deleted_lessons_are_searched_as_they_now_are(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given a lesson added through the API
    result = await api("alice", ADD, input={
        "projectId": world.gid("Project", world.alice_project), "title": "Kickoff workshop",
        "category": "Governance", "whatHappened": "Stakeholders met.",
        "recommendation": "Invite finance.", "impact": "POSITIVE", "tags": ["Café"]})
    assert result["data"]["addLesson"]["userErrors"] == []
    assert await found(api, {"search": "kickoff finance"}) == ["Kickoff workshop"]
    assert await found(api, {"search": "café"}) == ["Kickoff workshop"]
    # when its title and tags change, then the old words are gone and the new ones found
    async with sessions() as s, s.begin():
        await s.exec(sa.update(Lesson).values(title="Launch workshop", tags=["budget"]))  # type: ignore[call-overload]
    assert await found(api, {"search": "kickoff"}) == []
    assert await found(api, {"search": "café"}) == []
    assert await found(api, {"search": "launch budget"}) == ["Launch workshop"]
    # when a column that is not searched changes, then the search is unaffected
    async with sessions() as s, s.begin():
        await s.exec(sa.update(Lesson).values(impact=LessonImpact.NEGATIVE))  # type: ignore[call-overload]
    assert await found(api, {"search": "launch"}) == ["Launch workshop"]
    # when it is deleted, then nothing is found
    async with sessions() as s, s.begin():
        await s.exec(sa.delete(Lesson))  # type: ignore[call-overload]
    assert await found(api, {"search": "launch"}) == []


@pytest.fixture
async def debug_api(db_url: str, world: World) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """POST as Ana to an app that reports the number of SQL statements per request."""
    app = create_app(load_settings(database_url=db_url, debug=True))
    token = mint(world.people["ana"], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            async def run(query: str, **variables: Any) -> dict[str, Any]:
                response = await http.post("/graphql", json={"query": query,
                                                             "variables": variables},
                                           headers={"Authorization": f"Bearer {token}"})
                body = response.json()
                assert "errors" not in body, body["errors"]
                return body  # type: ignore[no-any-return]
            yield run


async def test_each_project_lists_its_matching_lessons_ranked_in_one_batch(
    debug_api: Callable[..., Awaitable[Any]], world: World, sessions: Sessions,
    other_project: tuple[int, int]
) -> None:
    # given two lessons per project, the later one mentioning the word only in its text
    for project in (world.alice_project, world.bob_project, other_project[1]):
        await add(sessions, lesson(project, "Vendor audit"),
                  lesson(project, "Quarter close", "The vendor invoiced late."),
                  lesson(project, "Quarter start", "Nothing about suppliers."))
    # when every project lists its lessons matching "vendor"
    searched = await debug_api(PROJECTS, filter={"search": "vendor"})
    # then each lists its own two, the title match first (the older one: so this is the
    # ranking, not the default newest first)
    nodes = searched["data"]["projects"]["nodes"]
    assert len(nodes) == 3
    for node in nodes:
        assert node["lessons"] == {"totalCount": 2, "nodes": [{"title": "Vendor audit"},
                                                              {"title": "Quarter close"}]}
    # and the search costs no more statements than any other filter (one batch for all)
    tagged = await debug_api(PROJECTS, filter={"tags": ["none"]})
    assert (searched["extensions"]["sql"]["statements"]
            == tagged["extensions"]["sql"]["statements"])
