"""The recruiters' counters (moved by complaints/triage.py when staff uphold a complaint against a
confirmed agency) and the publication, in DynamoDB (keys: core/keys.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.core import audit, dynamo, keys

Counts = dict[str, dict[str, dict[str, int]]]  # agency id -> year -> category -> upheld


def counts() -> Counts:
    """Every agency's upheld complaints by year and category: one partition, one query, no scan."""
    rows = dynamo.query_all(
        ConsistentRead=True,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": keys.RECRUITER_COUNTERS}),
    )
    found: Counts = {}
    for row in rows:
        agency_id, year = keys.recruiter_row(row["SK"])
        for name, value in row.items():
            if name.startswith("upheld_") and int(value) > 0:
                found.setdefault(agency_id, {}).setdefault(year, {})[name.removeprefix("upheld_")] = int(value)
    return found


def publication() -> dict[str, Any] | None:
    item = dynamo.get(*keys.PUBLISHED_RECRUITERS)
    if item is None:
        return None
    return {**item, "figures": json.loads(item["figures"])}


def publish(figures: Counts, published_at: datetime, period_from: str, actor: str, detail: str) -> None:
    """The publication replaces the last one, with its audit line, in one transaction."""
    pk, sk = keys.PUBLISHED_RECRUITERS
    item = {
        "PK": pk,
        "SK": sk,
        "type": "RecruiterFigures",
        "published_at": published_at.isoformat(),
        "period_from": period_from,
        "figures": json.dumps(figures, sort_keys=True, separators=(",", ":")),
    }
    dynamo.transact(
        [
            {"Put": {"TableName": dynamo.table(), "Item": dynamo.encode_item(item)}},
            audit.line(keys.RECRUITERS_AUDIT, actor, "publish", published_at, detail),
        ]
    )
