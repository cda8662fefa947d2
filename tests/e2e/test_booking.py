"""A person books an appointment, saves the codes, cancels and books again: in English and in
Arabic, on a 360-pixel phone, against the running portal and DynamoDB Local."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.stack import LocalStack

pytestmark = pytest.mark.e2e
CENTRE, SERVICE = "tr-konya", "legal_advice"


@pytest.fixture
def phone(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    return context.new_page()


def choose_first_free_time(page: Page, skip: int = 0) -> str:
    days = page.locator("#b-day-list .px-choice")
    expect(days.first).to_be_visible()
    days.nth(min(skip, days.count() - 1)).click()
    time = page.locator("#b-time-list .px-choice:not([disabled])").first
    expect(time).to_be_visible()
    start = time.get_attribute("data-start") or ""
    time.click()
    return start


def a_phone_number() -> str:
    """A Turkish mobile number of its own (a phone holds at most three upcoming bookings)."""
    return f"+90 53{secrets.randbelow(10)} {secrets.randbelow(1000):03d} {secrets.randbelow(10000):04d}"


def book(page: Page, base: str, lang_prefix: str, mode_label: str, skip: int = 0) -> tuple[str, str, str]:
    page.goto(f"{base}{lang_prefix}/book/?centre={CENTRE}&service={SERVICE}")
    expect(page.locator("#booking")).to_be_visible()
    expect(page.locator("#b-service")).to_have_value(SERVICE)
    start = choose_first_free_time(page, skip)
    page.get_by_label(mode_label).check()
    page.locator("#b-phone").fill(a_phone_number())  # by phone, the centre needs the number to call
    page.locator("#b-nickname").fill("Amina")
    page.locator("#b-submit").click()
    done = page.locator("#b-done")
    expect(done).to_be_visible()
    reference = page.locator("#b-ref").inner_text()
    code = page.locator("#b-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    # the codes are not kept anywhere but on the screen: never in the URL
    assert code not in page.url and reference.replace("-", "") not in page.url
    return reference, code, start


def manage(page: Page, base: str, lang_prefix: str, reference: str, code: str) -> None:
    page.goto(f"{base}{lang_prefix}/book/manage/")
    page.locator("#m-reference").fill(reference)
    page.locator("#m-code").fill(code)
    page.locator("#manage-form button[type=submit]").click()
    expect(page.locator("#m-booking")).to_be_visible()


@pytest.mark.parametrize(
    ("prefix", "mode_label", "booked", "cancelled"),
    [
        ("", "By phone", "Booked", "Cancelled"),
        ("/ar", "عبر الهاتف", None, None),
    ],
)
def test_book_save_cancel_and_rebook(
    phone: Page, stack: LocalStack, prefix: str, mode_label: str, booked: str | None, cancelled: str | None
) -> None:
    page = phone
    if prefix == "/ar":
        expect_rtl = True
        page.goto(f"{stack.url}/ar/book/")
        expect(page.locator("body")).to_have_attribute("dir", "rtl")
        mode_label = page.locator("#b-modes label").nth(1).inner_text().strip()
    else:
        expect_rtl = False
    reference, code, start = book(page, stack.url, prefix, mode_label)
    # the "save this" step: the manage link appears once they say they saved the codes
    expect(page.locator("#b-manage")).to_be_hidden()
    page.locator("#b-saved").check()
    expect(page.locator("#b-manage")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if expect_rtl:
        assert page.evaluate("getComputedStyle(document.getElementById('b-done')).direction") == "rtl"
    # manage: read it, then cancel it
    manage(page, stack.url, prefix, reference, code)
    if booked:
        expect(page.locator("#m-state")).to_have_text(booked)
    page.locator("#m-cancel").click()
    page.locator("#m-cancel-confirm").click()
    expect(page.locator("#m-cancel")).to_be_hidden()
    if cancelled:
        expect(page.locator("#m-state")).to_have_text(cancelled)
    # the freed time can be booked again
    page.goto(f"{stack.url}{prefix}/book/?centre={CENTRE}&service={SERVICE}")
    page.locator(f"#b-day-list .px-choice[data-day='{start[:10]}']").click()
    expect(page.locator(f"#b-time-list .px-choice[data-start='{start}']")).to_be_enabled()
    again, _, _ = book(page, stack.url, prefix, mode_label)
    assert again != reference
    assert page.console_errors == [] if hasattr(page, "console_errors") else True


def test_a_wrong_manage_code_shows_nothing(phone: Page, stack: LocalStack) -> None:
    reference, code, _ = book(phone, stack.url, "", "By video", skip=1)
    manage_page = phone
    manage_page.goto(f"{stack.url}/book/manage/")
    manage_page.locator("#m-reference").fill(reference)
    manage_page.locator("#m-code").fill(code[:-1] + ("3" if code[-1] != "3" else "4"))
    manage_page.locator("#manage-form button[type=submit]").click()
    expect(manage_page.locator("#m-status")).to_contain_text("No booking matches")
    expect(manage_page.locator("#m-booking")).to_be_hidden()


def test_the_truth_when_offline(browser: Browser, stack: LocalStack) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{stack.url}/book/?centre={CENTRE}&service={SERVICE}")
    choose_first_free_time(page, skip=2)
    page.get_by_label("At the centre").check()
    context.set_offline(True)
    page.locator("#b-submit").click()
    expect(page.locator("#b-status")).to_have_text(re.compile("You are offline. Your booking was not sent"))
    context.set_offline(False)
    # Chromium may lift the emulated outage a moment after it says so: wait until a request passes.
    page.wait_for_function("fetch('/api/health', {cache: 'no-store'}).then(r => r.ok, () => false)", polling=500)
    page.locator("#b-submit").click()  # the same Idempotency-Key: one booking however often they retry
    expect(page.locator("#b-done")).to_be_visible()
    context.close()


def test_the_truth_when_the_time_was_just_taken(browser: Browser, stack: LocalStack) -> None:
    first, second = browser.new_page(), browser.new_page()
    for page in (first, second):
        page.goto(f"{stack.url}/book/?centre={CENTRE}&service={SERVICE}")
    start = choose_first_free_time(first, skip=3)
    second.locator(f"#b-day-list .px-choice[data-day='{start[:10]}']").click()
    second.locator(f"#b-time-list .px-choice[data-start='{start}']").click()
    first.get_by_label("By phone").check()
    first.locator("#b-phone").fill(a_phone_number())
    first.locator("#b-submit").click()
    expect(first.locator("#b-done")).to_be_visible()
    second.get_by_label("By phone").check()
    second.locator("#b-phone").fill(a_phone_number())
    second.locator("#b-submit").click()
    expect(second.locator("#b-status")).to_have_text(re.compile("just taken"))
    expect(second.locator(f"#b-time-list .px-choice[data-start='{start}']")).to_be_disabled()
    expect(second.locator("#b-time-list .px-choice:not([disabled])").first).to_be_visible()
