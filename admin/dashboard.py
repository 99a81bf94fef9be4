"""The console's home: the PMO's dashboard (``server.domain.reporting.dashboard``), its charts
drawn as SVG here on the server (readable in a screenshot, no script, nothing fetched), every
number a link to the rows behind it (``DashboardList``)."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from markupsafe import Markup
from sqladmin import Admin, BaseView, expose
from sqladmin.authentication import login_required
from starlette.requests import Request
from starlette.responses import Response

from server.domain.analytics import capacity
from server.domain.analytics.risk_exposure import HeatCell
from server.domain.base import utcnow
from server.domain.enums import Rag
from server.domain.models import Project, Risk
from server.domain.raid.models import OPEN_RISK_STATUSES
from server.domain.reporting import dashboard as board

COLOURS = {Rag.GREEN.value: "#2fb344", Rag.AMBER.value: "#f59f00", Rag.RED.value: "#d63939",
           board.UNKNOWN: "#9aa0ac"}


def _link(request: Request, **params: Any) -> str:
    return str(request.url_for("admin:view-dashboard-list")) + "?" + urlencode(params)


def health_chart(request: Request, rows: list[board.PortfolioHealth]) -> Markup:
    """One stacked bar per portfolio: its projects by health, each segment a link."""
    width, label_w, bar_h, gap = 760, 220, 26, 10
    biggest = max((r.total for r in rows), default=1) or 1
    height = len(rows) * (bar_h + gap) + 34
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
             f'viewBox="0 0 {width} {height}" id="health-chart" '
             'font-family="system-ui, sans-serif" font-size="13">',
             "<title>Projects by health, per portfolio</title>"]
    for n, row in enumerate(rows):
        y = n * (bar_h + gap)
        parts.append(f'<text x="0" y="{y + 18}">{escape(row.code)} {escape(row.name)[:24]}'
                     "</text>")
        x = float(label_w)
        for health in board.HEALTHS:
            count = row.counts[health]
            if not count:
                continue
            w = (width - label_w - 40) * count / biggest
            href = escape(_link(request, what="projects", portfolio=row.portfolio_id,
                                health=health))
            parts.append(f'<a href="{href}"><rect x="{x:.1f}" y="{y}" width="{w:.1f}" '
                         f'height="{bar_h}" fill="{COLOURS[health]}"><title>{count} '
                         f'{health}</title></rect><text x="{x + w / 2:.1f}" y="{y + 18}" '
                         f'text-anchor="middle" fill="#fff" font-weight="600">{count}</text>'
                         "</a>")
            x += w
    legend_y = len(rows) * (bar_h + gap) + 20
    for n, health in enumerate(board.HEALTHS):
        parts.append(f'<rect x="{label_w + n * 110}" y="{legend_y - 11}" width="12" '
                     f'height="12" fill="{COLOURS[health]}"/><text x="{label_w + n * 110 + 18}"'
                     f' y="{legend_y}">{health}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _cell_colour(score: int, count: int) -> str:
    if not count:
        return "#f1f3f5"
    return "#d63939" if score >= 15 else "#f59f00" if score >= 8 else "#2fb344"


def heat_chart(request: Request, cells: list[HeatCell]) -> Markup:
    """The open risks on a 5 x 5 grid of probability (up) and impact (across)."""
    size, left, top = 64, 90, 10
    width, height = left + 5 * size + 10, top + 5 * size + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
             f'viewBox="0 0 {width} {height}" id="heat-chart" '
             'font-family="system-ui, sans-serif" font-size="13">',
             "<title>Open risks by probability and impact</title>"]
    for cell in cells:
        x = left + (cell.impact - 1) * size
        y = top + (5 - cell.probability) * size
        colour = _cell_colour(cell.score, cell.count)
        rect = (f'<rect x="{x}" y="{y}" width="{size - 2}" height="{size - 2}" '
                f'fill="{colour}"><title>{cell.count} open risks, probability '
                f'{cell.probability}, impact {cell.impact}</title></rect>')
        text = (f'<text x="{x + size / 2 - 1}" y="{y + size / 2 + 5}" text-anchor="middle" '
                f'fill="{"#fff" if cell.count else "#868e96"}" font-weight="600">{cell.count}'
                "</text>")
        if cell.count:
            href = escape(_link(request, what="risks", probability=cell.probability,
                                impact=cell.impact))
            parts.append(f'<a href="{href}">{rect}{text}</a>')
        else:
            parts.append(rect + text)
    for n in range(1, 6):
        parts.append(f'<text x="{left - 10}" y="{top + (5 - n) * size + size / 2 + 4}" '
                     f'text-anchor="end">{n}</text>')
        parts.append(f'<text x="{left + (n - 1) * size + size / 2}" y="{top + 5 * size + 18}" '
                     f'text-anchor="middle">{n}</text>')
    parts.append(f'<text x="{left + 5 * size / 2}" y="{top + 5 * size + 40}" '
                 'text-anchor="middle">Impact</text>')
    parts.append(f'<text x="14" y="{top + 5 * size / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {top + 5 * size / 2})">Probability</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


class PmoAdmin(Admin):
    """SQLAdmin with the PMO's dashboard as its home page."""

    @login_required
    async def index(self, request: Request) -> Response:
        async with request.app.state.pmo_sessions() as session:
            data = await board.dashboard(session, utcnow())
        return await self.templates.TemplateResponse(request, "console/dashboard.html", {
            "board": data, "health_chart": health_chart(request, data.health),
            "heat_chart": heat_chart(request, data.heat),
            "open_risks": sum(c.count for c in data.heat),
            "list": lambda **params: _link(request, **params)})


