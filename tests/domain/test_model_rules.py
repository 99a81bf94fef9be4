"""Rules every table follows, checked over the whole metadata so new tables cannot skip them."""

from __future__ import annotations

import sqlalchemy as sa

from server.domain.models import metadata

VERSIONED = {"project", "risk", "issue", "change_request", "governance_template", "gate_template",
             "document_template"}
NO_TIMESTAMPS = {"casbin_rule"}  # Casbin's own layout
# Rate-limit counters (server/rate_limit.py): keyed by caller and window, transient, with no
# history to keep: neither an id nor timestamps.
COUNTERS = {"rate_budget"}


def test_every_foreign_key_column_is_indexed() -> None:
    missing = []
    for table in metadata.sorted_tables:
        leading = {index.columns[0].name for index in table.indexes}
        leading |= {c.columns[0].name for c in table.constraints
                    if isinstance(c, sa.UniqueConstraint | sa.PrimaryKeyConstraint) and c.columns}
        for column in table.columns:
            if column.foreign_keys and column.name not in leading:
                missing.append(f"{table.name}.{column.name}")
    assert missing == []


def test_no_float_columns_money_is_numeric() -> None:
    floats = [f"{t.name}.{c.name}" for t in metadata.sorted_tables for c in t.columns
              if isinstance(c.type, sa.Float)]
    assert floats == []
    for table, column in [("project", "budget_at_completion"), ("cost_entry", "amount"),
                          ("person", "cost_rate"), ("portfolio", "budget"),
                          ("change_request", "cost_impact")]:
        type_ = metadata.tables[table].c[column].type
        assert isinstance(type_, sa.Numeric) and type_.scale == 2


def test_every_table_has_an_integer_id_and_utc_timestamps() -> None:
    for table in metadata.sorted_tables:
        if table.name in COUNTERS:
            continue
        assert [c.name for c in table.primary_key.columns] == ["id"], table.name
        assert isinstance(table.c.id.type, sa.Integer)
        if table.name in NO_TIMESTAMPS:
            continue
        for name in ("created_at", "updated_at"):
            assert table.c[name].type.timezone is True, f"{table.name}.{name}"  # type: ignore[attr-defined]
            assert not table.c[name].nullable


def test_mutable_aggregates_carry_a_version() -> None:
    have_version = {t.name for t in metadata.sorted_tables if "version" in t.c}
    assert have_version == VERSIONED


def test_constraints_are_named_for_migrations() -> None:
    unnamed = [f"{t.name}:{c!r}" for t in metadata.sorted_tables for c in t.constraints
               if not c.name]
    assert unnamed == []
