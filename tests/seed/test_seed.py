"""The seeder: a realistic demo, the same rows for the same seed, no accidental re-seeding."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.enforcer import offline_authorizer
from policies.resources import Subject
from schema.base import to_global_id
from server.app import create_app
from server.domain.actor import Actor
from server.domain.auth import roles
from server.domain.auth.passwords import verify_password
from server.domain.auth.tokens import mint
from server.domain.collaboration import service as collaboration
from server.domain.collaboration.models import Comment, Notification, NotificationPreference
from server.domain.enums import AuditSource, ChangeRequestStatus, GateStatus, ProjectStatus, Role
from server.domain.models import ChangeRequest, Issue, Project, Risk, metadata
from server.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, SeedRefused, seed_database
from server.settings import DEMO_SECRET_KEY, load_settings

TODAY = date(2026, 3, 16)
# Columns that may differ between two runs of the same seed (when the rows were written,
# and Argon2's random salt).
VOLATILE = {"created_at", "updated_at", "changed_at", "password_hash"}
SEED_TABLES = [
    "department", "person", "casbin_rule", "strategic_objective", "project_type", "risk_category",
    "rag_threshold", "setting", "governance_template", "gate_template", "checklist_item_template",
    "document_template", "portfolio", "program", "project", "project_baseline", "milestone",
    "cost_entry", "project_objective", "project_gate", "project_checklist_item", "risk", "issue",
    "assumption", "dependency", "change_request", "status_report", "allocation", "benefit",
    "lesson", "stakeholder", "project_snapshot", "notification_preference", "comment",
    "notification",
]
COLLABORATION_TABLES = ["notification_preference", "comment", "notification"]
PARENTS = {"Project": (Project, "project"), "Risk": (Risk, "risk"), "Issue": (Issue, "issue"),
           "ChangeRequest": (ChangeRequest, "change_request")}
DEMO_EMAILS = [email for email, _, _ in DEMO_ACCOUNTS]

Sessions = async_sessionmaker[AsyncSession]


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    """Rows per seeded table, counted in the database."""
    async with engine.connect() as conn:
        return {
            name: int(await conn.scalar(
                sa.select(sa.func.count()).select_from(metadata.tables[name])) or 0)
            for name in SEED_TABLES
        }


async def dump(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in id order, without the volatile columns."""
    async with engine.connect() as conn:
        result = {}
        for table in metadata.sorted_tables:
            columns = [column for column in table.c if column.name not in VOLATILE]
            rows = await conn.execute(sa.select(*columns).order_by(*table.primary_key.columns))
            result[table.name] = [tuple(row) for row in rows.all()]
        return result


