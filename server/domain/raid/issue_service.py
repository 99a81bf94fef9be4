"""Issue rules: create, update and resolve; authorized, audited, never committed.

Status moves: OPEN and IN_PROGRESS move between each other; either may be resolved
(``resolve``, which records the resolution) or closed without one; a RESOLVED issue may be
closed or reopened, a CLOSED one reopened. Reopening clears the resolution and its date.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.enums import IssueStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.raid import common
from server.domain.raid.models import OPEN_ISSUE_STATUSES, Issue
from server.domain.raid.schemas import IssueCreate, IssueResolve, IssueUpdate

OPEN_STATES = frozenset(OPEN_ISSUE_STATUSES)
DONE_STATES = frozenset({IssueStatus.RESOLVED, IssueStatus.CLOSED})
MOVES: dict[IssueStatus, frozenset[IssueStatus]] = {
    IssueStatus.OPEN: frozenset({IssueStatus.IN_PROGRESS, IssueStatus.RESOLVED,
                                 IssueStatus.CLOSED}),
    IssueStatus.IN_PROGRESS: frozenset({IssueStatus.OPEN, IssueStatus.RESOLVED,
                                        IssueStatus.CLOSED}),
    IssueStatus.RESOLVED: frozenset({IssueStatus.OPEN, IssueStatus.IN_PROGRESS,
                                     IssueStatus.CLOSED}),
    IssueStatus.CLOSED: frozenset({IssueStatus.OPEN}),
}
# A date one day ahead of UTC is still today somewhere; later is a typing mistake.
FUTURE_GRACE = timedelta(days=1)


async def get(session: AsyncSession, *, issue_id: int) -> Issue | None:
    """The issue, or None."""
    return await session.get(Issue, issue_id)


def _check_resolved_on(values: dict[str, Any]) -> None:
    resolved_on = values.get("resolved_on")
    if resolved_on is not None and resolved_on > common.today() + FUTURE_GRACE:
        raise DomainError.one("resolvedOn", "resolvedOn cannot be in the future",
                              ErrorCode.INVALID)


async def create(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Issue:
    """Log an issue on a project the actor may edit. Raises DomainError or Forbidden."""
    data = {k: v for k, v in data.items() if v is not None}
    if "project_id" not in data:
        raise DomainError.one("projectId", "projectId is required", ErrorCode.REQUIRED)
    actor.require("create", await common.resource_of(session, "issue", data["project_id"]))
    values = common.validate(IssueCreate, data).model_dump()
    await common.check_owner(session, values["owner_id"])
    issue = Issue(**values)
    session.add(issue)
    await common.flush(session, "issue")
    await common.record(session, actor=actor, action="create", row=issue, before={})
    return issue


async def _editable(session: AsyncSession, actor: Actor, issue_id: int, version: int) -> Issue:
    issue = await common.get_or_raise(session, Issue, issue_id, "issue")
    actor.require("update", await common.resource_of(session, "issue", issue.project_id,
                                                     issue.id))
    common.check_version(issue, version, "issue")
    return issue


async def update(session: AsyncSession, *, actor: Actor, issue_id: int, version: int,
                 changes: dict[str, Any]) -> Issue:
    """Apply a partial update read at ``version``. Raises DomainError or Forbidden."""
    issue = await _editable(session, actor, issue_id, version)
    values = common.validate(IssueUpdate, changes).model_dump(exclude_unset=True)
    target = values.get("status", issue.status)
    if target != issue.status:
        if target == IssueStatus.RESOLVED and target in MOVES[issue.status]:
            raise DomainError.one("status", "use resolveIssue to resolve an issue: it records "
                                  "the resolution", ErrorCode.INVALID)
        common.refuse_move("issue", issue.status, target,
                           MOVES[issue.status] - {IssueStatus.RESOLVED})
    for field in ("resolution", "resolved_on"):
        if field in values and target not in DONE_STATES:
            raise DomainError.one(common.api_name(field), "only a resolved or closed issue "
                                  f"has a {common.api_name(field)}", ErrorCode.INVALID)
    _check_resolved_on(values)
    if "owner_id" in values:
        await common.check_owner(session, values["owner_id"])
    if issue.status in DONE_STATES and target in OPEN_STATES:
        values.update(resolution=None, resolved_on=None)
    before = audit.snapshot(issue)
    common.apply(issue, values)
    await common.flush(session, "issue")
    await common.record(session, actor=actor, action="update", row=issue, before=before)
    return issue


async def resolve(session: AsyncSession, *, actor: Actor, issue_id: int, version: int,
                  data: dict[str, Any]) -> Issue:
    """Resolve an OPEN or IN_PROGRESS issue read at ``version``: a resolution is required,
    ``resolved_on`` defaults to today (UTC)."""
    issue = await _editable(session, actor, issue_id, version)
    if issue.status not in OPEN_STATES:
        raise DomainError.one(
            "id", f"the issue is already {issue.status.value}; only OPEN or IN_PROGRESS issues "
            "can be resolved", ErrorCode.INVALID)
    values = common.validate(IssueResolve, data).model_dump()
    _check_resolved_on(values)
    before = audit.snapshot(issue)
    issue.status = IssueStatus.RESOLVED
    issue.resolution = values["resolution"]
    issue.resolved_on = values["resolved_on"] or common.today()
    await common.flush(session, "issue")
    await common.record(session, actor=actor, action="resolve", row=issue, before=before)
    return issue


async def delete(session: AsyncSession, *, actor: Actor, issue_id: int, version: int) -> Issue:
    """Delete an issue recorded by mistake, read at ``version``; returns it as it was."""
    issue = await common.deletable(session, actor, Issue, issue_id, version, "issue")
    await common.remove(session, actor=actor, row=issue, label="issue")
    return issue
