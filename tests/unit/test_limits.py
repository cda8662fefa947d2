"""The per-source rules, in process with moto and a fixed clock: what a source is, how it is kept
(and forgotten), the cap on places held at a centre, the limits on complaints and on failed
receipt look-ups, and what the idempotency records keep. (Concurrency, many real sources and the
defaults are tested against DynamoDB Local in tests/integration/test_abuse.py.)"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.bookings import service as bookings
from chalicelib.core import codes, ratelimit, sources
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.settings import get_settings
from chalicelib.core.sources import Source, network_of
from tests.unit.conftest import TABLE, body, with_proof

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday, 05:00 in Dushanbe
CENTRE, SERVICE = "tj-dushanbe", "legal_advice"  # one seat a slot
COMPLAINT = {
    "category": "unpaid_wages",
    "country": "MY",
    "language": "km",
    "description": "Three months without pay at the factory.",
}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    now = [NOW]
    monkeypatch.setattr(bookings, "now_utc", lambda: now[0])
    yield now


def limit(monkeypatch: pytest.MonkeyPatch, **values: int) -> None:
    """Lower limits, and the per-source windows held in the middle of one: the windows are fixed ten
    minutes (core/ratelimit.py), and a test that straddled two would see its count start again."""
    for name, value in values.items():
        monkeypatch.setattr(get_settings(), name, value)
    middle = (time.time() // ratelimit.WINDOW_SECONDS + 0.5) * ratelimit.WINDOW_SECONDS
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: middle))


def items() -> list[dict[str, Any]]:
    return list(dynamodb_client().scan(TableName=TABLE)["Items"])


def slots(api: Client, centre: str = CENTRE, service: str = SERVICE) -> list[str]:
    found = body(api.http.get(f"/api/centres/{centre}/services/{service}/slots?days=14"))["slots"]
    return [s["start"] for s in found if s["seats_left"] > 0]


def book(
    api: Client,
    start: str,
    viewer: str,
    centre: str = CENTRE,
    service: str = SERVICE,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> Any:
    payload = {
        "centre_id": centre,
        "service_id": service,
        "start": start,
        "mode": "on_site",
        "language": "ru",
        **fields,
    }
    return api.http.post(
        "/api/bookings",
        body=json.dumps(payload),
        headers=with_proof(api, {"X-Passerelle-Viewer": viewer, **(headers or {})}),
    )


def wait(api: Client, day: str, viewer: str) -> Any:
    payload = {"centre_id": CENTRE, "service_id": SERVICE, "date": day, "mode": "on_site", "language": "ru"}
    return api.http.post(
        "/api/waitlist", body=json.dumps(payload), headers=with_proof(api, {"X-Passerelle-Viewer": viewer})
    )


def manage(api: Client, method: str, created: dict[str, Any], payload: Any = None) -> Any:
    headers = {"Content-Type": "application/json", "X-Manage-Code": created["manage_code"]}
    call = getattr(api.http, method)
    path = f"/api/bookings/{created['reference']}"
    return call(path, headers=headers) if payload is None else call(path, headers=headers, body=json.dumps(payload))


def assert_seat_limit(response: Any) -> dict[str, Any]:
    assert response.status_code == 429, response.body
    error = body(response)["error"]
    assert error["code"] == "seat_limit" and "call the centre on +992" in error["message"]
    assert int(response.headers["Retry-After"]) >= 1
    return dict(error)


# ---- what a source is ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.5", "203.0.113.5"),
        (" 203.0.113.5 ", "203.0.113.5"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),  # anything in the /64: one subscriber
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.5", "203.0.113.5"),  # IPv4 seen through IPv6
        ("not an address", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_a_source_is_an_ipv4_address_or_an_ipv6_64(address: str | None, network: str) -> None:
    assert network_of(address) == network


def test_source_keys_use_a_random_daily_salt_that_expires(aws: None) -> None:
    """The key of an address changes every day, comes from a salt drawn at random (not from the
    server key) and stored with a TTL; once the salt is gone, nobody can recompute the key."""
    viewer = Source.of("203.0.113.5")
    monday, tuesday = NOW, NOW + timedelta(days=1)
    assert viewer.key(monday) == viewer.key(monday) != viewer.key(tuesday)
    assert viewer.key(monday) != Source.of("203.0.113.6").key(monday)
    salts = {i["PK"]["S"]: i for i in items() if i["PK"]["S"].startswith("SALT#")}
    assert set(salts) == {f"SALT#{d}" for d in ("2026-11-30", "2026-12-01", "2026-12-02")}  # each day's, and the next
    salt = salts["SALT#2026-11-30"]
    assert len(salt["salt"]["S"]) == 64
    end_of_monday = datetime(2026, 12, 1, tzinfo=UTC)
    horizon = get_settings().booking_horizon_days
    assert int(salt["expires_at"]["N"]) == int((end_of_monday + timedelta(days=horizon + 2)).timestamp())
    assert "203.0.113.5" not in json.dumps(items())
    # The salt is deleted (what the TTL does): the same address, the same server key, no key for that day.
    key = viewer.key(monday)
    dynamodb_client().delete_item(TableName=TABLE, Key={"PK": {"S": "SALT#2026-11-30"}, "SK": {"S": "SALT"}})
    sources.reset()  # (a new Lambda instance: nothing cached)
    assert viewer.keys([date(2026, 11, 30)], NOW + timedelta(days=3)) == {}
    assert viewer.key(monday) != key  # the day's salt, drawn again, is another random one


# ---- the cap on places held at a centre ----------------------------------------------------------


def test_a_source_holds_at_most_the_cap_at_a_centre(
    client: Client, clock: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(monkeypatch, booking_max_places_per_source=3)
    free = slots(client)
    made = [body(book(client, start, "203.0.113.5")) for start in free[:3]]
    refused = book(client, free[3], "203.0.113.5")
    error = assert_seat_limit(refused)
    first_end = datetime.fromisoformat(made[0]["end"])
    assert int(refused.headers["Retry-After"]) == int((first_end - NOW).total_seconds())  # until one frees
    assert "field" not in error
    assert slots(client)[0] == free[3]  # nothing was written: the seat is still free
    # Anyone else, or the same source at another centre, is not concerned.
    assert book(client, free[3], "198.51.100.7").status_code == 201
    other = slots(client, "tj-khujand")
    assert book(client, other[0], "203.0.113.5", centre="tj-khujand").status_code == 201
    # A waiting entry holds a place like a booking.
    assert_seat_limit(wait(client, free[0][:10], "203.0.113.5"))


def test_addresses_in_one_ipv6_64_share_their_places(
    client: Client, clock: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(monkeypatch, booking_max_places_per_source=2)
    free = slots(client)
    assert book(client, free[0], "2001:db8:1:2::1").status_code == 201
    assert book(client, free[1], "2001:db8:1:2:9:9:9:9").status_code == 201  # another address, same /64
    assert_seat_limit(book(client, free[2], "2001:db8:1:2::abcd"))
    assert book(client, free[2], "2001:db8:1:3::1").status_code == 201  # another /64


def test_places_are_counted_across_days_whatever_the_salt(
    client: Client, clock: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The salt changes every day, the places a source holds do not: a script cannot book five more
    each day."""
    limit(monkeypatch, booking_max_places_per_source=3)
    week_on = [s for s in slots(client) if datetime.fromisoformat(s) > NOW + timedelta(days=7)]
    assert [book(client, s, "203.0.113.5").status_code for s in week_on[:2]] == [201, 201]
    clock[0] = NOW + timedelta(days=1)
    later = [s for s in slots(client) if s > week_on[2]]
    assert book(client, later[0], "203.0.113.5").status_code == 201
    clock[0] = NOW + timedelta(days=2)
    assert_seat_limit(book(client, later[1], "203.0.113.5"))
    held = [i for i in items() if i["PK"]["S"].startswith(f"HOLDS#{CENTRE}#")]
    assert sorted(len(i["places"]["M"]) for i in held) == [1, 2]  # two days' keys, one source


