"""Workflow notifications: who hears about a gate, a change request, an escalated risk, an
over-allocation or an overdue status report, raised in the transaction of the change itself.

Recipients are worked out by the rules of the PMO's process (the people who may decide a gate
are asked of the one enforcer, never listed here); the one who made the change is never
notified of it, nor is an inactive person. ``collaboration.service.deliver`` then honours each
person's preference for the kind on each channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource, Subject
from server.domain import events
from server.domain.actor import Actor
from server.domain.auth import roles
from server.domain.collaboration.service import NotificationKind, deliver
from server.domain.enums import ProjectStatus, Role
from server.domain.events import DomainEvent
from server.domain.organisation.models import Person
from server.domain.portfolio.models import Portfolio
from server.domain.project.models import Project
from server.domain.raid.models import StatusReport
from server.domain.reporting.dashboard import REPORT_EVERY


async def deciders(session: AsyncSession, actor: Actor, resource: Resource) -> list[int]:
    """The active people the enforcer lets decide ``resource`` (a gate, a change request)."""
    people = await roles.holders(session, (Role.PMO, Role.EXECUTIVE))
    if not people:
        return []
    active = set((await session.exec(sa.select(Person.id).where(  # type: ignore[call-overload]
        Person.id.in_(list(people)), Person.active.is_(True)))).scalars().all())  # type: ignore[union-attr]
    return sorted(pid for pid, held in people.items() if pid in active
                  and actor.authorizer.can(Subject(pid, held), "decide", resource))


async def project_people(session: AsyncSession, project_id: int,
                         ) -> tuple[Project, Portfolio | None]:
    """The project and its portfolio (manager, sponsor, owner ids are on them)."""
    project = await session.get(Project, project_id)
    assert project is not None, project_id
    return project, await session.get(Portfolio, project.portfolio_id)


async def notify(session: AsyncSession, *, actor_id: int | None, kind: NotificationKind,
                 recipients: Iterable[int | None], entity: tuple[str, int], message: str,
                 once: bool = False) -> list[int]:
    """Notify each recipient (not the actor, once each) as their preferences allow; who was
    notified in the inbox."""
    wanted = [pid for pid in dict.fromkeys(recipients) if pid is not None and pid != actor_id]
    notified = []
    for person_id in wanted:
        person = await session.get(Person, person_id)
        if person is None or not person.active:
            continue
        if await deliver(session, recipient_id=person_id, kind=kind, entity=entity,
                         message=message, once=once):
            notified.append(person_id)
    return notified


def _stage(session: AsyncSession, event_type: str, entity: tuple[str, int],
           portfolio_id: int | None, **payload: Any) -> None:
    events.stage(session, DomainEvent(event_type, entity[0], entity[1], portfolio_id, payload))


# --- the rules --------------------------------------------------------------------------------

async def gate_submitted(session: AsyncSession, actor: Actor, gate: Any,
                         resource: Resource) -> None:
    """A gate submitted: the people who may decide it."""
    project, _ = await project_people(session, gate.project_id)
    await notify(session, actor_id=actor.person_id, kind=NotificationKind.GATE_SUBMITTED,
                 recipients=await deciders(session, actor, resource),
                 entity=("ProjectGate", gate.id),
                 message=f"Gate {gate.sequence} '{gate.name}' of {project.code} "
                         f"{project.name} waits for your decision")
    _stage(session, "gate.submitted", ("ProjectGate", gate.id), project.portfolio_id,
           project_id=project.id, sequence=gate.sequence)


async def gate_decided(session: AsyncSession, actor: Actor, gate: Any) -> None:
    """A gate decided: the project's manager and sponsor."""
    project, _ = await project_people(session, gate.project_id)
    await notify(session, actor_id=actor.person_id, kind=NotificationKind.GATE_DECIDED,
                 recipients=[project.manager_id, project.sponsor_id],
                 entity=("ProjectGate", gate.id),
                 message=f"Gate {gate.sequence} '{gate.name}' of {project.code} was decided: "
                         f"{gate.decision.value}")


