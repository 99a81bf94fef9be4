"""The one place authorization is decided. GraphQL, the console and services all ask here.

Policies (``p`` rows) come from ``policies/policy.csv``; role assignments (``g`` rows) live
in the database table ``casbin_rule`` and are read through Casbin's async SQLAlchemy adapter.
Each request brings the caller's current roles from the database (``Subject.roles``) and
``sync_subject`` brings the in-memory role links up to date, so role changes made anywhere
(console, CLI, another process) apply on the caller's next request without a restart.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import casbin
from casbin.persist.adapters import FileAdapter
from casbin_async_sqlalchemy_adapter import Adapter
from casbin_async_sqlalchemy_adapter.adapter import Filter
from sqlalchemy.ext.asyncio import AsyncEngine

from policies.conditions import CONDITIONS, holds
from policies.resources import ACTIONS, RESOURCE_TYPES, ROLES, Resource, Subject
from server.domain.auth.models import CasbinRule

POLICY_DIR = Path(__file__).parent
MODEL_PATH = POLICY_DIR / "model.conf"
POLICY_PATH = POLICY_DIR / "policy.csv"


class Forbidden(Exception):
    """The caller may not do this; the message says what was refused."""

    def __init__(self, action: str, resource_type: str) -> None:
        super().__init__(f"not allowed to {action} {resource_type.replace('_', ' ')}")
        self.action = action
        self.resource_type = resource_type


class Authorizer:
    """Answers "may this subject do this action on this resource?" from the Casbin enforcer."""

    def __init__(self, enforcer: casbin.AsyncEnforcer) -> None:
        self._enforcer = enforcer
        # Answers depend only on the (static) policy file, the subject's roles and the
        # resource's relationships, all part of the key, so caching them is safe.
        self._cached = lru_cache(maxsize=65_536)(self._decide)

    def sync_subject(self, subject: Subject) -> None:
        """Make the enforcer's role links for this person match the roles from the database."""
        current = set(self._enforcer.get_role_manager().get_roles(subject.subject))
        if current == set(subject.roles):
            return
        model = self._enforcer.get_model()
        for role in current - subject.roles:
            model.remove_policy("g", "g", [subject.subject, role])
        for role in subject.roles - current:
            model.add_policy("g", "g", [subject.subject, role])
        self._enforcer.build_role_links()

    def _decide(self, subject: Subject, action: str, resource: Resource) -> bool:
        self.sync_subject(subject)
        return bool(self._enforcer.enforce(subject, resource, action))

    def can(self, subject: Subject | None, action: str, resource: Resource) -> bool:
        """Whether ``subject`` may ``action`` the ``resource``; nobody anonymous may."""
        if subject is None:
            return False
        if action not in ACTIONS or resource.type not in RESOURCE_TYPES:
            raise ValueError(f"unknown action or resource type: {action} {resource.type}")
        return self._cached(subject, action, _relationship_only(subject, resource))

    def require(self, subject: Subject | None, action: str, resource: Resource) -> None:
        """Raise ``Forbidden`` unless ``subject`` may ``action`` the ``resource``."""
        if not self.can(subject, action, resource):
            raise Forbidden(action, resource.type)

    def can_read_type(self, subject: Subject | None, resource_type: str) -> bool:
        """Whether reads of this type are allowed regardless of relationships."""
        return self.can(subject, "read", Resource(resource_type))


def _relationship_only(subject: Subject, resource: Resource) -> Resource:
    """The resource reduced to what conditions can see: its type and how the subject relates.

    Decisions then repeat across rows (every project Alice does not manage looks the same),
    so the cache answers nearly all of them; an uncached Casbin decision costs about 1 ms.
    """
    me = subject.person_id
    return Resource(
        resource.type,
        manager_id=me if resource.manager_id == me else None,
        sponsor_id=me if resource.sponsor_id == me else None,
        portfolio_owner_id=me if resource.portfolio_owner_id == me else None,
        approver_role=resource.approver_role,
        recipient_id=me if resource.recipient_id == me else None,
        author_id=me if resource.author_id == me else None,
    )


def _prepare(enforcer: Any) -> None:
    """Register the condition function and check every rule names a known condition."""
    enforcer.add_function("holds", holds)
    unknown = {rule[3] for rule in enforcer.get_model().get_policy("p", "p")} - set(CONDITIONS)
    if unknown:
        raise ValueError(f"policy.csv names unknown conditions: {', '.join(sorted(unknown))}")


def _load_policy_rules(enforcer: casbin.AsyncEnforcer) -> None:
    FileAdapter(str(POLICY_PATH)).load_policy(enforcer.get_model())


async def build_authorizer(engine: AsyncEngine) -> Authorizer:
    """Build the enforcer: the model and rules from files, role assignments from the database."""
    adapter = Adapter(engine, db_class=CasbinRule, filtered=True)
    enforcer = casbin.AsyncEnforcer(str(MODEL_PATH), adapter)
    role_rows = Filter()
    role_rows.ptype = ["g"]
    await enforcer.load_filtered_policy(role_rows)
    _load_policy_rules(enforcer)
    enforcer.build_role_links()
    _prepare(enforcer)
    return Authorizer(enforcer)


def offline_authorizer(assignments: Iterable[tuple[int, str]] = ()) -> Authorizer:
    """An authorizer over the real policy files without a database (matrix, truth tables)."""
    enforcer = casbin.Enforcer(str(MODEL_PATH), str(POLICY_PATH))
    _prepare(enforcer)
    for person_id, role in assignments:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        enforcer.add_role_for_user(f"person:{person_id}", role)
    return Authorizer(enforcer)  # type: ignore[arg-type]