class DashboardList(BaseView):
    """The rows behind a number on the dashboard (not in the menu)."""

    name = "Dashboard list"
    identity = "dashboard-list"

    def is_visible(self, request: Request) -> bool:
        return False

    @expose("/dashboard-rows", identity="dashboard-list")
    async def page(self, request: Request) -> Response:
        what = request.query_params.get("what")
        params = request.query_params
        async with request.app.state.pmo_sessions() as session:
            if what == "projects":
                data = await board.dashboard(session, utcnow())
                portfolio = int(params.get("portfolio", "0") or 0)
                health = params.get("health", "")
                ids = next((r.projects.get(health, []) for r in data.health
                            if r.portfolio_id == portfolio), [])
                title = f"{health} projects"
                rows = [(data.project_names[i][0], data.project_names[i][1]) for i in ids]
                columns = ["Code", "Name"]
            elif what == "risks":
                p, i = params.get("probability", ""), params.get("impact", "")
                where = [Risk.status.in_(OPEN_RISK_STATUSES)]  # type: ignore[attr-defined]
                title = "Open risks"
                if p.isdigit() and i.isdigit():
                    where += [Risk.probability == int(p), Risk.impact == int(i)]
                    title = f"Open risks of probability {p} and impact {i}"
                found = (await session.exec(sa.select(  # type: ignore[call-overload]
                    Project.code, Risk.title, Risk.probability, Risk.impact, Risk.status)
                    .join(Project, Project.id == Risk.project_id)  # type: ignore[arg-type]
                    .where(*where).order_by(Project.code, Risk.title))).all()
                rows = [(code, name, probability, impact, status.value)
                        for code, name, probability, impact, status in found]
                columns = ["Project", "Risk", "Probability", "Impact", "Status"]
            elif what in ("waiting", "overdue", "over-allocated"):
                data = await board.dashboard(session, utcnow())
                if what == "waiting":
                    title, columns = "Decisions waiting", ["Project", "What", "Waiting (days)"]
                    rows = [(w.project_code, f"{w.kind.capitalize()}: {w.title}", w.age_days)
                            for w in data.waiting]
                elif what == "overdue":
                    title, columns = "Status reports overdue", ["Project", "Manager",
                                                                "Last period ended"]
                    rows = [(f"{o.code} {o.name}", o.manager or "",
                             o.last_period_end.isoformat() if o.last_period_end else "never")
                            for o in data.overdue]
                else:
                    title = "Over-allocated in the next 8 weeks"
                    columns = ["Person", "Weeks over", "Peak"]
                    rows = [(o.name, len(o.weeks), f"{o.peak} %") for o in data.over_allocated]
            elif what == "person":
                person_id = int(params.get("person", "0"))
                data = await board.dashboard(session, utcnow())
                match = next((o for o in data.over_allocated if o.person_id == person_id), None)
                title = f"{match.name if match else 'Nobody'}: weeks over 100 %"
                rows = [(week.isoformat(), f"{percent} %") for week, percent in
                        (match.weeks if match else [])]
                columns = ["Week of", "Allocated"]
            else:
                title, rows, columns = "Nothing to list", [], []
        return await self.templates.TemplateResponse(request, "console/dashboard_list.html", {
            "title": title, "rows": rows, "columns": columns})


__all__ = ["DashboardList", "PmoAdmin", "capacity"]
