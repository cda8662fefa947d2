"""Complaint cases as the staff side stores and finds them: the case and what is filed under it,
the queues and assignments (their keys: core/keys.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.core import dynamo, keys
from chalicelib.core.aws import dynamodb_client


def stats_key(meta: dict[str, Any]) -> tuple[str, str]:
    """The dashboard counters a case's changes move: its lane's, at its centre, in the month it came in."""
    return keys.complaint_counters(meta["lane"], meta.get("centre_id"), meta["submitted_at"][:7])


def case_items(complaint_id: str) -> list[dict[str, Any]]:
    """The case and everything filed under it: one partition, one query."""
    return dynamo.query_all(
        ConsistentRead=True,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": keys.complaint(complaint_id)}),
    )


def queue(lane: str, centre_id: str | None) -> list[dict[str, Any]]:
    """A centre's queue in one lane: its own cases and cases referred to it (GSI1)."""
    return dynamo.query_all(
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": keys.queue(lane, centre_id)}),
    )


def assigned_to(sub: str) -> list[dict[str, Any]]:
    return dynamo.query_all(
        IndexName="GSI2",
        KeyConditionExpression="GSI2PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": keys.assignee(sub)}),
    )


def metas(complaint_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The cases behind referral entries, read by key (BatchGetItem), never by scanning."""
    return dynamo.batch_get([(keys.complaint(i), keys.CASE) for i in sorted(set(complaint_ids))], consistent=True)


def write(items: list[dict[str, Any]]) -> None:
    dynamo.transact(items)


def stamp_expiry(complaint_id: str, expires: int | None) -> int:
    """Give every item of a closed case the TTL that deletes it (or take it away on reopening)."""
    found = dynamo.query_all(
        KeyConditionExpression="PK = :pk",
        ProjectionExpression="PK, SK",
        ExpressionAttributeValues=dynamo.encode_values({":pk": keys.complaint(complaint_id)}),
    )
    client = dynamodb_client()
    for key in found:
        encoded = dynamo.encode_values({"PK": key["PK"], "SK": key["SK"]})
        if expires is None:
            client.update_item(TableName=dynamo.table(), Key=encoded, UpdateExpression="REMOVE expires_at")
        else:
            client.update_item(
                TableName=dynamo.table(),
                Key=encoded,
                UpdateExpression="SET expires_at = :e",
                ExpressionAttributeValues={":e": {"N": str(expires)}},
            )
    return len(found)
