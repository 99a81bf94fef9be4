"""Page through any PMO report (``reports { <report> }``) with an API token, using gql.

The report's row type is read from the schema (introspection, or the committed SDL with
``--schema schema/schema.graphql`` where introspection is off, as in production), so every
report works without a field list here: ``projectRows``, ``riskRows``, ``allocationRows``,
``deletedRows``, ``portfolioTrend``, ... Connections are paged with ``first: 500, after:``
until ``pageInfo.hasNextPage`` is false. Rows come out as a CSV file (the dialect of
``GET /export/<report>.csv``) or as a pandas DataFrame whose dtypes follow the GraphQL types:

=========================  ==========================================
GraphQL type               pandas dtype
=========================  ==========================================
``Decimal``, ``Float``     ``Float64``
``Int``                    ``Int64``
``Boolean``                ``boolean``
``Date``                   ``datetime64[us]`` (no time zone)
``DateTime``               ``datetime64[us, UTC]`` (time-zone aware)
``String``, ``ID``, enums  ``string``
=========================  ==========================================

Every dtype is nullable: a null is ``<NA>`` (``NaT`` for dates). Fields that are objects or
lists (``PortfolioSummary.byStatus``) are left out: a row is flat.

Command line (the token may also come from the environment variable ``PMO_TOKEN``)::

    python examples/bi_export.py --url http://127.0.0.1:8000/graphql --token "$TOKEN" \\
        --report projectRows --csv out.csv
    python examples/bi_export.py --report riskRows --updated-since 2026-12-01T00:00:00Z \\
        --arg 'filter={"status": ["OPEN"]}' --csv risks.csv
    python examples/bi_export.py --report deletedRows --arg entity=RISK \\
        --arg since=2026-12-01T00:00:00Z --csv deleted.csv

As a module::

    from bi_export import export
    frame = export("http://127.0.0.1:8000/graphql", token, "projectRows",
                   arguments={"asOf": "2026-06-30"})

Needs ``pip install -e '.[examples]'`` (gql with its requests transport, and pandas).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
from gql import Client, GraphQLRequest
from gql.client import SyncClientSession
from gql.transport.exceptions import TransportError
from gql.transport.requests import RequestsHTTPTransport
from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLSchema,
    Undefined,
    get_named_type,
    get_nullable_type,
    is_enum_type,
    is_input_object_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

PAGE_SIZE = 500  # the API's largest page
RETRY_429 = 120  # 429 answers waited out for one request (each Retry-After is 1 to 60 s)
PAGING_ARGUMENTS = frozenset({"first", "after", "last", "before"})
# Scalars whose values are not text: never prefixed in CSV, converted in a DataFrame.
NOT_TEXT = frozenset({"Int", "Float", "Boolean", "Decimal", "Date", "DateTime"})
# As in the CSV export: a text cell starting with one of these gets a leading apostrophe, so
# a spreadsheet shows it instead of running it as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One field of a report's rows: its GraphQL name and named type (``Decimal``, ``Rag``)."""

    name: str
    type_name: str
    is_enum: bool = False

    @property
    def is_text(self) -> bool:
        return not self.is_enum and self.type_name not in NOT_TEXT


@dataclass(frozen=True)
class Report:
    """What the schema says about ``reports { <name> }``."""

    name: str
    columns: tuple[Column, ...]
    arguments: Mapping[str, GraphQLArgument]
    paged: bool
    """A connection (``pageInfo``, ``nodes``); else one object or a list of them."""
    many: bool
    """For a report that is not paged: a list of rows rather than one."""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def describe(schema: GraphQLSchema, name: str) -> Report:
    """The report ``name`` of ``schema``'s ``Reports`` type: its row fields and arguments."""
    reports: Any = schema.get_type("Reports")
    if reports is None or name not in reports.fields:
        known = ", ".join(sorted(reports.fields)) if reports is not None else "none"
        raise ValueError(f"no report {name!r}; reports: {known}")
    field = reports.fields[name]
    result: Any = get_named_type(field.type)
    paged = "pageInfo" in result.fields and "nodes" in result.fields
    if paged:
        row: Any = get_named_type(result.fields["nodes"].type)
        many = True
    else:
        row = result
        many = is_list_type(get_nullable_type(field.type))
    if not is_object_type(row):
        raise ValueError(f"{name} does not return rows of an object type")
    columns = []
    for field_name, row_field in row.fields.items():
        kind: Any = get_nullable_type(row_field.type)
        if is_leaf_type(kind):  # objects and lists are left out: a row is flat
            columns.append(Column(field_name, kind.name, is_enum_type(kind)))
    arguments = {k: v for k, v in field.args.items() if k not in PAGING_ARGUMENTS}
    return Report(name, tuple(columns), arguments, paged, many)


