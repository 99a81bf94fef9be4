"""The compiled read path answers exactly as the standard executor does.

Random read operations (``strategies.read_queries``) run twice in-process, with
``compiled_reads`` on and off, for every role on both backends: ``data`` and the errors
(message, path, code) must be equal, and the read-path statistics must say which path served
the declared root lists. Then fixed checks: paging with cursors through a root list and a
nested list on both paths, and the board query served entirely by one path or the other, with
a constant number of SQL statements.

``PMO_READPATH_EXAMPLES`` sets the examples per backend (each run for the four roles). Left
unset (``make test``): 150, derandomized, so the same examples every time and no shrinking.
Set (``make fuzz-readpath``): a random run of that many, shrunk on failure; a failure prints
the query and a ``@reproduce_failure`` blob.
"""

from __future__ import annotations

import importlib.util
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, Phase, event, given, reject, settings

from server.app import create_app
from server.domain.auth.tokens import mint
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.readpath.compare import (
    assert_same_answer,
    split_errors,
    trimmed,
)
from tests.schema.readpath.conftest import (
    ROLES,
    LeakedCancellation,
    Outcome,
    SeededWorld,
)
from tests.schema.readpath.strategies import ReadQuery, encode_cursor, read_queries

FUZZING = "PMO_READPATH_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("PMO_READPATH_EXAMPLES", "150"))
# What the random queries may contain: cursors with sort values of the wrong type and boolean
# sort keys in cursors (both refused or paged correctly since the cursors are checked), and a
# known bug they would keep hitting, pinned by an xfail test at the end: a CancelledError
# leaking out of schema.execute on either path (a DataLoader future shared by a cancelled
# field; timing decides which path, so such examples are rejected, not compared).
ILL_TYPED_CURSORS = True
BOOLEAN_CURSORS = True
CANCELLATION_LEAKS = True
# An example costs eight executions, so shrinking a failure takes minutes: only when fuzzing.
# (``make test`` runs the same examples every time, so its failure is reproducible as is.)
PHASES = [Phase.explicit, Phase.generate] + ([Phase.shrink, Phase.explain] if FUZZING else [])

BOARD = """
query Board($n: Int!) {
  projects(first: $n, orderBy: [{field: CODE, direction: ASC}]) {
    nodes {
      code
      portfolio { name }
      manager { fullName }
      sponsor { fullName }
      risks(first: 5) { nodes { title score owner { fullName } } }
    }
  }
}"""


def assert_paths_counted(query: ReadQuery, compiled: Outcome, standard: Outcome,
                         who: str) -> None:
    """Off: nothing compiled. On: never more resolver calls than off, and every declared root
    list that answered was served by the compiled path: the standard executor resolved fewer
    fields, and a field the compiled path always completes itself (``query.anchored``) was
    counted as compiled. (Counts are compared only when no error nulled an ancestor: the
    fields cancelled then depend on timing.)"""
    assert standard.compiled == 0, f"compiled_reads=False yet compiled fields for {who}"
    if split_errors(standard)[1] or split_errors(compiled)[1]:
        return
    assert compiled.standard <= standard.standard, (
        f"more fields resolved with compiled reads on ({compiled.standard}) than off "
        f"({standard.standard}) for {who}")
    served = [key for key in query.declared_roots if (standard.data or {}).get(key) is not None]
    if not served:
        return
    assert compiled.standard < standard.standard, (
        f"{served} should be served by the compiled path for {who}: standard fields "
        f"{compiled.standard} (on) vs {standard.standard} (off)")
    if set(served) & set(query.anchored):
        assert compiled.compiled > 0, f"{served} served but no compiled field counted for {who}"


# --- the property ----------------------------------------------------------------------

# An example that hits the cancellation leak (pinned by an xfail test below) is rejected, but
# graphql-core's coroutines it abandoned may only be reported, as never awaited, after the
# example: that report is the same known bug, not a difference between the paths.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not FUZZING,
          print_blob=True, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(query=read_queries(ill_typed_cursors=ILL_TYPED_CURSORS,
                          boolean_cursors=BOOLEAN_CURSORS))
def test_compiled_and_standard_paths_agree_on_random_queries(world: SeededWorld,
                                                             query: ReadQuery) -> None:
    # A synchronous test: hypothesis drives the examples and each runs its two executions on
    # the world's own event loop (see conftest), with one seeding for all of them.
    for role in ROLES:
        who = f"{role} on {world.backend}"
        # Given a random valid read operation, when it runs on both paths as this role
        try:
            compiled, standard = world.both(role, query.text, query.variables)
        except LeakedCancellation:
            if not CANCELLATION_LEAKS:
                raise
            event("rejected: CancelledError leaked (test_a_bad_argument_beside_a_shared_load)")
            reject()

        # Then the answers are the same, neither path crashed, and each counted what it did
        assert_same_answer(compiled, standard, who)
        assert "INTERNAL_SERVER_ERROR" not in compiled.codes + standard.codes, (
            f"internal error for {who}: {trimmed(standard.errors, 2000)}")
        assert_paths_counted(query, compiled, standard, who)