async def recreate(engine: AsyncEngine) -> None:
    """Drop and create every table: a fresh, empty database on the same engine."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)


async def scalars(engine: AsyncEngine, statement: sa.Select[Any]) -> list[Any]:
    """The first column of every row ``statement`` returns."""
    async with engine.connect() as conn:
        return list((await conn.scalars(statement)).all())


async def person_ids(engine: AsyncEngine, *emails: str) -> list[int]:
    """The ids of the people with these emails, in the order given."""
    person = metadata.tables["person"]
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(person.c.email, person.c.id))
        ids = dict(rows.all())
    return [ids[email] for email in emails]


async def test_scale_one_is_forty_people_five_portfolios_and_sixty_projects(
    engine: AsyncEngine,
) -> None:
    # given
    stages: dict[str, list[tuple[int, int]]] = defaultdict(list)

    # when
    report = await seed_database(
        engine, today=TODAY, progress=lambda stage, done, total: stages[stage].append((done, total))
    )

    # then
    counts = await row_counts(engine)
    assert (counts["person"], counts["portfolio"], counts["project"]) == (40, 5, 60)
    assert counts == {name: report.counts[name] for name in SEED_TABLES}
    assert all(count > 0 for count in counts.values()), counts
    assert report.total_rows == sum(counts.values())
    assert stages["projects"][-1] == (60, 60)
    done, total = stages["organisation"][-1]
    assert done == total > 0


async def test_every_project_and_change_request_status_is_present(engine: AsyncEngine) -> None:
    # when
    await seed_database(engine, today=TODAY)

    # then
    project = metadata.tables["project"]
    change = metadata.tables["change_request"]
    assert set(await scalars(engine, sa.select(project.c.status).distinct())) == set(ProjectStatus)
    assert set(await scalars(engine, sa.select(change.c.status).distinct())) == set(
        ChangeRequestStatus
    )


async def test_some_person_is_over_allocated_in_some_week(engine: AsyncEngine) -> None:
    # when
    await seed_database(engine, today=TODAY)

    # then: summing allocation percents per person and week goes over 100 somewhere
    allocation = metadata.tables["allocation"]
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(
            allocation.c.person_id, allocation.c.start_date, allocation.c.end_date,
            allocation.c.percent,
        ))).all()
    load: dict[tuple[int, date], int] = defaultdict(int)
    for person_id, start, end, percent in rows:
        week = start - timedelta(days=start.weekday())
        while week <= end:
            load[person_id, week] += percent
            week += timedelta(weeks=1)
    assert max(load.values()) > 100


async def test_demo_accounts_log_in_with_the_demo_password_and_hold_their_roles(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    # when
    await seed_database(engine, today=TODAY)

    # then
    person = metadata.tables["person"]
    async with engine.connect() as conn:
        hashes = dict((await conn.execute(sa.select(person.c.email, person.c.password_hash))).all())
    async with sessions() as session:
        for email, _, role in DEMO_ACCOUNTS:
            [person_id] = await person_ids(engine, email)
            assert await roles.roles_of(session, person_id=person_id) == [role]
    assert verify_password(DEMO_PASSWORD, hashes["pm.alice@example.com"])
    demo = {email for email, _, _ in DEMO_ACCOUNTS}
    assert all(hashes[email] is not None for email in demo)
    assert all(value is None for email, value in hashes.items() if email not in demo)


async def test_demo_managers_and_executive_have_work_to_show(engine: AsyncEngine) -> None:
    # when
    await seed_database(engine, today=TODAY)

    # then
    project = metadata.tables["project"]
    portfolio = metadata.tables["portfolio"]
    alice, bob, carol = await person_ids(
        engine, "pm.alice@example.com", "pm.bob@example.com", "exec.carol@example.com")
    managed = await scalars(engine, sa.select(project.c.manager_id))
    assert managed.count(alice) >= 3 and managed.count(bob) >= 3
    assert (await scalars(engine, sa.select(project.c.sponsor_id))).count(carol) >= 3
    assert carol in await scalars(engine, sa.select(portfolio.c.owner_id))


async def test_managers_sponsors_and_owners_hold_matching_roles(engine: AsyncEngine) -> None:
    # when
    await seed_database(engine, today=TODAY)

    # then
    project, portfolio = metadata.tables["project"], metadata.tables["portfolio"]
    rule = metadata.tables["casbin_rule"]
    async with engine.connect() as conn:
        granted = set((await conn.execute(sa.select(rule.c.v0, rule.c.v1))).all())
        managers = set(await conn.scalars(sa.select(project.c.manager_id)))
        executives = set(await conn.scalars(sa.select(project.c.sponsor_id)))
        executives |= set(await conn.scalars(sa.select(portfolio.c.owner_id)))
    assert all((roles.subject(p), Role.PM.value) in granted for p in managers)
    assert all((roles.subject(p), Role.EXECUTIVE.value) in granted for p in executives)
    assert sum(1 for _, role in granted if role == Role.PMO.value) >= 2


async def test_rows_tell_a_consistent_story(engine: AsyncEngine) -> None:
    # when
    await seed_database(engine, today=TODAY)

    # then
    tables = metadata.tables
    project, gate, baseline = tables["project"], tables["project_gate"], tables["project_baseline"]
    async with engine.connect() as conn:
        projects = {row.id: row for row in (await conn.execute(sa.select(project))).all()}
        gates = (await conn.execute(sa.select(gate.c.project_id, gate.c.status))).all()
        baselines = (await conn.execute(
            sa.select(baseline.c.project_id, baseline.c.number, baseline.c.bac)
            .order_by(baseline.c.project_id, baseline.c.number))).all()
        risks = (await conn.execute(sa.select(
            tables["risk"].c.probability, tables["risk"].c.impact, tables["risk"].c.score))).all()
        happened = [
            tables["project_gate"].c.submitted_at, tables["project_gate"].c.decided_at,
            tables["change_request"].c.decided_at, tables["status_report"].c.submitted_at,
            tables["project_baseline"].c.taken_at, tables["project_checklist_item"].c.done_at,
            tables["cost_entry"].c.incurred_on, tables["milestone"].c.actual_date,
            project.c.actual_start, project.c.actual_finish,
        ]
        latest = [await conn.scalar(sa.select(sa.func.max(column))) for column in happened]

    # baselines are numbered 1..n and the project carries the latest one
    by_project: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for project_id, number, bac in baselines:
        by_project[project_id].append((number, bac))
    for project_id, versions in by_project.items():
        assert [number for number, _ in versions] == list(range(1, len(versions) + 1))
        assert projects[project_id].baseline_budget == versions[-1][1]
    # gates follow the project's status
    for project_id, status in gates:
        if projects[project_id].status is ProjectStatus.COMPLETED:
            assert status is GateStatus.APPROVED
        if projects[project_id].status is ProjectStatus.PROPOSED:
            assert status in (GateStatus.PENDING, GateStatus.SUBMITTED)
    assert all(p.percent_complete == 100 for p in projects.values()
               if p.status is ProjectStatus.COMPLETED)
    assert all(p.actual_start is None for p in projects.values()
               if p.status in (ProjectStatus.PROPOSED, ProjectStatus.APPROVED))
    # the database computed every risk score
    assert all(score == probability * impact for probability, impact, score in risks)
    # everything that already happened happened before the seed's today
    assert all((moment.date() if isinstance(moment, datetime) else moment) < TODAY
               for moment in latest), latest


async def test_the_same_seed_and_day_give_the_same_rows(engine: AsyncEngine) -> None:
    # given
    await seed_database(engine, seed=7, today=TODAY)
    first = await dump(engine)
    await recreate(engine)

    # when
    await seed_database(engine, seed=7, today=TODAY)

    # then
    assert await dump(engine) == first


async def test_another_seed_or_day_gives_other_rows(engine: AsyncEngine) -> None:
    # given
    await seed_database(engine, seed=7, today=TODAY)
    first = await dump(engine)
    await recreate(engine)

    # when
    await seed_database(engine, seed=8, today=TODAY)
    other_seed = await dump(engine)
    await recreate(engine)
    await seed_database(engine, seed=7, today=TODAY + timedelta(days=30))
    other_day = await dump(engine)

    # then
    assert other_seed["project"] != first["project"]
    assert other_seed["person"] != first["person"]
    assert other_day["project"] != first["project"]


async def test_refuses_a_database_that_already_holds_data(engine: AsyncEngine) -> None:
    # given
    await seed_database(engine, today=TODAY)
    before = await row_counts(engine)

    # when
    with pytest.raises(SeedRefused) as refused:
        await seed_database(engine, today=TODAY)

    # then
    assert str(refused.value) == (
        "database already holds data (40 people, 60 projects); use --force to seed anyway"
    )
    assert await row_counts(engine) == before


async def test_refuses_a_database_with_a_single_person(engine: AsyncEngine) -> None:
    # given
    async with engine.begin() as conn:
        await conn.execute(metadata.tables["person"].insert().values(
            email="someone@example.com", full_name="Some One"))

    # when / then
    with pytest.raises(SeedRefused, match=r"\(1 person, 0 projects\)"):
        await seed_database(engine, today=TODAY)


async def test_force_seeds_again_reusing_demo_accounts_and_reference_data(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    # given
    await seed_database(engine, today=TODAY)
    before = await row_counts(engine)

    # when
    report = await seed_database(engine, today=TODAY, force=True)

    # then
    after = await row_counts(engine)
    assert after["project"] == 120
    assert after["person"] == 80 - len(DEMO_ACCOUNTS)
    assert report.counts["person"] == 40 - len(DEMO_ACCOUNTS)
    assert after["rag_threshold"] == before["rag_threshold"]
    assert after["project_type"] == before["project_type"]
    async with sessions() as session:
        [alice] = await person_ids(engine, "pm.alice@example.com")
        assert await roles.roles_of(session, person_id=alice) == [Role.PM]
    # ids were assigned by the seed: the database's own sequences still hand out free ones
    async with engine.begin() as conn:
        await conn.execute(metadata.tables["department"].insert().values(
            code="NEW", name="New department"))
    assert (await row_counts(engine))["department"] == after["department"] + 1


async def test_scale_two_doubles_scale_one(engine: AsyncEngine) -> None:
    # given
    one = (await seed_database(engine, today=TODAY)).counts
    await recreate(engine)

    # when
    two = (await seed_database(engine, scale=2, today=TODAY)).counts

    # then
    for name in ("person", "portfolio", "program", "project"):
        assert two[name] == 2 * one[name], name
    for name in ("risk", "cost_entry", "allocation", "status_report", "milestone", "project_gate"):
        assert 1.7 <= two[name] / one[name] <= 2.3, (name, one[name], two[name])


async def test_refuses_a_scale_below_one(engine: AsyncEngine) -> None:
    with pytest.raises(ValueError, match="scale must be at least 1"):
        await seed_database(engine, scale=0)


async def collaboration_rows(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """The collaboration tables' rows in id order, timestamps included (the seed sets them)."""
    async with engine.connect() as conn:
        result = {}
        for name in COLLABORATION_TABLES:
            table = metadata.tables[name]
            # preferences are stamped with the time of the run, like the other tables
            columns = [c for c in table.c
                       if name != "notification_preference" or c.name not in VOLATILE]
            rows = await conn.execute(sa.select(*columns).order_by(table.c.id))
            result[name] = [tuple(row) for row in rows.all()]
        return result


