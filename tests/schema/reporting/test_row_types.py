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
