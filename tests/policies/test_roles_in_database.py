"""Role assignments live in the database and change at run time without a restart."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.enforcer import build_authorizer
from policies.resources import Resource, Subject
from server.domain.auth import roles
from server.domain.auth.models import CasbinRule
from server.domain.enums import Role
from server.domain.organisation.models import Person


async def _person(sessions: async_sessionmaker[AsyncSession], role: Role) -> int:
    """A committed person holding one role; returns their id."""
    async with sessions() as session, session.begin():
        person = Person(email=f"{role.value}@example.com", full_name=f"A {role.value}")
        session.add(person)
        await session.flush()
        assert person.id is not None
        await roles.assign(session, person_id=person.id, role=role)
        return person.id


async def _subject(sessions: async_sessionmaker[AsyncSession], person_id: int) -> Subject:
    """The subject a request builds: the person's roles as the database has them now."""
    async with sessions() as session:
        held = await roles.roles_of(session, person_id=person_id)
    return Subject(person_id, frozenset(role.value for role in held))


async def test_startup_reads_role_assignments_from_the_database(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # given a pm whose role is a row in casbin_rule
    pm_id = await _person(sessions, Role.PM)
    # when the authorizer is built at startup
    authorizer = await build_authorizer(engine)
    # then the enforcer's role links came from that row
    enforcer = authorizer._enforcer
    assert enforcer.get_role_manager().get_roles(f"person:{pm_id}") == ["pm"]
    assert enforcer.get_filtered_named_grouping_policy("g", 0, f"person:{pm_id}") == [
        [f"person:{pm_id}", "pm"]
    ]
    # and the rules themselves still come from policy.csv, not the database
    assert enforcer.has_policy("pm", "risk", "update", "manager")


async def test_role_changes_apply_without_a_rebuild(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # given a pm, and an authorizer built once at startup
    pm_id = await _person(sessions, Role.PM)
    authorizer = await build_authorizer(engine)
    own_risk = Resource("risk", id=1, manager_id=pm_id)
    sponsored_change = Resource("change_request", id=2, sponsor_id=pm_id)
    subject = await _subject(sessions, pm_id)
    assert subject.roles == {"pm"}
    assert authorizer.can(subject, "update", own_risk)
    assert not authorizer.can(subject, "decide", sponsored_change)

    # when the pm role is removed in the database
    async with sessions() as session, session.begin():
        await session.exec(
            sa.delete(CasbinRule).where(  # type: ignore[call-overload]
                CasbinRule.ptype == "g", CasbinRule.v0 == f"person:{pm_id}"
            )
        )
    # then the next request's subject carries no role and gets nothing
    subject = await _subject(sessions, pm_id)
    assert subject.roles == frozenset()
    assert not authorizer.can(subject, "update", own_risk)
    assert not authorizer.can(subject, "read", Resource("project"))

    # when the person is made an executive instead
    async with sessions() as session, session.begin():
        await roles.assign(session, person_id=pm_id, role=Role.EXECUTIVE)
    # then the executive's rights apply, still without rebuilding the authorizer
    subject = await _subject(sessions, pm_id)
    assert subject.roles == {"executive"}
    assert authorizer.can(subject, "decide", sponsored_change)
    assert authorizer.can(subject, "read", Resource("project"))
    assert not authorizer.can(subject, "update", own_risk)
    assert authorizer._enforcer.get_role_manager().get_roles(f"person:{pm_id}") == ["executive"]


async def test_other_people_keep_their_roles(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # given a pm and an analyst loaded at startup
    pm_id = await _person(sessions, Role.PM)
    analyst_id = await _person(sessions, Role.ANALYST)
    authorizer = await build_authorizer(engine)
    # when the analyst is also made a pm in the database
    async with sessions() as session, session.begin():
        await roles.assign(session, person_id=analyst_id, role=Role.PM)
    analyst = await _subject(sessions, analyst_id)
    # then the analyst gains pm rights and the other pm is unaffected
    assert analyst.roles == {"analyst", "pm"}
    assert authorizer.can(analyst, "update", Resource("risk", manager_id=analyst_id))
    pm = await _subject(sessions, pm_id)
    assert authorizer.can(pm, "read", Resource("person.email"))
    assert not authorizer.can(pm, "update", Resource("risk", manager_id=analyst_id))
