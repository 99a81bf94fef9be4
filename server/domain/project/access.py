"""How the policies see a project and the rows that belong to it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain.errors import DomainError, ErrorCode
from server.domain.portfolio.models import Portfolio
from server.domain.project.models import Project


async def project_resource(session: AsyncSession, project_id: int, resource_type: str = "project",
                           *, field: str = "projectId", row_id: int | None = None,
                           approver_role: str | None = None) -> Resource:
    """The policy resource for ``project_id`` or one of its children (``resource_type``).

    Raises a ``NOT_FOUND`` DomainError on ``field`` when the project does not exist.
    """
    found = (await session.exec(
        sa.select(Project.manager_id, Project.sponsor_id, Portfolio.owner_id)  # type: ignore[call-overload]
        .join(Portfolio, Portfolio.id == Project.portfolio_id)
        .where(Project.id == project_id)
    )).first()
    if found is None:
        raise DomainError.one(field, "no project with this id", ErrorCode.NOT_FOUND)
    manager_id, sponsor_id, owner_id = found
    return Resource(resource_type, id=row_id, manager_id=manager_id, sponsor_id=sponsor_id,
                    portfolio_owner_id=owner_id, approver_role=approver_role)
