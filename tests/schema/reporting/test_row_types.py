"""The GraphQL row types declare exactly the domain rows' fields, in the same order: the CSV
columns are those fields, so a column cannot drift from its GraphQL field."""

from __future__ import annotations

import dataclasses

import pytest

from schema.reporting import types
from server.domain.reporting import rows

PAIRS = [(rows.ProjectReportRow, types.ProjectRow), (rows.RiskReportRow, types.RiskRow),
         (rows.IssueReportRow, types.IssueRow), (rows.MilestoneReportRow, types.MilestoneRow),
         (rows.PortfolioSummaryData, types.PortfolioSummary),
         (rows.TrendPoint, types.PortfolioTrendPoint), (rows.ValueCount, types.ValueCount)]


@pytest.mark.parametrize(("domain", "graphql"), PAIRS)
def test_fields_match_in_order(domain: type, graphql: type) -> None:
    definition = graphql.__strawberry_definition__  # type: ignore[attr-defined]
    assert [f.python_name for f in definition.fields] == [f.name for f in
                                                          dataclasses.fields(domain)]


FILLED = PAIRS[4:]
"""The types from_data fills; the four report row types resolve the domain rows instead."""


@pytest.mark.parametrize(("domain", "graphql"), FILLED)
def test_rows_are_filled_as_from_data_assumes(domain: type, graphql: type) -> None:
    # from_data fills a row's attributes without calling __init__: that is only the same as
    # calling it for a plain dataclass of exactly the domain row's fields, without defaults,
    # factories or __post_init__.
    fields = dataclasses.fields(graphql)
    assert [f.name for f in fields] == [f.name for f in dataclasses.fields(domain)]
    assert all(f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
               for f in fields)
    assert not hasattr(graphql, "__post_init__")
    assert not hasattr(graphql, "__slots__")


@pytest.mark.parametrize(("domain", "graphql"), PAIRS[:4])
def test_report_rows_compute_exactly_their_global_ids(domain: type, graphql: type) -> None:
    # The report row types are resolved from the domain rows themselves: every field reads
    # the attribute of its name, except the ids the domain row declares, which the type
    # turns into global ids (and nothing else computes anything).
    definition = graphql.__strawberry_definition__  # type: ignore[attr-defined]
    computed = {f.python_name for f in definition.fields if f.base_resolver is not None}
    assert computed == set(domain.ID_TYPES)
