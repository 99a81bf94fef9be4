"""The relationship conditions policy rows name in their last column.

Named conditions (rather than expressions evaluated per rule) keep the rules readable and
let Casbin compile its matcher once: ``eval()`` in a matcher recompiles every rule's
expression on every check, which cost about 5 ms per decision.
"""

from __future__ import annotations

from collections.abc import Callable

from policies.resources import Resource, Subject


def _manager(sub: Subject, obj: Resource) -> bool:
    return obj.manager_id is not None and obj.manager_id == sub.person_id


def _recipient(sub: Subject, obj: Resource) -> bool:
    return obj.recipient_id is not None and obj.recipient_id == sub.person_id


def _author(sub: Subject, obj: Resource) -> bool:
    return obj.author_id is not None and obj.author_id == sub.person_id


def _sponsor(sub: Subject, obj: Resource) -> bool:
    return obj.sponsor_id is not None and obj.sponsor_id == sub.person_id


def _sponsor_or_portfolio_owner(sub: Subject, obj: Resource) -> bool:
    return sub.person_id in {obj.sponsor_id, obj.portfolio_owner_id}


def _executive_gate_of_sponsor_or_owner(sub: Subject, obj: Resource) -> bool:
    return obj.approver_role == "executive" and _sponsor_or_portfolio_owner(sub, obj)


CONDITIONS: dict[str, Callable[[Subject, Resource], bool]] = {
    "always": lambda sub, obj: True,
    "manager": _manager,
    "recipient": _recipient,
    "author": _author,
    "sponsor": _sponsor,
    "sponsor_or_portfolio_owner": _sponsor_or_portfolio_owner,
    "executive_gate_of_sponsor_or_owner": _executive_gate_of_sponsor_or_owner,
}

DESCRIPTIONS = {
    "always": "always",
    "manager": "the caller manages the project",
    "recipient": "the row is the caller's own (a notification they receive, their preferences)",
    "author": "the caller wrote the row (a comment)",
    "sponsor": "the caller sponsors the project",
    "sponsor_or_portfolio_owner": "the caller sponsors the project or owns its portfolio",
    "executive_gate_of_sponsor_or_owner":
        "an executive gate, and the caller sponsors the project or owns its portfolio",
}


def holds(name: str, sub: Subject, obj: Resource) -> bool:
    """Whether the named condition holds; unknown names never do (and fail the load)."""
    condition = CONDITIONS.get(name)
    return condition is not None and condition(sub, obj)
