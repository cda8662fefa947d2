"""The staff console in Chromium against the local stack: a caseworker signs in through the
development identity provider (the real code + PKCE flow), triages, replies and refers a
complaint that the complainant then reads with their receipt; complaints written to attack the
console stay text; the Arabic console reads right to left."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect

from devstack.stack import LocalStack
from tests.conftest import ROOT
from tests.e2e.test_complaint import complaint_id_for

pytestmark = pytest.mark.e2e
PASSWORD = "passerelle-local"  # the local identity provider's sample accounts only
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "<svg onload=window.__pwned=1>",
    '"><iframe src=javascript:window.__pwned=1>',
    "<a href=javascript:window.__pwned=1>click</a>{{7*7}}${7*7}",
    "'-window.__pwned=1-'</textarea><b onmouseover=window.__pwned=1>x</b>",
)
INJECTED_TAGS = "script, img, svg, iframe, b, textarea:not([id]), a[href^=javascript]"


def origin(stack: LocalStack) -> str:
    return str(getattr(stack, "browser_url", stack.url))


def call(
    stack: LocalStack, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{stack.url}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def file_complaint(stack: LocalStack, **fields: Any) -> str:
    """A complaint through the public API, with the proof of work solved as the existing tests do."""
    from chalicelib.core import proof

    _, challenge = call(stack, "GET", "/api/challenge")
    solved = f"{challenge['challenge']}:{proof.solve(challenge['challenge'], challenge['difficulty'])}"
    body = {"category": "unpaid_wages", "country": "RU", "language": "ru", "centre_id": "tj-dushanbe", **fields}
    status, answer = call(stack, "POST", "/api/complaints", body, {"X-Proof": solved})
    assert status == 201, answer
    return str(answer["receipt"])


@pytest.fixture
def console(browser: Browser) -> Iterator[tuple[Page, dict[str, list[str]]]]:
    """A tablet-sized page that records dialogs, CSP violations and script errors."""
    context = browser.new_context(viewport={"width": 820, "height": 1180}, locale="en-GB")
    yield watched(context.new_page())
    context.close()


def watched(page: Page) -> tuple[Page, dict[str, list[str]]]:
    """The page, and what it records: dialogs (dismissed), CSP violations and script errors."""
    seen: dict[str, list[str]] = {"dialogs": [], "csp": [], "errors": []}

    def on_dialog(dialog: Dialog) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            seen["csp"].append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    return page, seen


def sign_in(page: Page, stack: LocalStack, username: str, path: str = "/staff/") -> None:
    """Through the identity provider's own sign-in page, as a person would."""
    page.goto(f"{origin(stack)}{path}")
    page.locator("#s-signin-button").click()
    page.wait_for_url("**/dev-idp/oauth2/authorize?**")
    assert "code_challenge_method=S256" in page.url and "code_challenge=" in page.url
    page.locator("#username").select_option(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.locator("#s-app")).to_be_visible(timeout=20000)
    # back on the page the person started from, with the code and state gone from the address
    assert page.url.startswith(f"{origin(stack)}{path}") and "code=" not in page.url and "state=" not in page.url
    assert page.evaluate("Object.keys(sessionStorage)") == ["px-staff-token"]
    assert page.evaluate("localStorage.length") == 0


