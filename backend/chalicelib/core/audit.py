"""The audit trails: what staff did to a case or at a centre, appended in the same transaction as
the action (a read of a case or of a trail is written too). A line is a new item under a condition,
so nothing can overwrite an earlier one, and the API's IAM policy denies deleting one."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from chalicelib.core import dynamo, keys
from chalicelib.core.aws import dynamodb_client


class AuditEntry(BaseModel, defer_build=True):
    at: datetime
    actor: str
    action: str
    detail: str | None


class AuditTrail(BaseModel, defer_build=True):
    entries: list[AuditEntry]


def line(trail: str, actor: str, action: str, at: datetime, detail: str | None = None) -> dict[str, Any]:
    """A transaction item appending a line to `trail` (keys.case_audit or keys.centre_audit)."""
    return dynamo.put_new(
        {
            "PK": trail,
            "SK": keys.audit_line(at, uuid.uuid4().hex[:8]),
            "type": "Audit",
            "actor": actor,
            "action": action,
            "detail": detail,
        }
    )


def append(trail: str, actor: str, action: str, at: datetime, detail: str | None = None) -> None:
    """A line on its own, for an action that changes nothing else (reading a case or a trail)."""
    dynamodb_client().put_item(**line(trail, actor, action, at, detail)["Put"])


def read(trail: str, between: tuple[date, date] | None = None, newest_first: bool = False) -> AuditTrail:
    """A trail's lines, all of them or those of the days `between` covers."""
    condition, values = "PK = :pk", {":pk": trail}
    if between is not None:
        low, high = keys.audit_days(*between)
        condition, values = f"{condition} AND SK BETWEEN :a AND :b", values | {":a": low, ":b": high}
    rows = dynamo.query_all(
        ConsistentRead=True,
        ScanIndexForward=not newest_first,
        KeyConditionExpression=condition,
        ExpressionAttributeValues=dynamo.encode_values(values),
    )
    return AuditTrail(
        entries=[
            AuditEntry(at=keys.audit_at(r["SK"]), actor=r["actor"], action=r["action"], detail=r.get("detail"))
            for r in rows
        ]
    )
