"""The DynamoDB helpers every domain's repository shares: item encoding, transactions whose
failed conditions are reported by position, and the common transaction items."""

from __future__ import annotations

import re
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
    """A condition in a transaction failed: `failed` holds the indexes of the failing items and,
    when the items were given by name, `names` their names."""

    def __init__(self, failed: set[int], names: set[str] | None = None) -> None:
        super().__init__(f"conditions failed at {sorted(names or failed)}")
        self.failed = failed
        self.names = names or set()


def transact(items: Sequence[dict[str, Any]] | Mapping[str, dict[str, Any]]) -> None:
    """One TransactWriteItems. Items given as a mapping are named: a failed condition is then
    reported by name, whatever the position the item ended up in."""
    names = list(items) if isinstance(items, Mapping) else []
    listed = list(items.values()) if isinstance(items, Mapping) else list(items)
    try:
        dynamodb_client().transact_write_items(TransactItems=listed)  # type: ignore[arg-type]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        if is_conflict(exc):
            raise  # a conflict with a concurrent transaction: transient, surfaces as 503 Retry-After
        reasons = exc.response.get("CancellationReasons") or []
        failed = {i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"}
        raise TransactionFailed(failed, {names[i] for i in failed if i < len(names)}) from exc


def is_conflict(exc: BaseException) -> bool:
    """A transaction cancelled only because another one touched the same items at that moment:
    nothing was written, and trying again is right."""
    if not isinstance(exc, ClientError) or exc.response.get("Error", {}).get("Code") not in (
        "TransactionCanceledException",
        "TransactionConflictException",
    ):
        return False
    reasons = exc.response.get("CancellationReasons") or []
    return not any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) and (
        exc.response["Error"]["Code"] == "TransactionConflictException"
        or any(r.get("Code") == "TransactionConflict" for r in reasons)
    )


def query_all(**kwargs: Any) -> list[dict[str, Any]]:
    """Every item a Query finds (all pages), as plain values."""
    items: list[dict[str, Any]] = []
    while True:
        page = dynamodb_client().query(TableName=table(), **kwargs)
        items += [plain(i) for i in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def get(pk: str, sk: str) -> dict[str, Any] | None:
    """One item by its key (a consistent read), as plain values."""
    answer = dynamodb_client().get_item(TableName=table(), ConsistentRead=True, Key=encode_values({"PK": pk, "SK": sk}))
    return plain(answer["Item"]) if "Item" in answer else None


def batch_get(keys: Sequence[tuple[str, str]], consistent: bool = False) -> list[dict[str, Any]]:
    """Items by key, 100 to a BatchGetItem, unprocessed keys asked again; missing ones left out."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):
        chunk = [encode_values({"PK": pk, "SK": sk}) for pk, sk in keys[start : start + 100]]
        request: dict[str, Any] = {table(): {"Keys": chunk, "ConsistentRead": consistent}}
        while request:
            answer = dynamodb_client().batch_get_item(RequestItems=request)
            found += [plain(i) for i in answer.get("Responses", {}).get(table(), [])]
            request = answer.get("UnprocessedKeys") or {}
    return found


def table() -> str:
    return get_settings().table_name


def put_new(item: Mapping[str, Any]) -> dict[str, Any]:
    return {"Put": {"TableName": table(), "Item": encode_item(item), "ConditionExpression": "attribute_not_exists(PK)"}}


def delete_item(
    pk: str, sk: str, condition: str | None = None, values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {"TableName": table(), "Key": encode_values({"PK": pk, "SK": sk})}
    if condition:
        spec["ConditionExpression"] = condition
    if values:
        spec["ExpressionAttributeValues"] = encode_values(values)
    return {"Delete": spec}


def add_counters(pk: str, sk: str, amounts: Mapping[str, Any]) -> dict[str, Any]:
    """Atomically add to counters (created at zero on first use; negative amounts subtract).
    Dashboards read these instead of scanning the table."""
    names = {f"#c{i}": name for i, name in enumerate(amounts)}
    values = {f":v{i}": {"N": str(amount)} for i, amount in enumerate(amounts.values())}
    return {
        "Update": {
            "TableName": table(),
            "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
            "UpdateExpression": "ADD " + ", ".join(f"#c{i} :v{i}" for i in range(len(amounts))),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def update(
    pk: str,
    sk: str,
    set_values: Mapping[str, Any],
    condition: str | None = None,
    condition_values: Mapping[str, Any] | None = None,
    remove: Sequence[str] = (),
) -> dict[str, Any]:
    """A transaction item that SETs `set_values` and REMOVEs `remove` under `condition`, which names
    attributes as #name (every #name in it is declared here)."""
    names = {f"#{k}": k for k in (*set_values, *remove)}
    names.update({f"#{n}": n for n in re.findall(r"#(\w+)", condition or "")})
    clauses = []
    if set_values:
        clauses.append("SET " + ", ".join(f"#{k} = :set_{k}" for k in set_values))
    if remove:
        clauses.append("REMOVE " + ", ".join(f"#{k}" for k in remove))
    values = {f":set_{k}": v for k, v in set_values.items()} | dict(condition_values or {})
    spec: dict[str, Any] = {
        "TableName": table(),
        "Key": encode_values({"PK": pk, "SK": sk}),
        "UpdateExpression": " ".join(clauses),
        "ExpressionAttributeNames": names,
    }
    if values:
        spec["ExpressionAttributeValues"] = encode_values(values)
    if condition:
        spec["ConditionExpression"] = condition
    return {"Update": spec}
