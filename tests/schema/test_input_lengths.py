"""Every text input says how long it may be, and longer text is refused as it says."""

from __future__ import annotations

import re

from schema.input_lengths import text_limits
from schema.schema import schema
from server.domain.base import LONG_TEXT
from tests.schema.conftest import Api, World

GRAPHQL = schema._schema  # noqa: SLF001


def test_every_stored_text_input_documents_its_length() -> None:
    limits = text_limits(GRAPHQL)
    assert len(limits) > 40  # the inputs of every kind of row, not a lucky few
    for (type_name, field_name), length in limits.items():
        description = GRAPHQL.type_map[type_name].fields[field_name].description or ""  # type: ignore[attr-defined]
        stated = re.search(r"(\d[\d,]*) characters", description)
        assert stated, f"{type_name}.{field_name}: {description!r}"
        # a service may state a stricter rule of its own (a comment's 1-10,000)
        assert int(stated.group(1).replace(",", "")) <= length, (type_name, field_name)


UPDATE_RISK = """mutation($input: CreateRiskInput!) { createRisk(input: $input) {
  risk { id } userErrors { field code } } }"""


async def test_long_text_past_its_documented_length_is_a_user_error(
        api: Api, world: World) -> None:
    project = world.gid("Project", world.alice_project)
    base = {"projectId": project, "title": "Late vendor", "probability": 3, "impact": 3}
    too_long = await api("alice", UPDATE_RISK, input={**base, "description": "x" * (LONG_TEXT + 1)})
    payload = too_long["data"]["createRisk"]
    assert payload["risk"] is None
    assert payload["userErrors"] == [{"field": ["input", "description"], "code": "TOO_LONG"}]
    fits = await api("alice", UPDATE_RISK, input={**base, "description": "x" * LONG_TEXT})
    assert fits["data"]["createRisk"]["userErrors"] == []