async def test_the_same_seed_gives_the_same_threads_and_notifications_at_the_same_times(
    engine: AsyncEngine,
) -> None:
    # given
    await seed_database(engine, seed=7, today=TODAY)
    first = await collaboration_rows(engine)
    await recreate(engine)

    # when
    await seed_database(engine, seed=7, today=TODAY)

    # then
    assert await collaboration_rows(engine) == first
    assert all(first[name] for name in COLLABORATION_TABLES)


async def test_threads_look_like_real_discussions(engine: AsyncEngine) -> None:
    # when
    await seed_database(engine, today=TODAY)

    # then
    async with AsyncSession(engine) as session:
        comments = {c.id: c for c in (await session.exec(select(Comment))).all()}
        notifications = list((await session.exec(select(Notification))).all())
    assert {c.parent_type for c in comments.values()} == set(PARENTS)
    replies = [c for c in comments.values() if c.reply_to_id is not None]
    assert replies and any(c.mentions for c in comments.values())
    assert any(c.edited_at for c in comments.values())
    assert 1 <= sum(1 for c in comments.values() if c.deleted_at) <= 5
    for reply in replies:
        target = comments[reply.reply_to_id]  # type: ignore[index]
        # on the same object, after the comment answered, which was standing then
        assert (target.parent_type, target.parent_id) == (reply.parent_type, reply.parent_id)
        assert target.created_at < reply.created_at
        assert target.deleted_at is None or target.deleted_at > reply.created_at
        assert target.author_id != reply.author_id
    cutoff = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    for c in comments.values():
        assert c.created_at < cutoff
        assert all(c.created_at < moment < cutoff for moment in (c.edited_at, c.deleted_at)
                   if moment is not None)
    assert all(n.created_at < n.read_at < cutoff for n in notifications if n.read_at)
    read = sum(1 for n in notifications if n.read_at)
    assert 0.3 <= read / len(notifications) <= 0.7
    # comments go on rows that exist
    async with AsyncSession(engine) as session:
        for c in comments.values():
            model, _ = PARENTS[c.parent_type]
            assert await session.get(model, c.parent_id) is not None, (c.parent_type, c.id)


