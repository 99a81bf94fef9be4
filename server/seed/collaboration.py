"""Comment threads on projects, risks, issues and change requests, and what they notified.

Rows follow the rules of ``server.domain.collaboration.service`` as if each comment had been
written through it: mentions are parsed with the service's own rule, each person mentioned
(not the author) gets a MENTION, the author answered a REPLY (a mention wins), as their
in-app preferences allow, with the service's messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from server.domain.collaboration.service import NotificationKind, mention_candidates
from server.domain.enums import NotificationChannel, ProjectStatus
from server.seed import vocabulary
from server.seed.context import Row, SeedContext
from server.seed.organisation import Organisation
from server.seed.plan import Plan

IN_APP, EMAIL = NotificationChannel.IN_APP.value, NotificationChannel.EMAIL.value
MENTION, REPLY = NotificationKind.MENTION.value, NotificationKind.REPLY.value
# Share of each kind of object that carries a thread; a thread's length; replies in it.
THREAD_SHARE = {"Project": 0.4, "Risk": 0.2, "Issue": 0.3, "ChangeRequest": 0.3}
ACTIVE_SHARE = 0.6  # running projects are talked about more
THREAD_LENGTHS, THREAD_WEIGHTS = [1, 2, 3, 4], [40, 30, 20, 10]
REPLY_SHARE = 0.6
EDITED_SHARE = 0.08
DELETED_SHARE = 0.02
READ_SHARE = 0.5
MENTION_WEIGHTS = [75, 20, 5]  # the project's people, the PMO, the analyst
RUNNING = {ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD}
# The demo accounts' preferences: Bob does not want replies in-app, Carol no e-mail at all.
DEMO_PREFERENCES = [
    ("pm.bob@example.com", REPLY, IN_APP, False),
    ("exec.carol@example.com", MENTION, EMAIL, False),
    ("exec.carol@example.com", REPLY, EMAIL, False),
    ("pmo.admin@example.com", MENTION, IN_APP, True),
]


@dataclass
class _Comment:
    id: int
    author_id: int
    created_at: datetime
    deleted: bool


class CollaborationGenerator:
    """Queues comment threads and notifications project by project, from a stream of its own."""

    def __init__(self, ctx: SeedContext, org: Organisation) -> None:
        # Its own stream: the rows the other generators make for a seed stay as they were.
        self.ctx = ctx.stream("collaboration")
        self.org = org
        self.inactive = set(org.former)
        self.active_by_email = {email.lower(): person for person, (email, _)
                                in org.people.items() if person not in self.inactive}
        self.analysts = [org.demo[email] for email in ("bi.reader@example.com",)
                         if email in org.demo]
        # Demo accounts that have yet to receive an unread notification: the demo shows some.
        self.waiting = [org.demo[email] for email in sorted(org.demo)]
        self.turned_off: set[tuple[int, str]] = {
            (person_id, kind) for (person_id, kind, channel), enabled
            in ctx.existing.preferences.items() if channel == IN_APP and not enabled
        }
        self._preferences()

    def _preferences(self) -> None:
        ctx, org = self.ctx, self.org
        others = [person for person in org.executives if person not in org.demo.values()]
        wanted = [(org.demo[email], kind, channel, enabled)
                  for email, kind, channel, enabled in DEMO_PREFERENCES if email in org.demo]
        if others:
            # Somebody who turned mentions off in-app still hears of replies.
            wanted.append((ctx.pick(others), MENTION, IN_APP, False))
        for person_id, kind, channel, enabled in wanted:
            key = (person_id, kind, channel)
            if key in ctx.existing.preferences:  # a demo account kept from an earlier seed
                continue
            ctx.add("notification_preference", {
                "id": ctx.new_id("notification_preference"), "person_id": person_id,
                "kind": kind, "channel": channel, "enabled": enabled,
            })
            if channel == IN_APP and not enabled:
                self.turned_off.add((person_id, kind))

    def generate(self, plan: Plan, name: str, risks: list[Row], issues: list[Row],
                 changes: list[Row]) -> None:
        """Queue the threads on one project and on its risks, issues and change requests."""
        ctx = self.ctx
        since = plan.actual_start or plan.approved_on or ctx.today - timedelta(days=45)
        until = min(plan.end or ctx.yesterday, ctx.yesterday)
        since = min(since, until)
        boost = ACTIVE_SHARE if plan.status in RUNNING else 0.0
        # Who writes: people with a role that may comment (team members have none); mostly
        # the manager, then the sponsor and the PMO.
        authors = {plan.manager_id: 50.0, plan.sponsor_id: 25.0}
        for person in self.org.pmo:
            authors.setdefault(person, 25.0 / len(self.org.pmo))
        # Who may be mentioned: mostly the project's own (active) people, sometimes the PMO or
        # the analyst who builds the reports.
        circles = [[plan.manager_id, plan.sponsor_id, *plan.team], self.org.pmo, self.analysts]
        people = [[p for p in circle if p not in self.inactive] for circle in circles]
        parents: list[tuple[str, int, str, date]] = []
        if ctx.chance(max(THREAD_SHARE["Project"], boost)):
            parents.append(("Project", plan.id, name, until))
        for type_name, rows in (("Risk", risks), ("Issue", issues)):
            for row in rows:
                if ctx.chance(THREAD_SHARE[type_name]):
                    parents.append((type_name, row["id"], row["title"], until))
        for row in changes:
            if ctx.chance(THREAD_SHARE["ChangeRequest"]):
                decided = row["decided_at"]
                parents.append(("ChangeRequest", row["id"], row["title"],
                                min(decided.date(), until) if decided else until))
        for type_name, parent_id, title, last in parents:
            self._thread(type_name, parent_id, f"{_words(type_name)} '{title}'",
                         (min(since, last), last), authors, people)

    def _thread(self, type_name: str, parent_id: int, label: str, window: tuple[date, date],
                authors: dict[int, float], people: list[list[int]]) -> None:
        ctx = self.ctx
        length = ctx.weighted(THREAD_LENGTHS, THREAD_WEIGHTS)
        thread: list[_Comment] = []
        moment = ctx.at(ctx.between(*window))
        for position in range(length):
            if thread:
                day = min(moment.date() + ctx.days(0, 3), ctx.yesterday)
                moment = max(ctx.at(day), moment + timedelta(minutes=5))
            target = None
            standing = [c for c in thread if not c.deleted]
            if standing and ctx.chance(REPLY_SHARE):
                # Mostly the latest comment is answered, now and then an earlier one.
                target = standing[-1] if ctx.chance(0.75) else ctx.pick(standing)
            # Nobody answers themselves.
            candidates = [a for a in authors if target is None or a != target.author_id]
            author = ctx.weighted(candidates, [authors[a] for a in candidates])
            last = position == length - 1
            thread.append(self._comment(type_name, parent_id, label, author, moment, target,
                                        people, deletable=last))

    def _comment(self, type_name: str, parent_id: int, label: str, author: int,
                 moment: datetime, target: _Comment | None, people: list[list[int]], *,
                 deletable: bool) -> _Comment:
        ctx = self.ctx
        templates = vocabulary.REPLIES if target is not None else vocabulary.COMMENTS[type_name]
        body = ctx.pick(templates)
        if "{who}" in body:
            body = body.format(who="@" + self.org.people[self._mentioned(author, people)][0])
        edited_at = deleted_at = None
        if ctx.chance(EDITED_SHARE):
            edited_at = moment + timedelta(minutes=ctx.rng.randint(2, 90))
            body += vocabulary.EDIT_NOTE
        if deletable and ctx.chance(DELETED_SHARE):
            # Only the last of a thread: nobody can have answered it once deleted.
            deleted_at = (edited_at or moment) + timedelta(minutes=ctx.rng.randint(5, 240))
        comment = _Comment(ctx.new_id("comment"), author, moment, deleted_at is not None)
        mentions = self._mentions(body)
        ctx.add("comment", {
            "id": comment.id, "parent_type": type_name, "parent_id": parent_id,
            "author_id": author, "body": body, "mentions": mentions, "edited_at": edited_at,
            "deleted_at": deleted_at, "reply_to_id": target.id if target else None,
            "created_at": moment, "updated_at": deleted_at or edited_at or moment,
        })
        self._notify(type_name, parent_id, label, comment, mentions, target)
        return comment

    def _mentioned(self, author: int, people: list[list[int]]) -> int:
        """Who a comment mentions: a demo account still waiting for one, else somebody around."""
        for person in self.waiting:
            if person != author:
                return person
        circles = [[p for p in circle if p != author] for circle in people]
        weights = [weight if circle else 0 for weight, circle in zip(MENTION_WEIGHTS, circles,
                                                                      strict=True)]
        return self.ctx.pick(self.ctx.weighted(circles, weights))

    def _mentions(self, body: str) -> list[int]:
        """The active people ``body`` mentions, parsed with the service's own rule."""
        return [self.active_by_email[email] for email in mention_candidates(body)
                if email in self.active_by_email]

    def _notify(self, type_name: str, parent_id: int, label: str, comment: _Comment,
                mentions: list[int], target: _Comment | None) -> None:
        name = self.org.people[comment.author_id][1]
        notified: set[int] = set()
        for person in mentions:
            if person != comment.author_id and self._add(
                    person, MENTION, type_name, parent_id, comment,
                    f"{name} mentioned you on {label}"):
                notified.add(person)
        if (target is not None and target.author_id not in notified | {comment.author_id}
                and target.author_id not in self.inactive):
            self._add(target.author_id, REPLY, type_name, parent_id, comment,
                      f"{name} replied to your comment on {label}")

    def _add(self, recipient: int, kind: str, type_name: str, parent_id: int,
             comment: _Comment, message: str) -> bool:
        """Queue one notification unless the recipient turned the kind off in-app."""
        if (recipient, kind) in self.turned_off:
            return False
        ctx = self.ctx
        read_at = None
        if recipient in self.waiting:
            self.waiting.remove(recipient)
        elif ctx.chance(READ_SHARE):
            latest = datetime.combine(ctx.yesterday, datetime.max.time(), UTC).replace(
                microsecond=0)
            read_at = min(comment.created_at + timedelta(minutes=ctx.rng.randint(10, 4_320)),
                          latest)
        ctx.add("notification", {
            "id": ctx.new_id("notification"), "recipient_id": recipient, "kind": kind,
            "entity_type": type_name, "entity_id": parent_id, "message": message,
            "read_at": read_at, "created_at": comment.created_at,
            "updated_at": read_at or comment.created_at,
        })
        return True


def _words(type_name: str) -> str:
    """``ChangeRequest`` -> ``Change request``, as the service's messages name a type."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()
    return words[:1].upper() + words[1:]
