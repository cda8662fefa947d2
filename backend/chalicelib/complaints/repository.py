"""Complaints in DynamoDB: the case and what is filed under it (messages, status changes, notes,
referrals), its receipt, the queues and assignments (their keys: core/keys.py). Writes are
transaction items: the services put each change in one transaction with its audit line and
counters."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
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


# ---- the case and what is filed under it -------------------------------------------------------


def new_case(complaint_id: str, submitted_at: datetime, fields: dict[str, Any]) -> dict[str, Any]:
    """The case, in its lane's queue at its centre (or among those filed without one)."""
    item = {
        "PK": keys.complaint(complaint_id),
        "SK": keys.CASE,
        "type": "Complaint",
        "id": complaint_id,
        **fields,
        "submitted_at": submitted_at.isoformat(),
        "GSI1PK": keys.queue(fields["lane"], fields["centre_id"]),
        "GSI1SK": keys.queue_position(submitted_at.isoformat(), complaint_id),
    }
    return dynamo.put_new(item)


def case_exists(complaint_id: str) -> bool:
    return dynamo.get(keys.complaint(complaint_id), keys.CASE) is not None


def case_update(
    complaint_id: str,
    set_values: dict[str, Any],
    seen_status: str,
    remove: tuple[str, ...] = (),
    seen_counted: tuple[str | None] | None = None,
) -> dict[str, Any]:
    """The case's update, on condition that its status is still the one the change was decided on
    and, given `seen_counted` (a 1-tuple), that what it counts against an agency (`counted_as`) is
    still that: the agency counters are then moved exactly once, however many staff act at once."""
    condition, values = "#status = :seen", {":seen": seen_status}
    if seen_counted is not None:
        if seen_counted[0] is None:
            condition += " AND attribute_not_exists(#counted_as)"
        else:
            condition += " AND #counted_as = :counted"
            values[":counted"] = seen_counted[0]
    return dynamo.update(keys.complaint(complaint_id), keys.CASE, set_values, condition, values, remove)


def status_change(complaint_id: str, status: str, by: str, at: datetime) -> dict[str, Any]:
    return dynamo.put_new(
        {
            "PK": keys.complaint(complaint_id),
            "SK": keys.status_change(at),
            "type": "StatusChange",
            "status": status,
            "by": by,
        }
    )


def message(complaint_id: str, author: str, text: str, at: datetime) -> dict[str, Any]:
    """A message the complainant reads with the receipt: theirs, or a caseworker's reply."""
    return _written(complaint_id, keys.message(at, uuid.uuid4().hex[:6]), "Message", author, text, at)


def note(complaint_id: str, author: str, text: str, at: datetime) -> dict[str, Any]:
    """An internal note: filed apart from the messages, never shown to the complainant."""
    return _written(complaint_id, keys.note(at, uuid.uuid4().hex[:6]), "Note", author, text, at)


def _written(complaint_id: str, sk: str, kind: str, author: str, text: str, at: datetime) -> dict[str, Any]:
    item = {"PK": keys.complaint(complaint_id), "SK": sk, "type": kind, "author": author, "text": text}
    return dynamo.put_new(item | {"at": at.isoformat()})


def referral(meta: dict[str, Any], centre_id: str, note: str, by: str, at: datetime) -> dict[str, Any]:
    """A referral, which also puts the case in that centre's queue (GSI1)."""
    return dynamo.put_new(
        {
            "PK": keys.complaint(meta["id"]),
            "SK": keys.referral(centre_id),
            "type": "Referral",
            "complaint_id": meta["id"],
            "centre_id": centre_id,
            "note": note,
            "at": at.isoformat(),
            "by": by,
            "GSI1PK": keys.queue(meta["lane"], centre_id),
            "GSI1SK": keys.queue_position(meta["submitted_at"], meta["id"]),
        }
    )


# ---- the receipt --------------------------------------------------------------------------------


def new_receipt(receipt_hash: str, complaint_id: str, at: datetime, expires_at: int) -> dict[str, Any]:
    return dynamo.put_new(
        {
            "PK": keys.receipt(receipt_hash),
            "SK": keys.RECEIPT,
            "type": "Receipt",
            "complaint_id": complaint_id,
            "last_activity": at.isoformat(),
            "expires_at": expires_at,
        }
    )


def receipt(receipt_hash: str) -> dict[str, Any] | None:
    return dynamo.get(keys.receipt(receipt_hash), keys.RECEIPT)


def touch_receipt(receipt_hash: str, at: datetime, expires_at: int) -> dict[str, Any]:
    """The receipt's last activity, which its access period runs from."""
    return {
        "Update": {
            "TableName": dynamo.table(),
            "Key": {"PK": {"S": keys.receipt(receipt_hash)}, "SK": {"S": keys.RECEIPT}},
            "UpdateExpression": "SET last_activity = :now, expires_at = :expires",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": {":now": {"S": at.isoformat()}, ":expires": {"N": str(expires_at)}},
        }
    }