async def test_seeded_mentions_and_notifications_are_what_the_service_would_have_made(
    engine: AsyncEngine,
) -> None:
    # given a seeded database and the comments, notifications and role grants in it
    await seed_database(engine, today=TODAY)
    async with AsyncSession(engine) as session:
        comments = list((await session.exec(select(Comment).order_by(Comment.id))).all())
        seeded = list((await session.exec(select(Notification))).all())
        rule = metadata.tables["casbin_rule"]
        grants = [(int(v0.split(":")[1]), v1) for v0, v1 in (await session.exec(
            sa.select(rule.c.v0, rule.c.v1).where(rule.c.ptype == "g"))).all()]  # type: ignore[call-overload]
    authorizer = offline_authorizer(grants)
    roles_of: dict[int, set[str]] = defaultdict(set)
    for person_id, role in grants:
        roles_of[person_id].add(role)

    # when every comment is written again through the service (and rolled back)
    made: dict[tuple[str, int, datetime], list[tuple[int, str, str]]] = defaultdict(list)
    async with AsyncSession(engine) as session:
        highest = max(n.id for n in seeded)  # type: ignore[type-var]
        for comment in comments:
            # then the service parses the same mentions from the seeded body
            assert await collaboration.parse_mentions(session, comment.body) == comment.mentions
            actor = Actor(Subject(comment.author_id, frozenset(roles_of[comment.author_id])),
                          authorizer, AuditSource.CLI)
            model, resource_type = PARENTS[comment.parent_type]
            await collaboration.add(
                session, actor=actor, body=comment.body, reply_to_id=comment.reply_to_id,
                parent=collaboration.Parent(comment.parent_type, model, resource_type,
                                            comment.parent_id))
            new = (await session.exec(
                select(Notification).where(Notification.id > highest))).all()  # type: ignore[operator]
            for n in new:
                made[comment.parent_type, comment.parent_id, comment.created_at].append(
                    (n.recipient_id, n.kind, n.message))
                highest = max(highest, n.id)  # type: ignore[type-var]
        await session.rollback()

    # and sends the very notifications the seed holds, at the time of the comment
    held: dict[tuple[str, int, datetime], list[tuple[int, str, str]]] = defaultdict(list)
    for n in seeded:
        held[n.entity_type, n.entity_id, n.created_at].append(  # type: ignore[index]
            (n.recipient_id, n.kind, n.message))
    assert {key: sorted(value) for key, value in held.items()} == {
        key: sorted(value) for key, value in made.items()}
    # (the seed's notifications are its comments': workflow kinds are raised by live changes)
    assert {n.kind for n in seeded} == {collaboration.NotificationKind.MENTION,
                                        collaboration.NotificationKind.REPLY}


