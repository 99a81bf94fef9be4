"""The whole role x action x resource type x relationship truth table, against the real files.

The expected answers are written down here from docs/domain.md ("Roles") and the design
decisions of the authorization issue, independently of ``policy.csv``: if a rule in the
file disagrees with the spec, a case here fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from policies.enforcer import Authorizer, offline_authorizer
from policies.resources import (
    ACTIONS,
    AUTHORED,
    PERSONAL,
    PROJECT_CHILDREN,
    RESOURCE_TYPES,
    ROLES,
    Resource,
    Subject,
)

# --- The spec, written down -------------------------------------------------------------

# A project and every row that belongs to one: their relationships are the project's.
PROJECT_SCOPED = frozenset({
    "project", "project_baseline", "milestone", "cost_entry", "project_objective", "risk",
    "issue", "assumption", "dependency", "change_request", "status_report", "project_gate",
    "checklist_item", "allocation", "benefit", "lesson", "stakeholder", "snapshot",
})

# A person's own rows: everyone reads only their own notifications and notification
# preferences (the PMO reads everything).
OWN_ONLY_READS = frozenset({"notification", "notification_preference"})
# ... and everyone may mark their own notifications read and set their own preferences.
OWN_UPDATES = OWN_ONLY_READS

# Comments: a pm or an executive comments on anything they may read (the parent's read right
# is the service's to check) and edits or deletes only what they wrote; analysts never write.
AUTHORED_BY_CALLER = frozenset({"comment", "checklist_item.completion"})
# A completed checklist item: corrected or reopened only by whoever completed it (a pm) and
# the PMO; nothing else is asked of it.
COMPLETION = "checklist_item.completion"
COMMENTERS = frozenset({"pm", "executive"})

# Readable by the PMO alone: cost rates, API tokens, role assignments, and webhooks with
# their deliveries (webhooks hold signing keys).
PMO_ONLY_READS = frozenset({
    "person.cost_rate", "api_token", "role_assignment", "webhook", "webhook_delivery",
    # a comment's text and mentions as the audit trail keeps them (earlier and deleted ones)
    "comment.body", "comment.mentions",
})
# Also hidden from analysts (BI service tokens): personal email and the audit trail.
HIDDEN_FROM_ANALYSTS = PMO_ONLY_READS | {"person.email", "audit_event"}

_CHILD_EDITS = frozenset({"create", "update", "delete"})
# What a pm may do to a project they manage and to that project's rows; nothing elsewhere.
PM_WRITES_WHEN_MANAGER: dict[str, frozenset[str]] = {
    "project": frozenset({"create", "update"}),
    **{
        child: _CHILD_EDITS
        for child in (
            "milestone", "cost_entry", "risk", "issue", "assumption", "dependency",
            "allocation", "benefit", "stakeholder", "project_objective", "lesson",
        )
    },
    "status_report": frozenset({"create", "update", "submit"}),
    "change_request": frozenset({"create", "update", "submit"}),
    "project_gate": frozenset({"submit"}),
    "checklist_item": frozenset({"update"}),
}

# Relationships of the caller to a project-scoped resource. "unknown": the resource says
# nothing about its project (a type-level question such as ``can_read_type``).
RELATIONSHIPS = ("manager", "sponsor", "portfolio_owner", "unrelated", "unknown")
# Relationships of the caller to a personal row: theirs ("own"), somebody else's, or unknown.
OWN_RELATIONSHIPS = ("own", "unrelated", "unknown")
# Relationships of the caller to an authored row: they wrote it, somebody else did, unknown.
AUTHOR_RELATIONSHIPS = ("author", "unrelated", "unknown")
SPONSOR_OR_OWNER = frozenset({"sponsor", "portfolio_owner"})


@dataclass(frozen=True, slots=True)
class Case:
    """One row of the truth table."""

    role: str
    action: str
    resource_type: str
    relationship: str | None = None
    approver_role: str | None = None

    @property
    def id(self) -> str:
        """A readable test id, e.g. ``pm-update-risk-manager``."""
        parts = [self.role, self.action, self.resource_type, self.relationship]
        if self.approver_role is not None:
            parts.append(f"{self.approver_role}_gate")
        return "-".join(part for part in parts if part is not None)


def pmo_may(case: Case) -> bool:
    """pmo: reads, writes and decides everything."""
    return True


def reads_as_non_pmo(case: Case) -> bool:
    """Reads of a pm or executive: everything but pmo-only data; personal rows only their own."""
    if case.resource_type in OWN_ONLY_READS:
        return case.relationship == "own"
    return case.resource_type not in PMO_ONLY_READS


def own_rows_and_comments(case: Case, role: str) -> bool:
    """Writes every role but the PMO has outside projects: updating their own notifications
    and preferences; for commenters, creating comments and editing or deleting their own."""
    if case.resource_type in OWN_UPDATES and case.action == "update":
        return case.relationship == "own"
    if case.resource_type in AUTHORED_BY_CALLER and role in COMMENTERS:
        if case.action == "create":
            return True
        return case.action in {"update", "delete"} and case.relationship == "author"
    return False


def executive_may(case: Case) -> bool:
    """executive: reads all but pmo-only data and others' notifications; decides only for
    projects they sponsor or portfolios they own (gates only when the approver is an
    executive); takes baselines of projects they sponsor; never edits projects; comments,
    edits their own comments, marks their own notifications read."""
    if case.resource_type == COMPLETION:
        return False
    if case.action == "read":
        return reads_as_non_pmo(case)
    if own_rows_and_comments(case, "executive"):
        return True
    if case.action == "create" and case.resource_type == "project_baseline":
        return case.relationship == "sponsor"
    if case.action == "decide" and case.relationship in SPONSOR_OR_OWNER:
        if case.resource_type == "change_request":
            return True
        if case.resource_type == "project_gate":
            return case.approver_role == "executive"
    return False


def pm_may(case: Case) -> bool:
    """pm: reads all but pmo-only data and others' notifications; writes only projects they
    manage and their rows, and takes baselines of projects they sponsor; comments, edits their
    own comments, marks their own notifications read."""
    if case.resource_type == COMPLETION:
        return case.action == "update" and case.relationship == "author"
    if case.action == "read":
        return reads_as_non_pmo(case)
    if own_rows_and_comments(case, "pm"):
        return True
    if case.action == "create" and case.resource_type == "project_baseline":
        return case.relationship == "sponsor"  # a sponsor takes baselines, a manager not
    allowed = PM_WRITES_WHEN_MANAGER.get(case.resource_type, frozenset())
    return case.relationship == "manager" and case.action in allowed


def analyst_may(case: Case) -> bool:
    """analyst: read-only but for their own notifications and preferences; no cost rates,
    personal email, tokens, roles, webhooks or audit trail; comments yes, never writing them;
    notifications only their own."""
    if case.resource_type == COMPLETION:
        return False
    if case.action != "read":
        return own_rows_and_comments(case, "analyst")
    if case.resource_type in HIDDEN_FROM_ANALYSTS:
        return False
    return case.resource_type not in OWN_ONLY_READS or case.relationship == "own"


EXPECTED = {"pmo": pmo_may, "executive": executive_may, "pm": pm_may, "analyst": analyst_may}


# --- The cases ----------------------------------------------------------------------------

CALLER = {"pmo": 1, "pm": 2, "executive": 3, "analyst": 4}
SOMEONE_ELSE = 99


def situations(resource_type: str) -> Iterator[tuple[str | None, str | None]]:
    """(relationship, approver role) pairs worth asking about for this type."""
    if resource_type in OWN_ONLY_READS:
        for relationship in OWN_RELATIONSHIPS:
            yield relationship, None
        return
    if resource_type in AUTHORED_BY_CALLER:
        for relationship in AUTHOR_RELATIONSHIPS:
            yield relationship, None
        return
    if resource_type not in PROJECT_SCOPED:
        yield None, None
        return
    approvers = ("executive", "pmo") if resource_type == "project_gate" else (None,)
    for relationship in RELATIONSHIPS:
        for approver in approvers:
            yield relationship, approver


def all_cases() -> list[Case]:
    """Every role x action x resource type x relationship (x approver role for gates)."""
    return [
        Case(role, action, resource_type, relationship, approver)
        for role in ROLES
        for action in ACTIONS
        for resource_type in RESOURCE_TYPES
        for relationship, approver in situations(resource_type)
    ]


CASES = all_cases()


def resource_for(case: Case, caller: int) -> Resource:
    """The resource of a case, related to ``caller`` as the case says."""
    if case.relationship in (None, "unknown"):
        return Resource(case.resource_type, approver_role=case.approver_role)
    if case.resource_type in OWN_ONLY_READS:
        owner = caller if case.relationship == "own" else SOMEONE_ELSE
        return Resource(case.resource_type, id=10, recipient_id=owner)
    if case.resource_type in AUTHORED_BY_CALLER:
        author = caller if case.relationship == "author" else SOMEONE_ELSE
        return Resource(case.resource_type, id=10, author_id=author)

    def who(relationship: str) -> int:
        return caller if case.relationship == relationship else SOMEONE_ELSE

    return Resource(
        case.resource_type,
        id=10,
        manager_id=who("manager"),
        sponsor_id=who("sponsor"),
        portfolio_owner_id=who("portfolio_owner"),
        approver_role=case.approver_role,
    )


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    """The real model and policy files, one person per role."""
    return offline_authorizer([(person_id, role) for role, person_id in CALLER.items()])


# --- Tests --------------------------------------------------------------------------------


def test_the_table_is_well_over_a_hundred_cases() -> None:
    # given / when / then
    assert len(CASES) > 1_000
    assert len({case.id for case in CASES}) == len(CASES)


def test_project_scoped_types_match_the_vocabulary() -> None:
    # given the spec's project-scoped types
    # when compared with the vocabulary the policies speak
    # then they agree, so every project child is tested under every relationship
    vocabulary = PROJECT_CHILDREN | {"project"}
    assert vocabulary == PROJECT_SCOPED
    assert PROJECT_SCOPED.issubset(RESOURCE_TYPES)
    assert set(EXPECTED) == set(ROLES)


def test_personal_types_match_the_vocabulary() -> None:
    # given the spec's personal types (read only by their owner)
    # when compared with the vocabulary the policies speak
    # then they agree, so every personal type is tested as own, somebody else's and unknown
    assert PERSONAL == OWN_ONLY_READS
    assert OWN_ONLY_READS.issubset(RESOURCE_TYPES)
    assert not OWN_ONLY_READS & PROJECT_SCOPED


def test_authored_types_match_the_vocabulary() -> None:
    # given the spec's authored types (edited only by their author)
    # when compared with the vocabulary the policies speak
    # then they agree, so every authored type is tested as the caller's, another's and unknown
    assert AUTHORED == AUTHORED_BY_CALLER
    assert AUTHORED_BY_CALLER.issubset(RESOURCE_TYPES)
    assert not AUTHORED_BY_CALLER & (PROJECT_SCOPED | OWN_ONLY_READS)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_truth_table(authorizer: Authorizer, case: Case) -> None:
    # given a caller holding exactly this role
    caller = CALLER[case.role]
    subject = Subject(caller, frozenset({case.role}))
    # when the enforcer is asked about the resource in this relationship
    allowed = authorizer.can(subject, case.action, resource_for(case, caller))
    # then it answers what the spec says
    assert allowed is EXPECTED[case.role](case)


@pytest.mark.parametrize("roles", [frozenset(), frozenset({"superuser"})], ids=["none", "unknown"])
def test_no_role_or_an_unknown_role_gets_nothing(
    authorizer: Authorizer, roles: frozenset[str]
) -> None:
    # given a person with no known role
    subject = Subject(50, roles)
    # when every action on every resource type is asked, in every relationship
    granted = [
        case.id for case in CASES
        if case.role == "pmo" and authorizer.can(subject, case.action, resource_for(case, 50))
    ]
    # then nothing is allowed
    assert granted == []


def test_nobody_anonymous_gets_anything(authorizer: Authorizer) -> None:
    # given / when / then
    assert authorizer.can(None, "read", Resource("project")) is False


def test_roles_add_up(authorizer: Authorizer) -> None:
    # given a person who is both a pm and an executive
    subject = Subject(60, frozenset({"pm", "executive"}))
    # when / then they have the rights of both, each under its own condition
    assert authorizer.can(subject, "update", Resource("risk", manager_id=60))
    assert authorizer.can(subject, "decide", Resource("change_request", sponsor_id=60))
    assert not authorizer.can(subject, "decide", Resource("change_request", manager_id=60))
    assert not authorizer.can(subject, "update", Resource("risk", sponsor_id=60))


def test_being_the_recipient_grants_nothing_but_reading_and_updating_one_s_own(
    authorizer: Authorizer,
) -> None:
    # given a pm who is the recipient of a resource's rows
    pm = Subject(80, frozenset({"pm"}))
    # when asked about things other than reading or marking their own notifications
    # then the recipient relationship does not help
    assert authorizer.can(pm, "read", Resource("notification", recipient_id=80))
    assert authorizer.can(pm, "update", Resource("notification", recipient_id=80))
    assert not authorizer.can(pm, "delete", Resource("notification", recipient_id=80))
    assert not authorizer.can(pm, "create", Resource("notification", recipient_id=80))
    assert not authorizer.can(pm, "update", Resource("comment", recipient_id=80))
    assert not authorizer.can(pm, "read", Resource("webhook", recipient_id=80))
    assert not authorizer.can(pm, "update", Resource("risk", recipient_id=80))
    assert not authorizer.can(pm, "read", Resource("notification", manager_id=80))


def test_being_the_author_grants_nothing_but_editing_one_s_comment(
    authorizer: Authorizer,
) -> None:
    # given an executive and an analyst who each wrote something
    executive = Subject(81, frozenset({"executive"}))
    analyst = Subject(82, frozenset({"analyst"}))
    # when / then authorship lets the executive edit their comment and nothing else
    assert authorizer.can(executive, "update", Resource("comment", author_id=81))
    assert authorizer.can(executive, "delete", Resource("comment", author_id=81))
    assert not authorizer.can(executive, "update", Resource("comment", author_id=99))
    assert not authorizer.can(executive, "update", Resource("risk", author_id=81))
    assert not authorizer.can(executive, "update", Resource("notification", author_id=81))
    # and the analyst, read-only, gets nothing from it
    assert not authorizer.can(analyst, "update", Resource("comment", author_id=82))
    assert not authorizer.can(analyst, "create", Resource("comment"))


def test_roles_follow_the_subject(authorizer: Authorizer) -> None:
    # given a pm's rights were asked once
    pm = Subject(70, frozenset({"pm"}))
    assert authorizer.can(pm, "update", Resource("project", manager_id=70))
    # when the same person comes back as an analyst
    analyst = Subject(70, frozenset({"analyst"}))
    # then the analyst's rights apply, not the pm's
    assert not authorizer.can(analyst, "update", Resource("project", manager_id=70))
    assert not authorizer.can(analyst, "read", Resource("person.email"))


@pytest.mark.parametrize(
    ("action", "resource_type"),
    [("approve", "project"), ("read", "budget"), ("read", "person.salary"), ("READ", "risk")],
)
def test_unknown_actions_and_types_are_errors(
    authorizer: Authorizer, action: str, resource_type: str
) -> None:
    # given a pmo, who may do anything that exists
    subject = Subject(CALLER["pmo"], frozenset({"pmo"}))
    # when / then asking about something that does not exist is a programming error
    with pytest.raises(ValueError, match="unknown action or resource type"):
        authorizer.can(subject, action, Resource(resource_type))


def test_offline_authorizer_refuses_unknown_roles() -> None:
    # given / when / then
    with pytest.raises(ValueError, match="unknown role"):
        offline_authorizer([(1, "superuser")])
