"""Public feedback in the browser, against the running portal and DynamoDB Local: a Khmer reader
says a guide did not help (the guide's counter goes up by one), an answer given offline is sent
once back online, feedback after a real appointment (and the errors for a wrong or repeated
reference), and "tell us what you need" in Arabic, right to left.

`guide_helpfulness` and `say_if_a_guide_helped` are meant for reuse (the staff dashboard test gives
feedback on a Khmer guide and expects to see it)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, Route, expect

from devstack.dynamodb_local import local_client
from devstack.stack import LocalStack
from tests.conftest import ROOT, Viewer

pytestmark = pytest.mark.e2e
KHMER_GUIDE = "/km/guides/abroad/passport-confiscation/"
ENGLISH_GUIDE = "/guides/home/reintegration/"
RETRIED_GUIDE = "/guides/leaving/health-before-departure/"  # read by this test only: its counters move once
API_TIMEOUT = 30000  # a send waits for a proof of work and, on a loaded machine, an API worker's cold start
# Layout shifts not caused by the reader (Chrome's own measure, as in Core Web Vitals' CLS), of the
# page's content and footer (the theme's header is not the guide's).
TRACK_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    if (e.hadRecentInput) return;
    (e.sources || []).forEach(function (s) {
      var node = s.node && (s.node.nodeType === 1 ? s.node : s.node.parentElement);
      if (node && node.closest(".md-content, .md-footer")) window.__shifts.push(node.id || node.className);
    });
  });
}).observe({ type: "layout-shift", buffered: true });
"""


