"""Faults from DynamoDB (throttling, timeouts) give 503 with Retry-After, and nothing is half-written."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from chalice.test import Client

from chalicelib.bookings import service as bookings
from chalicelib.core.aws import dynamodb_client
from tests.unit.conftest import TABLE, body, book, with_proof

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
FAULTS = {
    "throttled": ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "TransactWriteItems"
    ),
    "over capacity": ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}, "TransactWriteItems"
    ),
    "timed out": ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com"),
    "conflict": ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
            "CancellationReasons": [{"Code": "TransactionConflict"}],
        },
        "TransactWriteItems",
    ),
}


@pytest.fixture
def api(client: Client, monkeypatch: pytest.MonkeyPatch) -> Client:
    monkeypatch.setattr(bookings, "now_utc", lambda: NOW)
    return client


def first_slot(api: Client) -> str:
    payload = body(api.http.get("/api/centres/tj-dushanbe/services/legal_advice/slots"))
    return str(payload["slots"][0]["start"])


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_booking_during_a_database_fault_is_503_and_writes_nothing(
    api: Client, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    start = first_slot(api)
    client = dynamodb_client()

    def failing(**_: Any) -> None:
        raise FAULTS[fault]

    monkeypatch.setattr(client, "transact_write_items", failing)
    response = book(api, start)
    assert response.status_code == 503, response.body
    assert int(response.headers["Retry-After"]) >= 1
    assert body(response)["error"]["code"] == "service_unavailable"
    monkeypatch.undo()
    items = dynamodb_client().scan(TableName=TABLE)["Items"]
    assert not any(i["SK"]["S"] == "BOOKING" or "SLOT#" in i["SK"]["S"] for i in items)


def test_reads_during_a_timeout_are_503(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    client = dynamodb_client()

    def slow(**_: Any) -> None:
        raise FAULTS["timed out"]

    monkeypatch.setattr(client, "query", slow)
    response = api.http.get("/api/centres/tj-dushanbe/services/legal_advice/slots")
    assert response.status_code == 503 and response.headers["Retry-After"]
    lookup = api.http.post(
        "/api/complaints/lookup",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"receipt": "1234 5678 9012 3456 78901"}),
    )
    assert lookup.status_code in (404, 503)


def lose_the_first_answer(monkeypatch: pytest.MonkeyPatch, failing: set[int]) -> None:
    """The transaction commits, but its answer is lost and the retry fails these conditions
    (what DynamoDB Local does; DynamoDB's ClientRequestToken makes the retry succeed instead)."""
    from chalicelib.core import dynamo

    real = dynamo.transact
    calls = {"n": 0}

    def committed_then_lost(items: Any) -> None:
        real(items)
        calls["n"] += 1
        if calls["n"] == 1:
            names = {list(items)[i] for i in failing} if isinstance(items, dict) else None
            raise dynamo.TransactionFailed(failing, names)

    monkeypatch.setattr(dynamo, "transact", committed_then_lost)


def test_a_booking_whose_answer_was_lost_is_booked_once(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    start = first_slot(api)
    headers = with_proof(api)
    lose_the_first_answer(monkeypatch, {0, 1})  # the seat was the last one, and our booking exists
    response = api.http.post(
        "/api/bookings",
        headers=headers,
        body=json.dumps(
            {
                "centre_id": "tj-dushanbe",
                "service_id": "legal_advice",
                "start": start,
                "mode": "on_site",
                "language": "tg",
            }
        ),
    )
    assert response.status_code == 201, response.body
    bookings_stored = [i for i in dynamodb_client().scan(TableName=TABLE)["Items"] if i["SK"]["S"] == "BOOKING"]
    assert [i["reference"]["S"] for i in bookings_stored] == [body(response)["reference"]]


def test_a_complaint_whose_answer_was_lost_is_filed_once(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import proof

    monkeypatch.setenv("PROOF_DIFFICULTY", "6")
    challenge = body(client.http.get("/api/challenge"))["challenge"]
    lose_the_first_answer(monkeypatch, {0, 1, 2, 3})
    response = client.http.post(
        "/api/complaints",
        body=json.dumps(
            {"category": "unpaid_wages", "country": "MY", "language": "vi", "description": "Wages unpaid since March."}
        ),
        headers={"Content-Type": "application/json", "X-Proof": f"{challenge}:{proof.solve(challenge, 6)}"},
    )
    assert response.status_code == 201, response.body
    metas = [i for i in dynamodb_client().scan(TableName=TABLE)["Items"] if i["SK"]["S"] == "META"]
    assert len(metas) == 1
    lookup = client.http.post(
        "/api/complaints/lookup",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"receipt": body(response)["receipt"]}),
    )
    assert lookup.status_code == 200


def test_feedback_whose_answer_was_lost_is_counted_once(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import keys, proof
    from chalicelib.feedback.service import now_utc

    monkeypatch.setenv("PROOF_DIFFICULTY", "6")
    challenge = body(client.http.get("/api/challenge"))["challenge"]
    lose_the_first_answer(monkeypatch, {0, 2})  # our item exists, and so does the used proof
    response = client.http.post(
        "/api/feedback",
        body=json.dumps(
            {"kind": "page", "page": "/km/guides/abroad/rights-at-work/", "language": "km", "helpful": True}
        ),
        headers={"Content-Type": "application/json", "X-Proof": f"{challenge}:{proof.solve(challenge, 6)}"},
    )
    assert response.status_code == 201, response.body
    pk, sk = keys.guide_counters(f"{now_utc():%Y-%m}", "km", "/km/guides/abroad/rights-at-work/")
    counter = dynamodb_client().get_item(TableName=TABLE, Key={"PK": {"S": pk}, "SK": {"S": sk}})["Item"]
    assert counter["helpful_yes"]["N"] == "1"
