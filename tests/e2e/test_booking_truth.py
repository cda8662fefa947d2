"""What a person is told while booking and managing, and what a manager is asked when closing a booked
day: on a 360-pixel phone, in the person's language, against the running portal and DynamoDB Local.
Offline, server trouble and a refusal each say something different; a refusal names its field in
the reader's language; by phone, the number is required and the page says who calls whom; a
12-character manage code typed loosely opens the booking; a closed day reads "cancelled by the
centre" on the person's manage page (in Tajik)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, Route, expect

from devstack.stack import LocalStack
from tests.conftest import ROOT, Viewer
from tests.e2e.test_booking import CENTRE, SERVICE, a_phone_number, choose_first_free_time
from tests.e2e.test_staff import sign_in

pytestmark = pytest.mark.e2e


def ui(lang: str) -> dict[str, str]:
    strings: dict[str, str] = yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8"))
    return strings


def staff_ui(lang: str) -> dict[str, str]:
    path = ROOT / "content" / "staff" / f"{lang}.yaml"
    strings: dict[str, str] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return strings


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


def open_form(page: Page, base: str, prefix: str = "", skip: int = 0) -> None:
    page.goto(f"{base}{prefix}/book/?centre={CENTRE}&service={SERVICE}")
    expect(page.locator("#booking")).to_be_visible()
    choose_first_free_time(page, skip)


def by_phone(page: Page) -> None:
    page.locator("#b-modes input[value=phone]").check()


def test_the_form_comes_first_and_phone_mode_needs_the_number_it_will_call(phone: Page, stack: LocalStack) -> None:
    en = ui("en")
    open_form(phone, stack.url, skip=4)
    # The form is the first thing under the title; the text about phoning comes after it
    order = phone.evaluate(
        """() => {
            const article = document.querySelector("article");
            const form = document.getElementById("booking"), h2 = [...article.querySelectorAll("h2")]
                .find((h) => !form.contains(h));
            return form.compareDocumentPosition(h2) & Node.DOCUMENT_POSITION_FOLLOWING;
        }"""
    )
    assert order
    # By phone, the label says the number is needed and why; sending without it names the phone field
    by_phone(phone)
    expect(phone.locator("label[for=b-phone]")).to_have_text(en["book.phone_required_label"])
    phone.locator("#b-submit").click()
    expected = en["err.phone_required"].replace("{field}", en["field.contact.phone"])
    expect(phone.locator("#b-status")).to_have_text(expected)
    expect(phone.locator("#b-phone")).to_be_focused()
    assert "contact.phone" not in phone.locator("#b-status").inner_text()
    # With the number (typed as a phone keyboard does), the booking says who calls whom
    number = a_phone_number()
    phone.locator("#b-phone").click()
    phone.keyboard.insert_text(number)
    phone.locator("#b-submit").click()
    expect(phone.locator("#b-done")).to_be_visible()
    expect(phone.locator("#b-call")).to_have_text(en["book.will_call"].replace("{phone}", number))


def test_an_arabic_refusal_names_the_field_in_arabic(phone: Page, stack: LocalStack) -> None:
    ar = ui("ar")
    open_form(phone, stack.url, "/ar", skip=5)
    by_phone(phone)
    phone.locator("#b-phone").click()
    phone.keyboard.insert_text("12")  # not a number anyone can call: the API refuses it (phone_invalid)
    phone.locator("#b-submit").click()
    status = phone.locator("#b-status")
    expect(status).to_have_text(ar["err.phone_invalid"].replace("{field}", ar["field.contact.phone"]))
    text = status.inner_text()
    assert "رقم الهاتف" in text and "contact" not in text and not re.search(r"[A-Za-z]{3,}", text)


def test_offline_server_trouble_and_a_refusal_say_three_different_things(phone: Page, stack: LocalStack) -> None:
    en = ui("en")
    open_form(phone, stack.url, skip=6)
    by_phone(phone)
    phone.locator("#b-phone").fill("12")
    status = phone.locator("#b-status")
    # A refusal (400 from the API): what to change
    phone.locator("#b-submit").click()
    refusal = en["err.phone_invalid"].replace("{field}", en["field.contact.phone"])
    expect(status).to_have_text(refusal)

    # The service in trouble (503): nothing lost, try again
    def busy(route: Route) -> None:
        error = {"error": {"code": "service_unavailable", "message": "The service is busy."}}
        route.fulfill(status=503, headers={"Retry-After": "2"}, content_type="application/json", body=json.dumps(error))

    phone.route("**/api/bookings", busy)
    phone.locator("#b-submit").click()
    expect(status).to_have_text(en["net.server"])
    phone.unroute("**/api/bookings")
    # No network at all: nothing was sent
    phone.context.set_offline(True)
    phone.locator("#b-submit").click()
    expect(status).to_have_text(en["book.offline"])
    phone.context.set_offline(False)
    assert len({refusal, en["net.server"], en["book.offline"]}) == 3


def book_by_api(stack: LocalStack, centre: str, service: str, language: str, last: bool = False) -> dict[str, Any]:
    viewer = Viewer(stack.url)
    slots = viewer.call("GET", f"/api/centres/{centre}/services/{service}/slots?days=14").body["slots"]
    free = [s for s in slots if s["seats_left"] > 0]
    start = free[-1]["start"] if last else free[len(free) // 2]["start"]
    payload = {"centre_id": centre, "service_id": service, "start": start, "mode": "on_site", "language": language}
    booked = viewer.submit("/api/bookings", payload)
    assert booked.status == 201, booked.body
    return dict(booked.body)


def open_booking(page: Page, base: str, prefix: str, reference: str, code: str) -> None:
    page.goto(f"{base}{prefix}/book/manage/")
    page.locator("#m-reference").click()
    page.keyboard.insert_text(reference)
    page.locator("#m-code").click()
    page.keyboard.insert_text(code)
    page.locator("#manage-form button[type=submit]").click()


def test_a_twelve_character_code_typed_with_spaces_in_lower_case_opens_the_booking(
    phone: Page, stack: LocalStack
) -> None:
    booking = book_by_api(stack, CENTRE, SERVICE, "tr")
    code = booking["manage_code"]
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    loose = " ".join(code.replace("-", "").lower()[i : i + 3] for i in range(0, 12, 3))  # "abc def ghi jkl"
    open_booking(phone, stack.url, "", booking["reference"].lower(), loose)
    expect(phone.locator("#m-booking")).to_be_visible()
    expect(phone.locator("#m-state")).to_have_text(ui("en")["status.confirmed"])


def test_an_agenda_answering_late_never_replaces_the_day_asked_for_since(browser: Browser, stack: LocalStack) -> None:
    """The agenda first asks for the centre's today; on a slow line that answer may come after the
    day the manager asked for next. The page keeps showing the day asked for last (a late answer
    drawn over it would have the manager check people in on the wrong day)."""
    booking = book_by_api(stack, "tj-dushanbe", "legal_advice", "tg")  # a day ahead, not today
    day, time = booking["start"][:10], booking["start"][11:16]
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    console = context.new_page()
    held: list[Route] = []

    def hold_other_days(route: Route) -> None:
        if f"date={day}" in route.request.url:
            route.continue_()
        else:
            held.append(route)

    try:
        sign_in(console, stack, "manager.dushanbe")
        console.route("**/api/staff/centres/*/agenda?*", hold_other_days)
        with console.expect_request(lambda r: "/agenda?" in r.url):
            console.locator("#s-nav-agenda").click()  # the centre's today: held back
        console.locator("#g-centre").select_option("tj-dushanbe")
        console.locator("#g-date").fill(day)
        console.locator("#g-form button[type=submit]").click()
        expect(console.locator("#g-bookings")).to_contain_text(time)
        assert len(held) == 1 and f"date={day}" not in held[0].request.url
        with console.expect_response(lambda r: "/agenda?" in r.url and f"date={day}" not in r.url) as late:
            held[0].continue_()
        late.value.finished()  # its body read: the page has had it
        console.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))")
        expect(console.locator("#g-bookings")).to_contain_text(time)
        assert console.locator("#g-date").input_value() == day
    finally:
        context.close()


def test_a_manager_closing_a_booked_day_must_choose_and_the_person_reads_cancelled_by_the_centre(
    browser: Browser, phone: Page, stack: LocalStack
) -> None:
    # Given a person who booked in Tajik at the Dushanbe centre, on the last day open for booking
    booking = book_by_api(stack, "tj-dushanbe", "legal_advice", "tg", last=True)
    day = booking["start"][:10]
    staff = staff_ui("en")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    console = context.new_page()
    try:
        sign_in(console, stack, "manager.dushanbe")
        console.locator("#s-nav-agenda").click()
        console.locator("#g-centre").select_option("tj-dushanbe")
        console.locator("#g-date").fill(day)
        console.locator("#g-form button[type=submit]").click()
        expect(console.locator("#x-form")).to_be_visible()
        # The closure form starts on nothing chosen, and saving without a choice says so, by the form
        assert not console.locator("#x-closed").is_checked() and not console.locator("#x-special").is_checked()
        console.locator("#x-form button[type=submit]").click()
        expect(console.locator("#x-msg")).to_have_text(staff["exception.choose_kind"])
        # When the manager closes the day, the count of people booked is shown and a choice is required
        console.locator("#x-closed").check()
        console.locator("#x-form button[type=submit]").click()
        affected = console.locator("#x-affected")
        expect(affected).to_be_visible()
        booked = int(re.findall(r"\d+", affected.inner_text())[0])
        assert booked >= 1
        expect(affected).to_be_in_viewport()
        console.locator("#x-cancel-them").click()
        expect(console.locator("#x-msg")).to_contain_text(staff["exception.cancelled_n"].split("{n}")[0].strip())
        expect(console.locator("#g-bookings")).to_contain_text(staff["bstatus.cancelled_by_centre"])
    finally:
        # reopen the day for the other tests (the cancellations stay: the centre told those people)
        console.locator("#x-remove").click()
        context.close()
    # Then the person's manage page says, in Tajik, that the centre cancelled it, with a way to book again
    tg = ui("tg")
    open_booking(phone, stack.url, "/tg", booking["reference"], booking["manage_code"])
    expect(phone.locator("#m-state")).to_have_text(tg["status.cancelled_by_centre"])
    expect(phone.locator("#m-by-centre")).to_contain_text(tg["manage.by_centre"])
    again = phone.locator("#m-by-centre a")
    expect(again).to_have_text(tg["manage.book_again"])
    assert "centre=tj-dushanbe" in (again.get_attribute("href") or "")
    expect(phone.locator("#m-cancel")).to_be_hidden()


@pytest.mark.parametrize("lang", ["tg", "km", "my"])
def test_days_on_the_booking_page_come_from_the_shipped_cldr_data(
    browser: Browser, stack: LocalStack, lang: str
) -> None:
    from datetime import date

    from chalicelib.core.cldr import format_date

    # Given a phone whose own browser has no date data for its language
    region = {"tg": "TJ", "km": "KH", "my": "MM"}[lang]
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=f"{lang}-{region}")
    page = context.new_page()
    try:
        page.goto(f"{stack.url}/{lang}/book/?centre={CENTRE}&service={SERVICE}")
        first = page.locator("#b-day-list .px-choice").first
        expect(first).to_be_visible()
        # Then each day reads as CLDR writes it in that language (the same words as the Python formatter)
        day = date.fromisoformat(first.get_attribute("data-day") or "")
        expect(first).to_have_text(format_date(lang, day, skeleton="MMMEd"))
        assert not re.search(r"\bM\d", first.inner_text())
    finally:
        context.close()


def test_seats_left_are_counted_in_the_readers_plural(phone: Page, stack: LocalStack) -> None:
    from chalicelib.core.cldr import plural_form
    from devstack.pages.forms import plural_forms

    phone.goto(f"{stack.url}/ru/book/?centre=tr-ankara&service=language_course")
    first = phone.locator("#b-day-list .px-choice").first
    expect(first).to_be_visible()
    first.click()
    time = phone.locator("#b-time-list .px-choice:not([disabled])").first
    expect(time).to_be_visible()
    start = time.get_attribute("data-start") or ""
    slots = Viewer(stack.url).call("GET", "/api/centres/tr-ankara/services/language_course/slots?days=14").body["slots"]
    left = next(s["seats_left"] for s in slots if s["start"] == start)
    expect(time.locator("small")).to_have_text(plural_form("ru", left, plural_forms(ui("ru")["book.seats_left_forms"])))


def test_wrong_codes_past_the_limit_lock_that_booking_only(phone: Page, stack: LocalStack) -> None:
    from chalicelib.core.codes import new_manage_code

    en = ui("en")
    mine = book_by_api(stack, CENTRE, SERVICE, "en")
    other = book_by_api(stack, CENTRE, SERVICE, "en", last=True)
    wrong = [c for c in (new_manage_code() for _ in range(7)) if c != mine["manage_code"]][:6]
    for attempt, code in enumerate(wrong):
        open_booking(phone, stack.url, "", mine["reference"], code)
        status = phone.locator("#m-status")
        if attempt < 5:
            expect(status).to_have_text(en["manage.not_found"])
    # the sixth: the booking waits, and the page says until when, in words (no English from the API)
    before, after = en["err.manage_code_locked"].split("{time}")
    expect(status).to_contain_text(before.strip())
    expect(status).to_contain_text(after.strip())
    expect(phone.locator("#m-booking")).to_be_hidden()
    # another booking opens as ever
    open_booking(phone, stack.url, "", other["reference"], other["manage_code"])
    expect(phone.locator("#m-booking")).to_be_visible()


def test_a_complaint_sent_offline_says_nothing_was_sent_not_an_appointment(phone: Page, stack: LocalStack) -> None:
    en = ui("en")
    phone.goto(f"{stack.url}/complaint/")
    expect(phone.locator("#complaint")).to_be_visible()
    phone.locator("#c-category").select_option("unpaid_wages")
    phone.locator("#c-country").select_option("MY")
    phone.locator("#c-description").fill("Wages unpaid for three months at the factory.")
    phone.context.set_offline(True)
    phone.locator("#c-submit").click()
    status = phone.locator("#c-status")
    expect(status).to_have_text(en["net.offline"])
    assert not re.search(r"appointment|booking", status.inner_text(), re.IGNORECASE)
    phone.context.set_offline(False)
