"""CSV export of the row reports: ``GET /export/<report>.csv`` (``/export/projectRows.csv``).

For BI tools that read files rather than GraphQL. The rows and columns are exactly those of
``reports { <report> }``: the same report definitions (``schema/reporting/reports.py``), the
same row builder, the same GraphQL row objects; the header is their GraphQL field names and
the values are formatted as GraphQL serializes them (Decimal as plain strings, ISO dates,
enum names, global ids). Authentication is the bearer token of ``/graphql`` and every read is
asked of the same enforcer. Rows are streamed in keyset batches of ``BATCH`` (the API's
maximum page size), each batch in its own short session, so memory stays flat however many
rows there are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import request_response
from starlette.types import ASGIApp

from policies.resources import Resource
from schema.base import decode_id
from schema.pagination import MAX_PAGE_SIZE, encode_cursor, make_page, page_request, select_page
from schema.reporting.reports import ROW_REPORTS, RowReport
from schema.schema import schema
from server.authentication import RequireBearer, unauthenticated_response
from server.domain.base import utcnow
from server.error_codes import ApiErrorCode

BATCH = MAX_PAGE_SIZE
# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and CR,
# strips them and then may): a risk titled "=HYPERLINK(...)" would run in an analyst's Excel.
# OWASP's CSV-injection advice is to prefix such text cells with an apostrophe, which shows
# the text as typed. Only text is touched: numbers (a negative CV) are left as numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _error(status: int, message: str, code: str) -> JSONResponse:
    """An error in the GraphQL error shape clients already read."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status)


def columns(report: RowReport) -> list[tuple[Callable[[Any], Any], str]]:
    """(how the value is read off a row, GraphQL field name) of the report's row type, in
    field order: an attribute, or the field's resolver (the global ids) as GraphQL calls it."""
    definition: Any = report.row_type.__strawberry_definition__  # type: ignore[attr-defined]
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


def _parameters(request: Request, report: RowReport) -> tuple[int | None, date]:
    """(portfolio row id, as-of day) from the query string; ValueError says what is wrong."""
    allowed = {"portfolioId", *(("asOf",) if report.uses_as_of else ())}
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r} for {report.name} "
                         f"(accepted: {', '.join(sorted(allowed))})")
    portfolio_id = None
    if "portfolioId" in request.query_params:
        value = request.query_params["portfolioId"]
        decoded = decode_id(value, expected="Portfolio")
        if decoded is None:
            raise ValueError(f"portfolioId: {value!r} is not a Portfolio id")
        portfolio_id = decoded[1]
    as_of = utcnow().date()
    if "asOf" in request.query_params:
        try:
            as_of = date.fromisoformat(request.query_params["asOf"])
        except ValueError:
            raise ValueError("asOf must be a date, YYYY-MM-DD") from None
    return portfolio_id, as_of


async def _lines(request: Request, report: RowReport, portfolio_id: int | None,
                 as_of: date) -> AsyncIterator[str]:
    """The CSV text: the header, then one chunk per batch of rows."""
    sessions = request.app.state.sessions
    names = columns(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([api for _, api in names])
    yield buffer.getvalue()
    ordering = report.order.ordering(report.model, None)
    where = report.in_portfolio(portfolio_id)
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
            rows = await report.rows(session, page.rows, as_of)
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([cell(read(row)) for read, _ in names]
                         for row in rows)
        yield buffer.getvalue()
        if not page.has_next:
            return
        after = encode_cursor(ordering, page.rows[-1])


async def export_csv(request: Request) -> Response:
    """``GET /export/{report}.csv``: the report's rows the caller may read, as CSV."""
    viewer = request.scope.get("state", {}).get("viewer")
    if viewer is None:  # RequireBearer lets a browser's page request through without one
        return unauthenticated_response("a bearer token is required")
    name = request.path_params["report"]
    report = ROW_REPORTS.get(name)
    if report is None:
        return _error(404, f"no report {name!r}; reports: {', '.join(ROW_REPORTS)}",
                      ApiErrorCode.NOT_FOUND)
    try:
        portfolio_id, as_of = _parameters(request, report)
    except ValueError as exc:
        return _error(400, str(exc), ApiErrorCode.BAD_USER_INPUT)
    authorizer = request.app.state.authorizer
    for resource_type in report.reads:
        if not authorizer.can(viewer.subject, "read", Resource(resource_type)):
            return _error(403, f"not allowed to read {resource_type.replace('_', ' ')}",
                          ApiErrorCode.FORBIDDEN)
    return StreamingResponse(
        _lines(request, report, portfolio_id, as_of), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def export_app() -> ASGIApp:
    """The export endpoint behind the bearer-token check of ``/graphql``."""
    return RequireBearer(request_response(export_csv))
