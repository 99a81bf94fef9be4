"""Reading webhooks and their deliveries: the PMO only; the signing key is not in the API."""

from __future__ import annotations

import re

import pytest
from graphql import GraphQLObjectType

from server.domain.enums import DeliveryStatus
from tests.schema.collaboration.conftest import Collab, at
from tests.schema.conftest import Api, World, codes

WEBHOOKS = """
query($filter: WebhookFilter, $status: [DeliveryStatus!]) {
  webhooks(filter: $filter) {
    totalCount
    nodes {
      url eventTypes active
      deliveries(filter: {status: $status}) {
        totalCount
        nodes { attempts status nextAttemptAt lastStatusCode lastError eventType
                webhook { url } }
      }
    }
  }
}"""

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename
    ... on Webhook { url }
    ... on WebhookDelivery { status webhook { url } }
  }
}"""

SECRET_QUERY = "{ webhooks { nodes { url secret } } }"


@pytest.fixture
async def hooks(collab: Collab) -> dict[str, int]:
    """An active webhook with a delivered, a failing and a dead delivery; a paused one."""
    active = await collab.webhook("https://hooks.example.com/a",
                                  event_types=["project.changed", "risk.escalated"])
    paused = await collab.webhook("https://hooks.example.com/b", active=False)
    delivered = await collab.delivery(active, status=DeliveryStatus.SUCCEEDED, attempts=1,
                                      last_status_code=200, created_at=at(0))
    failing = await collab.delivery(active, event_type="risk.escalated",
                                    status=DeliveryStatus.FAILED, attempts=2,
                                    last_status_code=503, last_error="Service Unavailable",
                                    next_attempt_at=at(30), created_at=at(1))
    dead = await collab.delivery(active, status=DeliveryStatus.DEAD, attempts=8,
                                 last_error="connection refused", created_at=at(2))
    return {"active": active, "paused": paused, "delivered": delivered,
            "failing": failing, "dead": dead}


async def test_the_pmo_reads_webhooks_with_their_deliveries(
    api: Api, hooks: dict[str, int]
) -> None:
    # given two webhooks, one with three deliveries
    # when the PMO lists the active ones with their failed or dead deliveries
    result = await api("pmo", WEBHOOKS, filter={"active": True}, status=["FAILED", "DEAD"])
    # then it gets the webhook, its subscriptions and those deliveries, newest first
    assert "errors" not in result, result["errors"]
    assert result["data"]["webhooks"]["totalCount"] == 1
    [hook] = result["data"]["webhooks"]["nodes"]
    assert (hook["url"], hook["eventTypes"], hook["active"]) == (
        "https://hooks.example.com/a", ["project.changed", "risk.escalated"], True)
    assert hook["deliveries"]["totalCount"] == 2
    dead, failing = hook["deliveries"]["nodes"]
    assert (dead["status"], dead["attempts"], dead["lastError"], dead["nextAttemptAt"]) == (
        "DEAD", 8, "connection refused", None)
    assert (failing["status"], failing["lastStatusCode"], failing["eventType"]) == (
        "FAILED", 503, "risk.escalated")
    assert failing["nextAttemptAt"].startswith("2026-03-01T09:30:00")
    assert failing["webhook"] == {"url": "https://hooks.example.com/a"}


async def test_webhooks_list_every_webhook_without_a_filter(
    api: Api, hooks: dict[str, int]
) -> None:
    # given / when the PMO lists every webhook
    result = await api("pmo", WEBHOOKS)
    # then both come back, oldest first, each with all its deliveries
    assert "errors" not in result, result["errors"]
    nodes = result["data"]["webhooks"]["nodes"]
    assert [(n["url"], n["deliveries"]["totalCount"]) for n in nodes] == [
        ("https://hooks.example.com/a", 3), ("https://hooks.example.com/b", 0)]


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave", "ana"])
async def test_webhooks_are_forbidden_to_everyone_but_the_pmo(
    api: Api, world: World, hooks: dict[str, int], who: str
) -> None:
    # given webhooks and deliveries
    # when anyone but the PMO lists them or asks for one by id
    listed = await api(who, WEBHOOKS)
    webhook = await api(who, NODE, id=world.gid("Webhook", hooks["active"]))
    delivery = await api(who, NODE, id=world.gid("WebhookDelivery", hooks["failing"]))
    # then every read is refused and nothing is shown
    assert codes(listed) == ["FORBIDDEN"] and listed["data"] is None
    assert codes(webhook) == ["FORBIDDEN"] and webhook["data"]["node"] is None
    assert codes(delivery) == ["FORBIDDEN"] and delivery["data"]["node"] is None


async def test_the_pmo_reads_a_webhook_and_a_delivery_by_id(
    api: Api, world: World, hooks: dict[str, int]
) -> None:
    # given / when the PMO asks for a webhook and a delivery by global id
    webhook = await api("pmo", NODE, id=world.gid("Webhook", hooks["paused"]))
    delivery = await api("pmo", NODE, id=world.gid("WebhookDelivery", hooks["delivered"]))
    # then both resolve
    assert webhook["data"]["node"] == {"__typename": "Webhook",
                                       "url": "https://hooks.example.com/b"}
    assert delivery["data"]["node"] == {"__typename": "WebhookDelivery", "status": "SUCCEEDED",
                                        "webhook": {"url": "https://hooks.example.com/a"}}


def test_the_signing_key_is_not_in_the_schema() -> None:
    # given the schema as clients see it
    from schema.schema import print_sdl, schema

    sdl = print_sdl()
    # when the webhook types' definitions are read
    blocks = {name: re.search(rf"\ntype {name} implements Node \{{.*?\n\}}", sdl, re.S)
              for name in ("Webhook", "WebhookDelivery")}
    # then neither has, mentions or links to a secret
    for name, block in blocks.items():
        assert block is not None, f"{name} is not in the SDL"
        assert "secret" not in block.group(0).lower()
    # and only the two payloads that hand out a new secret, once, carry one
    fields = [f"{name}.{field}" for name, type_ in schema._schema.type_map.items()
              if isinstance(type_, GraphQLObjectType) for field in type_.fields
              if "secret" in field.lower()]
    assert sorted(fields) == ["CreateWebhookPayload.signingSecret", "Mutation.rotateWebhookSecret",
                              "RotateWebhookSecretPayload.signingSecret"]


async def test_asking_for_the_secret_is_a_validation_error(
    api: Api, hooks: dict[str, int]
) -> None:
    # given / when even the PMO asks for a webhook's secret
    result = await api("pmo", SECRET_QUERY)
    # then the query is invalid and no data is returned
    assert result.get("data") is None
    assert "Cannot query field 'secret'" in result["errors"][0]["message"]
    assert "s3cr3t" not in str(result)
