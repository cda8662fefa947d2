"""Per-source limits in 10-minute windows: failed receipt look-ups, complaints, feedback.

A window is one item (core/keys.py), which DynamoDB deletes (TTL) once the window is over; the
source key is a keyed hash under the day's salt
(core/sources.py), never an address. Counting is atomic: an attempt is counted by an update whose
condition is that the count is still under the limit, so however many requests arrive at once,
no more than the limit get through. There is no overall limit: one source could use it to lock
everybody else out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core import dynamo, keys
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.errors import TooManyRequests
from chalicelib.core.sources import Source

WINDOW_SECONDS = 600


@dataclass(frozen=True)
class Window:
    """One count in one scope and window: a source's (10 minutes), or a booking's wrong manage codes
    (bookings/tries.py). It is kept one window longer than it counts."""

    scope: str
    pk: str
    sk: str
    ends_at: int
    length: int = WINDOW_SECONDS

    def retry_after(self, now: float | None = None) -> int:
        return max(1, int(self.ends_at - (now or time.time())) + 1)

    def refused(self, message: str, now: float | None = None) -> TooManyRequests:
        return TooManyRequests(message, retry_after=self.retry_after(now))


def window(scope: str, source: Source, now: float | None = None) -> Window:
    now = now or time.time()
    number = int(now // WINDOW_SECONDS)
    key = source.key(datetime.fromtimestamp(now, UTC))
    return Window(scope, *keys.rate_window(scope, key, number), (number + 1) * WINDOW_SECONDS)


def _count(window: Window, limit: int) -> dict[str, Any]:
    return {
        "TableName": dynamo.table(),
        "Key": dynamo.encode_values({"PK": window.pk, "SK": window.sk}),
        "UpdateExpression": "ADD #count :one SET expires_at = :expires",
        "ConditionExpression": "attribute_not_exists(#count) OR #count < :limit",
        "ExpressionAttributeNames": {"#count": "count"},
        # kept one window longer than it counts: clocks of Lambda instances differ a little
        "ExpressionAttributeValues": dynamo.encode_values(
            {":one": 1, ":limit": limit, ":expires": window.ends_at + window.length}
        ),
    }


def count_item(scope: str, source: Source, limit: int, now: float | None = None) -> tuple[dict[str, Any], Window]:
    """A transaction item that counts one submission, failing its condition once `limit` were
    counted in this window: the submission and its count are written together or not at all."""
    current = window(scope, source, now)
    return {"Update": _count(current, limit)}, current


def reserve(scope: str, source: Source, limit: int, now: float | None = None) -> Window:
    """Count one attempt before it is made, or 429 if the source has used up its window. The
    attempt is counted first so that concurrent attempts cannot all pass a check that none has
    recorded yet; `refund_item` gives it back if the attempt turns out not to count (a right receipt)."""
    return reserve_in(
        window(scope, source, now), limit, "Too many tries from this connection. Wait and try again.", now=now
    )


def reserve_in(
    current: Window,
    limit: int,
    message: str,
    code: str = "too_many_requests",
    field: str | None = None,
    now: float | None = None,
) -> Window:
    """Count one attempt in `current` (any window: a source's, a booking's), or 429 once `limit`
    attempts were counted in it."""
    try:
        dynamodb_client().update_item(**_count(current, limit))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        refusal = current.refused(message, now)
        refusal.code, refusal.field = code, field
        raise refusal from None
    return current


def refund(window: Window) -> None:
    """Give back an attempt `reserve_in` counted (on its own, outside a transaction)."""
    dynamodb_client().update_item(**refund_item(window)["Update"])


def refund_item(window: Window) -> dict[str, Any]:
    """A transaction item giving back an attempt `reserve` counted."""
    return {
        "Update": {
            "TableName": dynamo.table(),
            "Key": dynamo.encode_values({"PK": window.pk, "SK": window.sk}),
            "UpdateExpression": "ADD #count :minus_one SET expires_at = if_not_exists(expires_at, :expires)",
            "ExpressionAttributeNames": {"#count": "count"},
            "ExpressionAttributeValues": dynamo.encode_values(
                {":minus_one": -1, ":expires": window.ends_at + window.length}
            ),
        }
    }