# --- paging with cursors ---------------------------------------------------------------

PROJECT_PAGES = """
query Pages($first: Int, $after: String, $last: Int, $before: String, $order: [ProjectOrder!]) {
  projects(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    edges { cursor node { code priority plannedStart } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""

RISK_PAGES = """
query RiskPages($code: String!, $first: Int, $after: String, $last: Int, $before: String) {
  projects(first: 5, filter: {search: $code}) {
    nodes {
      code
      risks(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        edges { cursor node { title score } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}"""


def project_connection(data: Any) -> Any:
    return data["projects"]


def risk_connection(data: Any) -> Any:
    nodes = data["projects"]["nodes"]
    assert len(nodes) == 1, [n["code"] for n in nodes]
    return nodes[0]["risks"]


def walk(world: SeededWorld, query: str, variables: dict[str, Any], extract: Any, *,
         compiled: bool, backwards: bool) -> list[Any]:
    """Every page, following endCursor forwards (or startCursor backwards)."""
    pages = []
    cursor = None
    for _ in range(100):
        moved = {**variables, ("before" if backwards else "after"): cursor}
        outcome = world.run(world.execute("pm", query, moved, compiled=compiled))
        assert outcome.errors == [], outcome.errors
        connection = extract(outcome.data)
        pages.append(connection)
        info = connection["pageInfo"]
        if not (info["hasPreviousPage"] if backwards else info["hasNextPage"]):
            return pages
        cursor = info["startCursor"] if backwards else info["endCursor"]
    raise AssertionError("more than 100 pages")


def keys_of(pages: list[Any], key: str) -> list[Any]:
    return [edge["node"][key] for page in pages for edge in page["edges"]]


@pytest.mark.parametrize("order", [None, [{"field": "PRIORITY"}],
                                   [{"field": "PLANNED_START", "direction": "DESC"}]])
def test_paging_through_projects_gives_the_same_pages_on_both_paths(
        world: SeededWorld, order: Any) -> None:
    # Given every project in one page
    everything = world.run(world.execute("pm", PROJECT_PAGES, {"first": 500, "order": order},
                                         compiled=False))
    codes = keys_of([everything.data["projects"]], "code")

    # When paging forwards by 7, and backwards by 7, on each path
    forwards = {on: walk(world, PROJECT_PAGES, {"first": 7, "order": order},
                         project_connection, compiled=on, backwards=False)
                for on in (True, False)}
    backwards = {on: walk(world, PROJECT_PAGES, {"last": 7, "order": order},
                          project_connection, compiled=on, backwards=True)
                 for on in (True, False)}

    # Then both paths give identical pages, which hold every project once, in order
    assert forwards[True] == forwards[False]
    assert backwards[True] == backwards[False]
    assert keys_of(forwards[True], "code") == codes
    assert keys_of(list(reversed(backwards[True])), "code") == codes
    assert len(forwards[True]) == -(-len(codes) // 7)
    assert {page["totalCount"] for page in forwards[True]} == {len(codes)}


@pytest.mark.parametrize("size", [2, 7])
def test_paging_through_a_nested_list_gives_the_same_pages_on_both_paths(
        world: SeededWorld, size: int) -> None:
    # Given the three projects with the most risks
    counts = world.run(world.execute(
        "pm", "{ projects(first: 500) { nodes { code risks { totalCount } } } }",
        compiled=False)).data["projects"]["nodes"]
    busiest = sorted(counts, key=lambda n: -n["risks"]["totalCount"])[:3]
    assert busiest[0]["risks"]["totalCount"] > 7  # so that first: 7 needs two pages

    for project in busiest:
        code = project["code"]
        titles = keys_of([risk_connection(world.run(world.execute(
            "pm", RISK_PAGES, {"code": code, "first": 500}, compiled=False)).data)], "title")

        # When paging through its risks forwards and backwards on each path
        forwards = {on: walk(world, RISK_PAGES, {"code": code, "first": size},
                             risk_connection, compiled=on, backwards=False)
                    for on in (True, False)}
        backwards = {on: walk(world, RISK_PAGES, {"code": code, "last": size},
                              risk_connection, compiled=on, backwards=True)
                     for on in (True, False)}

        # Then the pages are identical and hold every risk once, in order
        assert forwards[True] == forwards[False], code
        assert backwards[True] == backwards[False], code
        assert keys_of(forwards[True], "title") == titles
        assert keys_of(list(reversed(backwards[True])), "title") == titles


def test_one_cursor_pages_every_parent_the_same_on_both_paths(world: SeededWorld) -> None:
    # Given a risk cursor from one project, used for the risks of every project
    page = world.run(world.execute(
        "pm", "{ projects(first: 1) { nodes { risks(first: 1) { pageInfo { endCursor } } } } }",
        compiled=False)).data["projects"]["nodes"][0]["risks"]["pageInfo"]["endCursor"]
    query = """query($after: String, $before: String) { projects(first: 500) { nodes { code
      after: risks(first: 3, after: $after) { totalCount edges { cursor node { score } } }
      before: risks(last: 3, before: $before) {
        pageInfo { hasPreviousPage hasNextPage } nodes { score } } } } }"""

    # When both paths run it
    compiled, standard = world.both("pm", query, {"after": page, "before": page})

    # Then they agree
    assert_same_answer(compiled, standard, world.backend)
    assert compiled.errors == []


# --- the board -------------------------------------------------------------------------

@pytest.mark.parametrize("role", list(ROLES))
def test_the_board_is_served_entirely_by_the_path_asked_for(world: SeededWorld,
                                                            role: str) -> None:
    # When the board query runs with compiled reads on, then off
    compiled = world.run(world.execute(role, BOARD, {"n": 100}, compiled=True, debug=True))
    standard = world.run(world.execute(role, BOARD, {"n": 100}, compiled=False, debug=True))

    # Then every field came from the path asked for, and the answers are equal
    assert (compiled.standard, standard.compiled) == (0, 0)
    assert compiled.compiled > 0 and standard.standard > 0
    assert_same_answer(compiled, standard, role)
    assert compiled.errors == []
    assert len(compiled.data["projects"]["nodes"]) == 60


def test_the_board_costs_the_same_statements_for_10_and_100_projects(
        world: SeededWorld) -> None:
    # When the board query runs for 10 and for 100 projects on each path
    statements = {
        (on, n): world.run(world.execute("pm", BOARD, {"n": n}, compiled=on,
                                         debug=True)).statements
        for on in (True, False) for n in (10, 100)}

    # Then the number of SQL statements does not grow with the page
    assert statements[True, 10] == statements[True, 100]
    assert statements[False, 10] == statements[False, 100]


def bench_board() -> str:
    """The query ``bench/graphql_board.py`` times (not a package: loaded from its file)."""
    path = Path(__file__).parents[3] / "bench" / "graphql_board.py"
    spec = importlib.util.spec_from_file_location("graphql_board_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.BOARD)


@pytest.mark.parametrize("query", ["board", "bench"])
@pytest.mark.parametrize("switch", ["setting", "environment"])
def test_switching_compiled_reads_off_app_wide_serves_the_board_by_resolvers(
        world: SeededWorld, switch: str, query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the app with PMO_DEBUG=1, compiled reads on or off (a setting or PMO_COMPILED_READS)
    text = BOARD if query == "board" else bench_board()

    async def post(compiled_reads: bool) -> dict[str, Any]:
        if switch == "environment":
            monkeypatch.setenv("PMO_COMPILED_READS", "1" if compiled_reads else "0")
            settings_ = load_settings(database_url=world.url, debug=True)
        else:
            settings_ = load_settings(database_url=world.url, debug=True,
                                      compiled_reads=compiled_reads)
        app = create_app(settings_)
        token = mint(world.person_id("pm"), secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
                response = await client.post(
                    "/graphql", json={"query": text, "variables": {"n": 100}},
                    headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    # When the query is asked for with it on, then off
    on = world.run(post(True))
    off = world.run(post(False))

    # Then the response says which path served it (the board: entirely), the data the same
    assert on["extensions"]["readPath"]["compiled"] > 0
    assert off["extensions"]["readPath"]["compiled"] == 0
    assert off["extensions"]["readPath"]["standard"] > 0
    if query == "board":
        assert on["extensions"]["readPath"]["standard"] == 0
    assert "errors" not in on and "errors" not in off
    assert on["data"] == off["data"]
    assert on["extensions"]["sql"]["statements"] > 0


# --- found by the fuzzer ---------------------------------------------------------------
# Bugs found here, some once kept out of the random queries (ILL_TYPED_CURSORS,
# BOOLEAN_CURSORS, now fixed) or too rare there. A strict xfail marks one still open.

def cursor(signature: str, *values: Any) -> str:
    return encode_cursor(signature, list(values))


NAIVE = {"t": "2026-01-01T00:00:00"}  # a timestamp without offset: the UTC column refuses it
OWN_PROJECT_RISKS = """query($c: String) { risks(first: 3) { nodes { title
  project { code risks(first: 2, orderBy: [{field: CREATED_AT}], after: $c) { nodes { title } } }
} } }"""


def test_a_failing_nested_statement_is_reported_at_its_field(world: SeededWorld) -> None:
    # Given a nested list whose statement fails (a cursor value the database refuses) below
    # a nullable reference (Risk.project)
    variables = {"c": cursor("CREATED_AT:a", NAIVE, 1)}

    # When both paths run it
    compiled, standard = world.both("pm", OWN_PROJECT_RISKS, variables)

    # Then, as on the standard path, each project is null with an error at its risks field
    assert_same_answer(compiled, standard, world.backend)


@pytest.mark.parametrize("query, after", [
    ("query($c: String) { projects(orderBy: [{field: BUDGET_AT_COMPLETION}], after: $c) "
     "{ nodes { code } } }", cursor("BUDGET_AT_COMPLETION:a", {"n": "abc"}, 1)),
    ("query($c: String) { projects(first: 3) { nodes { code "
     "assumptions(orderBy: [{field: VALIDATED}], after: $c) { nodes { text } } } } }",
     cursor("VALIDATED:a", False, 1)),
], ids=["decimal", "boolean"])
def test_a_cursor_the_planner_cannot_read_fails_like_on_the_standard_path(
        world: SeededWorld, query: str, after: str) -> None:
    # When both paths run a query whose cursor makes building the keyset condition raise
    compiled, standard = world.both("pm", query, {"c": after})

    # Then the compiled path reports it at the same field with the same code
    assert_same_answer(compiled, standard, world.backend)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "standard"])
def test_paging_by_a_boolean_sort_key(world: SeededWorld, compiled: bool) -> None:
    # Given the first assumption of each project, ordered by VALIDATED, and its cursor
    query = """query($c: String) { projects(first: 60) { nodes {
      assumptions(first: 1, after: $c, orderBy: [{field: VALIDATED}]) {
        nodes { validated } pageInfo { endCursor } } } } }"""
    first = world.run(world.execute("pm", query, {"c": None}, compiled=False))
    after = next(n["assumptions"]["pageInfo"]["endCursor"]
                 for n in first.data["projects"]["nodes"]
                 if n["assumptions"]["pageInfo"]["endCursor"])

    # When the next page is asked for
    outcome = world.run(world.execute("pm", query, {"c": after}, compiled=compiled))

    # Then it comes without errors
    assert outcome.errors == []


@pytest.mark.parametrize("order, value", [("CREATED_AT", NAIVE), ("PRIORITY", "abc")])
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "standard"])
def test_a_cursor_with_a_sort_value_of_the_wrong_type_is_bad_user_input(
        world: SeededWorld, compiled: bool, order: str, value: Any) -> None:
    # When a well-formed cursor carries a sort value of the wrong type
    query = "query($c: String, $o: [ProjectOrder!]) { projects(orderBy: $o, after: $c) { " \
            "nodes { code } } }"
    outcome = world.run(world.execute(
        "pm", query, {"c": cursor(f"{order}:a", value, 1), "o": [{"field": order}]},
        compiled=compiled))

    # Then it is refused like any other bad cursor
    assert outcome.codes == ["BAD_USER_INPUT"]


@pytest.mark.xfail(strict=True, reason=(
    "graphql-core cancels the other fields of an object when a non-null field fails; a "
    "cancelled resolver awaiting a DataLoader future shared with another field (the same "
    "person's utilization under two keys) cancels that future, and the CancelledError of the "
    "other field escapes schema.execute (both paths): no response at all"))
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "standard"])
def test_a_bad_argument_beside_a_shared_load_still_answers(world: SeededWorld,
                                                           compiled: bool) -> None:
    # Given a failing non-null field beside two fields loading the same key
    query = """{ portfolios { nodes { owner { utilization(from: "2027-02-21", to: "2027-07-07")
      { isoWeek } } } k: nodes { projects(after: "x") { totalCount }
      owner { utilization(from: "2027-02-21", to: "2027-07-07") { isoWeek } } } } }"""

    # When it runs
    outcome = world.run(world.execute("pm", query, compiled=compiled))

    # Then the response reports the bad cursor
    assert "BAD_USER_INPUT" in outcome.codes
