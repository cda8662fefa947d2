"""Complaint cases as the staff side stores and finds them. The only staff code that touches the table.

Keys (single table; the complaint's own items are described in complaints/service.py):
- case       PK=COMPLAINT#<id>  SK=META             GSI1: QUEUE#<lane>#<centre or ANY> / <submitted>#<id>
                                                     GSI2 (when assigned): ASSIGNEE#<sub> / <submitted>#<id>
- note       PK=COMPLAINT#<id>  SK=NOTE#<at>#<n>    internal, never shown to the complainant
- referral   PK=COMPLAINT#<id>  SK=REFERRAL#<centre> GSI1: QUEUE#<lane>#<centre> / <submitted>#<id>
- audit      PK=AUDIT#<id>      SK=<at>#<n>          appended in the same transaction as the action
- counters   PK=STATS#COMPLAINTS#<lane>#<centre or ANY>  SK=MONTH#<month submitted>  received, category_*...
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.core import dynamo
from chalicelib.core.aws import dynamodb_client
from chalicelib.impact.service import complaint_counters


def case_pk(complaint_id: str) -> str:
    return f"COMPLAINT#{complaint_id}"


def queue_pk(lane: str, centre_id: str | None) -> str:
    return f"QUEUE#{lane}#{centre_id or 'ANY'}"


def stats_key(meta: dict[str, Any]) -> tuple[str, str]:
    """The dashboard counters a case's changes move: its lane's, at its centre, in the month it came in."""
    return complaint_counters(meta["lane"], meta.get("centre_id"), meta["submitted_at"][:7])


def case_items(complaint_id: str) -> list[dict[str, Any]]:
    """The case and everything filed under it: one partition, one query."""
    return dynamo.query_all(
        ConsistentRead=True,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": case_pk(complaint_id)}),
    )


def queue(lane: str, centre_id: str | None) -> list[dict[str, Any]]:
    """A centre's queue in one lane: its own cases and cases referred to it (GSI1)."""
    return dynamo.query_all(
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": queue_pk(lane, centre_id)}),
    )


def assigned_to(sub: str) -> list[dict[str, Any]]:
    return dynamo.query_all(
        IndexName="GSI2",
        KeyConditionExpression="GSI2PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": f"ASSIGNEE#{sub}"}),
    )


def metas(complaint_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The cases behind referral entries, read by key (BatchGetItem), never by scanning."""
    return dynamo.batch_get([(case_pk(i), "META") for i in sorted(set(complaint_ids))], consistent=True)


def audit_entry(complaint_id: str, actor: str, action: str, at: datetime, detail: str | None = None) -> dict[str, Any]:
    """An audit line: a new item under a condition, so nothing can overwrite an earlier one."""
    return dynamo.put_new(
        {
            "PK": f"AUDIT#{complaint_id}",
            "SK": f"{at.isoformat()}#{uuid.uuid4().hex[:8]}",
            "type": "Audit",
            "actor": actor,
            "action": action,
            "detail": detail,
        }
    )


def audit_trail(complaint_id: str) -> list[dict[str, Any]]:
    return dynamo.query_all(
        ConsistentRead=True,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": f"AUDIT#{complaint_id}"}),
    )


def write(items: list[dict[str, Any]]) -> None:
    dynamo.transact(items)


def put(item: dict[str, Any]) -> None:
    """One audit line on its own (reading a case changes nothing else)."""
    dynamodb_client().put_item(**item["Put"])


def stamp_expiry(complaint_id: str, expires: int | None) -> int:
    """Give every item of a closed case the TTL that deletes it (or take it away on reopening)."""
    keys = dynamo.query_all(
        KeyConditionExpression="PK = :pk",
        ProjectionExpression="PK, SK",
        ExpressionAttributeValues=dynamo.encode_values({":pk": case_pk(complaint_id)}),
    )
    client = dynamodb_client()
    for key in keys:
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
    return len(keys)
