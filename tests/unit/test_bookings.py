"""Booking rules through the API, in process with moto and a fixed clock.
(Concurrency, conditions under load and transactions are tested against DynamoDB Local.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.bookings import service
from chalicelib.bookings.schedule import slots as schedule_slots
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core import codes
from tests.unit.conftest import body, book, with_proof

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday, 05:00 in Dushanbe
CENTRE, SERVICE = "tj-dushanbe", "legal_advice"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    now = [NOW]
    monkeypatch.setattr(service, "now_utc", lambda: now[0])
    yield now


@pytest.fixture
def api(client: Client, clock: list[datetime]) -> Client:
    return client


def slots(api: Client, centre: str = CENTRE, service_id: str = SERVICE, **query: Any) -> list[dict[str, Any]]:
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    response = api.http.get(f"/api/centres/{centre}/services/{service_id}/slots?{qs}")
    assert response.status_code == 200, response.body
    return list(body(response)["slots"])


def manage(api: Client, method: str, reference: str, code: str | None, payload: Any = None, suffix: str = "") -> Any:
    headers = {**JSON, **({"X-Manage-Code": code} if code else {})}
    call = getattr(api.http, method)
    if payload is None:
        return call(f"/api/bookings/{reference}{suffix}", headers=headers)
    return call(f"/api/bookings/{reference}{suffix}", headers=headers, body=json.dumps(payload))


# ---- codes -------------------------------------------------------------------------------------


def test_reference_check_character_catches_every_typo_and_swap() -> None:
    for _ in range(200):
        reference = codes.new_reference()
        assert codes.normalise_reference(reference) == reference
        assert codes.normalise_reference(codes.format_reference(reference).lower()) == reference
        for i, char in enumerate(reference):
            for other in codes.REFERENCE_ALPHABET:
                if other != char:
                    assert codes.normalise_reference(reference[:i] + other + reference[i + 1 :]) is None
        for i in range(len(reference) - 1):
            if reference[i] != reference[i + 1]:
                swapped = reference[:i] + reference[i + 1] + reference[i] + reference[i + 2 :]
                assert codes.normalise_reference(swapped) is None


def test_manage_codes_are_twelve_unambiguous_characters_and_forgiving_to_type() -> None:
    code = codes.new_manage_code()
    # Given a code as shown: three groups of four from the reference's alphabet
    assert len(code) == 14 and code[4] == code[9] == "-"
    assert all(ch in codes.REFERENCE_ALPHABET for ch in code.replace("-", ""))
    assert len({codes.new_manage_code() for _ in range(1000)}) == 1000
    # When typed in lower case, with spaces, odd dashes, full-width forms, Arabic-Indic digits or a
    # Cyrillic keyboard's look-alike letters, it reads as itself
    plain = code.replace("-", "")
    arabic = plain.translate(str.maketrans("3456789", "٣٤٥٦٧٨٩"))
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) for ch in plain)
    cyrillic = plain.translate(str.maketrans("ABCEHKMPT3", "АВСЕНКМРТЗ"))
    for typed in (plain.lower(), " ".join(plain), f"{plain[:6]}\u2011{plain[6:]}", arabic, fullwidth, cyrillic.lower()):
        assert codes.normalise_manage_code(typed) == code, typed
    # A character no code has, or a wrong length, is no code at all
    for wrong in (plain[:11], plain + "A", "O" + plain[1:], "S" + plain[1:], ""):
        assert codes.normalise_manage_code(wrong) is None, wrong


def test_older_26_character_codes_read_as_they_always_did() -> None:
    # The codes bookings got before: 26 Crockford base32 characters, hashed in groups of four
    legacy = "7K3M-0QRS-TV1W-XYZ9-ABCD-EFGH-JK"
    assert codes.normalise_manage_code(legacy) == legacy
    assert codes.normalise_manage_code(legacy.lower().replace("-", " ")) == legacy
    # as Crockford reads them, O is 0 and I and L are 1
    assert codes.normalise_manage_code(legacy.replace("0", "o").replace("1", "l")) == legacy
    assert codes.normalise_manage_code(legacy.replace("1", "I")) == legacy


# ---- slots -------------------------------------------------------------------------------------


def test_slots_follow_the_plan_with_breaks_notice_and_time_zone() -> None:
    catalogue = get_catalogue()
    centre, legal = catalogue.centre(CENTRE), catalogue.service(SERVICE)
    assert centre and legal
    found = list(
        schedule_slots(
            centre, legal, date(2026, 11, 30), 1, NOW + timedelta(hours=4), {}, timedelta(hours=2), timedelta(days=30)
        )
    )
    starts = [s.strftime("%H:%M") for s, _ in found]
    # 09:00 local now + 2 h notice: nothing before 11:00; the 12:00-13:00 break has no slot
    assert starts[0] == "11:00" and "12:00" not in starts and "13:00" in starts
    assert all(s.utcoffset() == timedelta(hours=5) for s, _ in found)
    assert all(e - s == timedelta(minutes=45) for s, e in found)


def test_slots_route_lists_days_and_respects_exceptions_and_horizon(api: Client, clock: list[datetime]) -> None:
    clock[0] = datetime(2026, 12, 28, tzinfo=UTC)
    found = slots(api, **{"from": "2026-12-30", "days": "3"})
    days = {s["start"][:10] for s in found}
    assert "2027-01-01" not in days  # closed for New Year in the sample data
    assert "2026-12-31" in days and all(
        s["start"][:16] < "2026-12-31T12:00" for s in found if s["start"].startswith("2026-12-31")
    )
    assert all(s["seats_left"] == 1 for s in found)
    assert slots(api, **{"from": "2027-02-15", "days": "1"}) == []  # beyond the 30-day horizon


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/centres/{CENTRE}/services/{SERVICE}/slots?days=90", "days"),
        (f"/api/centres/{CENTRE}/services/{SERVICE}/slots?days={10**30}", "days"),
        (f"/api/centres/{CENTRE}/services/{SERVICE}/slots?from=tomorrow", "from"),
        (f"/api/centres/{CENTRE}/services/{SERVICE}/slots?from=9999-12-31", "from"),
        (f"/api/centres/{CENTRE}/services/{SERVICE}/slots?from=0001-01-01", "from"),
        (f"/api/centres/{CENTRE}/services/{SERVICE}/slots?from=1999-12-31", "from"),
        (f"/api/centres/{CENTRE}/services/{SERVICE}/slots?from=2100-01-01", "from"),
    ],
)
def test_bad_slot_queries_name_the_field(api: Client, path: str, field: str) -> None:
    response = api.http.get(path)
    assert response.status_code == 400
    assert body(response)["error"]["field"] == field


def test_unknown_centre_or_service_is_404(api: Client) -> None:
    assert api.http.get(f"/api/centres/xx-none/services/{SERVICE}/slots").status_code == 404
    assert api.http.get(f"/api/centres/{CENTRE}/services/juggling/slots").status_code == 404


# ---- booking -----------------------------------------------------------------------------------


def test_book_read_calendar_and_cancel(api: Client) -> None:
    first = slots(api)[0]
    response = book(api, first["start"], contact={"phone": "+992 93 123 4567", "nickname": "Rustam"})
    assert response.status_code == 201, response.body
    created = body(response)
    assert created["status"] == "confirmed" and created["start"] == first["start"]
    assert codes.normalise_reference(created["reference"]) == created["reference"]
    # the seat is gone
    assert slots(api)[0]["seats_left"] == 0
    # reading needs the code, in a header
    missing = manage(api, "get", created["reference"], None)
    assert (missing.status_code, body(missing)["error"]["code"]) == (400, "manage_code_required")
    assert manage(api, "get", created["reference"], codes.new_manage_code()).status_code == 404
    read = manage(api, "get", created["reference"], created["manage_code"].lower())
    assert read.status_code == 200 and body(read)["status"] == "confirmed"
    ics = manage(api, "get", created["reference"], created["manage_code"], suffix="/calendar.ics")
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    text = ics.body.decode()
    assert "BEGIN:VEVENT" in text and created["reference"] in text and created["manage_code"] not in text
    # cancelling gives the seat back
    cancelled = manage(api, "delete", created["reference"], created["manage_code"])
    assert body(cancelled)["status"] == "cancelled"
    assert slots(api)[0]["seats_left"] == 1


def test_a_full_slot_is_409_with_the_next_free_slots(api: Client) -> None:
    start = slots(api)[0]["start"]
    assert book(api, start).status_code == 201
    response = book(api, start)
    assert response.status_code == 409
    payload = body(response)
    assert payload["error"]["field"] == "start"
    assert payload["next_free"] and all(s["start"] > start and s["seats_left"] > 0 for s in payload["next_free"])


def test_moving_a_booking_is_atomic(api: Client) -> None:
    free = slots(api)
    created = body(book(api, free[0]["start"]))
    moved = manage(api, "patch", created["reference"], created["manage_code"], {"start": free[2]["start"]})
    assert moved.status_code == 200 and body(moved)["start"] == free[2]["start"]
    seats = {s["start"]: s["seats_left"] for s in slots(api)}
    assert seats[free[0]["start"]] == 1 and seats[free[2]["start"]] == 0
    # moving onto a taken slot changes nothing
    other = body(book(api, free[1]["start"]))
    clash = manage(api, "patch", other["reference"], other["manage_code"], {"start": free[2]["start"]})
    assert clash.status_code == 409
    assert body(manage(api, "get", other["reference"], other["manage_code"]))["start"] == free[1]["start"]


def test_at_most_three_upcoming_bookings_per_phone(api: Client) -> None:
    free = slots(api)
    phone = {"phone": "+992931234567"}
    for slot in free[:3]:
        assert book(api, slot["start"], contact=phone).status_code == 201
    fourth = book(api, free[3]["start"], contact={"phone": "+992 93 123 45 67"})
    assert fourth.status_code == 409 and body(fourth)["error"]["field"] == "contact.phone"
    assert slots(api)[3]["seats_left"] == 1  # nothing half-written
    assert book(api, free[3]["start"], contact={"phone": "+992931234568"}).status_code == 201


def test_a_phone_is_free_again_after_cancelling(api: Client) -> None:
    free = slots(api)
    phone = {"phone": "+992931234567"}
    made = [body(book(api, s["start"], contact=phone)) for s in free[:3]]
    manage(api, "delete", made[0]["reference"], made[0]["manage_code"])
    assert book(api, free[3]["start"], contact=phone).status_code == 201


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"mode": "carrier_pigeon"}, "mode"),
        ({"mode": "video", "service_id": "language_course"}, "mode"),
        ({"language": "zz"}, "language"),
        ({"contact": {"phone": "12"}}, "contact.phone"),
        ({"contact": {"email": "a@b.c"}}, "contact.email"),
        ({"start": "2026-11-30T08:10:00+05:00"}, "start"),
        ({"start": "2026-11-30T08:00:00"}, "start"),
        ({"start": "9999-12-31T23:00:00-05:00"}, "start"),
        ({"start": "9999-12-31T23:59:59+00:00"}, "start"),
        ({"start": "0001-01-01T00:00:00+05:00"}, "start"),
        ({"start": "2100-01-01T00:00:00+00:00"}, "start"),
    ],
)
def test_bad_bookings_are_400_naming_the_field(api: Client, fields: dict[str, Any], field: str) -> None:
    start = slots(api)[0]["start"]
    response = book(api, fields.pop("start", start), **fields)
    assert response.status_code == 400, response.body
    assert body(response)["error"]["field"] == field


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2100-01-01"])
def test_a_far_day_on_the_waiting_list_or_a_far_move_is_a_400(api: Client, day: str) -> None:
    waiting = api.http.post(
        "/api/waitlist",
        headers=with_proof(api),
        body=json.dumps({"centre_id": CENTRE, "service_id": SERVICE, "date": day, "mode": "on_site", "language": "ru"}),
    )
    assert waiting.status_code == 400 and body(waiting)["error"]["field"] == "date", waiting.body
    created = body(book(api, slots(api)[0]["start"]))
    moved = manage(api, "patch", created["reference"], created["manage_code"], {"start": f"{day}T10:00:00+05:00"})
    assert moved.status_code == 400 and body(moved)["error"]["field"] == "start", moved.body


def test_a_booking_needs_a_fresh_solved_challenge(api: Client) -> None:
    start = slots(api)[0]["start"]
    fields = {"centre_id": CENTRE, "service_id": SERVICE, "mode": "on_site", "language": "tg"}
    payload = json.dumps({**fields, "start": start})
    for path, sent in (("/api/bookings", payload), ("/api/waitlist", json.dumps({**fields, "date": start[:10]}))):
        missing = api.http.post(path, body=sent, headers=JSON)
        assert missing.status_code == 400 and body(missing)["error"]["field"] == "X-Proof"
    headers = with_proof(api)
    assert api.http.post("/api/bookings", body=payload, headers=headers).status_code == 201
    start = slots(api)[1]["start"]
    reused = api.http.post(
        "/api/bookings",
        headers=headers,
        body=json.dumps(
            {"centre_id": CENTRE, "service_id": SERVICE, "start": start, "mode": "on_site", "language": "tg"}
        ),
    )
    assert reused.status_code == 400 and "already used" in body(reused)["error"]["message"]
    assert slots(api)[1] == {**slots(api)[1], "start": start, "seats_left": 1}  # the refused one took no seat


def test_idempotent_retries_return_the_first_answer(api: Client) -> None:
    start = slots(api)[0]["start"]
    key = {"Idempotency-Key": "2f1e7a9c-retry-test"}
    first, second = book(api, start, headers=key), book(api, start, headers=key)
    assert first.status_code == second.status_code == 201
    assert body(first) == body(second)
    assert slots(api)[0]["seats_left"] == 0
    reused = book(api, slots(api)[1]["start"], headers=key)
    assert reused.status_code == 422 and body(reused)["error"]["field"] == "Idempotency-Key"
    assert book(api, start, headers={"Idempotency-Key": "short"}).status_code == 400


def test_secrets_are_stored_only_as_keyed_hashes(api: Client) -> None:
    from chalicelib.core.aws import dynamodb_client

    created = body(
        book(
            api,
            slots(api)[0]["start"],
            headers={"Idempotency-Key": "secret-storage-test"},
            contact={"phone": "+992931234567"},
        )
    )
    items = dynamodb_client().scan(TableName="passerelle-unit")["Items"]
    dump = json.dumps(items)
    code = created["manage_code"]
    assert code not in dump and code.replace("-", "") not in dump
    assert "+992931234567" in dump  # the phone number, for the centre to call back: in the contact item
    contact = [i for i in items if i["SK"]["S"] == "CONTACT"]
    assert len(contact) == 1 and int(contact[0]["expires_at"]["N"]) > NOW.timestamp() + 29 * 86400
    phone_keys = [i["PK"]["S"] for i in items if i["PK"]["S"].startswith("PHONE#")]
    assert phone_keys and "992931234567" not in phone_keys[0]


def test_waiting_list_offer_accept_and_expiry(api: Client, clock: list[datetime]) -> None:
    start = slots(api)[0]["start"]
    taken = body(book(api, start))
    waiting = api.http.post(
        "/api/waitlist",
        headers=with_proof(api),
        body=json.dumps(
            {"centre_id": CENTRE, "service_id": SERVICE, "date": "2026-11-30", "mode": "on_site", "language": "ru"}
        ),
    )
    assert waiting.status_code == 201
    wait = body(waiting)
    assert wait["status"] == "waiting" and wait["start"] is None
    clock[0] = NOW + timedelta(seconds=1)  # the line is ordered by the time people join it
    second = body(
        api.http.post(
            "/api/waitlist",
            headers=with_proof(api),
            body=json.dumps(
                {"centre_id": CENTRE, "service_id": SERVICE, "date": "2026-11-30", "mode": "on_site", "language": "ru"}
            ),
        )
    )
    # a seat frees: the first in line gets it, held for them
    assert manage(api, "delete", taken["reference"], taken["manage_code"]).status_code == 200
    offered = body(manage(api, "get", wait["reference"], wait["manage_code"]))
    assert offered["status"] == "offered" and offered["start"] == start and offered["hold_expires_at"]
    assert slots(api)[0]["seats_left"] == 0
    # they let it expire: it goes to the next in line
    clock[0] = NOW + timedelta(hours=2, minutes=30)  # the 2-hour hold is over, the 08:00 slot not begun
    assert body(manage(api, "get", wait["reference"], wait["manage_code"]))["status"] == "expired"
    assert service.release_expired_offers() == 1
    assert body(manage(api, "get", second["reference"], second["manage_code"]))["status"] == "offered"
    accepted = manage(api, "patch", second["reference"], second["manage_code"], {"status": "confirmed"})
    assert accepted.status_code == 200 and body(accepted)["status"] == "confirmed"
    late = manage(api, "patch", wait["reference"], wait["manage_code"], {"status": "confirmed"})
    assert late.status_code == 409


# ---- wrong manage codes ---------------------------------------------------------------------------


def wrong_code(right: str) -> str:
    while (code := codes.new_manage_code()) == right:
        continue
    return code


def test_wrong_codes_past_the_limit_lock_that_booking_only_and_only_for_a_while(
    api: Client, clock: list[datetime]
) -> None:
    first, second = slots(api)[:2]
    mine, other = body(book(api, first["start"])), body(book(api, second["start"]))
    # The owner opens their booking as often as they like: a right code is no wrong try
    for _ in range(8):
        assert manage(api, "get", mine["reference"], mine["manage_code"]).status_code == 200
    # Five wrong codes are answered as an unknown booking; the sixth, and then every code, waits
    for _ in range(5):
        wrong = manage(api, "get", mine["reference"], wrong_code(mine["manage_code"]))
        assert (wrong.status_code, body(wrong)["error"]["code"]) == (404, "booking_not_found")
    locked = manage(api, "get", mine["reference"], wrong_code(mine["manage_code"]))
    assert locked.status_code == 429
    assert body(locked)["error"]["code"] == "manage_code_locked"
    assert body(locked)["error"]["field"] == "X-Manage-Code"
    assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60 + 1
    assert manage(api, "get", mine["reference"], mine["manage_code"]).status_code == 429
    assert manage(api, "delete", mine["reference"], mine["manage_code"]).status_code == 429
    # Another booking is not touched
    assert manage(api, "get", other["reference"], other["manage_code"]).status_code == 200
    # Once the window is over, the right code opens it again
    clock[0] = clock[0] + timedelta(minutes=15)
    assert body(manage(api, "get", mine["reference"], mine["manage_code"].lower()))["status"] == "confirmed"


def test_a_typo_no_code_can_have_is_a_400_and_counts_no_try(api: Client) -> None:
    mine = body(book(api, slots(api)[0]["start"]))
    for typo in ("0" + mine["manage_code"][1:], mine["manage_code"][:-1], "not a code at all"):
        for _ in range(3):
            answer = manage(api, "get", mine["reference"], typo)
            assert (answer.status_code, body(answer)["error"]["code"]) == (400, "manage_code_invalid")
            assert body(answer)["error"]["field"] == "X-Manage-Code"
    assert manage(api, "get", mine["reference"], mine["manage_code"]).status_code == 200


def test_a_booking_made_with_a_26_character_code_still_opens(api: Client) -> None:
    from chalicelib.core import dynamo, keys
    from chalicelib.core.secrets import keyed_hash

    mine = body(book(api, slots(api)[0]["start"]))
    legacy = "7K3M-0QRS-TV1W-XYZ9-ABCD-EFGH-JK"  # as bookings made before the short codes got them
    dynamo.transact(
        [
            dynamo.update(
                keys.booking(mine["reference"]),
                keys.BOOKING,
                {"manage_hash": keyed_hash(service.MANAGE_CODE_PURPOSE, legacy)},
            )
        ]
    )
    typed = "7k3m oqrs tvlw xyz9 abcd efgh jk"  # lower case, spaces, O for 0 and l for 1
    assert body(manage(api, "get", mine["reference"], typed))["status"] == "confirmed"
    assert manage(api, "get", mine["reference"], mine["manage_code"]).status_code == 404


def test_phone_mode_needs_the_number_to_call(api: Client) -> None:
    start = slots(api)[0]["start"]
    for contact in (None, {"nickname": "Rustam"}, {"phone": ""}):
        fields: dict[str, Any] = {"mode": "phone"} | ({"contact": contact} if contact is not None else {})
        answer = book(api, start, **fields)
        assert answer.status_code == 400
        assert (body(answer)["error"]["code"], body(answer)["error"]["field"]) == ("phone_required", "contact.phone")
    called = book(api, start, mode="phone", contact={"phone": "93 123 4567"})
    assert called.status_code == 201 and body(called)["mode"] == "phone"