def check_arguments(report: Report, arguments: Mapping[str, Any]) -> None:
    """ValueError unless ``arguments`` are the report's own and its required ones are there."""
    unknown = sorted(set(arguments) - set(report.arguments))
    if unknown:
        why = ("pages are asked for here" if unknown[0] in PAGING_ARGUMENTS
               else f"it takes {', '.join(report.arguments) or 'none'}")
        raise ValueError(f"{report.name} takes no argument {unknown[0]!r} ({why})")
    missing = [k for k, a in report.arguments.items()
               if is_non_null_type(a.type) and a.default_value is Undefined
               and arguments.get(k) is None]
    if missing:
        raise ValueError(f"{report.name} needs {', '.join(missing)}")


def with_updated_since(report: Report, arguments: Mapping[str, Any],
                       updated_since: datetime | str) -> dict[str, Any]:
    """``arguments`` with ``filter: {updatedSince: ...}`` added (an incremental load)."""
    argument = report.arguments.get("filter")
    kind: Any = get_named_type(argument.type) if argument is not None else None
    if kind is None or not is_input_object_type(kind) or "updatedSince" not in kind.fields:
        raise ValueError(f"{report.name} has no filter.updatedSince"
                         + (" (deletedRows takes since)" if "since" in report.arguments else ""))
    moment = (updated_since.isoformat() if isinstance(updated_since, datetime)
              else updated_since)
    return {**arguments, "filter": {**(arguments.get("filter") or {}), "updatedSince": moment}}


def query_text(report: Report, arguments: Iterable[str]) -> str:
    """The operation reading one page (or all, for a report without pages) of ``report``,
    with a variable for each of ``arguments`` and for ``first`` and ``after``."""
    given = set(arguments)
    names = [n for n in report.arguments if n in given]
    variables = [f"${n}: {report.arguments[n].type}" for n in names]
    passed = [f"{n}: ${n}" for n in names]
    if report.paged:
        variables += ["$first: Int", "$after: String"]
        passed += ["first: $first", "after: $after"]
    fields = " ".join(report.column_names)
    body = (f"pageInfo {{ hasNextPage endCursor }} nodes {{ {fields} }}" if report.paged
            else fields)
    declared = f"({', '.join(variables)})" if variables else ""
    call = f"({', '.join(passed)})" if passed else ""
    return f"query Report{declared} {{ reports {{ {report.name}{call} {{ {body} }} }} }}"


def fetch_rows(session: SyncClientSession, report: Report,
               arguments: Mapping[str, Any] | None = None,
               page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """Every row of ``report``, as GraphQL returns them (JSON values), page after page."""
    arguments = dict(arguments or {})
    check_arguments(report, arguments)
    request = GraphQLRequest(query_text(report, arguments))
    if not report.paged:
        data = session.execute(GraphQLRequest(request, variable_values=arguments))
        value = data["reports"][report.name]
        if value is not None:
            yield from (value if report.many else [value])
        return
    after = None
    while True:
        variables = {**arguments, "first": page_size, "after": after}
        page = session.execute(GraphQLRequest(request, variable_values=variables))
        connection = page["reports"][report.name]
        yield from connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            return
        after = connection["pageInfo"]["endCursor"]


def _series(values: list[Any], column: Column) -> pd.Series:
    raw = pd.Series(values, dtype=object, name=column.name)
    kind = column.type_name
    if column.is_enum or kind not in NOT_TEXT:
        return raw.astype("string")
    if kind == "Date":
        return pd.to_datetime(raw, format="%Y-%m-%d").astype("datetime64[us]")
    if kind == "DateTime":
        return pd.to_datetime(raw, format="ISO8601", utc=True).astype("datetime64[us, UTC]")
    if kind in ("Decimal", "Float"):
        return pd.to_numeric(raw).astype("Float64")
    return raw.astype("Int64" if kind == "Int" else "boolean")


def to_dataframe(rows: Iterable[Mapping[str, Any]], columns: Iterable[Column]) -> pd.DataFrame:
    """Rows as GraphQL returns them, as a DataFrame with a dtype for each GraphQL type."""
    rows = list(rows)
    return pd.DataFrame({c.name: _series([row.get(c.name) for row in rows], c)
                         for c in columns})


def _cell(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if column.is_text and text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Iterable[Column], out: TextIO) -> int:
    """Write rows as ``/export/<report>.csv`` does; how many rows were written.

    ``out`` is a text file opened with ``newline=""`` (the csv module writes CRLF itself)."""
    columns = list(columns)
    writer = csv.writer(out)
    writer.writerow([c.name for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(c.name), c) for c in columns])
        count += 1
    return count


