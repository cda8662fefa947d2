"""A manager closes a booked day or shortens its hours: the choice it requires, the bookings the centre
cancels (seats, places, phone tokens and waiting lines released, each person handed to the notice),
and no booking slipping in meanwhile. In process with moto and a fixed clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.bookings import agenda as agenda_service
from chalicelib.bookings import notices
from chalicelib.bookings import service as bookings
from chalicelib.core import dynamo, keys
from chalicelib.core.aws import dynamodb_client
from tests.unit.conftest import body, with_proof
from tests.unit.conftest import book as post_booking
from tests.unit.test_staff import call, staff  # noqa: F401 - the signed-in staff fixture

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday, 05:00 in Dushanbe
CENTRE, SERVICE = "tj-dushanbe", "legal_advice"
DAY = "2026-12-02"  # a Wednesday, two days ahead


@pytest.fixture
def api(staff: Client, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:  # noqa: F811
    monkeypatch.setattr(bookings, "now_utc", lambda: NOW)
    monkeypatch.setattr(agenda_service, "now_utc", lambda: NOW)
    yield staff


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The bookings handed to the notice seam (the SMS work fills it)."""
    handed: list[dict[str, Any]] = []
    monkeypatch.setattr(notices, "cancelled_by_centre", handed.append)
    return handed


def day_slots(api: Client, day: str = DAY) -> list[dict[str, Any]]:
    answer = api.http.get(f"/api/centres/{CENTRE}/services/{SERVICE}/slots?from={day}&days=1")
    return list(body(answer)["slots"])


def book(api: Client, start: str, **fields: Any) -> dict[str, Any]:
    answer = post_booking(api, start, **fields)
    assert answer.status_code == 201, answer.body
    return dict(body(answer))


def wait(api: Client, day: str = DAY) -> dict[str, Any]:
    payload = {"centre_id": CENTRE, "service_id": SERVICE, "date": day, "mode": "on_site", "language": "tg"}
    answer = api.http.post("/api/waitlist", headers=with_proof(api), body=json.dumps(payload))
    assert answer.status_code == 201, answer.body
    return dict(body(answer))


def mine(api: Client, booked: dict[str, Any], method: str = "get") -> Any:
    headers = {"Content-Type": "application/json", "X-Manage-Code": booked["manage_code"]}
    return getattr(api.http, method)(f"/api/bookings/{booked['reference']}", headers=headers)


def close(api: Client, choice: str | None = None, **fields: Any) -> Any:
    payload: dict[str, Any] = {"closed": True, "note": "Flooded"} | fields
    if choice:
        payload["bookings"] = choice
    return call(api, "PUT", f"/api/staff/centres/{CENTRE}/exceptions/{DAY}", "manager.dushanbe", payload)


def places_held() -> int:
    """Every place held by any source at any centre (the unit tests have one source)."""
    scanned = [dynamo.plain(i) for i in dynamodb_client().scan(TableName=dynamo.table())["Items"]]
    return sum(len(i["places"]) for i in scanned if i.get("type") == "PlacesHeld")


def test_closing_a_booked_day_requires_a_choice_then_the_centre_cancels_them(
    api: Client, told: list[dict[str, Any]]
) -> None:
    # Given two people booked on the day (one gave a phone) and one waiting for a seat
    first, second = day_slots(api)[:2]
    booked = [book(api, first["start"], contact={"phone": "+992 93 123 4567"}), book(api, second["start"])]
    waiting = wait(api)
    held_before = places_held()
    assert held_before == 3

    # When the manager closes the day without saying what becomes of them
    refused = close(api)
    # Then the answer counts them, names the choice, and nothing was written
    assert refused.status_code == 409
    assert body(refused)["error"]["code"] == "bookings_affected"
    assert body(refused)["error"]["field"] == "bookings"
    assert (body(refused)["booked"], body(refused)["waiting"]) == (2, 1)
    assert len(day_slots(api)) > 0 and body(mine(api, booked[0]))["status"] == "confirmed"

    # When they choose to cancel
    closed = close(api, "cancel")
    assert closed.status_code == 200, closed.body
    assert {k: body(closed)[k] for k in ("closed", "booked", "waiting", "cancelled")} == {
        "closed": True,
        "booked": 2,
        "waiting": 1,
        "cancelled": 3,
    }
    # Then each person's booking says the centre cancelled it, and each was handed to the notice once
    for entry in (*booked, waiting):
        assert body(mine(api, entry))["status"] == "cancelled_by_centre"
    assert sorted(b["reference"] for b in told) == sorted(e["reference"] for e in (*booked, waiting))
    # their seats, places and the phone's token are free again; the contact stays for the notice
    assert places_held() == 0
    for slot in (first, second):
        counter = dynamo.get(
            keys.centre(CENTRE), keys.seat_counter(date.fromisoformat(DAY), SERVICE, slot["start"][11:16])
        )
        assert counter is not None and counter["remaining"] == counter["capacity"]
    assert dynamo.get(keys.booking(booked[0]["reference"]), keys.CONTACT) is not None
    assert dynamo.get(keys.booking(booked[0]["reference"]), keys.PLACE_POINTER) is None
    assert not dynamo.query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :w)",
        ExpressionAttributeValues=dynamo.encode_values({":pk": keys.centre(CENTRE), ":w": "WAIT#"}),
    )
    # the staff agenda shows them as cancelled by the centre, and the trail has a line for each
    agenda = body(call(api, "GET", f"/api/staff/centres/{CENTRE}/agenda?date={DAY}", "caseworker.dushanbe"))
    assert {b["status"] for b in agenda["bookings"]} == {"cancelled_by_centre"}
    # (the trail is dated by when staff acted, not by the day closed)
    trail = body(
        call(api, "GET", f"/api/staff/centres/{CENTRE}/audit?from=2026-11-01&to=2026-12-31", "manager.dushanbe")
    )
    assert sorted(e["detail"] for e in trail["entries"] if e["action"] == "cancelled-by-centre") == sorted(
        e["reference"] for e in (*booked, waiting)
    )
    # Nobody can book into the closed day or wait for it, and the person's own cancel changes nothing
    refused_slot = api.http.post(
        "/api/bookings",
        headers=with_proof(api),
        body=json.dumps(
            {"centre_id": CENTRE, "service_id": SERVICE, "start": first["start"], "mode": "on_site", "language": "tg"}
        ),
    )
    assert (refused_slot.status_code, body(refused_slot)["error"]["code"]) == (400, "slot_not_bookable")
    refused_wait = api.http.post(
        "/api/waitlist",
        headers=with_proof(api),
        body=json.dumps({"centre_id": CENTRE, "service_id": SERVICE, "date": DAY, "mode": "on_site", "language": "tg"}),
    )
    assert (refused_wait.status_code, body(refused_wait)["error"]["code"]) == (409, "day_closed")
    assert body(mine(api, booked[1], "delete"))["status"] == "cancelled_by_centre"
    # The phone that was booked may book elsewhere again: its token was given back
    other_day = day_slots(api, "2026-12-03")
    for slot in other_day[:3]:
        book(api, slot["start"], contact={"phone": "+992 93 123 4567"})
    # Setting the same closure again is harmless: nothing left to cancel, nobody told twice
    again = close(api, "cancel")
    assert body(again)["cancelled"] == 0 and len(told) == 3


