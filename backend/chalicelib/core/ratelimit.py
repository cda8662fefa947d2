"""Limits on failed guesses (receipt look-ups) and on submissions, per source and overall, in
10-minute windows.

A source is identified only by a keyed hash of its address under a key that changes every day,
kept in an item that DynamoDB deletes (TTL) after the window: no address is ever stored."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from chalicelib.core.aws import dynamodb_client
from chalicelib.core.errors import TooManyRequests
from chalicelib.core.secrets import keyed_hash
from chalicelib.core.settings import get_settings

WINDOW_SECONDS = 600


# Behind CloudFront, API Gateway sees the edge's address: a CloudFront Function puts the viewer's
# in this header, overwriting whatever the viewer sent (infra/template.yaml, ViewerAddressFunction).
VIEWER_HEADER = "x-passerelle-viewer"


def source_key(address: str | None) -> str:
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return keyed_hash(f"rate-source:{day}", address or "unknown")[:32]


def source_of(request: Any) -> str:
    """The keyed hash of who is asking: the viewer's address as CloudFront saw it, else the
    address API Gateway saw. Neither is kept: only this hash, for one 10-minute window."""
    identity = (request.context or {}).get("identity") or {}
    return source_key((request.headers or {}).get(VIEWER_HEADER) or identity.get("sourceIp"))


def _window(now: float) -> int:
    return int(now // WINDOW_SECONDS)


def _keys(scope: str, source: str, window: int) -> list[dict[str, Any]]:
    return [{"PK": {"S": f"RATE#{scope}#{source}"}, "SK": {"S": f"W#{window}"}},
            {"PK": {"S": f"RATE#{scope}#ALL"}, "SK": {"S": f"W#{window}"}}]


def check(scope: str, source: str, now: float | None = None) -> None:
    """429 with Retry-After if this source, or everyone together, failed too often lately."""
    now = now or time.time()
    window = _window(now)
    settings = get_settings()
    response = dynamodb_client().batch_get_item(RequestItems={settings.table_name: {
        "Keys": _keys(scope, source, window), "ProjectionExpression": "PK, failures"}})
    counts = {i["PK"]["S"]: int(i["failures"]["N"]) for i in response["Responses"].get(settings.table_name, [])}
    per_source = counts.get(f"RATE#{scope}#{source}", 0)
    overall = counts.get(f"RATE#{scope}#ALL", 0)
    if per_source >= settings.lookup_failures_per_source or overall >= settings.lookup_failures_overall:
        retry_after = int((window + 1) * WINDOW_SECONDS - now) + 1
        raise TooManyRequests("Too many tries. Wait and try again.", retry_after=retry_after)


def record(scope: str, source: str, now: float | None = None) -> None:
    """Count one attempt (a failed look-up, a submission) for the source and overall."""
    now = now or time.time()
    window = _window(now)
    settings = get_settings()
    for key in _keys(scope, source, window):
        dynamodb_client().update_item(
            TableName=settings.table_name, Key=key,
            UpdateExpression="ADD failures :one SET expires_at = :expires",
            ExpressionAttributeValues={":one": {"N": "1"}, ":expires": {"N": str((window + 2) * WINDOW_SECONDS)}},
        )
