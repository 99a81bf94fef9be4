"""Every other ``viewerCan*`` flag agrees with its mutation: for each role, on a fresh object of
each kind on Alice's project, the flag is true exactly when the update (then the delete)
succeeds. Flags with no mutation behind them are false for everyone. (Gates, change requests
and an escalated risk, whose answers depend on state, are tested in test_viewer_can.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.schema.conftest import Api, World

# the PMO, the project's manager, another PM, its sponsor (who owns the portfolio), another
# executive, an analyst
ROLES = ["pmo", "alice", "bob", "carol", "dave", "ana"]


@dataclass(frozen=True)
class Kind:
    """One kind of object: how the PMO creates it, and the mutations its flags stand for."""

    type: str
    create: str
    """A mutation taking ``$project`` and ``$person`` whose payload's first field is it."""
    update: str | None
    """A mutation taking ``$id`` (and ``$version`` when ``versioned``); None: no mutation
    edits it, and ``viewerCanUpdate`` (if it has one) must be false."""
    delete: str | None
    versioned: bool = False
    creator: str = "pmo"


def _mutation(name: str, fields: str, versioned: bool = False) -> str:
    version = ", $version: Int!" if versioned else ""
    version_field = ", version: $version" if versioned else ""
    return (f"mutation($id: ID!{version}) {{ {name}(input: {{id: $id{version_field}{fields}}}) "
            "{ userErrors { code } } }")


def _create(name: str, fields: str, returned: str) -> str:
    person = ", $person: ID!" if "$person" in fields else ""
    return (f"mutation($project: ID!{person}) {{ {name}(input: {{{fields}}}) {{ "
            f"{returned} {{ id }} userErrors {{ code message }} }} }}")


KINDS = [
    Kind("Risk", _create("createRisk", "projectId: $project, title: \"Vendor late\", "
                                       "probability: 3, impact: 4", "risk"),
         _mutation("updateRisk", ", title: \"Vendor very late\"", True),
         _mutation("deleteRisk", "", True), versioned=True),
    Kind("Issue", _create("createIssue", "projectId: $project, title: \"Build broken\"", "issue"),
         _mutation("updateIssue", ", title: \"Build still broken\"", True),
         _mutation("deleteIssue", "", True), versioned=True),
    Kind("Assumption", _create("createAssumption", "projectId: $project, text: \"Staff stay\"",
                               "assumption"),
         _mutation("updateAssumption", ", text: \"Most staff stay\""),
         _mutation("deleteAssumption", "")),
    Kind("Dependency", _create("createDependency", "fromProjectId: $project, externalName: "
                                                   "\"Vendor API\"", "dependency"),
         _mutation("updateDependency", ", externalName: \"Vendor API v2\""),
         _mutation("deleteDependency", "")),
    Kind("Milestone", _create("createMilestone", "projectId: $project, name: \"Pilot\", "
                                                 "plannedDate: \"2026-06-30\"", "milestone"),
         _mutation("updateMilestone", ", name: \"Pilot live\""), _mutation("deleteMilestone", "")),
    Kind("CostEntry", _create("recordCost", "projectId: $project, incurredOn: \"2026-03-01\", "
                                            "amount: \"1200.00\", category: LABOR", "costEntry"),
         _mutation("updateCostEntry", ", amount: \"1300.00\""), _mutation("deleteCostEntry", "")),
    Kind("Allocation", _create("createAllocation", "projectId: $project, personId: $person, "
                                                   "roleName: \"Analyst\", startDate: "
                                                   "\"2026-03-02\", endDate: \"2026-03-27\", "
                                                   "percent: 20", "allocation"),
         _mutation("updateAllocation", ", percent: 30"), _mutation("deleteAllocation", "")),
    Kind("Benefit", _create("createBenefit", "projectId: $project, name: \"Fewer calls\", "
                                             "targetValue: \"100\", unit: \"calls\"", "benefit"),
         _mutation("updateBenefit", ", name: \"Far fewer calls\""), None),
    Kind("Lesson", _create("addLesson", "projectId: $project, title: \"Book vendors early\", "
                                        "category: \"Procurement\", whatHappened: \"Late\", "
                                        "recommendation: \"Book early\", impact: NEGATIVE",
                           "lesson"),
         _mutation("updateLesson", ", title: \"Book vendors very early\""),
         _mutation("deleteLesson", "")),
    Kind("Stakeholder", _create("createStakeholder", "projectId: $project, personId: $person, "
                                                     "role: \"Key user\", influence: 3, "
                                                     "interest: 4", "stakeholder"),
         _mutation("updateStakeholder", ", role: \"Lead user\""),
         _mutation("deleteStakeholder", "")),
    Kind("Comment", _create("addComment", "parentId: $project, body: \"Looks late\"", "comment"),
         _mutation("editComment", ", body: \"Looks very late\""), _mutation("deleteComment", ""),
         creator="alice"),
    Kind("StatusReport", _create("submitStatusReport", "projectId: $project, periodEnd: "
                                                       "\"2026-03-06\", summary: \"On track\"",
                                 "statusReport"), None, None, creator="alice"),
]
# Objects that exist already: (kind, the world's object), with their update mutation.
FIXED = {
    "Project": _mutation("updateProject", ", name: \"Alpha prime\"", True),
    "Portfolio": _mutation("updatePortfolio", ", name: \"Growth prime\""),
    "Person": _mutation("updatePerson", ", title: \"Lead\""),
}
# Flags no mutation stands behind: false for everyone.
NO_MUTATION = {"Project": "viewerCanDelete", "Portfolio": "viewerCanDelete"}


