"""The "Check a recruiter" page in Chromium, as a person uses it on a 360-px phone in their own
language: the search as they type (a phone's IME sends only `input` events), across scripts and
without Vietnamese tones, the verdicts, no request for a search, offline after the first visit,
its weight on first view, and axe in en, ru, ar and km. The complaint form's agency picker sends
the agency's id."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Dialog, Page, Request, expect

from devstack.bench.__main__ import BUDGET_BYTES, first_view
from devstack.stack import LocalStack
from tests.conftest import ROOT
from tests.e2e.test_complaint import complaint_id_for
from tests.e2e.test_staff import file_complaint, origin, sign_in

PAGE = "/recruiters/"


def phone(browser: Browser, locale: str) -> Any:
    return browser.new_context(viewport={"width": 360, "height": 740}, locale=locale, service_workers="allow")


def open_check(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#check")).to_be_visible()
    expect(page.locator("#r-source")).not_to_be_empty()  # the first country's list is loaded


def typed(page: Page, text: str) -> None:
    field = page.locator("#r-query")
    field.fill("")
    field.focus()
    page.keyboard.insert_text(text)


def verdicts(page: Page) -> list[str]:
    return page.locator("#r-results .px-check__verdict").all_inner_texts()


def names(page: Page) -> list[str]:
    return page.locator("#r-results h2").all_inner_texts()


def test_tajik_cyrillic_finds_latin_names_and_the_reverse_with_no_request(browser: Browser, stack: LocalStack) -> None:
    context = phone(browser, "tg-TJ")
    page = context.new_page()
    open_check(page, f"{stack.url}/tg{PAGE}")
    assert page.locator("#r-country").input_value() == "tj"  # the Tajik page opens the Tajik list
    expect(page.locator("#r-sample")).to_be_visible()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url))
    typed(page, "Памир")  # stored in Latin only (Pamir Sample Jobs), the Tajik name says Помир
    expect(page.locator("#r-results h2")).to_have_count(1)
    assert "Pamir Sample Jobs" in page.locator("#r-results .px-check__latin").inner_text()
    assert verdicts(page)[0].startswith("Иҷозатнома") and "боздошта" in verdicts(page)[0]  # suspended
    typed(page, "Hamroh")  # stored in Cyrillic only (Ҳамроҳ); the Latin name is "Companion"
    expect(page.locator("#r-results h2").first).to_contain_text("Ҳамроҳ")
    assert "эътибор дорад" in verdicts(page)[0]  # licensed until ...
    typed(page, "Рустам Намуна Групп")
    expect(page.locator("#r-results .px-check__verdict--not_listed")).to_have_text(
        "Дар рӯйхати ниҳоди танзимкунанда нест: то санҷиши марказ пул надиҳед."
    )
    links = page.locator("#r-results .px-check__links a")
    assert [a.get_attribute("href") for a in links.all()] == [
        "../guides/leaving/licensed-recruiters-and-fees/",
        "../book/",
    ]
    assert sent == []  # no search left the phone
    context.close()


def test_vietnamese_without_tones_and_an_unknown_name(browser: Browser, stack: LocalStack) -> None:
    context = phone(browser, "vi-VN")
    page = context.new_page()
    open_check(page, f"{stack.url}/vi{PAGE}")
    typed(page, "thanh dat")
    expect(page.locator("#r-results h2")).to_have_count(2)
    assert names(page) == ["Công ty Cổ phần Mẫu Thành Đạt", "Công ty Cổ phần Mẫu Thanh Đạt"]
    assert verdicts(page)[0].startswith("Có giấy phép đến")
    assert "thu hồi" in verdicts(page)[1]  # the other Thanh Dat was revoked
    # The complaint figures come only when asked for, and only as a manager published them.
    page.locator("#r-results .px-check__figures").first.locator("xpath=..").get_by_role("button").first.click()
    figures = page.locator("#r-results .px-check__figures").first
    expect(figures).to_contain_text("Ít hơn 5 khiếu nại có cơ sở trong mỗi loại.")
    expect(figures).to_contain_text("không phải phán quyết của tòa án")
    typed(page, "Công ty Mẫu Bình Minh")
    expect(page.locator("#r-results .px-check__verdict--not_listed")).to_be_visible()
    context.close()


def test_the_check_works_offline_after_the_first_visit(browser: Browser, stack: LocalStack) -> None:
    context = phone(browser, "en-GB")
    page = context.new_page()
    open_check(page, f"{stack.url}{PAGE}")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the service worker, which keeps what the page fetches
    open_check(page, f"{stack.url}{PAGE}")
    for code in ("tj", "vn"):  # the lists this person looked at are kept
        page.select_option("#r-country", code)
        expect(page.locator("#r-status")).to_be_empty()
    context.set_offline(True)
    page.reload()
    open_check(page, f"{stack.url}{PAGE}")
    page.select_option("#r-country", "tj")
    typed(page, "Namuna Sharq")
    expect(page.locator("#r-results h2")).to_have_count(1)
    page.select_option("#r-country", "vn")
    typed(page, "hai long")
    expect(page.locator("#r-results h2")).to_have_count(2)
    context.close()


def test_first_view_with_one_list_weighs_at_most_60_kb(browser: Browser, stack: LocalStack) -> None:
    for path in (PAGE, f"/tg{PAGE}"):
        view = first_view(browser, stack.url, path)
        assert view["third_party"] == 0
        assert view["bytes"] <= BUDGET_BYTES, (path, view)


def test_axe_finds_no_violations_on_the_check_page(browser: Browser, stack: LocalStack) -> None:
    axe = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    problems: dict[str, list[str]] = {}
    for lang in ("en", "ru", "ar", "km"):
        prefix = "" if lang == "en" else f"/{lang}"
        page = context.new_page()
        open_check(page, f"{stack.url}{prefix}{PAGE}")
        typed(page, "Sample")  # results on the page, so that they are checked too
        expect(page.locator("#r-results li").first).to_be_visible()
        page.add_script_tag(content=axe)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in result["violations"]]
        if found:
            problems[lang] = found
        page.close()
    context.close()
    assert problems == {}


def test_a_complaint_names_the_agency_picked_from_the_list(page: Page, stack: LocalStack) -> None:
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/api/complaints") else None)
    page.goto(f"{stack.url}/complaint/")
    page.select_option("#c-category", "recruitment_fees")
    page.select_option("#c-country", "TJ")
    page.select_option("#c-agency-country", "tj")
    page.locator("#c-agency-query").focus()
    page.keyboard.insert_text("Намуна Шарк")
    page.locator("#c-agency-results button").first.click()
    expect(page.locator("#c-agency-picked")).to_contain_text("Namuna-Sharq")
    page.locator("#c-description").fill("The agency took 2000 dollars and never sent me abroad.")
    page.locator("#c-submit").click()
    expect(page.locator("#c-receipt")).not_to_be_empty(timeout=60_000)
    posted = sent[-1].post_data_json if sent else None
    assert posted is not None and posted["agency_id"] == "tj-117" and "against" not in posted


def test_a_manager_confirms_the_agency_upholds_the_case_and_publishes(browser: Browser, stack: LocalStack) -> None:
    description = "Namuna-Sharq took 1500 dollars for a visa and never sent me to Russia."
    file_complaint(stack, category="recruitment_fees", description=description, agency_id="tj-117")
    case = complaint_id_for(stack, description)
    context = browser.new_context(viewport={"width": 820, "height": 1180}, locale="en-GB")
    page = context.new_page()
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    sign_in(page, stack, "manager.dushanbe")
    page.goto(f"{origin(stack)}/staff/#/case/{case}")
    expect(page.locator("#c-agency")).to_have_text(
        "Picked by the complainant, not confirmed: Namuna-Sharq Sample Recruitment LLC · ҶДММ «Намуна-Шарқ» · tj-117"
    )
    expect(page.locator("#a-agency-save")).to_have_text("Confirm this agency")
    page.locator("#a-agency-save").click()
    expect(page.locator("#c-agency")).to_contain_text("Confirmed by staff: Namuna-Sharq")
    expect(page.locator("#c-agency-counted")).to_be_hidden()
    page.locator("#a-outcome").select_option("resolved_in_favour")
    page.locator("#a-outcome-form button[type=submit]").click()
    expect(page.locator("#c-agency-counted")).to_be_visible()
    page.goto(f"{origin(stack)}/staff/#/dashboard")
    expect(page.locator("#d-recruiters")).to_be_visible()
    expect(page.locator("#d-recruiters-ready")).to_contain_text("Publishing now would publish")
    page.locator("#d-publish").click()
    expect(page.locator("#d-recruiters-published")).to_contain_text("Published on")
    expect(page.locator("#d-publications li").first).to_contain_text("manager.dushanbe")
    assert dialogs == ["Publish the figures now? Anyone can then read them on the portal and in its open data."]
    context.close()
