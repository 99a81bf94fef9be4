"""CSV export of the row reports: ``GET /export/<report>.csv`` (``/export/projectRows.csv``).

For BI tools that read files rather than GraphQL. The rows and columns are exactly those of
``reports { <report> }``: the same report definitions (``schema/reporting/reports.py``), the
same row builder, the same GraphQL row objects; the header is their GraphQL field names and
the values are formatted as GraphQL serializes them (Decimal as plain strings, ISO dates,
enum names, global ids). Authentication is the bearer token of ``/graphql`` and every read is
asked of the same enforcer. Rows are streamed in keyset batches of ``BATCH`` (the API's
maximum page size), each batch in its own short session, so memory stays flat however many
rows there are. ``allocationRows`` (person-weeks, not a table) streams its own batches; every
report takes ``updatedSince`` as its GraphQL filter does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import request_response
from starlette.types import ASGIApp

from policies.resources import Resource
from schema.base import decode_id
from schema.listing import as_utc
from schema.pagination import MAX_PAGE_SIZE, encode_cursor, make_page, page_request, select_page
from schema.reporting import allocations
from schema.reporting.filters import AllocationRowFilter
from schema.reporting.reports import ROW_REPORTS, RowReport
from schema.reporting.types import AllocationRow
from schema.schema import schema
from server.authentication import RequireBearer, unauthenticated_response
from server.domain.base import utcnow
from server.error_codes import ApiErrorCode

BATCH = MAX_PAGE_SIZE
ALLOCATION_ROWS = "allocationRows"
REPORT_NAMES = [*ROW_REPORTS, ALLOCATION_ROWS]
# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and CR,
# strips them and then may): a risk titled "=HYPERLINK(...)" would run in an analyst's Excel.
# OWASP's CSV-injection advice is to prefix such text cells with an apostrophe, which shows
# the text as typed. Only text is touched: numbers (a negative CV) are left as numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _error(status: int, message: str, code: str) -> JSONResponse:
    """An error in the GraphQL error shape clients already read."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status)


def columns(row_type: Any) -> list[tuple[Callable[[Any], Any], str]]:
    """(how the value is read off a row, GraphQL field name) of a report's row type, in
    field order: an attribute, or the field's resolver (the global ids) as GraphQL calls it."""
    definition: Any = row_type.__strawberry_definition__
    convert = schema.config.name_converter
    return [(f.base_resolver.wrapped_func if f.base_resolver is not None
             else attrgetter(f.python_name), convert.get_graphql_name(f))
            for f in definition.fields]


def cell(value: Any) -> str:
    """A value as GraphQL would serialize it, made safe for spreadsheets."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass
class Parameters:
    """What the query string asks for."""

    portfolio_id: int | None = None
    as_of: date = field(default_factory=lambda: utcnow().date())
    updated_since: datetime | None = None
    week_from: date | None = None
    week_to: date | None = None


def _day(request: Request, name: str) -> date:
    try:
        return date.fromisoformat(request.query_params[name])
    except ValueError:
        raise ValueError(f"{name} must be a date, YYYY-MM-DD") from None


def _parameters(request: Request, name: str, report: RowReport | None) -> Parameters:
    """The query string's parameters; ValueError says what is wrong."""
    allowed = {"updatedSince"}
    if report is None:
        allowed |= {"weekFrom", "weekTo"}
    else:
        allowed |= {"portfolioId", *(("asOf",) if report.uses_as_of else ())}
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r} for {name} "
                         f"(accepted: {', '.join(sorted(allowed))})")
    out = Parameters()
    if "portfolioId" in request.query_params:
        value = request.query_params["portfolioId"]
        decoded = decode_id(value, expected="Portfolio")
        if decoded is None:
            raise ValueError(f"portfolioId: {value!r} is not a Portfolio id")
        out.portfolio_id = decoded[1]
    if "asOf" in request.query_params:
        out.as_of = _day(request, "asOf")
    for key, attr in (("weekFrom", "week_from"), ("weekTo", "week_to")):
        if key in request.query_params:
            setattr(out, attr, _day(request, key))
    if "updatedSince" in request.query_params:
        text = request.query_params["updatedSince"]
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("updatedSince must be a date-time, such as "
                             "2026-12-01T00:00:00Z") from None
        out.updated_since = as_utc(moment)
    return out