async def change_request_submitted(session: AsyncSession, actor: Actor, change_request: Any,
                                   resource: Resource) -> None:
    """A change request submitted: the people who may decide it."""
    project, _ = await project_people(session, change_request.project_id)
    await notify(session, actor_id=actor.person_id,
                 kind=NotificationKind.CHANGE_REQUEST_SUBMITTED,
                 recipients=await deciders(session, actor, resource),
                 entity=("ChangeRequest", change_request.id),
                 message=f"Change request '{change_request.title}' on {project.code} waits "
                         "for your decision")
    _stage(session, "change_request.submitted", ("ChangeRequest", change_request.id),
           project.portfolio_id, project_id=project.id)


async def change_request_decided(session: AsyncSession, actor: Actor,
                                 change_request: Any) -> None:
    """A change request decided: the project's manager and sponsor."""
    project, _ = await project_people(session, change_request.project_id)
    await notify(session, actor_id=actor.person_id,
                 kind=NotificationKind.CHANGE_REQUEST_DECIDED,
                 recipients=[project.manager_id, project.sponsor_id],
                 entity=("ChangeRequest", change_request.id),
                 message=f"Change request '{change_request.title}' on {project.code} was "
                         f"{change_request.status.value.lower()}")


async def risk_escalated(session: AsyncSession, actor: Actor, risk: Any, issue: Any) -> None:
    """A risk escalated to an issue: the project's manager, sponsor and portfolio owner."""
    project, portfolio = await project_people(session, risk.project_id)
    await notify(session, actor_id=actor.person_id, kind=NotificationKind.RISK_ESCALATED,
                 recipients=[project.manager_id, project.sponsor_id,
                             portfolio.owner_id if portfolio is not None else None],
                 entity=("Issue", issue.id),
                 message=f"Risk '{risk.title}' on {project.code} happened: issue "
                         f"'{issue.title}' is open")


async def over_allocated(session: AsyncSession, actor: Actor, allocation: Any,
                         weeks: list[str]) -> None:
    """An allocation that takes a person above 100 % in some week: them and the project's
    manager. ``weeks``: the over-allocated weeks as the mutation warns of them; none, no one
    hears."""
    if not weeks:
        return
    project, _ = await project_people(session, allocation.project_id)
    person = await session.get(Person, allocation.person_id)
    name = person.full_name if person is not None else f"#{allocation.person_id}"
    shown = "; ".join(weeks[:3]) + (f" and {len(weeks) - 3} more" if len(weeks) > 3 else "")
    await notify(session, actor_id=actor.person_id, kind=NotificationKind.OVER_ALLOCATED,
                 recipients=[allocation.person_id, project.manager_id],
                 entity=("Allocation", allocation.id),
                 message=f"{name} is over-allocated with the allocation to {project.code}: "
                         f"{shown}")
    _stage(session, "allocation.over_allocated", ("Allocation", allocation.id),
           project.portfolio_id, project_id=project.id, person_id=allocation.person_id,
           weeks=list(weeks))


def due_period(today: date) -> date:
    """The reporting period a report is due for on ``today``: the week that ended last Sunday."""
    return today - timedelta(days=today.weekday() + 1)


async def overdue_reports(session: AsyncSession, today: date) -> int:
    """Notify each active project's manager whose status report for the period that ended
    last Sunday is missing (its latest report ended over a week before that). Once per
    project and period, however often it runs; how many notifications were raised."""
    period = due_period(today)
    last = (sa.select(StatusReport.project_id,
                      sa.func.max(StatusReport.period_end).label("end"))
            .group_by(StatusReport.project_id).subquery())
    rows = (await session.exec(sa.select(  # type: ignore[call-overload]
        Project.id, Project.code, Project.name, Project.manager_id, Project.portfolio_id,
        last.c.end)
        .outerjoin(last, last.c.project_id == Project.id)
        .where(Project.status == ProjectStatus.ACTIVE,
               sa.or_(last.c.end.is_(None), last.c.end <= period - REPORT_EVERY))
        .order_by(Project.id))).all()
    raised = 0
    for project_id, code, name, manager_id, portfolio_id, _end in rows:
        notified = await notify(
            session, actor_id=None, kind=NotificationKind.STATUS_REPORT_OVERDUE,
            recipients=[manager_id], entity=("Project", project_id),
            message=f"The status report of {code} {name} for the week ending "
                    f"{period.isoformat()} is overdue",
            once=True)
        if notified:
            _stage(session, "status_report.overdue", ("Project", project_id), portfolio_id,
                   project_id=project_id, period_end=period.isoformat(),
                   manager_id=manager_id)
        raised += len(notified)
    return raised
