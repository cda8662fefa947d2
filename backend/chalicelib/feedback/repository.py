"""Feedback in DynamoDB: each answer as an item of its kind and month, the mark that a booking
was given its one service feedback (their keys: core/keys.py). The counters it moves are core's
(keys.py), written in the same transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from chalicelib.core import dynamo, keys


def answer(kind: str, at: datetime, fields: dict[str, Any]) -> dict[str, Any]:
    """A transaction item: one answer, filed under its kind and month (never with who sent it)."""
    return dynamo.put_new(
        {
            "PK": keys.feedback(kind, f"{at:%Y-%m}"),
            "SK": keys.feedback_line(at, uuid.uuid4().hex[:8]),
            "type": "Feedback",
            "kind": kind,
            **fields,
        }
    )


def stored(put: dict[str, Any]) -> bool:
    """Whether the answer a transaction item put is in the table."""
    item = put["Put"]["Item"]
    return dynamo.get(item["PK"]["S"], item["SK"]["S"]) is not None


def given_once(reference: str) -> dict[str, Any]:
    """A transaction item that fails if this booking was already given its service feedback."""
    return dynamo.put_new({"PK": keys.feedback_given(reference), "SK": keys.FEEDBACK_GIVEN, "type": "FeedbackGiven"})


def needs_of(month: str) -> list[dict[str, Any]]:
    """Every need written in a month (one partition)."""
    return dynamo.query_all(
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues=dynamo.encode_values({":pk": keys.feedback("need", month)}),
    )
