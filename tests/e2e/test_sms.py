"""A person books in Tajik on a 360-pixel phone, gives a number with a phone keyboard and ticks the
SMS box: the outbox holds one SMS in Tajik with the appointment's local time and never the manage
code; the centre's manager then closes that day through the staff API (asked first how many are
booked, then choosing to cancel them) and the cancellation follows. The Khorog centre is used by
no other browser test, so closing one of its days disturbs none."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.stack import LocalStack
from tests.conftest import Viewer

pytestmark = pytest.mark.e2e
CENTRE, SERVICE = "tj-khorog", "legal_advice"


@pytest.fixture
def phone_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="tg-TJ")
    return context.new_page()


def sms_to(stack: LocalStack, number: str) -> list[dict[str, object]]:
    answer = Viewer(stack.url).call("GET", "/dev-outbox/messages.json")
    assert answer.status == 200
    return [m for m in answer.body if number in m["to"]]


def open_form(page: Page, stack: LocalStack, skip: int) -> str:
    page.goto(f"{stack.url}/tg/book/?centre={CENTRE}&service={SERVICE}")
    expect(page.locator("#booking")).to_be_visible()
    days = page.locator("#b-day-list .px-choice")
    expect(days.first).to_be_visible()
    days.nth(skip).click()
    time = page.locator("#b-time-list .px-choice:not([disabled])").first
    expect(time).to_be_visible()
    start = time.get_attribute("data-start") or ""
    time.click()
    page.locator("#b-modes input").nth(1).check()
    return start


def test_a_tajik_booking_with_consent_gets_one_sms_in_tajik_then_the_closure_notice(
    phone_page: Page, stack: LocalStack
) -> None:
    page = phone_page
    number = f"93{random.randrange(10**7):07d}"
    start = open_form(page, stack, 2)
    # The box without a number: the form says so, and nothing is sent.
    page.locator("#b-sms").check()
    page.locator("#b-submit").click()
    expect(page.locator("#b-status")).to_have_text("Барои гирифтани SMS рақами телефонро нависед.")
    expect(page.locator("#b-phone")).to_be_focused()
    page.keyboard.insert_text(number)  # a phone keyboard sends input events only
    page.locator("#b-submit").click()
    expect(page.locator("#b-done")).to_be_visible()
    code = page.locator("#b-code").inner_text()
    reference = page.locator("#b-ref").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    (sms,) = sms_to(stack, f"+992{number}")
    from chalicelib.bookings.notices import appointment_time

    body = str(sms["body"])
    assert appointment_time("tg", datetime.fromisoformat(start), "Asia/Dushanbe") in body
    assert "Навбат" in body or "навбат" in body  # Tajik, not English
    assert reference in body and "/tg/b/" in body
    assert code not in body and code.replace("-", "") not in body.replace("-", "")
    # The centre closes that day: the agenda says who is booked and wants a choice, then cancels them.
    path = f"/api/staff/centres/{CENTRE}/exceptions/{start[:10]}"
    manager, headers = Viewer(stack.url), stack.staff_headers("admin")
    asked = manager.call("PUT", path, {"closed": True, "note": "Flooded"}, headers=headers)
    assert asked.status == 409 and asked.body["error"]["code"] == "bookings_affected", asked.body
    assert asked.body["booked"] >= 1
    done = manager.call("PUT", path, {"closed": True, "note": "Flooded", "bookings": "cancel"}, headers=headers)
    assert done.status == 200, done.body
    first, cancelled = sms_to(stack, f"+992{number}")
    assert first == sms and "/tg/book/" in str(cancelled["body"]) and code not in str(cancelled["body"])


def test_without_the_box_no_sms_is_sent(phone_page: Page, stack: LocalStack) -> None:
    page = phone_page
    number = f"93{random.randrange(10**7):07d}"
    open_form(page, stack, 3)
    page.locator("#b-phone").click()
    page.keyboard.insert_text(number)
    page.locator("#b-submit").click()
    expect(page.locator("#b-done")).to_be_visible()
    assert sms_to(stack, f"+992{number}") == []