async def test_demo_logins_have_unread_notifications_and_preferences_hold(
    engine: AsyncEngine,
) -> None:
    # when
    await seed_database(engine, today=TODAY)

    # then every demo login has something unread
    ids = dict(zip(DEMO_EMAILS, await person_ids(engine, *DEMO_EMAILS), strict=True))
    async with AsyncSession(engine) as session:
        notifications = list((await session.exec(select(Notification))).all())
        preferences = list((await session.exec(select(NotificationPreference))).all())
    for email, person_id in ids.items():
        assert any(n.recipient_id == person_id and n.read_at is None for n in notifications), email
    # Bob turned replies off in-app: he gets mentions only; nobody gets what they turned off
    bob = ids["pm.bob@example.com"]
    assert any(p.person_id == bob and p.kind == "REPLY" and not p.enabled for p in preferences)
    assert {n.kind for n in notifications if n.recipient_id == bob} == {"MENTION"}
    off = {(p.person_id, p.kind) for p in preferences
           if p.channel == "IN_APP" and not p.enabled}
    assert len(off) >= 2
    assert not [n for n in notifications if (n.recipient_id, n.kind) in off]


async def test_force_seeding_again_keeps_the_demo_preferences_unique(engine: AsyncEngine) -> None:
    # given
    await seed_database(engine, today=TODAY)
    before = (await row_counts(engine))["notification_preference"]

    # when
    report = await seed_database(engine, today=TODAY, force=True)

    # then only the preference of a new, non-demo person was added
    assert report.counts["notification_preference"] == before - 4
    assert report.counts["comment"] > 0 and report.counts["notification"] > 0