def ui(lang: str) -> dict[str, str]:
    return dict(yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8")))


def guide_helpfulness(stack: LocalStack, path: str, lang: str) -> dict[str, int]:
    """A guide's "was this page helpful?" counters in one language, this month, as dashboards read them."""
    from chalicelib.core import keys
    from chalicelib.feedback.service import now_utc

    pk, sk = keys.guide_counters(f"{now_utc():%Y-%m}", lang, path)
    item = (
        local_client(stack.dynamodb.endpoint)
        .get_item(TableName=stack.config.table_name, ConsistentRead=True, Key={"PK": {"S": pk}, "SK": {"S": sk}})
        .get("Item", {})
    )
    return {name: int(item[name]["N"]) if name in item else 0 for name in ("helpful_yes", "helpful_no")}


def say_if_a_guide_helped(page: Page, base_url: str, path: str, helpful: bool, comment: str = "") -> None:
    """Answer "was this page helpful?" at the end of a guide, as a reader does, and wait for the thanks."""
    lang = path.split("/")[1] if re.match(r"^/[a-z]{2}/", path) else "en"
    page.goto(f"{base_url}{path}")
    expect(page.locator("#px-feedback")).to_be_visible()
    page.locator("#pf-yes" if helpful else "#pf-no").click()
    if comment:
        page.locator("#pf-comment").fill(comment)
    page.locator("#pf-send").click()
    expect(page.locator("#pf-status")).to_have_text(ui(lang)["feedback.thanks"], timeout=API_TIMEOUT)


def feedback_items(stack: LocalStack, kind: str, **match: str) -> list[dict[str, Any]]:
    names = {f"#f{i}": name for i, name in enumerate(match)}
    values = {f":v{i}": {"S": value} for i, value in enumerate(match.values())} | {":p": {"S": f"FEEDBACK#{kind}#"}}
    condition = " AND ".join(["begins_with(PK, :p)", *(f"#f{i} = :v{i}" for i in range(len(match)))])
    return list(
        local_client(stack.dynamodb.endpoint).scan(
            TableName=stack.config.table_name,
            FilterExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConsistentRead=True,
        )["Items"]
    )


def test_a_khmer_reader_says_a_guide_did_not_help_and_its_counter_goes_up(page: Page, stack: LocalStack) -> None:
    before = guide_helpfulness(stack, KHMER_GUIDE, "km")
    comment = "ខ្ញុំមិនទាន់យល់ថា ត្រូវយកលិខិតឆ្លងដែនមកវិញដោយរបៀបណាទេ។"
    page.goto(f"{stack.url}{KHMER_GUIDE}")
    widget = page.locator("#px-feedback")
    expect(widget.locator("h2")).to_have_text(ui("km")["feedback.question"])
    yes, no = page.locator("#pf-yes"), page.locator("#pf-no")
    no.click()
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    assert page.locator("#pf-status").get_attribute("role") == "status"
    say_if_a_guide_helped(page, stack.url, KHMER_GUIDE, helpful=False, comment=comment)
    expect(page.locator("#pf-ask")).to_be_hidden()
    expect(page.locator("#pf-need a")).to_have_attribute("href", "../../../feedback/need/")
    assert guide_helpfulness(stack, KHMER_GUIDE, "km") == {**before, "helpful_no": before["helpful_no"] + 1}
    stored = feedback_items(stack, "page", comment=comment)
    assert len(stored) == 1 and stored[0]["page"]["S"] == KHMER_GUIDE and stored[0]["language"]["S"] == "km"
    assert not stored[0]["helpful"]["BOOL"]
    # nothing about the reader travels with it
    assert set(stored[0]) == {"PK", "SK", "type", "kind", "page", "language", "helpful", "comment"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_the_widget_moves_nothing_and_is_absent_without_javascript(browser: Browser, stack: LocalStack) -> None:
    # A window tall enough to show the whole guide and the footer below the widget.
    context = browser.new_context(viewport={"width": 1024, "height": 6000})
    context.add_init_script(TRACK_SHIFTS)
    page = context.new_page()
    page.goto(f"{stack.url}{ENGLISH_GUIDE}")
    expect(page.locator("#px-feedback")).to_have_attribute("data-ready", "")
    footer = page.locator(".md-footer").bounding_box()
    page.locator("#pf-yes").click()
    page.locator("#pf-send").click()
    expect(page.locator("#pf-status")).to_have_text(ui("en")["feedback.thanks"], timeout=API_TIMEOUT)
    assert page.evaluate("window.__shifts") == []  # none while loading, none when the thanks replace the form
    after = page.locator(".md-footer").bounding_box()
    assert footer and after and after["y"] >= footer["y"]
    context.close()

    without = browser.new_context(java_script_enabled=False)
    page = without.new_page()
    page.goto(f"{stack.url}{ENGLISH_GUIDE}")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#px-feedback")).to_be_hidden()
    assert page.locator("#px-feedback").evaluate("e => getComputedStyle(e).display") == "none"
    without.close()


def test_an_answer_given_offline_is_sent_once_back_online(browser: Browser, stack: LocalStack) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    before = guide_helpfulness(stack, ENGLISH_GUIDE, "en")
    page.goto(f"{stack.url}{ENGLISH_GUIDE}")
    expect(page.locator("#px-feedback")).to_have_attribute("data-ready", "")
    context.set_offline(True)
    page.locator("#pf-yes").click()
    page.locator("#pf-send").click()
    expect(page.locator("#pf-status")).to_have_text(ui("en")["feedback.queued"])
    kept = json.loads(page.evaluate("localStorage.getItem('passerelle.feedback.pending')"))
    # only the answer and its retry key: no time, no id of the phone or the reader
    assert [set(entry) for entry in kept] == [{"body", "key"}]
    assert kept[0]["body"] == {"kind": "page", "page": ENGLISH_GUIDE, "language": "en", "helpful": True}
    assert guide_helpfulness(stack, ENGLISH_GUIDE, "en") == before
    context.set_offline(False)
    expect(page.locator("#pf-status")).to_have_text(ui("en")["feedback.thanks"], timeout=API_TIMEOUT)
    assert page.evaluate("localStorage.getItem('passerelle.feedback.pending')") is None
    assert guide_helpfulness(stack, ENGLISH_GUIDE, "en") == {**before, "helpful_yes": before["helpful_yes"] + 1}
    context.close()


def test_an_answer_that_failed_is_tried_again_without_an_online_event(browser: Browser, stack: LocalStack) -> None:
    """The browser believes it is online but the request fails (a dropped mobile connection): the answer
    is kept and tried again a few seconds later, with no "online" event to wake it."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    before = guide_helpfulness(stack, RETRIED_GUIDE, "en")
    dropped: list[str] = []

    def drop_first(route: Route) -> None:
        if not dropped:
            dropped.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/challenge", drop_first)
    page.goto(f"{stack.url}{RETRIED_GUIDE}")
    expect(page.locator("#px-feedback")).to_have_attribute("data-ready", "")
    page.locator("#pf-no").click()
    page.locator("#pf-send").click()
    expect(page.locator("#pf-status")).to_have_text(ui("en")["feedback.queued"])
    assert len(dropped) == 1
    expect(page.locator("#pf-status")).to_have_text(ui("en")["feedback.thanks"], timeout=API_TIMEOUT)
    assert page.evaluate("localStorage.getItem('passerelle.feedback.pending')") is None
    assert guide_helpfulness(stack, RETRIED_GUIDE, "en") == {**before, "helpful_no": before["helpful_no"] + 1}
    context.close()


def book_by_api(stack: LocalStack) -> dict[str, Any]:
    """A real appointment, booked through the API as the booking page does."""
    viewer = Viewer(stack.url)
    slots = viewer.call("GET", "/api/centres/tr-konya/services/legal_advice/slots?days=14").body["slots"]
    free = [s for s in slots if s.get("seats_left", 1) > 0]
    booked = viewer.submit(
        "/api/bookings",
        {
            "centre_id": "tr-konya",
            "service_id": "legal_advice",
            "start": free[-1]["start"],
            "mode": "on_site",
            "language": "tr",
        },
    )
    assert booked.status == 201, booked.body
    return dict(booked.body)


def test_feedback_after_a_real_appointment_from_the_manage_page(page: Page, stack: LocalStack) -> None:
    booking = book_by_api(stack)
    page.goto(f"{stack.url}/book/manage/")
    page.locator("#m-reference").fill(booking["reference"])
    page.locator("#m-code").fill(booking["manage_code"])
    page.locator("#manage-form button[type=submit]").click()
    expect(page.locator("#m-booking")).to_be_visible()
    link = page.locator("#m-feedback")
    expect(link).to_have_attribute("href", f"../../feedback/service/#ref={booking['reference']}")
    link.click()
    expect(page).to_have_url(f"{stack.url}/feedback/service/")  # the fragment is read, then dropped
    expect(page.locator("#sf-reference")).to_have_value(booking["reference"])
    page.get_by_label(ui("en")["feedback.rating_4"]).check()
    page.locator("#sf-submit").click()  # "was it delivered?" not answered yet
    expect(page.locator("#err-delivered")).to_have_text(ui("en")["feedback.error_required"])
    page.locator("#f-delivered input[value=true]").check()
    page.locator("#sf-waiting").fill("15")
    page.locator("#f-helped_decide input[value=true]").check()
    page.locator("#sf-comment").fill("Clear advice about my contract.")
    page.locator("#sf-submit").click()
    expect(page.locator("#sf-done")).to_be_visible(timeout=API_TIMEOUT)
    expect(page.locator("#sf-done")).to_be_focused()
    stored = feedback_items(stack, "service", comment="Clear advice about my contract.")
    assert len(stored) == 1 and stored[0]["rating"]["N"] == "4" and stored[0]["waiting_minutes"]["N"] == "15"
    assert stored[0]["centre_id"]["S"] == "tr-konya" and stored[0]["helped_decide"]["BOOL"] is True
    assert "reference" not in stored[0]  # the answer is not tied back to the booking

    # once per appointment: a second answer is refused, next to the reference field
    page.goto("about:blank")  # a new page load, not a jump within the page
    page.goto(f"{stack.url}/feedback/service/#ref={booking['reference']}")
    page.locator("#f-delivered input[value=false]").check()
    page.locator("#f-rating input[value='2']").check()
    page.locator("#sf-submit").click()
    expect(page.locator("#err-reference")).to_have_text(ui("en")["feedback.error_already"], timeout=API_TIMEOUT)


def test_a_wrong_reference_is_said_next_to_the_field_in_the_pages_language(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.url}/fr/feedback/service/")
    expect(page.locator("#service-feedback")).to_be_visible()
    page.locator("#sf-reference").fill("ABCD-EFGH")
    page.locator("#f-delivered input[value=true]").check()
    page.locator("#f-rating input[value='5']").check()
    page.locator("#sf-submit").click()
    error = page.locator("#err-reference")
    expect(error).to_have_text(ui("fr")["feedback.error_unknown"], timeout=API_TIMEOUT)
    expect(page.locator("#sf-reference")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#sf-reference")).to_be_focused()
    assert "err-reference" in (page.locator("#sf-reference").get_attribute("aria-describedby") or "")
    expect(page.locator("#sf-done")).to_be_hidden()


def test_tell_us_what_you_need_in_arabic(browser: Browser, stack: LocalStack) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    ar = ui("ar")
    page.goto(f"{stack.url}/ar/")
    page.locator("a[href$='feedback/need/']").first.click()  # from the home page
    expect(page).to_have_url(f"{stack.url}/ar/feedback/need/")
    expect(page.locator("body")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text(ar["feedback.need_title"])
    expect(page.locator("#nf-language")).to_have_value("ar")
    page.locator("#nf-submit").click()
    expect(page.locator("#err-topic")).to_have_text(ar["feedback.error_required"])
    expect(page.locator("#err-text")).to_have_text(ar["feedback.error_required"])
    expect(page.locator("#nf-topic")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.getElementById('nf-form')).direction") == "rtl"
    text = "نحتاج إلى دروس لغة في المساء بعد العمل، قريبة من المصنع."
    page.locator("#nf-topic").select_option("language_course")
    page.locator("#nf-text").fill(text)
    page.locator("#nf-centre").select_option("tr-konya")
    page.get_by_label(ar["age.25_34"]).check()
    page.locator("#f-gender input[value=prefer_not_to_say]").check()
    page.locator("#nf-submit").click()
    expect(page.locator("#nf-done")).to_be_visible(timeout=API_TIMEOUT)
    expect(page.locator("#nf-done h2")).to_have_text(ar["feedback.need_done"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    stored = feedback_items(stack, "need", text=text)
    assert len(stored) == 1
    need = stored[0]
    assert (need["topic"]["S"], need["language"]["S"], need["centre_id"]["S"]) == ("language_course", "ar", "tr-konya")
    assert (need["age_band"]["S"], need["gender"]["S"]) == ("25_34", "prefer_not_to_say")
    month = datetime.now(UTC).strftime("%Y-%m")
    counter = local_client(stack.dynamodb.endpoint).get_item(
        TableName=stack.config.table_name,
        ConsistentRead=True,
        Key={"PK": {"S": "STATS#NEEDS"}, "SK": {"S": f"MONTH#{month}#TOPIC#language_course"}},
    )["Item"]
    assert int(counter["count"]["N"]) >= 1
    context.close()
