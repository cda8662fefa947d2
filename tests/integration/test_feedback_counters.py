"""Feedback counters match the stored items, also under concurrent submissions (DynamoDB Local)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.core import keys
from chalicelib.core.dynamo import encode_values
from chalicelib.feedback.service import now_utc
from devstack.dynamodb_local import local_client
from devstack.stack import LocalStack
from tests.conftest import Viewer

pytestmark = pytest.mark.integration
PAGE = "/km/guides/home/reintegration/"


def give(stack: LocalStack, helpful: bool) -> int:
    viewer = Viewer(stack.url)
    return viewer.submit("/api/feedback", {"kind": "page", "page": PAGE, "language": "km", "helpful": helpful}).status


def test_concurrent_feedback_counters_match_the_items(stack: LocalStack) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda i: give(stack, i % 3 != 0), range(9)))
    assert statuses.count(201) == 9, statuses
    client = local_client(stack.dynamodb.endpoint)
    pk, sk = keys.guide_counters(f"{now_utc():%Y-%m}", "km", PAGE)
    counters = client.get_item(
        TableName=stack.config.table_name, ConsistentRead=True, Key=encode_values({"PK": pk, "SK": sk})
    )["Item"]
    items = client.scan(
        TableName=stack.config.table_name,
        FilterExpression="begins_with(PK, :p) AND page = :page",
        ExpressionAttributeValues={":p": {"S": "FEEDBACK#page#"}, ":page": {"S": PAGE}},
    )["Items"]
    yes = sum(1 for i in items if i["helpful"]["BOOL"])
    assert int(counters["helpful_yes"]["N"]) == yes == 6
    assert int(counters["helpful_no"]["N"]) == len(items) - yes == 3
