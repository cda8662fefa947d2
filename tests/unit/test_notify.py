"""SMS to people and e-mails to staff, in process with moto and a clock the tests move:
confirmation, the reminder 24 h before (once, and never for a cancelled booking), the centre's
cancellation, STOP, a provider that is down, what is logged, staff alerts that say nothing of the
case, the 08:00 digest, and phone verification by code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.bookings import notices, phone_check
from chalicelib.bookings import service as bookings
from chalicelib.complaints import alerts
from chalicelib.complaints import service as complaints
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.settings import get_settings
from chalicelib.notifications import jobs, senders
from chalicelib.notifications.senders import Outgoing, SendFailed
from tests.unit.conftest import TABLE, body, with_proof

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # Monday, 05:00 in Dushanbe
CENTRE, SERVICE = "tj-dushanbe", "legal_advice"
PHONE = "+992931234567"
OTHER_PHONE = "+992901234567"


class Outbox:
    """A sender that keeps what it is given, and can play a provider that is down."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.down = False

    def send(self, message: Outgoing) -> None:
        if self.down:
            raise SendFailed("ServiceUnavailable")
        self.sent.append(message)

    def sms(self, phone: str = PHONE) -> list[str]:
        return [m.body for m in self.sent if m.channel == "sms" and phone in m.to]

    def emails(self) -> list[Outgoing]:
        return [m for m in self.sent if m.channel == "email"]