def _ok(result: dict[str, Any]) -> bool:
    return not result.get("errors") and not next(iter(result["data"].values()))["userErrors"]


async def _flags(api: Api, who: str, gid: str, type_name: str) -> dict[str, Any]:
    names = " ".join(await _flag_names(api, type_name))
    result = await api(who, f"""query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{
      {names} }} }} }}""", id=gid)
    assert not result.get("errors"), result
    return result["data"]["node"]  # type: ignore[no-any-return]


_FIELDS: dict[str, list[str]] = {}


async def _field_names(api: Api, type_name: str) -> list[str]:
    if type_name not in _FIELDS:
        result = await api("pmo", """query($name: String!) { __type(name: $name) {
          fields(includeDeprecated: true) { name } } }""", name=type_name)
        _FIELDS[type_name] = [f["name"] for f in result["data"]["__type"]["fields"]]
    return _FIELDS[type_name]


async def _flag_names(api: Api, type_name: str) -> list[str]:
    return [n for n in await _field_names(api, type_name) if n.startswith("viewerCan")]


async def _version(api: Api, gid: str, type_name: str) -> int | None:
    if "version" not in await _field_names(api, type_name):
        return None
    result = await api("pmo", f"""query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{
      version }} }} }}""", id=gid)
    return result["data"]["node"]["version"]  # type: ignore[no-any-return]


async def _try(api: Api, who: str, mutation: str, gid: str, type_name: str) -> bool:
    version = await _version(api, gid, type_name)
    variables: dict[str, Any] = {"id": gid}
    if "$version" in mutation:
        variables["version"] = version
    return _ok(await api(who, mutation, **variables))


@pytest.mark.parametrize("who", ROLES)
async def test_every_flag_agrees_with_its_mutation(api: Api, world: World, who: str) -> None:
    project = world.gid("Project", world.alice_project)
    shown: dict[str, bool] = {}
    done: dict[str, bool] = {}
    for kind in KINDS:
        # given a fresh object of this kind on Alice's project
        created = await api(kind.creator, kind.create, project=project,
                            person=world.gid("Person", world.people["bob"]))
        assert created.get("data"), created
        payload = next(iter(created["data"].values()))
        assert not created.get("errors") and not payload["userErrors"], created
        gid = next(v for k, v in payload.items() if k != "userErrors")["id"]
        # when the viewer reads its flags, then tries the update and the delete
        flags = await _flags(api, who, gid, kind.type)
        expected = {"viewerCanUpdate": kind.update, "viewerCanDelete": kind.delete}
        for flag in await _flag_names(api, kind.type):
            mutation = expected[flag]
            shown[f"{kind.type}.{flag}"] = flags[flag]
            done[f"{kind.type}.{flag}"] = (mutation is not None
                                           and await _try(api, who, mutation, gid, kind.type))
    for type_name, mutation in FIXED.items():
        row_id = {"Project": world.alice_project, "Portfolio": world.portfolio,
                  "Person": world.people["bob"]}[type_name]
        gid = world.gid(type_name, row_id)
        flags = await _flags(api, who, gid, type_name)
        shown[f"{type_name}.viewerCanUpdate"] = flags["viewerCanUpdate"]
        done[f"{type_name}.viewerCanUpdate"] = await _try(api, who, mutation, gid, type_name)
        if type_name in NO_MUTATION:
            shown[f"{type_name}.{NO_MUTATION[type_name]}"] = flags[NO_MUTATION[type_name]]
            done[f"{type_name}.{NO_MUTATION[type_name]}"] = False
    # then every flag said what its mutation did
    assert {k: v for k, v in shown.items() if done[k] != v} == {}
    assert shown == done
    # and the table is not vacuous: the PMO may do everything a mutation exists for, the
    # analyst nothing
    if who == "pmo":
        assert [k for k, v in done.items() if not v] == [
            "StatusReport.viewerCanUpdate", "Project.viewerCanDelete",
            "Portfolio.viewerCanDelete"]
    if who == "ana":
        assert not any(done.values())