def test_sign_in_triage_reply_refer_and_the_complainant_reads_the_reply(
    browser: Browser, stack: LocalStack, console: tuple[Page, dict[str, list[str]]]
) -> None:
    page, seen = console
    description = "The agency kept my first three months of wages and my contract."
    receipt = file_complaint(stack, description=description)
    case = complaint_id_for(stack, description)

    sign_in(page, stack, "caseworker.dushanbe")
    expect(page.locator("#s-who-name")).to_have_text("Dilnoza Karimova")
    expect(page.locator("#s-who-roles")).to_have_text("Caseworker")
    expect(page.locator("#s-who-centres")).to_contain_text("Dushanbe")
    # the queue: the new case, unassigned; filters narrow it down
    page.locator("#q-status").select_option("new")
    link = page.locator(f'#q-list a[href="#/case/{case}"]')
    expect(link).to_be_visible()
    # counted in English's plural forms (assets/staff/plural.js): never "1 cases"
    expect(page.locator("#q-count")).to_have_text(re.compile(r"^(1 case|[02-9]\d* cases|1\d+ cases)$"))
    link.click()
    expect(page.locator("#c-title")).to_contain_text(case)
    expect(page.locator("#c-text dd").first).to_have_text(description)
    expect(page.locator("#a-reply-language")).to_contain_text("Russian")

    def detail(name: str) -> Any:
        return page.locator("#c-details div").filter(has=page.locator("dt", has_text=name)).locator("dd")

    # acknowledge, assign to me, raise the priority
    page.locator("#a-status").select_option("acknowledged")
    page.locator("#a-status-form button[type=submit]").click()
    expect(detail("Status")).to_have_text("Acknowledged")
    page.locator("#a-assign").click()
    expect(detail("Assigned to")).to_have_text("Dilnoza Karimova")
    expect(page.locator("#a-assign")).to_be_hidden()
    page.locator("#a-priority").select_option("high")
    page.locator("#a-priority-form button[type=submit]").click()
    expect(detail("Priority")).to_have_text("High")
    # an internal note stays apart from the messages the complainant reads
    page.locator("#a-note").fill("Called the agency; they deny it.")
    page.locator("#a-note-form button[type=submit]").click()
    expect(page.locator("#c-notes li")).to_contain_text("Called the agency; they deny it.")
    reply = "Мы получили вашу жалобу и связались с агентством."
    page.locator("#a-reply").fill(reply)
    page.locator("#a-reply-form button[type=submit]").click()
    expect(page.locator("#c-messages .px-msg--caseworker .px-staff-text")).to_have_text(reply)
    expect(page.locator("#c-messages")).not_to_contain_text("Called the agency")
    # refer it to the centre in the country of work
    page.locator("#a-refer-centre").select_option("tr-istanbul")
    page.locator("#a-refer-note").fill("The employer is in Istanbul; please follow up there.")
    page.locator("#a-refer-form button[type=submit]").click()
    expect(detail("Status")).to_have_text("Referred")
    expect(page.locator("#c-referrals")).to_contain_text("The employer is in Istanbul")
    expect(page.locator("#s-alert")).to_be_empty()
    # the referred-to centre's caseworker now sees it (API check; the console shows what the API gives)
    status, queue = call(stack, "GET", "/api/staff/complaints", headers=stack.staff_headers("caseworker.istanbul"))
    assert status == 200 and case in [c["id"] for c in queue["complaints"]]

    # the complainant reads the reply with the receipt, and never the internal note
    public = browser.new_context(viewport={"width": 360, "height": 740})
    reader = public.new_page()
    reader.goto(f"{origin(stack)}/ru/complaint/follow-up/")
    reader.locator("#f-receipt").fill(receipt)
    reader.locator("#followup-form button[type=submit]").click()
    expect(reader.locator(".px-msg--caseworker p")).to_have_text(reply)
    expect(reader.locator("#f-complaint")).not_to_contain_text("Called the agency")
    public.close()

    # signing out clears the tab and goes through the provider's logout back to the console
    page.locator("#s-signout").click()
    page.wait_for_url(f"{origin(stack)}/staff/")
    expect(page.locator("#s-signin")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    assert seen == {"dialogs": [], "csp": [], "errors": []}


def test_injection_payloads_stay_text_in_the_queue_and_the_case(
    stack: LocalStack, console: tuple[Page, dict[str, list[str]]]
) -> None:
    page, seen = console
    cases = []
    for index, payload in enumerate(PAYLOADS):
        description = f"Case {index}: {payload} the employer took our passports."
        receipt = file_complaint(
            stack,
            description=description,
            against=payload[:200],
            when=payload[:100],
            category="passport_confiscated",
            centre_id="tr-istanbul",
            language="tr",
        )
        status, _ = call(stack, "POST", "/api/complaints/messages", {"receipt": receipt, "text": payload})
        assert status == 200
        cases.append((complaint_id_for(stack, description), description, payload))

    sign_in(page, stack, "caseworker.istanbul")
    page.locator("#q-category").select_option("passport_confiscated")
    for case, _, _ in cases:
        expect(page.locator(f'#q-list a[href="#/case/{case}"]')).to_be_visible()
    assert page.locator(f"#q-list :is({INJECTED_TAGS})").count() == 0
    for case, description, payload in cases:
        page.goto(f"{origin(stack)}/staff/#/case/{case}")
        expect(page.locator("#c-title")).to_contain_text(case)
        texts = page.locator("#c-text dd")
        expect(texts.nth(0)).to_have_text(description)
        expect(texts.nth(1)).to_have_text(payload[:200])
        expect(texts.nth(2)).to_have_text(payload[:100])
        expect(page.locator("#c-messages .px-msg--complainant .px-staff-text")).to_have_text(payload)
        assert page.locator(f"#v-case :is({INJECTED_TAGS})").count() == 0
        assert page.evaluate("window.__pwned") is None
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert seen == {"dialogs": [], "csp": [], "errors": []}


def test_a_case_changed_meanwhile_is_reloaded_and_a_refused_token_means_sign_in_again(
    stack: LocalStack, console: tuple[Page, dict[str, list[str]]]
) -> None:
    page, seen = console
    description = "Two caseworkers open this case at the same time."
    file_complaint(stack, description=description, category="contract_breach")
    case = complaint_id_for(stack, description)
    sign_in(page, stack, "manager.dushanbe", path=f"/staff/#/case/{case}")
    expect(page.locator("#c-title")).to_contain_text(case)
    # a colleague acknowledges it first
    status, _ = call(
        stack,
        "POST",
        f"/api/staff/complaints/{case}/status",
        {"status": "acknowledged", "expected": "new"},
        stack.staff_headers("caseworker.dushanbe"),
    )
    assert status == 200
    page.locator("#a-status").select_option("acknowledged")
    page.locator("#a-status-form button[type=submit]").click()
    expect(page.locator("#s-alert")).to_have_text(
        "This case was changed by someone else in the meantime. It has been reloaded; check it and try again."
    )
    expect(page.locator("#c-details")).to_contain_text("Acknowledged")
    # a token the API refuses (bad signature) sends the person back to sign in
    page.evaluate("""() => {
        const parts = sessionStorage.getItem("px-staff-token").split(".");
        parts[2] = parts[2].slice(0, -4) + (parts[2].endsWith("AAAA") ? "BBBB" : "AAAA");
        sessionStorage.setItem("px-staff-token", parts.join("."));
    }""")
    page.locator("#s-nav-agenda").click()
    expect(page.locator("#s-signin")).to_be_visible()
    expect(page.locator("#s-alert")).to_have_text("Your session has ended. Please sign in again.")
    assert page.evaluate("sessionStorage.getItem('px-staff-token')") is None
    assert seen["dialogs"] == [] and seen["csp"] == [] and seen["errors"] == []


def test_a_russian_console_says_the_apis_refusals_in_russian(browser: Browser, stack: LocalStack) -> None:
    """A caseworker whose console is in Russian types a compensation too large for the API, then
    replies to a case a manager closed meanwhile: both refusals are told in Russian, from their
    codes (content/staff/ru.yaml), the field named in Russian, and no English message shows."""
    ru = yaml.safe_load((ROOT / "content" / "staff" / "ru.yaml").read_text(encoding="utf-8"))
    description = "The agency promised to pay back the fee and never did."
    file_complaint(stack, description=description, category="recruitment_fees")
    case = complaint_id_for(stack, description)
    context = browser.new_context(viewport={"width": 820, "height": 1180}, locale="ru-RU")
    page, seen = watched(context.new_page())
    sign_in(page, stack, "caseworker.dushanbe", path=f"/ru/staff/#/case/{case}")
    expect(page.locator("#c-title")).to_contain_text(case)
    alert = page.locator("#s-alert")

    # one zero too many: the API refuses the amount (400 field_out_of_range, compensation.amount)
    page.locator("#a-outcome").select_option("resolved_in_favour")
    page.locator("#a-amount").fill("1000000000")
    page.locator("#a-currency").fill("USD")
    page.locator("#a-outcome-form button[type=submit]").click()
    amount = ru["err.field_out_of_range"].replace("{field}", ru["field.compensation.amount"])
    expect(alert).to_have_text(amount)
    assert amount.startswith("Сумма компенсации: ")

    # a manager closes the case meanwhile; the caseworker's reply is refused (409 case_closed)
    manager = stack.staff_headers("manager.dushanbe")
    for status in ("in_progress", "resolved", "closed"):
        answer = call(stack, "POST", f"/api/staff/complaints/{case}/status", {"status": status}, manager)
        assert answer[0] == 200, answer
    page.locator("#a-reply").fill("Мы связались с агентством и ждём ответа.")
    page.locator("#a-reply-form button[type=submit]").click()
    expect(alert).to_have_text(ru["err.case_closed"])
    # the case is read again: closed, nothing left to reply to
    expect(page.locator("#c-details")).to_contain_text(ru["status.closed"])
    expect(page.locator("#a-reply-form")).to_be_hidden()
    expect(alert).to_have_text(ru["err.case_closed"])

    # what the API said in English is nowhere on the page, nor a code or a field's API name
    closed = call(stack, "POST", f"/api/staff/complaints/{case}/replies", {"text": "x"}, manager)[1]["error"]
    assert closed["code"] == "case_closed" and closed["message"]
    text = page.locator("body").inner_text()
    for english in (closed["message"], "less than or equal", "The server refused", "compensation.amount"):
        assert english not in text, english
    assert not re.search(r"[A-Za-z]", alert.inner_text())
    assert seen == {"dialogs": [], "csp": [], "errors": []}
    context.close()


def test_a_focal_point_works_the_restricted_lane(stack: LocalStack, console: tuple[Page, dict[str, list[str]]]) -> None:
    page, seen = console
    description = "A staff member at the centre asked me for sex in exchange for help."
    file_complaint(stack, description=description, category="sea_by_staff", language="en")
    case = complaint_id_for(stack, description)
    sign_in(page, stack, "focal.point")
    expect(page.locator("#q-lane")).to_be_visible()
    expect(page.locator("#q-lane")).to_have_value("restricted")
    expect(page.locator(f'#q-list a[href="#/case/{case}"]')).to_be_visible()
    page.locator(f'#q-list a[href="#/case/{case}"]').click()
    expect(page.locator("#c-details")).to_contain_text("Restricted (sexual exploitation and abuse)")
    expect(page.locator("#a-audit")).to_be_visible()  # focal points read the trail of their lane
    page.locator("#a-audit").click()
    expect(page.locator("#a-audit-list li").first).to_be_visible()
    # The dashboard of their lane, and only of it: the complaint is counted, withheld (under 5)
    page.locator("#s-nav-dashboard").click()
    expect(page.locator("#d-note")).to_contain_text("Restricted lane")
    row = page.locator("#d-charts tr", has_text="Sexual exploitation or abuse by staff")
    expect(row).to_have_count(1)
    expect(row.locator(".px-staff-chart__number")).to_have_text("\u2066<5\u2069")
    expect(page.locator("#d-lane-field")).to_be_hidden()  # a focal point only: one lane
    expect(page.locator("#d-gender")).to_be_hidden()  # the needs it narrows are not theirs
    expect(page.locator("#d-charts caption", has_text="Guide helpfulness")).to_have_count(0)
    assert seen == {"dialogs": [], "csp": [], "errors": []}


def test_the_arabic_console_reads_right_to_left(stack: LocalStack, console: tuple[Page, dict[str, list[str]]]) -> None:
    page, seen = console
    sign_in(page, stack, "manager.dushanbe", path="/ar/staff/")
    assert page.evaluate("[document.documentElement.lang, document.body.dir]") == ["ar", "rtl"]
    expect(page.locator("#v-queue-title")).to_have_text("الشكاوى")
    expect(page.locator("#s-nav-dashboard")).to_be_visible()  # a manager's
    # the first section link sits on the right, the next to its left; nothing overflows a tablet's width
    first, second = page.locator("#s-nav-queue").bounding_box(), page.locator("#s-nav-agenda").bounding_box()
    assert first is not None and second is not None and first["x"] > second["x"]
    assert page.locator("#v-queue-title").evaluate("h => getComputedStyle(h).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 820
    assert seen == {"dialogs": [], "csp": [], "errors": []}


def test_the_five_console_pages_are_static_private_and_accessible(browser: Browser, stack: LocalStack) -> None:
    axe = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    context = browser.new_context(bypass_csp=True, viewport={"width": 768, "height": 1024})
    problems: dict[str, list[str]] = {}
    for lang, direction in (("en", "ltr"), ("fr", "ltr"), ("ru", "ltr"), ("vi", "ltr"), ("ar", "rtl")):
        path = "/staff/" if lang == "en" else f"/{lang}/staff/"
        page = context.new_page()
        response = page.goto(f"{origin(stack)}{path}")
        assert response is not None and response.status == 200
        html = response.text()
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert page.evaluate("[document.documentElement.lang, document.body.dir || 'ltr']") == [lang, direction]
        scripts = page.evaluate("[...document.scripts].map(s => [s.src, s.type, s.textContent.length])")
        assert all(src or kind == "application/json" for src, kind, _ in scripts), scripts
        expect(page.locator("#s-signin")).to_be_visible()
        page.add_script_tag(content=axe)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]]
        if found:
            problems[path] = found
        page.close()
    context.close()
    assert problems == {}
    sitemap = urllib.request.urlopen(f"{stack.url}/sitemap.xml", timeout=30).read().decode()
    assert "/staff/" not in sitemap and "/complaint/" in sitemap
    index = urllib.request.urlopen(f"{stack.url}/search/index.json", timeout=30).read().decode()
    assert '"staff/' not in index and "/staff/" not in index


