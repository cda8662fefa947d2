"""Behind a shared network, the per-source cap refuses a booking (429 `seat_limit`); the person, on
a 360-pixel phone in Russian, verifies their number with the code the SMS brought (the local
outbox), after a wrong code said in Russian, and the booking then goes through by itself, with the
proof in memory only. The cap is really reached: this test's loopback source (the browser's,
127.0.0.1) books places at one centre no other test uses until the API refuses."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Request, expect

from devstack.stack import LocalStack
from tests.conftest import Viewer
from tests.e2e.test_feedback import ui

pytestmark = pytest.mark.e2e
CENTRE = "tj-panjakent"  # no other test books there: its places from 127.0.0.1 are this test's
FILLER = "language_course"  # 20 seats a slot: places to hold without taking the consultations


def fill_the_cap(viewer: Viewer) -> int:
    """Book group places from the viewer's address until the API refuses with `seat_limit`."""
    slots = viewer.call("GET", f"/api/centres/{CENTRE}/services/{FILLER}/slots?days=14").body["slots"]
    starts = [s["start"] for s in slots for _ in range(s["seats_left"])]
    held = 0
    for start in starts:
        payload = {"centre_id": CENTRE, "service_id": FILLER, "start": start, "mode": "on_site", "language": "ru"}
        answer = viewer.submit("/api/bookings", payload)
        if answer.status == 429:
            assert answer.body["error"]["code"] == "seat_limit", answer.body
            return held
        assert answer.status == 201, answer.body
        held += 1
    raise AssertionError(f"{held} places booked and no seat_limit: the cap is higher than the slots")


def sms_to(stack: LocalStack, number: str) -> list[dict[str, Any]]:
    answer = Viewer(stack.url).call("GET", "/dev-outbox/messages.json")
    assert answer.status == 200
    return [m for m in answer.body if number in m["to"]]


def test_a_capped_booking_goes_through_once_the_phone_is_verified_in_russian(
    browser: Browser, stack: LocalStack
) -> None:
    russian = ui("ru")
    held = fill_the_cap(Viewer(stack.url, "127.0.0.1"))
    assert held >= 1
    number = f"93{random.randrange(10**7):07d}"
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU", is_mobile=True)
    page = context.new_page()
    bookings: list[dict[str, Any]] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and request.url == f"{stack.url}/api/bookings":
            bookings.append(json.loads(request.post_data or "{}"))

    page.on("request", seen)
    page.goto(f"{stack.url}/ru/book/?centre={CENTRE}&service=legal_advice")
    days = page.locator("#b-day-list .px-choice")
    expect(days.first).to_be_visible()
    days.first.click()
    page.locator("#b-time-list .px-choice:not([disabled])").first.click()
    page.locator("#b-modes input[value=on_site]").check()
    page.locator("#b-phone").click()
    page.keyboard.insert_text(number)  # a phone keyboard sends input events only
    page.locator("#b-submit").click()

    # Refused by the cap: call the centre, or verify the phone (the panel opens, and says so).
    status, verify_status = page.locator("#b-status"), page.locator("#b-verify-status")
    expect(status).to_contain_text(russian["book.seat_limit"].split("{phone}")[0].strip())
    expect(page.locator("#b-verify")).to_be_visible()
    expect(verify_status).to_have_text(russian["verify.after_limit"])
    expect(verify_status).to_have_attribute("role", "status")
    page.locator("#b-verify-send").click()
    expect(verify_status).to_have_text(russian["verify.sent"].replace("{phone}", number))
    code_field = page.locator("#b-verify-code")
    expect(code_field).to_be_focused()
    expect(code_field).to_have_attribute("inputmode", "numeric")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(page.locator("#b-verify-send")).to_have_text(russian["verify.resend"])

    (sms,) = sms_to(stack, f"+992{number}")
    (code,) = set(re.findall(r"(?<!\d)\d{6}(?!\d)", str(sms["body"])))  # its text, and its "@domain #code" line
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    page.keyboard.insert_text(wrong)
    page.locator("#b-verify-check").click()
    expect(verify_status).to_have_text(russian["err.phone_code_wrong"])
    expect(code_field).to_be_focused()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    assert len(bookings) == 1  # a wrong code sends nothing again

    code_field.fill("")
    page.keyboard.insert_text(code)
    page.keyboard.press("Enter")  # Enter in the code field checks the code (not the booking form)
    expect(page.locator("#b-done")).to_be_visible()
    expect(page.locator("#b-summary")).to_contain_text(russian["status.confirmed"])

    # Sent again once by itself, with the proof; the first had none.
    assert len(bookings) == 2
    assert "phone_proof" not in bookings[0]["contact"]
    proof = bookings[1]["contact"]["phone_proof"]
    assert proof and bookings[1]["start"] == bookings[0]["start"]
    # Kept in memory only: nothing in storage, cookies or the address.
    kept = page.evaluate(
        "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie, "
        "location.href])"
    )
    assert proof not in kept and "[[],[]," in kept
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