def test_keeping_the_appointments_keeps_them_but_closes_the_waiting_list(
    api: Client, told: list[dict[str, Any]]
) -> None:
    first = day_slots(api)[0]
    booked = book(api, first["start"])
    waiting = wait(api)
    kept = close(api, "keep")
    assert kept.status_code == 200
    assert (body(kept)["booked"], body(kept)["waiting"], body(kept)["cancelled"]) == (1, 1, 1)
    assert body(mine(api, booked))["status"] == "confirmed"
    assert body(mine(api, waiting))["status"] == "cancelled_by_centre"
    assert [b["reference"] for b in told] == [waiting["reference"]]
    # A kept appointment cancelled later frees a seat nobody is offered: the day is closed
    assert body(mine(api, booked, "delete"))["status"] == "cancelled"
    assert day_slots(api) == []


def test_new_hours_affect_only_the_appointments_they_leave_out(api: Client, told: list[dict[str, Any]]) -> None:
    slots = day_slots(api)
    early = next(s for s in slots if s["start"][11:16] == "08:00")
    late = next(s for s in slots if s["start"][11:16] >= "13:00")
    inside, outside = book(api, early["start"]), book(api, late["start"])
    waiting = wait(api)
    path = f"/api/staff/centres/{CENTRE}/exceptions/{DAY}"
    morning = {"closed": False, "hours": [["08:00", "12:00"]]}
    refused = call(api, "PUT", path, "manager.dushanbe", morning)
    assert (refused.status_code, body(refused)["booked"], body(refused)["waiting"]) == (409, 1, 0)
    done = call(api, "PUT", path, "manager.dushanbe", morning | {"bookings": "cancel"})
    assert (body(done)["booked"], body(done)["cancelled"]) == (1, 1)
    assert body(mine(api, inside))["status"] == "confirmed"
    assert body(mine(api, outside))["status"] == "cancelled_by_centre"
    assert body(mine(api, waiting))["status"] == "waiting"  # the day stays open: its waiting list too
    assert [b["reference"] for b in told] == [outside["reference"]]


def test_a_day_without_appointments_closes_without_a_question(api: Client) -> None:
    answer = close(api)
    assert answer.status_code == 200
    assert (body(answer)["booked"], body(answer)["cancelled"]) == (0, 0)


def test_a_booking_that_read_the_day_before_it_closed_is_refused(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a booking that found its slot bookable, and a manager who closes the day right after
    start = day_slots(api)[0]["start"]
    resolve = bookings._resolve_slot

    def resolve_then_close(*args: Any) -> Any:
        found = resolve(*args)
        assert close(api).status_code == 200
        return found

    monkeypatch.setattr(bookings, "_resolve_slot", resolve_then_close)
    # When its transaction runs, the day's exception has changed: nothing is written
    payload = {"centre_id": CENTRE, "service_id": SERVICE, "start": start, "mode": "on_site", "language": "tg"}
    answer = api.http.post("/api/bookings", headers=with_proof(api), body=json.dumps(payload))
    assert answer.status_code == 409 and body(answer)["error"]["code"] == "day_changed"
    assert body(answer)["error"]["field"] == "start"
    monkeypatch.setattr(bookings, "_resolve_slot", resolve)
    assert places_held() == 0
    agenda = call(api, "GET", f"/api/staff/centres/{CENTRE}/agenda?date={DAY}", "manager.dushanbe")
    assert body(agenda)["bookings"] == []
