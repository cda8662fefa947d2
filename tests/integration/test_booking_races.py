"""Booking under concurrency, against DynamoDB Local through real HTTP (moto is not atomic
under threads). Each round books a different slot of a 20-seat course with 5 seats left, for 50
people on 50 addresses."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from devstack.dynamodb_local import local_client
from devstack.stack import LocalStack
from tests.conftest import Answer, Viewer

pytestmark = pytest.mark.integration
CENTRE, SERVICE = "tr-ankara", "language_course"


@pytest.fixture(scope="module")
def free_slots(stack: LocalStack) -> Iterator[list[dict[str, Any]]]:
    answer = Viewer(stack.url).call("GET", f"/api/centres/{CENTRE}/services/{SERVICE}/slots?days=14")
    assert answer.status == 200
    yield [s for s in answer.body["slots"] if s["seats_left"] == 20]


def book(viewer: Viewer, payload: dict[str, Any], proof: str, headers: dict[str, str] | None = None) -> Answer:
    return viewer.submit("/api/bookings", payload, headers, proof=proof)


def leave_seats(stack: LocalStack, start: str, seats: int) -> tuple[dict[str, Any], str]:
    """Make the slot's counter say `seats` are left, as if others had booked the rest."""
    key = {"PK": {"S": f"CENTRE#{CENTRE}"}, "SK": {"S": f"DAY#{start[:10]}#SLOT#{SERVICE}#{start[11:16]}"}}
    local_client(stack.dynamodb.endpoint).put_item(
        TableName=stack.config.table_name,
        Item={**key, "remaining": {"N": str(seats)}, "capacity": {"N": "20"}, "type": {"S": "SeatCounter"}},
    )
    return key, f"CENTRE#{CENTRE}#DAY#{start[:10]}"


def bookings_at(stack: LocalStack, day_key: str, start: str) -> list[dict[str, Any]]:
    client = local_client(stack.dynamodb.endpoint)
    items = client.query(
        TableName=stack.config.table_name,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk AND begins_with(GSI1SK, :start)",
        ExpressionAttributeValues={":pk": {"S": day_key}, ":start": {"S": start}},
    )["Items"]
    return [i for i in items if i["status"]["S"] == "confirmed"]


def request_for(start: str) -> dict[str, Any]:
    return {"centre_id": CENTRE, "service_id": SERVICE, "start": start, "mode": "on_site", "language": "ar"}


def test_fifty_people_five_seats_twenty_times(stack: LocalStack, free_slots: list[dict[str, Any]]) -> None:
    assert len(free_slots) >= 20
    client = local_client(stack.dynamodb.endpoint)
    for round_number, slot in enumerate(free_slots[:20]):
        key, day_key = leave_seats(stack, slot["start"], 5)
        payload = request_for(slot["start"])
        people = [Viewer(stack.url, f"127.1.{round_number}.{person + 1}") for person in range(50)]
        proofs = [viewer.proof() for viewer in people]  # solved first: the 50 requests then race
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(lambda v, p, body=payload: book(v, body, p), people, proofs))
        results = [(a.status, a.body) for a in answers]
        statuses = Counter(status for status, _ in results)
        assert statuses == {201: 5, 409: 45}, (round_number, statuses, [r for s, r in results if s not in (201, 409)])
        references = {r["reference"] for s, r in results if s == 201}
        stored = bookings_at(stack, day_key, slot["start"])
        assert {i["reference"]["S"] for i in stored} == references
        counter = client.get_item(TableName=stack.config.table_name, Key=key, ConsistentRead=True)["Item"]
        assert counter["remaining"]["N"] == "0"
        assert all(r["error"]["field"] == "start" for s, r in results if s == 409)


def test_ten_concurrent_retries_with_one_key_make_one_booking(
    stack: LocalStack, free_slots: list[dict[str, Any]]
) -> None:
    slot = free_slots[20]
    _, day_key = leave_seats(stack, slot["start"], 20)
    headers = {"Idempotency-Key": "retry-on-a-flaky-network-0001"}
    viewer = Viewer(stack.url, "127.0.3.1")
    proofs = [viewer.proof() for _ in range(10)]  # each retry solves a new challenge, as the page does
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda p: book(viewer, request_for(slot["start"]), p, headers), proofs))
    results = [(a.status, a.body) for a in answers]
    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409} and statuses[201] >= 1, statuses
    assert all(r["error"]["field"] == "Idempotency-Key" for s, r in results if s == 409)
    # a later retry gets the first answer, manage code included
    again = book(viewer, request_for(slot["start"]), viewer.proof(), headers)
    assert again.status == 201
    assert all(r == again.body for s, r in results if s == 201)
    assert [i["reference"]["S"] for i in bookings_at(stack, day_key, slot["start"])] == [again.body["reference"]]
    read = viewer.call(
        "GET", f"/api/bookings/{again.body['reference']}", headers={"X-Manage-Code": again.body["manage_code"]}
    )
    assert read.status == 200 and read.body["status"] == "confirmed"


def test_concurrent_cancels_give_one_seat_back(stack: LocalStack, free_slots: list[dict[str, Any]]) -> None:
    slot = free_slots[21]
    key, _ = leave_seats(stack, slot["start"], 3)
    viewer = Viewer(stack.url, "127.0.3.2")
    booked = book(viewer, request_for(slot["start"]), viewer.proof())
    assert booked.status == 201
    booking = booked.body
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(
                lambda _: viewer.call(
                    "DELETE", f"/api/bookings/{booking['reference']}", headers={"X-Manage-Code": booking["manage_code"]}
                ),
                range(8),
            )
        )
    assert {answer.status for answer in results} <= {200, 409}
    counter = local_client(stack.dynamodb.endpoint).get_item(
        TableName=stack.config.table_name, Key=key, ConsistentRead=True
    )["Item"]
    assert counter["remaining"]["N"] == "3"


def test_a_failure_inside_the_transaction_leaves_nothing_half_written(
    in_process: LocalStack, free_slots: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In process against DynamoDB Local: the contact item's write is made to fail."""
    from chalicelib.bookings import repository, service
    from chalicelib.bookings.models import BookingRequest
    from chalicelib.core.errors import ApiError
    from chalicelib.core.sources import Source

    stack = in_process
    slot = free_slots[22]
    key, day_key = leave_seats(stack, slot["start"], 4)
    real_put_contact = repository.put_contact

    def failing_contact(*args: Any, **kwargs: Any) -> dict[str, Any]:
        item = real_put_contact(*args, **kwargs)
        item["Put"]["ConditionExpression"] = "attribute_exists(PK)"  # never true for a new item
        return item

    monkeypatch.setattr(repository, "put_contact", failing_contact)
    request = BookingRequest.model_validate({**request_for(slot["start"]), "contact": {"nickname": "Ayşe"}})
    with pytest.raises(ApiError):
        service.create_booking(request, Source.of("192.0.2.10"), proof_id=uuid.uuid4().hex)
    counter = local_client(stack.dynamodb.endpoint).get_item(
        TableName=stack.config.table_name, Key=key, ConsistentRead=True
    )["Item"]
    assert counter["remaining"]["N"] == "4"
    assert bookings_at(stack, day_key, slot["start"]) == []


def test_slots_for_fourteen_days_cost_one_query(in_process: LocalStack) -> None:
    """The route's DynamoDB calls, counted in process against DynamoDB Local."""
    from chalicelib.bookings import service
    from chalicelib.core import aws

    calls: list[str] = []
    client = aws.dynamodb_client()
    client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    service.list_slots(CENTRE, SERVICE, date.today(), 14)
    assert calls == ["Query"]
