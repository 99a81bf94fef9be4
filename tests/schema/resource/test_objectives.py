"""Strategic alignment through the live API: setProjectObjectives replaces a project's
objective scores (0-5) as a whole, in one audited transaction; objectives are listed at the
root and on the project with their weighted scores."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.models import ProjectObjective
from tests.schema.conftest import Api, World, codes
from tests.schema.resource.conftest import (
    OUTSIDERS,
    Sessions,
    add,
    audits,
    errors,
    outbox,
    payload,
    rows,
    state,
)

SET = """
mutation($input: SetProjectObjectivesInput!) {
  setProjectObjectives(input: $input) {
    project { code }
    objectives { id alignmentScore weightedScore objective { code } project { code } }
    userErrors { field message code }
  }
}"""

OBJECTIVES = """
query($filter: StrategicObjectiveFilter) {
  objectives(filter: $filter) {
    totalCount nodes { code name weight periodStart periodEnd active }
  }
}"""

NESTED = """
query($id: ID!) {
  node(id: $id) {
    ... on Project { objectives { totalCount nodes { alignmentScore objective { code } } } }
  }
}"""


def alignments(world: World, objectives: dict[str, int], **scores: int) -> list[dict[str, Any]]:
    return [{"objectiveId": world.gid("StrategicObjective", objectives[code]),
             "alignmentScore": score} for code, score in scores.items()]


def scores(found: list[ProjectObjective], objectives: dict[str, int]) -> dict[str, int]:
    code = {v: k for k, v in objectives.items()}
    return {code[r.objective_id]: r.alignment_score for r in found}


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_sets_the_alignment_audited_and_announced(
    api: Api, world: World, sessions: Sessions, objectives: dict[str, int], who: str,
    project: str,
) -> None:
    project_id = getattr(world, project)
    # when the project is aligned with two objectives
    result = await api(who, SET, input={"projectId": world.gid("Project", project_id),
                                        "objectives": alignments(world, objectives,
                                                                 GROW=4, CUT=2)})
    # then both rows exist, with weight x score
    done = payload(result, "setProjectObjectives")
    assert done["userErrors"] == []
    assert [(o["objective"]["code"], o["alignmentScore"], o["weightedScore"])
            for o in done["objectives"]] == [("GROW", 4, "8.00"), ("CUT", 2, "3.00")]
    assert scores(await rows(sessions, ProjectObjective), objectives) == {"GROW": 4, "CUT": 2}
    # and one audit event on the project records the whole change
    [audit] = await audits(sessions, "Project", project_id)
    assert (audit.action, audit.actor_id) == ("set_objectives", world.people[who])
    assert audit.changes == {"objectives": {"before": {}, "after": {"GROW": 4, "CUT": 2}}}
    [event] = await outbox(sessions, "project.changed")
    assert (event.payload["entity_id"], event.payload["action"]) == (project_id,
                                                                     "set_objectives")


async def test_setting_again_replaces_keeps_and_removes_rows(
    api: Api, world: World, sessions: Sessions, objectives: dict[str, int]
) -> None:
    # given GROW at 4 and CUT at 2
    [grow, _cut] = await add(sessions, *(
        ProjectObjective(project_id=world.alice_project, objective_id=objectives[code],
                         alignment_score=score) for code, score in (("GROW", 4), ("CUT", 2))))
    # when the manager sends GROW at 5 alone
    result = await api("alice", SET, input={
        "projectId": world.gid("Project", world.alice_project),
        "objectives": alignments(world, objectives, GROW=5)})
    # then GROW keeps its row with the new score and CUT is gone
    [kept] = payload(result, "setProjectObjectives")["objectives"]
    assert (kept["id"], kept["alignmentScore"]) == (world.gid("ProjectObjective", grow), 5)
    assert scores(await rows(sessions, ProjectObjective), objectives) == {"GROW": 5}
    [audit] = await audits(sessions, "Project", world.alice_project)
    assert audit.changes == {"objectives": {"before": {"CUT": 2, "GROW": 4},
                                            "after": {"GROW": 5}}}
    # and an empty list clears them all
    cleared = await api("alice", SET, input={
        "projectId": world.gid("Project", world.alice_project), "objectives": []})
    assert payload(cleared, "setProjectObjectives")["objectives"] == []
    assert await rows(sessions, ProjectObjective) == []
    assert len(await audits(sessions, "Project", world.alice_project)) == 2


async def test_a_retired_objective_may_keep_its_score_but_not_be_added(
    api: Api, world: World, sessions: Sessions, objectives: dict[str, int]
) -> None:
    await add(sessions, ProjectObjective(project_id=world.bob_project,
                                         objective_id=objectives["OLD"], alignment_score=3))
    kept = await api("bob", SET, input={"projectId": world.gid("Project", world.bob_project),
                                        "objectives": alignments(world, objectives, OLD=1)})
    assert payload(kept, "setProjectObjectives")["userErrors"] == []
    added = await api("alice", SET, input={
        "projectId": world.gid("Project", world.alice_project),
        "objectives": alignments(world, objectives, GROW=1, OLD=1)})
    assert errors(added, "setProjectObjectives") == [
        (["input", "objectives", "1", "objectiveId"], "INVALID")]


async def test_sending_the_same_scores_writes_no_audit_event(
    api: Api, world: World, sessions: Sessions, objectives: dict[str, int]
) -> None:
    await add(sessions, ProjectObjective(project_id=world.alice_project,
                                         objective_id=objectives["GROW"], alignment_score=4))
    result = await api("alice", SET, input={
        "projectId": world.gid("Project", world.alice_project),
        "objectives": alignments(world, objectives, GROW=4)})
    assert payload(result, "setProjectObjectives")["userErrors"] == []
    assert await audits(sessions, "Project") == []
    assert await outbox(sessions, "project.changed") == []


@pytest.mark.parametrize(
    ("items", "expected"),
    [([("GROW", 6)], [(["input", "objectives", "0", "alignmentScore"], "OUT_OF_RANGE")]),
     ([("GROW", 3), ("CUT", -1)],
      [(["input", "objectives", "1", "alignmentScore"], "OUT_OF_RANGE")]),
     ([("GROW", 3), ("GROW", 2)], [(["input", "objectives", "1", "objectiveId"], "DUPLICATE")]),
     ([("CUT", 1), ("UNKNOWN", 2)],
      [(["input", "objectives", "1", "objectiveId"], "NOT_FOUND")]),
     ([("not-an-id", 2)], [(["input", "objectives", "0", "objectiveId"], "INVALID")]),
     ([("PROJECT", 2)], [(["input", "objectives", "0", "objectiveId"], "INVALID")])],
)
async def test_invalid_alignment_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, objectives: dict[str, int],
    items: list[tuple[str, int]], expected: list[tuple[list[str], str]],
) -> None:
    await add(sessions, ProjectObjective(project_id=world.alice_project,
                                         objective_id=objectives["CUT"], alignment_score=1))
    ids = {**{code: world.gid("StrategicObjective", i) for code, i in objectives.items()},
           "UNKNOWN": world.gid("StrategicObjective", 999),
           "PROJECT": world.gid("Project", world.alice_project)}
    before = await state(sessions, ProjectObjective)
    result = await api("alice", SET, input={
        "projectId": world.gid("Project", world.alice_project),
        "objectives": [{"objectiveId": ids.get(code, code), "alignmentScore": score}
                       for code, score in items]})
    assert errors(result, "setProjectObjectives") == expected
    assert payload(result, "setProjectObjectives")["objectives"] == []
    assert await state(sessions, ProjectObjective) == before


async def test_an_unknown_project_is_not_found(
    api: Api, world: World, objectives: dict[str, int]
) -> None:
    result = await api("pmo", SET, input={"projectId": world.gid("Project", 999),
                                          "objectives": alignments(world, objectives, GROW=1)})
    assert errors(result, "setProjectObjectives") == [(["input", "projectId"], "NOT_FOUND")]


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_set_the_alignment(
    api: Api, world: World, sessions: Sessions, objectives: dict[str, int], who: str
) -> None:
    await add(sessions, ProjectObjective(project_id=world.alice_project,
                                         objective_id=objectives["CUT"], alignment_score=1))
    before = await state(sessions, ProjectObjective)
    result = await api(who, SET, input={"projectId": world.gid("Project", world.alice_project),
                                        "objectives": alignments(world, objectives, GROW=5)})
    assert codes(result) == ["FORBIDDEN"]
    assert await state(sessions, ProjectObjective) == before


@pytest.mark.parametrize(
    ("filter", "codes_found"),
    [({}, ["CUT", "GROW", "OLD"]), ({"active": True}, ["CUT", "GROW"]),
     ({"active": False}, ["OLD"]), ({"search": "revenue"}, ["GROW"]),
     ({"appliesOn": "2027-02-01"}, ["GROW", "OLD"]),
     ({"appliesOn": "2026-02-01", "active": True}, ["CUT", "GROW"])],
)
async def test_objectives_are_listed_and_filtered(
    api: Api, world: World, objectives: dict[str, int], filter: dict[str, Any],
    codes_found: list[str],
) -> None:
    result = await api("ana", OBJECTIVES, filter=filter)
    listed = result["data"]["objectives"]
    assert [n["code"] for n in listed["nodes"]] == codes_found
    assert listed["totalCount"] == len(codes_found)
    if "CUT" in codes_found:
        cut = next(n for n in listed["nodes"] if n["code"] == "CUT")
        assert cut == {"code": "CUT", "name": "Cut costs", "weight": "1.50",
                       "periodStart": "2026-01-01", "periodEnd": "2026-12-31", "active": True}


async def test_project_lists_its_alignment_best_first(
    api: Api, world: World, sessions: Sessions, objectives: dict[str, int]
) -> None:
    await add(sessions, *(
        ProjectObjective(project_id=world.alice_project, objective_id=objectives[code],
                         alignment_score=score) for code, score in (("CUT", 2), ("GROW", 5))))
    result = await api("carol", NESTED, id=world.gid("Project", world.alice_project))
    assert result["data"]["node"]["objectives"] == {"totalCount": 2, "nodes": [
        {"alignmentScore": 5, "objective": {"code": "GROW"}},
        {"alignmentScore": 2, "objective": {"code": "CUT"}}]}
