"""The dashboard's reads: the counters each domain moves in its own transactions (core/keys.py),
a year of one partition's rows at a time, never a scan."""

from __future__ import annotations

from typing import Any

from chalicelib.core import dynamo, keys


def counter_rows(pk: str, year: int) -> list[dict[str, Any]]:
    """A year of one counter partition's monthly rows."""
    first, last = keys.year_rows(year)
    return dynamo.query_all(
        KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
        ExpressionAttributeValues=dynamo.encode_values({":pk": pk, ":a": first, ":b": last}),
    )
