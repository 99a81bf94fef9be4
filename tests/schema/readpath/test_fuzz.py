"""Fuzzing the whole schema with hypothesis-graphql: queries and mutations generated from the
schema, valid and invalid, for every role, on both backends. No operation may end in an
internal error (or escape ``schema.execute``), and a refused mutation changes nothing.

``make test`` runs a fixed, bounded set of examples; ``make fuzz`` runs many more with fresh
randomness (``PMO_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from server.domain.models import metadata
from tests.schema.readpath.conftest import ROLES, LeakedCancellation, SeededWorld
from tests.schema.readpath.strategies import GRAPHQL_SCHEMA

FUZZING = "PMO_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("PMO_FUZZ_EXAMPLES", "25"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, derandomize=not FUZZING,
    phases=[Phase.generate] + ([Phase.shrink, Phase.explain] if FUZZING else []),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])

# Our scalars, as their literals: sometimes well-formed, sometimes any text.
_TEXT = st.text(max_size=12)
SCALARS = {
    "Date": st.one_of(st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(date.isoformat),
                      _TEXT).map(nodes.String),
    "DateTime": st.one_of(st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1),
                                       timezones=st.just(UTC)).map(datetime.isoformat),
                          _TEXT).map(nodes.String),
    "Decimal": st.one_of(st.decimals(Decimal(-10**12), Decimal(10**12), places=2).map(str),
                         _TEXT).map(nodes.String),
    "JSON": st.one_of(st.just("{}"), _TEXT).map(nodes.String),
}
MODES = st.sampled_from([Mode.POSITIVE, Mode.NEGATIVE])


def run(world: SeededWorld, role: str, document: str) -> Any:
    try:
        return world.run(world.execute(role, document, compiled=True))
    except LeakedCancellation:
        reject()  # the known, pinned cancellation bug (test_differential.py)


def internal(outcome: Any) -> list[Any]:
    return [e for e in outcome.errors if e[2] in ("INTERNAL_SERVER_ERROR", None)]


@SETTINGS
@given(data=st.data())
def test_generated_queries_never_fail_internally(world: SeededWorld,
                                                 data: st.DataObject) -> None:
    role = data.draw(st.sampled_from(sorted(ROLES)), label="role")
    document = data.draw(queries(GRAPHQL_SCHEMA, custom_scalars=SCALARS,
                                 mode=data.draw(MODES)), label="query")
    outcome = run(world, role, str(document))
    assert internal(outcome) == [], (document, outcome.errors)


async def _fingerprint(world: SeededWorld) -> dict[str, tuple[Any, ...]]:
    """Per table: its row count and latest change, enough to see any write."""
    found = {}
    async with world.engine.connect() as connection:
        for name, table in metadata.tables.items():
            columns = [sa.func.count()]
            if "updated_at" in table.c:
                columns.append(sa.func.max(table.c.updated_at))
            if "id" in table.c:
                columns.append(sa.func.max(table.c.id))
            found[name] = tuple((await connection.execute(sa.select(*columns)
                                                         .select_from(table))).one())
    return found


def nothing_done(outcome: Any) -> bool:
    """Every mutation of the document was refused: an error (null) or userErrors."""
    if not outcome.data:
        return True
    return all(payload is None or (isinstance(payload, dict) and payload.get("userErrors"))
               for payload in outcome.data.values())


@SETTINGS
@given(data=st.data())
def test_generated_mutations_never_fail_internally_and_refusals_change_nothing(
        world: SeededWorld, data: st.DataObject) -> None:
    role = data.draw(st.sampled_from(sorted(ROLES)), label="role")
    document = data.draw(mutations(GRAPHQL_SCHEMA, custom_scalars=SCALARS,
                                   mode=data.draw(MODES)), label="mutation")
    before = world.run(_fingerprint(world))
    outcome = run(world, role, str(document))
    assert internal(outcome) == [], (document, outcome.errors)
    if nothing_done(outcome):
        assert world.run(_fingerprint(world)) == before, (document, outcome.data)