class _Transport(RequestsHTTPTransport):
    """gql's requests transport, waiting out HTTP 429 (``RATE_LIMITED``): the token's cost
    budget for the minute is spent. ``Retry-After`` says when to try again, at most a minute
    for the budget to come back; a page may need a few such waits, so up to ``RETRY_429``
    answers are waited out. Nothing else is retried."""

    def connect(self) -> None:
        super().connect()
        assert self.session is not None
        retry = Retry(total=None, connect=0, read=0, redirect=0, other=0, status=RETRY_429,
                      status_forcelist=(429,), allowed_methods=None,
                      respect_retry_after_header=True, raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry)
        for prefix in ("http://", "https://"):
            self.session.mount(prefix, adapter)


def connect(url: str, token: str, *, schema: str | Path | None = None,
            timeout: int = 120) -> Client:
    """A gql client for the API at ``url`` with the bearer ``token``.

    The schema is introspected unless ``schema`` names an SDL file (``schema/schema.graphql``,
    for a server with introspection off). A 429 is waited out (``_Transport``)."""
    transport = _Transport(url=url, headers={"Authorization": f"Bearer {token}"},
                           timeout=timeout)
    if schema is not None:
        return Client(transport=transport, schema=Path(schema).read_text(encoding="utf-8"))
    return Client(transport=transport, fetch_schema_from_transport=True)


def _prepare(session: SyncClientSession, report: str, arguments: Mapping[str, Any] | None,
             updated_since: datetime | str | None) -> tuple[Report, dict[str, Any]]:
    assert session.client.schema is not None
    described = describe(session.client.schema, report)
    args = dict(arguments or {})
    if updated_since is not None:
        args = with_updated_since(described, args, updated_since)
    return described, args


def export(url: str, token: str, report: str, *, updated_since: datetime | str | None = None,
           arguments: Mapping[str, Any] | None = None,
           schema: str | Path | None = None) -> pd.DataFrame:
    """Every row of ``reports { <report> }`` as a DataFrame (see the module's dtypes table).

    ``arguments`` are the report's own (``asOf``, ``portfolioId``, ``filter``, ...) as JSON
    values; ``updated_since`` adds ``filter: {updatedSince: ...}``."""
    with connect(url, token, schema=schema) as session:
        described, args = _prepare(session, report, arguments, updated_since)
        return to_dataframe(fetch_rows(session, described, args), described.columns)


def export_csv(url: str, token: str, report: str, out: TextIO, *,
               updated_since: datetime | str | None = None,
               arguments: Mapping[str, Any] | None = None,
               schema: str | Path | None = None) -> int:
    """Every row of ``reports { <report> }`` written to ``out`` as CSV; how many rows."""
    with connect(url, token, schema=schema) as session:
        described, args = _prepare(session, report, arguments, updated_since)
        return write_csv(fetch_rows(session, described, args), described.columns, out)


def _argument(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` from the command line: VALUE as JSON when it is JSON, else as text."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Export a PMO report (reports { <report> }) as CSV or a DataFrame summary.")
    parser.add_argument("--url", default=os.environ.get("PMO_URL",
                                                        "http://127.0.0.1:8000/graphql"),
                        help="the GraphQL endpoint (env PMO_URL)")
    parser.add_argument("--token", default=os.environ.get("PMO_TOKEN"),
                        help="an API token (env PMO_TOKEN)")
    parser.add_argument("--report", required=True, help="projectRows, riskRows, ...")
    parser.add_argument("--updated-since", metavar="DATETIME",
                        help="only rows changed at or after this time (filter.updatedSince)")
    parser.add_argument("--arg", dest="arguments", action="append", type=_argument,
                        default=[], metavar="NAME=VALUE",
                        help="a report argument, JSON or text: asOf=2026-06-30, "
                             "'filter={\"status\": [\"ACTIVE\"]}' (repeatable)")
    parser.add_argument("--schema", type=Path, metavar="SDL",
                        help="read the schema from this SDL file instead of introspecting")
    parser.add_argument("--csv", metavar="PATH",
                        help="write the rows as CSV ('-': standard output); "
                             "without it, print the DataFrame's dtypes and first rows")
    options = parser.parse_args(argv)
    if not options.token:
        parser.error("give --token or set PMO_TOKEN")
    common: dict[str, Any] = {"updated_since": options.updated_since,
                              "arguments": dict(options.arguments), "schema": options.schema}
    try:
        if options.csv == "-":
            count = export_csv(options.url, options.token, options.report, sys.stdout, **common)
        elif options.csv:
            with open(options.csv, "w", newline="", encoding="utf-8") as out:
                count = export_csv(options.url, options.token, options.report, out, **common)
        else:
            frame = export(options.url, options.token, options.report, **common)
            count = len(frame)
            print(frame.dtypes.to_string())
            print(frame.head().to_string())
    except (ValueError, GraphQLError, TransportError) as exc:  # GraphQLError: checked locally
        print(f"error: {exc}", file=sys.stderr)
        return 2
    where = f" to {options.csv}" if options.csv and options.csv != "-" else ""
    print(f"{options.report}: {count} rows{where}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