def _header(writer: Any, buffer: io.StringIO, names: list[str]) -> str:
    writer.writerow(names)
    return _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


async def _lines(request: Request, report: RowReport, params: Parameters,
                 ) -> AsyncIterator[str]:
    """The CSV text: the header, then one chunk per batch of rows."""
    sessions = request.app.state.report_sessions
    names = columns(report.row_type)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield _header(writer, buffer, [api for _, api in names])
    ordering = report.order.ordering(report.model, None)
    where = report.where([], params.portfolio_id, params.updated_since)
    after: str | None = None
    while True:
        page_of = page_request(ordering, first=BATCH, after=after, last=None, before=None)
        async with sessions() as session:
            if report.keys_only:
                statement = select_page(report.model, where, page_of,
                                        columns=ordering.key_columns())
                fetched = (await (await session.connection()).execute(statement)).all()
            else:
                statement = select_page(report.model, where, page_of)
                fetched = (await session.exec(statement)).scalars().all()  # type: ignore[call-overload]
            page = make_page(page_of, fetched)
            rows = await report.rows(session, page.rows, params.as_of)
        writer.writerows([cell(read(row)) for read, _ in names] for row in rows)
        yield _drain(buffer)
        if not page.has_next:
            return
        after = encode_cursor(ordering, page.rows[-1])


async def _allocation_lines(request: Request, params: Parameters) -> AsyncIterator[str]:
    """allocationRows as CSV: the same rows, in batches of BATCH person-weeks."""
    names = columns(AllocationRow)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield _header(writer, buffer, [api for _, api in names])
    f = AllocationRowFilter(week_from=params.week_from, week_to=params.week_to,
                            updated_since=params.updated_since)
    async for batch in allocations.batches(request.app.state.report_sessions, f, BATCH):
        writer.writerows([cell(read(row)) for read, _ in names] for row in batch)
        yield _drain(buffer)


async def export_csv(request: Request) -> Response:
    """``GET /export/{report}.csv``: the report's rows the caller may read, as CSV."""
    viewer = request.scope.get("state", {}).get("viewer")
    if viewer is None:  # RequireBearer lets a browser's page request through without one
        return unauthenticated_response("a bearer token is required")
    name = request.path_params["report"]
    report = ROW_REPORTS.get(name)
    if report is None and name != ALLOCATION_ROWS:
        return _error(404, f"no report {name!r}; reports: {', '.join(REPORT_NAMES)}",
                      ApiErrorCode.NOT_FOUND)
    try:
        params = _parameters(request, name, report)
        lines = (_lines(request, report, params) if report is not None
                 else _allocation_lines(request, params))
        if report is None:
            allocations.window(AllocationRowFilter(week_from=params.week_from,
                                                   week_to=params.week_to))
    except ValueError as exc:
        return _error(400, str(exc), ApiErrorCode.BAD_USER_INPUT)
    except GraphQLError as exc:
        return _error(400, exc.message, ApiErrorCode.BAD_USER_INPUT)
    authorizer = request.app.state.authorizer
    for resource_type in (report.reads if report is not None else allocations.READS):
        if not authorizer.can(viewer.subject, "read", Resource(resource_type)):
            return _error(403, f"not allowed to read {resource_type.replace('_', ' ')}",
                          ApiErrorCode.FORBIDDEN)
    return StreamingResponse(
        lines, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def export_app() -> ASGIApp:
    """The export endpoint behind the bearer-token check of ``/graphql``."""
    return RequireBearer(request_response(export_csv))
