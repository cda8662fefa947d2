"""What notifications keep in DynamoDB (keys: core/keys.py): which SMS went, the jobs due at a
time, the phones that replied STOP, phone checks and the digests sent. No phone number and no
text is kept here: an SMS reads the phone from the booking's contact when it goes, so a phone
lives exactly as long as that contact."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core import keys
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.dynamo import encode_item, encode_values, get, query_all, table


def _conditional_put(item: dict[str, Any], condition: str, values: dict[str, Any] | None = None) -> bool:
    """Put `item` if `condition` holds; False if it did not (someone else got there first)."""
    request: dict[str, Any] = {"TableName": table(), "Item": encode_item(item), "ConditionExpression": condition}
    if values:
        request["ExpressionAttributeValues"] = encode_values(values)
    try:
        dynamodb_client().put_item(**request)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _set(pk: str, sk: str, values: dict[str, Any]) -> None:
    names = {f"#{k}": k for k in values}
    dynamodb_client().update_item(
        TableName=table(),
        Key=encode_values({"PK": pk, "SK": sk}),
        UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in values),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=encode_values({f":{k}": v for k, v in values.items()}),
    )


# ---- SMS sent once ----------------------------------------------------------------------------


def claim_sms(reference: str, kind: str, stamp: str, at: datetime, expires_at: int) -> bool:
    """True for the first caller only: this SMS is now theirs to send."""
    item = {
        "PK": keys.booking(reference),
        "SK": keys.sms_sent(kind, stamp),
        "type": "SmsSent",
        "status": "pending",
        "attempts": 0,
        "claimed_at": at.isoformat(),
        "expires_at": expires_at,
    }
    return _conditional_put(item, "attribute_not_exists(PK)")


def sms_record(reference: str, kind: str, stamp: str) -> dict[str, Any] | None:
    return get(keys.booking(reference), keys.sms_sent(kind, stamp))


def mark_sms(reference: str, kind: str, stamp: str, status: str, attempts: int) -> None:
    _set(keys.booking(reference), keys.sms_sent(kind, stamp), {"status": status, "attempts": attempts})


# ---- jobs due at a time -----------------------------------------------------------------------


def put_job(at: datetime, job_id: str, job: str, payload: dict[str, Any], attempts: int, expires_at: int) -> None:
    """A job to run once `at` has come (the same job id at the same time is one job)."""
    dynamodb_client().put_item(
        TableName=table(),
        Item=encode_item(
            {
                "PK": keys.due_hour(at),
                "SK": keys.due_job(at, job_id),
                "type": "DueJob",
                "job": job,
                "payload": payload,
                "attempts": attempts,
                "expires_at": expires_at,
            }
        ),
    )


def due_jobs(hour: datetime, until: datetime) -> list[dict[str, Any]]:
    """The jobs of one UTC hour due by `until`, in time order: one query."""
    return query_all(
        KeyConditionExpression="PK = :pk AND SK <= :until",
        ExpressionAttributeValues=encode_values({":pk": keys.due_hour(hour), ":until": keys.due_before(until)}),
    )


def take_job(pk: str, sk: str) -> bool:
    """Delete a due job; True for the one runner whose delete removed it (runs may overlap)."""
    try:
        dynamodb_client().delete_item(
            TableName=table(),
            Key=encode_values({"PK": pk, "SK": sk}),
            ConditionExpression="attribute_exists(PK)",
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


# ---- STOP ---------------------------------------------------------------------------------------


def opted_out(phone_hash: str) -> bool:
    return get(*keys.sms_opt_out(phone_hash)) is not None


def opt_out(phone_hash: str, at: datetime) -> None:
    pk, sk = keys.sms_opt_out(phone_hash)
    dynamodb_client().put_item(
        TableName=table(), Item=encode_item({"PK": pk, "SK": sk, "type": "SmsOptOut", "at": at.isoformat()})
    )


def opt_in(phone_hash: str) -> None:
    pk, sk = keys.sms_opt_out(phone_hash)
    dynamodb_client().delete_item(TableName=table(), Key=encode_values({"PK": pk, "SK": sk}))


# ---- the daily digest -------------------------------------------------------------------------


def claim_digest(centre_id: str, day: date, expires_at: int) -> bool:
    pk, sk = keys.digest_sent(centre_id, day)
    return _conditional_put(
        {"PK": pk, "SK": sk, "type": "DigestSent", "expires_at": expires_at}, "attribute_not_exists(PK)"
    )
