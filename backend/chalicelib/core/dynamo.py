"""The DynamoDB helpers every domain's repository shares: item encoding, transactions whose
failed conditions are reported by position, and the common transaction items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from chalicelib.core.aws import dynamodb_client
from chalicelib.core.settings import get_settings

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def encode_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def encode_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items()}


def plain(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


class TransactionFailed(Exception):
    """A condition in a transaction failed; `failed` holds the indexes of the failing items."""

    def __init__(self, failed: set[int]) -> None:
        super().__init__(f"conditions failed at {sorted(failed)}")
        self.failed = failed


def transact(items: Sequence[dict[str, Any]]) -> None:
    try:
        dynamodb_client().transact_write_items(TransactItems=list(items))  # type: ignore[arg-type]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        reasons = exc.response.get("CancellationReasons") or []
        failed = {i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"}
        if not failed and any(r.get("Code") == "TransactionConflict" for r in reasons):
            raise  # a conflict with a concurrent transaction: transient, surfaces as 503 Retry-After
        raise TransactionFailed(failed) from exc


def table() -> str:
    return get_settings().table_name


def put_new(item: Mapping[str, Any]) -> dict[str, Any]:
    return {"Put": {"TableName": table(), "Item": encode_item(item), "ConditionExpression": "attribute_not_exists(PK)"}}


def delete_item(pk: str, sk: str, condition: str | None = None,
                values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"TableName": table(), "Key": encode_values({"PK": pk, "SK": sk})}
    if condition:
        spec["ConditionExpression"] = condition
    if values:
        spec["ExpressionAttributeValues"] = encode_values(values)
    return {"Delete": spec}