@pytest.fixture
def outbox(aws: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[Outbox]:
    box = Outbox()
    senders.install(sms=box, email=box)
    directory = tmp_path / "staff.json"
    directory.write_text(
        json.dumps(
            [
                {"email": "caseworker.dushanbe@x.org", "groups": ["caseworker"], "centres": [CENTRE, "tj-khujand"]},
                {"email": "manager.dushanbe@x.org", "groups": ["manager", "caseworker"], "centres": [CENTRE]},
                {"email": "caseworker.istanbul@x.org", "groups": ["caseworker"], "centres": ["tr-istanbul"]},
                {"email": "focal.point@x.org", "groups": ["focal_point"], "centres": [CENTRE, "tr-istanbul"]},
                {"email": "admin@x.org", "groups": ["admin"], "centres": ["*"]},
            ]
        )
    )
    monkeypatch.setattr(get_settings(), "staff_directory_file", str(directory))
    yield box
    senders.install(None, None)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    now = [NOW]
    for module in (bookings, notices, phone_check, complaints, alerts):
        monkeypatch.setattr(module, "now_utc", lambda: now[0])
    yield now


@pytest.fixture
def api(client: Client, clock: list[datetime], outbox: Outbox) -> Client:
    """(`client` first: it names the unit tests' table before the settings are read.)"""
    return client


def slots(api: Client, centre: str = CENTRE) -> list[str]:
    found = body(api.http.get(f"/api/centres/{centre}/services/{SERVICE}/slots?days=14"))["slots"]
    return [s["start"] for s in found if s["seats_left"] > 0]


def book(
    api: Client, start: str, viewer: str = "203.0.113.5", headers: dict[str, str] | None = None, **contact: Any
) -> Any:
    # By phone when a number is given (the centre calls it); without one, on site (phone mode needs it).
    mode = "phone" if contact.get("phone") else "on_site"
    payload: dict[str, Any] = {"centre_id": CENTRE, "service_id": SERVICE, "start": start, "mode": mode}
    payload["language"] = "tg"
    if contact:
        payload["contact"] = contact
    return api.http.post(
        "/api/bookings",
        body=json.dumps(payload),
        headers=with_proof(api, {"X-Passerelle-Viewer": viewer, **(headers or {})}),
    )


def items(prefix: str) -> list[dict[str, Any]]:
    return [i for i in dynamodb_client().scan(TableName=TABLE)["Items"] if i["PK"]["S"].startswith(prefix)]


# ---- SMS to people ---------------------------------------------------------------------------------


def test_booking_with_consent_sends_one_sms_in_its_language_without_the_manage_code(
    api: Client, outbox: Outbox
) -> None:
    start = slots(api)[0]
    created = body(book(api, start, phone=PHONE, sms=True))
    (text,) = outbox.sms()
    expected_time = notices.appointment_time("tg", datetime.fromisoformat(start), "Asia/Dushanbe")
    assert expected_time in text and "Душанбе" in text  # Tajik, the centre's local time and name
    assert created["reference"][:4] in text and "/tg/b/" in text
    code = created["manage_code"]
    assert code not in text and code.replace("-", "") not in text.replace("-", "")
    # Without consent, or without a phone, nothing is sent; consent without a phone is refused.
    book(api, slots(api)[0], "198.51.100.1", phone=OTHER_PHONE)
    assert outbox.sms(OTHER_PHONE) == []
    refused = book(api, slots(api)[0], "198.51.100.2", sms=True)
    assert refused.status_code == 400 and body(refused)["error"]["field"] == "contact.phone"


def test_an_idempotent_retry_sends_no_second_sms(api: Client, outbox: Outbox) -> None:
    start = slots(api)[0]
    headers = {"Idempotency-Key": "5e1f6a3c-booking-retry"}
    first = book(api, start, headers=headers, phone=PHONE, sms=True)
    again = book(api, start, headers=headers, phone=PHONE, sms=True)
    assert body(first)["reference"] == body(again)["reference"]
    assert len(outbox.sms()) == 1
    # Even a second call for the same booking (a retried transaction) claims nothing more.
    notices.booked(bookings.stored_booking(body(first)["reference"]) or {})
    assert len(outbox.sms()) == 1


def test_the_reminder_goes_once_24_hours_before_and_never_for_a_cancelled_booking(
    api: Client, outbox: Outbox, clock: list[datetime]
) -> None:
    later = [s for s in slots(api) if datetime.fromisoformat(s) > NOW + timedelta(days=3)]
    kept = body(book(api, later[0], phone=PHONE, sms=True))
    cancelled = body(book(api, later[1], "198.51.100.9", phone=OTHER_PHONE, sms=True))
    headers = {"Content-Type": "application/json", "X-Manage-Code": cancelled["manage_code"]}
    assert api.http.delete(f"/api/bookings/{cancelled['reference']}", headers=headers).status_code == 200
    due = datetime.fromisoformat(later[0]) - timedelta(hours=24)
    # The reminders wait in the partitions of their hours (what the schedule queries), without a phone.
    due_items = items("DUE#")
    assert (
        len(due_items) == 2 and PHONE[4:] not in json.dumps(due_items) and OTHER_PHONE[4:] not in json.dumps(due_items)
    )
    for minute in range(-30, 0, 5):  # the schedule runs every five minutes before it is due
        jobs.run_due(due + timedelta(minutes=minute))
    assert len(outbox.sms()) == 1  # the confirmation only
    jobs.run_due(due + timedelta(minutes=2))
    texts = outbox.sms()
    assert len(texts) == 2 and texts[1] != texts[0] and kept["reference"][:4] in texts[1]
    for minute in range(5, 60, 5):
        jobs.run_due(due + timedelta(minutes=minute))
    assert len(outbox.sms()) == 2  # once
    later_cancelled = datetime.fromisoformat(later[1]) - timedelta(hours=24)
    for minute in range(-5, 60, 5):
        jobs.run_due(later_cancelled + timedelta(minutes=minute))
    assert len(outbox.sms(OTHER_PHONE)) == 1  # its confirmation, no reminder


def test_a_moved_booking_is_reminded_of_its_new_time_only(api: Client, outbox: Outbox) -> None:
    later = [s for s in slots(api) if datetime.fromisoformat(s) > NOW + timedelta(days=3)]
    created = body(book(api, later[0], phone=PHONE, sms=True))
    headers = {"Content-Type": "application/json", "X-Manage-Code": created["manage_code"]}
    moved = api.http.patch(
        f"/api/bookings/{created['reference']}", headers=headers, body=json.dumps({"start": later[5]})
    )
    assert moved.status_code == 200
    assert len(outbox.sms()) == 2  # booked, moved
    for start in (later[0], later[5]):
        jobs.run_due(datetime.fromisoformat(start) - timedelta(hours=24) + timedelta(minutes=1))
    texts = outbox.sms()
    assert len(texts) == 3
    assert notices.appointment_time("tg", datetime.fromisoformat(later[5]), "Asia/Dushanbe") in texts[2]


def test_the_centre_cancelling_sends_its_notice_once(api: Client, outbox: Outbox) -> None:
    created = body(book(api, slots(api)[0], phone=PHONE, sms=True))
    item = bookings.stored_booking(created["reference"])
    assert item is not None
    notices.cancelled_by_centre(item)
    notices.cancelled_by_centre(item)
    texts = outbox.sms()
    assert len(texts) == 2 and "/tg/book/" in texts[1]
    assert created["manage_code"] not in texts[1]


def test_a_provider_down_never_breaks_the_booking_and_the_sms_is_retried_once(api: Client, outbox: Outbox) -> None:
    outbox.down = True
    response = book(api, slots(api)[0], phone=PHONE, sms=True)
    assert response.status_code == 201
    assert outbox.sms() == []
    jobs.run_due(NOW + timedelta(minutes=6))  # still down: tried again later
    outbox.down = False
    jobs.run_due(NOW + timedelta(minutes=3))  # not yet due
    assert outbox.sms() == []
    jobs.run_due(NOW + timedelta(minutes=6 + 16))
    assert len(outbox.sms()) == 1
    jobs.run_due(NOW + timedelta(hours=3))
    assert len(outbox.sms()) == 1


def test_stop_is_honoured_until_start(api: Client, outbox: Outbox) -> None:
    book(api, slots(api)[0], phone=PHONE, sms=True)
    assert notices.inbound(PHONE, " stop ") == "stopped"
    assert "START" in outbox.sms()[-1] and len(outbox.sms()) == 2
    book(api, slots(api)[0], "198.51.100.3", phone=PHONE, sms=True)
    assert len(outbox.sms()) == 2  # opted out: nothing
    opt_outs = items("OPTOUT#")
    assert len(opt_outs) == 1 and PHONE not in json.dumps(opt_outs) and PHONE[1:] not in json.dumps(opt_outs)
    assert notices.inbound(PHONE, "START") == "started"
    assert notices.inbound(PHONE, "what time?") is None
    book(api, slots(api)[0], "198.51.100.4", phone=PHONE, sms=True)
    assert len(outbox.sms()) == 4  # started, then this booking's confirmation


def test_what_is_logged_of_a_message_is_its_outcome_channel_and_template(
    api: Client, outbox: Outbox, log_lines: Any
) -> None:
    book(api, slots(api)[0], phone=PHONE, sms=True, nickname="Malika")
    outbox.down = True
    book(api, slots(api)[0], "198.51.100.5", phone=OTHER_PHONE, sms=True)
    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    sent = [r for r in records if r.get("message") in ("sent", "failed")]
    assert [(r["message"], r["channel"], r["template"]) for r in sent] == [
        ("sent", "sms", "confirmed"),
        ("failed", "sms", "confirmed"),
    ]
    logged = log_lines.getvalue()
    assert PHONE[4:] not in logged and OTHER_PHONE[4:] not in logged and "Malika" not in logged
    assert outbox.sent[0].body not in logged and "Душанбе" not in logged


# ---- staff alerts ------------------------------------------------------------------------------------

WORDS = "The recruiter kept my passport and threatened my family in Khujand."


def file_complaint(api: Client, category: str, centre: str | None = CENTRE) -> Any:
    payload = {"category": category, "country": "TJ", "language": "tg", "description": WORDS}
    if centre:
        payload["centre_id"] = centre
    return api.http.post("/api/complaints", body=json.dumps(payload), headers=with_proof(api))


def test_a_new_complaint_alerts_its_centres_caseworkers_with_no_word_of_it(api: Client, outbox: Outbox) -> None:
    assert file_complaint(api, "passport_confiscated").status_code == 201
    (email,) = outbox.emails()
    assert email.to == ("caseworker.dushanbe@x.org", "manager.dushanbe@x.org")
    text = (email.subject or "") + email.body
    assert "Dushanbe" in text and "/staff/" in text
    for word in ("passport", "recruiter", "Khujand", "threatened", "Passport"):
        assert word not in text


def test_a_restricted_complaint_alerts_only_the_focal_points_without_its_category(api: Client, outbox: Outbox) -> None:
    assert file_complaint(api, "sea_by_staff").status_code == 201
    (email,) = outbox.emails()
    assert email.to == ("focal.point@x.org",)
    text = ((email.subject or "") + email.body).lower()
    for word in ("sea", "sexual", "abuse", "exploitation", "restricted", "passport"):
        assert not re.search(rf"\b{word}\b", text), word


def test_a_mail_provider_down_never_breaks_filing_and_the_alert_is_retried(api: Client, outbox: Outbox) -> None:
    outbox.down = True
    assert file_complaint(api, "unpaid_wages").status_code == 201
    outbox.down = False
    jobs.run_due(NOW + timedelta(minutes=6))
    assert len(outbox.emails()) == 1


def test_the_digest_at_eight_lists_overdue_cases_by_number_once(
    api: Client, outbox: Outbox, clock: list[datetime]
) -> None:
    assert file_complaint(api, "unpaid_wages").status_code == 201
    assert file_complaint(api, "sea_by_staff").status_code == 201
    outbox.sent.clear()
    ids = {i["lane"]["S"]: i["id"]["S"] for i in items("COMPLAINT#") if i["SK"]["S"] == "META"}
    days = get_settings().complaint_acknowledge_days + 1
    eight_in_dushanbe = datetime(2026, 12, 1 + days, 3, 10, tzinfo=UTC)  # 08:10 at UTC+5
    assert alerts.send_digests(eight_in_dushanbe - timedelta(hours=1)) == 0
    assert alerts.send_digests(eight_in_dushanbe) == 2
    assert alerts.send_digests(eight_in_dushanbe + timedelta(minutes=30)) == 0  # once a day
    general, restricted = sorted(outbox.emails(), key=lambda m: len(m.to), reverse=True)
    assert f"#{ids['general']}" in general.body and ids["restricted"] not in general.body
    assert general.to == ("caseworker.dushanbe@x.org", "manager.dushanbe@x.org")
    assert restricted.to == ("focal.point@x.org",) and f"#{ids['restricted']}" in restricted.body
    assert WORDS[:20] not in general.body + restricted.body


# ---- phone verification ------------------------------------------------------------------------------


def ask_code(api: Client, viewer: str = "203.0.113.5", phone: str = PHONE) -> Any:
    payload = {"phone": phone, "centre_id": CENTRE, "language": "tg"}
    return api.http.post(
        "/api/phone/code", body=json.dumps(payload), headers=with_proof(api, {"X-Passerelle-Viewer": viewer})
    )


def verify(api: Client, code: str, viewer: str = "203.0.113.5") -> Any:
    payload = {"phone": PHONE, "centre_id": CENTRE, "code": code}
    return api.http.post(
        "/api/phone/verify",
        body=json.dumps(payload),
        headers={"Content-Type": "application/json", "X-Passerelle-Viewer": viewer},
    )


def last_code(outbox: Outbox) -> str:
    match = re.search(r"#(\d{6})", outbox.sms()[-1])
    assert match is not None
    return match.group(1)


def test_a_phone_verified_by_code_books_past_the_per_source_cap(
    api: Client, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "booking_max_places_per_source", 1)
    free = slots(api)
    assert book(api, free[0]).status_code == 201
    assert book(api, free[1]).status_code == 429  # the source's one place is held
    assert body(ask_code(api))["minutes"] == 10
    code = last_code(outbox)
    stored = json.dumps(items("PHONECHECK#"))
    assert code not in stored and PHONE[4:] not in stored  # hashed, both
    proof = body(verify(api, f"{code[:3]} {code[3:]}"))["phone_proof"]
    assert book(api, free[1], phone=PHONE, phone_proof=proof).status_code == 201
    # The per-phone cap (three upcoming) now holds it.
    assert book(api, free[2], phone=PHONE, phone_proof=proof).status_code == 201
    assert book(api, free[3], phone=PHONE, phone_proof=proof).status_code == 201
    fourth = book(api, free[4], phone=PHONE, phone_proof=proof)
    assert fourth.status_code == 409 and body(fourth)["error"]["field"] == "contact.phone"
    # A proof is for its own phone only.
    other = book(api, free[5], phone=OTHER_PHONE, phone_proof=proof)
    assert other.status_code == 400 and body(other)["error"]["field"] == "contact.phone_proof"


def test_five_wrong_codes_lock_the_phone_for_a_while(api: Client, outbox: Outbox, clock: list[datetime]) -> None:
    ask_code(api)
    code = last_code(outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        answer = verify(api, wrong)
        assert answer.status_code == 400 and body(answer)["error"]["field"] == "code"
    locked = verify(api, wrong)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) == 3600
    assert verify(api, code, "198.51.100.8").status_code == 429  # the right code, from anywhere
    assert ask_code(api, "198.51.100.8").status_code == 429  # and no new code
    clock[0] = NOW + timedelta(minutes=61)
    assert ask_code(api, "198.51.100.8").status_code == 200
    assert verify(api, last_code(outbox)).status_code == 200


def test_codes_are_limited_per_phone_and_per_source(
    api: Client, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    statuses = [ask_code(api, f"198.51.100.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]  # three an hour for one phone
    monkeypatch.setattr(get_settings(), "phone_codes_per_source", 2)
    others = [ask_code(api, "192.0.2.1", f"+99293123456{n}").status_code for n in range(3)]
    assert others == [200, 200, 429]


def test_an_expired_code_is_refused(api: Client, outbox: Outbox, clock: list[datetime]) -> None:
    ask_code(api)
    clock[0] = NOW + timedelta(minutes=11)
    answer = verify(api, last_code(outbox))
    assert answer.status_code == 400 and "expired" in body(answer)["error"]["message"]


def test_a_freed_seat_offered_to_the_waiting_person_is_told_by_sms_until_when(api: Client, outbox: Outbox) -> None:
    first = slots(api)[0]
    taken = body(book(api, first, "198.51.100.20"))
    payload = {
        "centre_id": CENTRE,
        "service_id": SERVICE,
        "date": first[:10],
        "mode": "phone",
        "language": "ru",
        "contact": {"phone": PHONE, "sms": True},
    }
    waiting = api.http.post(
        "/api/waitlist", body=json.dumps(payload), headers=with_proof(api, {"X-Passerelle-Viewer": "198.51.100.21"})
    )
    assert waiting.status_code == 201 and outbox.sms() == []  # waiting is no appointment yet
    headers = {"Content-Type": "application/json", "X-Manage-Code": taken["manage_code"]}
    assert api.http.delete(f"/api/bookings/{taken['reference']}", headers=headers).status_code == 200
    (offer,) = outbox.sms()
    held = bookings.stored_booking(body(waiting)["reference"])
    assert held is not None and held["status"] == "offered"
    until = datetime.fromisoformat(held["hold_expires_at"])
    assert notices.appointment_time("ru", datetime.fromisoformat(first), "Asia/Dushanbe") in offer
    from chalicelib.core import cldr

    assert cldr.format_time("ru", until, "short", tz="Asia/Dushanbe") in offer
    assert body(waiting)["manage_code"] not in offer


def test_a_complaint_without_a_centre_alerts_the_administrators_or_every_focal_point(
    api: Client, outbox: Outbox
) -> None:
    assert file_complaint(api, "unpaid_wages", centre=None).status_code == 201
    assert file_complaint(api, "sea_by_staff", centre=None).status_code == 201
    general, restricted = outbox.emails()
    assert general.to == ("admin@x.org",) and restricted.to == ("focal.point@x.org",)
    assert "Passerelle" in general.body and WORDS[:12] not in general.body + restricted.body
