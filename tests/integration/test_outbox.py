"""The local stack's outbox, end to end through the portal's server and its API workers: a Tajik
booking with a phone and consent puts one SMS in Tajik with the local time in the outbox (and
never the manage code), the centre's closure notice follows, STOP is honoured, a complaint alerts
its centre's caseworkers (a restricted one, the focal points only) with no word of it, and the
outbox answers this machine only."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import pytest

from devstack.stack import LocalStack
from tests.conftest import Viewer

pytestmark = pytest.mark.integration

CENTRE, SERVICE = "tj-dushanbe", "legal_advice"


def outbox(stack: LocalStack, to: str | None = None) -> list[dict[str, Any]]:
    answer = Viewer(stack.url).call("GET", "/dev-outbox/messages.json")
    assert answer.status == 200 and answer.headers["cache-control"] == "no-store"
    return [m for m in answer.body if to is None or to in m["to"]]


def a_phone() -> str:
    """A Tajik mobile number of this test's own (the outbox is shared by the session)."""
    return f"+99293{random.randrange(10**7):07d}"


def book(stack: LocalStack, viewer: Viewer, phone: str, index: int) -> dict[str, Any]:
    slots = viewer.call("GET", f"/api/centres/{CENTRE}/services/{SERVICE}/slots?days=14").body["slots"]
    free = [s for s in slots if s["seats_left"] > 0]
    payload = {
        "centre_id": CENTRE,
        "service_id": SERVICE,
        "start": free[index]["start"],
        "mode": "phone",
        "language": "tg",
        "contact": {"phone": phone, "sms": True},
    }
    answer = viewer.submit("/api/bookings", payload)
    assert answer.status == 201, answer.body
    return dict(answer.body)


def test_a_tajik_booking_sends_one_sms_in_tajik_then_the_centres_cancellation(
    stack: LocalStack, in_process: LocalStack
) -> None:
    phone = a_phone()
    created = book(stack, Viewer(stack.url, "127.0.3.1"), phone, 3)
    (sms,) = outbox(stack, phone)
    assert sms["channel"] == "sms" and "subject" not in sms and datetime.fromisoformat(sms["at"])
    from chalicelib.bookings.notices import appointment_time

    local = appointment_time("tg", datetime.fromisoformat(created["start"]), "Asia/Dushanbe")
    assert local in sms["body"] and "/tg/b/" in sms["body"]
    assert created["manage_code"] not in sms["body"]
    assert created["manage_code"].replace("-", "") not in sms["body"].replace("-", "")
    # A manager closes that day: the agenda calls the seam after its write.
    from chalicelib.bookings import notices
    from chalicelib.bookings.service import stored_booking
    from devstack.outbox import install_from_environment

    install_from_environment()
    item = stored_booking(created["reference"])
    assert item is not None
    notices.cancelled_by_centre(item)
    notices.cancelled_by_centre(item)  # once only
    first, cancelled = outbox(stack, phone)
    assert first == sms and "/tg/book/" in cancelled["body"] and created["manage_code"] not in cancelled["body"]


def test_stop_is_answered_and_honoured(stack: LocalStack) -> None:
    phone = a_phone()
    book(stack, Viewer(stack.url, "127.0.3.2"), phone, 4)
    reply = Viewer(stack.url).call("POST", "/dev-outbox/reply", {"from": phone, "body": "STOP"})
    assert reply.status == 200 and reply.body == {"answered": "stopped"}
    assert "START" in outbox(stack, phone)[-1]["body"]
    book(stack, Viewer(stack.url, "127.0.3.3"), phone, 5)
    assert len(outbox(stack, phone)) == 2  # the first confirmation and the answer to STOP


def complaint(stack: LocalStack, category: str, words: str) -> None:
    payload = {"category": category, "country": "TJ", "language": "tg", "description": words, "centre_id": CENTRE}
    answer = Viewer(stack.url, "127.0.3.4").submit("/api/complaints", payload)
    assert answer.status == 201, answer.body


def test_a_complaint_alerts_the_centres_caseworkers_and_a_restricted_one_the_focal_points(stack: LocalStack) -> None:
    words = f"Case {random.randrange(10**9)}: the broker kept my passport and wages."
    before = len(outbox(stack))
    complaint(stack, "passport_confiscated", words)
    complaint(stack, "sea_by_staff", words)
    general, restricted = [m for m in outbox(stack)[before:] if m["channel"] == "email"]
    assert general["to"] == ["caseworker.dushanbe@centres.example.org", "manager.dushanbe@centres.example.org"]
    assert restricted["to"] == ["focal.point@centres.example.org"]
    for mail in (general, restricted):
        text = mail["subject"] + mail["body"]
        assert "Dushanbe" in text and "/staff/" in text
        assert not any(word in text for word in ("broker", "passport", "wages", words.split(":")[0]))
    assert "sea" not in restricted["body"].lower().split()


def test_the_outbox_answers_this_machine_only_and_the_short_address_redirects(stack: LocalStack) -> None:
    here = Viewer(stack.url)
    assert here.call("GET", "/dev-outbox/").status == 200
    page = here.call("GET", "/dev-outbox/")
    assert b"<script" not in page.body and "default-src 'self'" in page.headers["content-security-policy"]
    for headers in ({"X-Forwarded-For": "203.0.113.9"}, {"Host": "portal.example.org"}):
        refused = here.call("GET", "/dev-outbox/messages.json", headers=headers)
        assert refused.status == 403 and b"+992" not in refused.body
    assert (
        here.call("POST", "/dev-outbox/reply", {"from": "+992931234567", "body": "STOP"}, {"Forwarded": "x"}).status
        == 403
    )
    for path, target in (("/b/", "/book/manage/"), ("/tg/b/", "/tg/book/manage/"), ("/ru/b", "/ru/book/manage/")):
        moved = here.call("GET", path)
        assert moved.status == 302 and moved.headers["location"] == target