def test_cancelling_frees_a_place_and_moving_keeps_it(
    client: Client, clock: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(monkeypatch, booking_max_places_per_source=2)
    free = slots(client)
    first, second = (body(book(client, s, "203.0.113.5")) for s in free[:2])
    moved = manage(client, "patch", first, {"start": free[5]})
    assert moved.status_code == 200 and body(moved)["start"] == free[5]
    assert_seat_limit(book(client, free[2], "203.0.113.5"))
    assert body(manage(client, "delete", second))["status"] == "cancelled"
    assert book(client, free[2], "203.0.113.5").status_code == 201
    assert_seat_limit(book(client, free[3], "203.0.113.5"))


def test_places_free_again_when_their_time_has_passed(
    client: Client, clock: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(monkeypatch, booking_max_places_per_source=1)
    free = slots(client)
    made = body(book(client, free[0], "203.0.113.5"))
    assert_seat_limit(book(client, free[1], "203.0.113.5"))
    clock[0] = datetime.fromisoformat(made["end"]) + timedelta(minutes=1)
    assert book(client, slots(client)[0], "203.0.113.5").status_code == 201
    # the held item dropped the place that had passed when the new one was added
    held = [i for i in items() if i["PK"]["S"].startswith(f"HOLDS#{CENTRE}#")]
    assert [len(i["places"]["M"]) for i in held] == [1]
    # a passed appointment cannot be moved back into the future (it would hold a place uncounted)
    late = manage(client, "patch", made, {"start": slots(client)[1]})
    assert late.status_code == 409 and body(late)["error"]["field"] == "reference"


def test_an_offer_that_expires_gives_its_place_back(
    client: Client, clock: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(monkeypatch, booking_max_places_per_source=1)
    start = slots(client)[0]
    taken = body(book(client, start, "198.51.100.7"))
    assert wait(client, start[:10], "203.0.113.5").status_code == 201
    assert_seat_limit(book(client, slots(client)[1], "203.0.113.5"))
    assert body(manage(client, "delete", taken))["status"] == "cancelled"  # the seat is offered to the waiting
    clock[0] = NOW + timedelta(hours=2, minutes=30)  # the hold is over, the slot not begun
    assert bookings.release_expired_offers() == 1
    assert book(client, slots(client)[1], "203.0.113.5").status_code == 201


def test_the_booking_keeps_no_source_and_the_phone_hash_expires_with_its_time(
    client: Client, clock: list[datetime]
) -> None:
    free = slots(client)
    made = body(book(client, free[0], "203.0.113.5", contact={"phone": "+992931234567"}))
    stored = {i["SK"]["S"]: i for i in items() if i["PK"]["S"] == f"BOOKING#{made['reference']}"}
    assert set(stored) == {"BOOKING", "CONTACT", "HOLD"}
    assert not {"phone_hash", "phone_token"} & set(stored["BOOKING"])
    assert "HOLDS#" not in json.dumps(stored["BOOKING"])
    pointer = stored["HOLD"]
    end = int(datetime.fromisoformat(made["end"]).timestamp())
    assert int(pointer["expires_at"]["N"]) == end  # the link to the source and the phone hash go with the appointment
    assert pointer["holds_pk"]["S"].startswith(f"HOLDS#{CENTRE}#") and pointer["phone_hash"]["S"]
    assert int(stored["CONTACT"]["expires_at"]["N"]) > end
    # cancelling releases the phone's token and the place, and forgets where they were held
    manage(client, "delete", made)
    left = {i["PK"]["S"].split("#")[0] + "/" + i["SK"]["S"].split("#")[0] for i in items()}
    assert f"BOOKING#{made['reference']}" not in {i["PK"]["S"] for i in items() if i["SK"]["S"] == "HOLD"}
    assert "PHONE/TOKEN" not in left
    three = [book(client, s, "203.0.113.5", contact={"phone": "+992931234567"}) for s in free[1:4]]
    assert [r.status_code for r in three] == [201, 201, 201]  # the phone's three tokens are all free again


# ---- idempotency records -------------------------------------------------------------------------


def test_the_idempotency_record_keeps_no_digest_of_the_body(client: Client, clock: list[datetime]) -> None:
    from chalicelib.core.secrets import keyed_hash

    start = slots(client)[0]
    contact = {"phone": "+992931234567", "nickname": "Rustam"}
    key = {"Idempotency-Key": "no-digest-of-the-body-0001"}
    first = book(client, start, "203.0.113.5", headers=key, contact=contact)
    again = book(client, start, "203.0.113.5", headers=key, contact=contact)
    assert first.status_code == again.status_code == 201 and body(first) == body(again)
    reused = book(client, slots(client)[1], "203.0.113.5", headers=key, contact=contact)
    assert reused.status_code == 422  # retries are still checked against the first request
    record = next(i for i in items() if i["PK"]["S"] == "IDEMPOTENCY#booking")
    sent = {
        "centre_id": CENTRE,
        "service_id": SERVICE,
        "start": start,
        "mode": "on_site",
        "language": "ru",
        "contact": contact,
    }
    digests = {
        hashlib.md5(json.dumps(b, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
        for b in (sent, {**sent, "contact": {**contact, "phone": "+992 93 123 4567"}})
    }
    dump = json.dumps(record)
    assert record["validation"]["S"] not in digests and "931234567" not in dump and "Rustam" not in dump
    assert "no-digest-of-the-body-0001" not in dump
    assert keyed_hash("idempotency-key:booking", key["Idempotency-Key"]) not in dump  # (Powertools hashes it again)


# ---- complaints and receipt look-ups -------------------------------------------------------------


def complain(api: Client, viewer: str) -> Any:
    return api.http.post(
        "/api/complaints", body=json.dumps(COMPLAINT), headers=with_proof(api, {"X-Passerelle-Viewer": viewer})
    )


def look_up(api: Client, receipt: str, viewer: str) -> int:
    return int(
        api.http.post(
            "/api/complaints/lookup",
            body=json.dumps({"receipt": receipt}),
            headers={"Content-Type": "application/json", "X-Passerelle-Viewer": viewer},
        ).status_code
    )


def test_complaints_are_limited_per_source(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    limit(monkeypatch, complaints_per_source=2)
    assert [complain(client, "203.0.113.5").status_code for _ in range(2)] == [201, 201]
    refused = complain(client, "203.0.113.5")
    assert refused.status_code == 429 and body(refused)["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 601
    assert complain(client, "2001:db8::1").status_code == 201
    assert len([i for i in items() if i["SK"]["S"] == "META"]) == 3  # the refused one wrote nothing
    proofs = [i for i in items() if i["PK"]["S"].startswith("PROOF#")]
    assert len(proofs) == 3  # not even its proof's marker: the page may send it again with the same one


def test_only_the_failing_source_waits_and_right_receipts_never_count(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit(monkeypatch, lookup_failures_per_source=3)
    receipt = body(complain(client, "198.51.100.7"))["receipt"]
    # the person reads their complaint again and again: a right receipt is no failure
    assert {look_up(client, receipt, "198.51.100.7") for _ in range(6)} == {200}
    # twenty sources guess, three times each: each is then slowed down, right receipt or not
    for n in range(20):
        assert [look_up(client, codes.new_receipt(), f"203.0.113.{n}") for _ in range(4)] == [404, 404, 404, 429]
    assert look_up(client, receipt, "203.0.113.0") == 429  # before its receipt is even read
    # ...and nobody else is: no overall switch to lock everybody out
    assert look_up(client, receipt, "192.0.2.99") == 200
    assert look_up(client, receipt, "198.51.100.7") == 200
    # the addresses of one IPv6 /64 are one source
    for address in ("2001:db8:7:7::1", "2001:db8:7:7::2", "2001:db8:7:7::3"):
        assert look_up(client, codes.new_receipt(), address) == 404
    assert look_up(client, codes.new_receipt(), "2001:db8:7:7:1:2:3:4") == 429
    assert look_up(client, receipt, "2001:db8:7:8::1") == 200