def test_a_signed_in_case_view_is_accessible(browser: Browser, stack: LocalStack) -> None:
    axe = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    description = "My recruiter charged me 900 dollars before departure."
    file_complaint(stack, description=description, category="recruitment_fees")
    case = complaint_id_for(stack, description)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 1366})
    page = context.new_page()
    sign_in(page, stack, "manager.dushanbe")
    problems: dict[str, list[str]] = {}
    views = (
        (f"#/case/{case}", "#c-details dd"),
        ("#/agenda", "#g-day"),
        ("#/queue", "#q-list li"),
        ("#/dashboard", "#d-charts table"),
    )
    for view, ready in views:
        page.goto(f"{origin(stack)}/staff/{view}")
        page.reload()  # a fresh page per view (the token stays in the tab)
        expect(page.locator(ready).first).to_be_visible()
        page.add_script_tag(content=axe)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]]
        if found:
            problems[view] = found
    assert problems == {}
    # the dashboard (this manager's centre, this year): small counts read "<5", never 0, in the
    # charts and the CSV; nothing of the restricted lane
    expect(page.locator("#d-period")).to_have_value(str(datetime.now(UTC).year))
    expect(page.locator("#d-charts")).to_contain_text("\u2066<5\u2069")
    numbers = page.locator(".px-staff-chart__number, .px-staff-stats dd").all_inner_texts()
    assert numbers and "0" not in [n.strip() for n in numbers]
    expect(page.locator("#d-charts")).not_to_contain_text("Sexual exploitation")
    with page.expect_download() as download:
        page.locator("#d-csv").click()
    csv = download.value.path().read_text(encoding="utf-8")
    assert "<5" in csv and ",0\n" not in csv and "sea_by_staff" not in csv
    assert download.value.suggested_filename == f"passerelle-dashboard-general-{datetime.now(UTC).year}.csv"
    context.close()


@pytest.mark.parametrize(
    ("error", "key"),
    [("access_denied", "signin.denied"), ("temporarily_unavailable", "signin.unavailable"), ("invalid_scope", None)],
)
def test_a_failed_sign_in_is_said_in_the_consoles_language(
    browser: Browser, stack: LocalStack, error: str, key: str | None
) -> None:
    """Back from the identity provider with ?error= (RFC 6749 4.1.2.1): a Russian console says why in
    Russian, never the provider's English description; a code it has no words for is shown as it
    is, for the administrator. The code and state leave the address bar at once."""
    ru = yaml.safe_load((ROOT / "content" / "staff" / "ru.yaml").read_text(encoding="utf-8"))
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU")
    page = context.new_page()
    try:
        described = "error_description=The+user+denied+the+request"
        page.goto(f"{origin(stack)}/ru/staff/?error={error}&{described}&state=x")
        alert = page.locator("#s-alert")
        expected = ru[key] if key else ru["signin.failed"].replace("{message}", error)
        expect(alert).to_have_text(expected)
        expect(page.locator("#s-signin")).to_be_visible()
        assert "denied" not in alert.inner_text() and "error=" not in page.url and "state=" not in page.url
    finally:
        context.close()