COMMENTS = """
query($parent: ID!) {
  comments(filter: {parentId: $parent}) {
    totalCount
    nodes { body deletedAt author { email } replyTo { author { email } } mentions { email } }
  }
}"""
NOTIFICATIONS = """
{ notifications(filter: {unreadOnly: true}) { totalCount nodes { kind message entityType } } }"""


async def test_the_api_lists_the_seeded_threads_and_a_demo_logins_notifications(
    engine: AsyncEngine, db_url: str
) -> None:
    # given a seeded database, a thread with a reply, and Alice's unread notifications
    await seed_database(engine, today=TODAY)
    [alice] = await person_ids(engine, "pm.alice@example.com")
    async with AsyncSession(engine) as session:
        reply = (await session.exec(select(Comment).where(
            Comment.reply_to_id.is_not(None)).order_by(Comment.id))).first()  # type: ignore[union-attr]
        assert reply is not None
        thread = list((await session.exec(select(Comment).where(
            Comment.parent_type == reply.parent_type, Comment.parent_id == reply.parent_id)
        )).all())
        unread = list((await session.exec(select(Notification).where(
            Notification.recipient_id == alice, Notification.read_at.is_(None)))).all())  # type: ignore[union-attr]
    app = create_app(load_settings(database_url=db_url))
    token = mint(alice, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))

    # when Alice asks for the thread and for her unread notifications
    async with app.router.lifespan_context(app), httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app), base_url="http://t") as http:
        async def call(query: str, **variables: Any) -> dict[str, Any]:
            response = await http.post("/graphql", json={"query": query, "variables": variables},
                                       headers={"Authorization": f"Bearer {token}"})
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body["errors"]
            return body["data"]
        comments = (await call(COMMENTS, parent=str(to_global_id(
            reply.parent_type, reply.parent_id))))["comments"]
        notifications = (await call(NOTIFICATIONS))["notifications"]

    # then both are there, with replies, mentions and Alice's messages
    assert comments["totalCount"] == len(thread)
    assert any(node["replyTo"] is not None for node in comments["nodes"])
    assert [n["body"] is None for n in comments["nodes"]] == [
        c.deleted_at is not None for c in sorted(thread, key=lambda c: (c.created_at, c.id))]
    assert notifications["totalCount"] == len(unread) > 0
    assert sorted(n["message"] for n in notifications["nodes"]) == sorted(
        n.message for n in unread)


async def test_raid_and_milestones_were_recorded_over_the_months_before_today(
    engine: AsyncEngine,
) -> None:
    # when the demo is seeded
    await seed_database(engine, today=TODAY)
    # then its risks, issues and milestones were recorded on many different days of the past
    # (not all at the seed's run), so "as of" reports and suggestions have a history to show
    tables = metadata.tables
    async with engine.connect() as conn:
        for name in ("risk", "issue", "milestone"):
            stamps = [row[0] for row in (await conn.execute(
                sa.select(tables[name].c.created_at))).all()]
            days = {stamp.date() for stamp in stamps}
            assert max(days) < TODAY, name
            assert min(days) <= TODAY - timedelta(days=90), name
            assert len(days) > 30, name
