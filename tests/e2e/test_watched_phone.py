"""A watched phone. A worker files a complaint on a 360-pixel phone (after booking, and after
answering a guide offline with a comment); someone comes near and they press "Exit this page", or
Esc. What the phone holds afterwards is read from a fresh page of the site, as whoever takes the
phone would: the tab's history, the Cache Storage, localStorage, sessionStorage and IndexedDB.
Also: the exit leaves with no network, by keyboard, named for screen readers, in Tajik; booking
sends a proof of work solved while the person chooses; a 429 says in the page's language what
to do and when (seat_limit: call the centre, with its number); and no field that could name
someone lets the browser remember what was typed (autocomplete="off", over every built page).

The exit's destination (extra.quick_exit_url) is another site: every request that would leave
the machine is answered here (or refused, to play a dead network), and the tests check it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import html
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect
from playwright.sync_api import Error as PlaywrightError

from devstack.content import load_catalogue
from devstack.stack import LocalStack
from tests.conftest import ROOT
from tests.e2e.test_feedback import ui

pytestmark = pytest.mark.e2e
GUIDE = "/guides/leaving/documents-and-copies/"  # its answer is never sent: no counter of it moves
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
# What a page of the site counts as its own business: these folders in any language, and the scripts
# only they use (as site/overrides/sw.js and assets/exit.js say it).
PRIVATE = re.compile(r"^/(?:[a-z]{2}/)?(?:complaint|book|feedback)/|^/assets/(?:booking|complaint|exit|proof)\.js$")
NEUTRAL_PAGE = "<!doctype html><title>Search</title><p>An ordinary page."
# Everything the site keeps on this origin, read as anyone holding the phone could.
KEPT = """async () => {
  const copies = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      copies.push([new URL(request.url).pathname, await (await cache.match(request)).text()]);
    }
  }
  return {
    copies,
    local: Object.entries(localStorage),
    session: Object.entries(sessionStorage),
    databases: (await indexedDB.databases()).map(d => d.name),
  };
}"""
# What else might be kept on this origin (by the theme, by a later script): a database and a
# tab-scoped entry holding what the person typed. The exit must take those too.
KEEP_ELSEWHERE = """text => new Promise((resolve, reject) => {
  sessionStorage.setItem("kept", text);
  const open = indexedDB.open("kept");
  open.onupgradeneeded = () => open.result.createObjectStore("kept");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction("kept", "readwrite");
    tx.objectStore("kept").put(text, "text");
    tx.oncomplete = () => { open.result.close(); resolve(); };
  };
})"""


def exit_destination() -> str:
    page = (ROOT / "build" / "site" / "complaint" / "index.html").read_text(encoding="utf-8")
    href = html.fromstring(page).get_element_by_id("px-exit").get("href")
    assert href and href.startswith("https://")
    return str(href)


class Elsewhere:
    """Every request for another site: the exit's destination gets an ordinary page (or, with a dead
    network, the error a phone gets); anything else is refused and noted (it would be a bug)."""

    def __init__(self, stack: LocalStack, destination: str) -> None:
        self.origin, self.destination = stack.url, destination
        self.network = True
        self.strays: list[str] = []

    def __call__(self, route: Route, request: Request) -> None:
        if request.url != self.destination:
            self.strays.append(request.url)
            route.abort()
        elif self.network:
            route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)
        else:
            route.abort("internetdisconnected")


class Coming:
    """Requests held back until `arrive()`, as a slow network holds them (whichever comes first:
    the request to the route, or the test's word)."""

    def __init__(self) -> None:
        self.arrived = False
        self.held: list[Route] = []

    def __call__(self, route: Route) -> None:
        if self.arrived:
            route.continue_()
        else:
            self.held.append(route)

    def arrive(self) -> None:
        self.arrived = True
        for route in self.held:
            route.continue_()


@pytest.fixture
def elsewhere(stack: LocalStack) -> Elsewhere:
    return Elsewhere(stack, exit_destination())


@pytest.fixture
def phone(browser: Browser, stack: LocalStack, elsewhere: Elsewhere) -> Iterator[BrowserContext]:
    context = browser.new_context(**PHONE)  # type: ignore[arg-type]
    context.route(lambda url: not url.startswith(stack.url), elsewhere)
    yield context
    context.close()
    assert elsewhere.strays == []


def history(context: BrowserContext, page: Page) -> list[str]:
    """The tab's back/forward list, as the browser holds it (asked again while the tab is between
    two sites: the browser then has no page to answer for)."""
    for _ in range(40):
        try:
            session = context.new_cdp_session(page)
            entries = session.send("Page.getNavigationHistory")["entries"]
            session.detach()
            return [str(entry["url"]) for entry in entries]
        except PlaywrightError:
            page.wait_for_timeout(250)
    raise AssertionError("the tab's history could not be read")


def kept(page: Page) -> dict[str, Any]:
    return dict(page.evaluate(KEPT))


def controlled_by_the_service_worker(page: Page) -> None:
    """The first page registers the worker; it takes the page over once active (clients.claim)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def answer_a_guide_offline(context: BrowserContext, stack: LocalStack, comment: str) -> None:
    """In another tab: "not helpful", with a comment, given offline: kept on the phone until sent."""
    tab = context.new_page()
    tab.goto(f"{stack.url}{GUIDE}")
    expect(tab.locator("#px-feedback")).to_have_attribute("data-ready", "")
    context.set_offline(True)
    tab.locator("#pf-no").click()
    tab.locator("#pf-comment").click()
    tab.keyboard.insert_text(comment)
    tab.locator("#pf-send").click()
    expect(tab.locator("#pf-status")).to_have_text(ui("en")["feedback.queued"])
    tab.close()  # before the network is back: the answer stays pending
    context.set_offline(False)


def file_a_complaint(page: Page, description: str, against: str, phone_number: str) -> str:
    page.locator("#c-category").select_option("unpaid_wages")
    page.locator("#c-country").select_option("MY")
    for field, text in (("#c-against", against), ("#c-description", description), ("#c-phone", phone_number)):
        page.locator(field).click()
        page.keyboard.insert_text(text)  # a phone keyboard: input events only
    page.locator("#c-consent").check()
    page.locator("#c-submit").click()
    receipt = page.locator("#c-receipt")
    expect(receipt).to_be_visible(timeout=30_000)
    return receipt.inner_text()


@pytest.mark.parametrize("how", ["button", "escape"])
def test_quick_exit_after_a_complaint_leaves_nothing_on_the_phone(
    phone: BrowserContext, stack: LocalStack, elsewhere: Elsewhere, how: str
) -> None:
    # Given: a worker who answered a guide offline, then opened the portal, the booking page and,
    # from it, the complaint form (one tab, by its links)
    comment = f"My recruiter keeps my passport ({how})"
    description = f"The agency Golden Bridge took 900 dollars and my passport; no wages since March ({how})."
    against, phone_number = "Golden Bridge Recruitment, Mr Tan", "+60123456789"
    answer_a_guide_offline(phone, stack, comment)
    page = phone.new_page()
    page.goto(f"{stack.url}/")
    controlled_by_the_service_worker(page)
    page.locator("article a[href='book/']").first.click()
    expect(page).to_have_url(f"{stack.url}/book/")
    page.locator("article a[href='../complaint/']").first.click()
    expect(page).to_have_url(f"{stack.url}/complaint/")
    # moving between these pages replaced the history entry: the booking page is not in it
    assert [url for url in history(phone, page) if url.startswith(stack.url)] == [
        f"{stack.url}/",
        f"{stack.url}/complaint/",
    ]

    receipt = file_a_complaint(page, description, against, phone_number)
    before = kept(page)
    paths = [path for path, _ in before["copies"]]
    assert "/book/" in paths  # read once: saved for offline reading, until the exit
    assert not [path for path in paths if path.startswith(("/complaint/", "/api/"))]  # never saved
    assert any(comment in value for _, value in before["local"])  # the offline answer, not yet sent
    page.evaluate(KEEP_ELSEWHERE, description)
    if how == "button":  # the follow-up page (its link replaces the entry too), then the button
        page.locator("#c-saved").check()
        page.locator("#c-followup").click()
        expect(page).to_have_url(f"{stack.url}/complaint/follow-up/")
        page.locator("#f-receipt").click()
        page.keyboard.insert_text(receipt)
        page.locator("#followup-form button[type=submit]").click()
        expect(page.locator("#f-state")).to_have_text(ui("en")["cstatus.new"])
    entries = len(history(phone, page))

    # When: they leave, with the button or the Esc key
    if how == "button":
        page.locator("#px-exit").click()
    else:
        page.keyboard.press("Escape")

    # Then: the tab shows the ordinary site, whose entry replaced the complaint page's
    expect(page).to_have_url(elsewhere.destination)
    trail = history(phone, page)
    assert len(trail) == entries and trail[-1] == elsewhere.destination
    assert [url for url in trail if url.startswith(stack.url)] == [f"{stack.url}/"]
    # and a fresh page of the site finds nothing the person typed, and no page of theirs
    fresh = phone.new_page()
    fresh.goto(f"{stack.url}/")
    found = kept(fresh)
    typed = (comment, description, against, phone_number, receipt, receipt.replace(" ", ""))
    assert [path for path, _ in found["copies"] if PRIVATE.search(path)] == []
    assert [path for path, body in found["copies"] if any(text in body for text in typed)] == []
    assert found["local"] == [] and found["databases"] == []
    # the tab's own sessionStorage, seen when that tab comes back to the site
    page.goto(f"{stack.url}/")
    assert kept(page)["session"] == []


def test_on_a_slow_network_nothing_of_a_private_page_can_be_tapped_before_the_exit_listens(
    phone: BrowserContext, stack: LocalStack
) -> None:
    """The quick exit's script still on its way (a slow network, a busy server): the booking page
    shows nothing yet, so its link to the complaint form cannot be tapped before the script makes
    such links replace the history entry. (An async script came whenever its fetch ended, and a
    link tapped before it left the booking page in the tab's history, out of the exit's reach.)"""
    coming = Coming()
    page = phone.new_page()
    page.goto(f"{stack.url}/")
    controlled_by_the_service_worker(page)
    phone.route(f"{stack.url}/assets/exit.js", coming)
    page.locator("article a[href='book/']").first.click()
    expect(page).to_have_url(f"{stack.url}/book/")
    # the browser has read as far as the script's tag: nothing after it is there yet (no link, no
    # field, no button to tap, nothing shown) until the script has come and run
    page.wait_for_function("() => document.querySelector(\"script[src$='assets/exit.js']\") !== null")
    assert page.evaluate("() => [document.readyState, document.body, document.links.length]") == ["loading", None, 0]
    coming.arrive()
    page.locator("article a[href='../complaint/']").first.click()
    expect(page).to_have_url(f"{stack.url}/complaint/")
    assert [url for url in history(phone, page) if url.startswith(stack.url)] == [
        f"{stack.url}/",
        f"{stack.url}/complaint/",
    ]


def test_quick_exit_leaves_with_no_network(phone: BrowserContext, stack: LocalStack, elsewhere: Elsewhere) -> None:
    # Given: the booking page, read once, opened again from the phone's copy with no network
    page = phone.new_page()
    page.goto(f"{stack.url}/book/")
    controlled_by_the_service_worker(page)
    page.reload()
    phone.set_offline(True)
    elsewhere.network = False
    page.reload()
    expect(page.locator("#booking")).to_be_visible()
    page.locator("#b-centre").select_option("tj-dushanbe")
    # When: Esc
    page.keyboard.press("Escape")
    # Then: the tab has left (to the browser's "no connection" page for that site): the booking
    # page's entry is gone, and so is its saved copy
    for _ in range(60):
        if history(phone, page)[-1] == elsewhere.destination:
            break
        page.wait_for_timeout(250)
    assert history(phone, page)[-1] == elsewhere.destination
    assert not [url for url in history(phone, page) if url.startswith(stack.url)]
    phone.set_offline(False)
    fresh = phone.new_page()
    fresh.goto(f"{stack.url}/")
    assert [path for path, _ in kept(fresh)["copies"] if PRIVATE.search(path)] == []


def test_quick_exit_is_a_named_button_the_keyboard_reaches_in_tajik(
    phone: BrowserContext, stack: LocalStack, elsewhere: Elsewhere
) -> None:
    tajik = ui("tg")
    page = phone.new_page()
    page.goto(f"{stack.url}/tg/book/")
    button = page.get_by_role("button", name=tajik["exit.button"])
    expect(button).to_have_accessible_description(tajik["exit.hint"])
    expect(button).to_have_attribute("aria-keyshortcuts", "Escape")
    expect(page.locator("#booking .px-exit-note")).to_have_text(tajik["exit.note"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # it stays in view however far the page scrolls
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("() => window.scrollY") > 500
    box = button.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 740 and box["height"] >= 44
    # the keyboard reaches it from the top of the page, and Enter leaves
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement.blur(); }")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == "px-exit":
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(elsewhere.destination)


def test_a_complaint_or_a_lookup_refused_for_now_says_until_when_in_russian(
    browser: Browser, stack: LocalStack
) -> None:
    russian = ui("ru")
    context = browser.new_context(**PHONE, locale="ru-RU", timezone_id="Europe/Moscow")  # type: ignore[arg-type]
    page = context.new_page()
    page.clock.set_fixed_time(datetime(2026, 3, 5, 14, 0, 20, tzinfo=ZoneInfo("Europe/Moscow")))
    waits = {f"{stack.url}/api/complaints": "600", f"{stack.url}/api/complaints/lookup": "90"}

    def refused(route: Route, request: Request) -> None:
        route.fulfill(
            status=429,
            headers={"Retry-After": waits[request.url]},
            json={
                "error": {
                    "code": "too_many_requests",
                    "message": "Too many requests from this connection.",
                    "field": None,
                }
            },
        )

    for url in waits:
        page.route(url, refused)
    page.goto(f"{stack.url}/ru/complaint/")
    page.locator("#c-category").select_option("other")
    page.locator("#c-country").select_option("RU")
    page.locator("#c-description").click()
    page.keyboard.insert_text("Работодатель не платит зарплату уже два месяца.")
    page.locator("#c-submit").click()
    # ten minutes from 14:00:20, to the next whole minute
    expect(page.locator("#c-status")).to_have_text(russian["limit.wait"].replace("{time}", "14:11"), timeout=30_000)
    page.goto(f"{stack.url}/ru/complaint/follow-up/")
    page.locator("#f-receipt").click()
    page.keyboard.insert_text("1234 5678 9012 3456 78901")
    page.locator("#followup-form button[type=submit]").click()
    expect(page.locator("#f-status")).to_have_text(russian["limit.wait"].replace("{time}", "14:02"))
    context.close()


def test_booking_sends_a_proof_solved_in_advance_and_a_seat_limit_says_call_the_centre_in_tajik(
    browser: Browser, stack: LocalStack
) -> None:
    centre = load_catalogue().centre("tj-dushanbe")
    assert centre is not None and centre.contact.phone
    tajik = ui("tg")
    context = browser.new_context(**PHONE, locale="tg-TJ", timezone_id="Asia/Dushanbe")  # type: ignore[arg-type]
    page = context.new_page()
    page.clock.set_fixed_time(datetime(2026, 3, 5, 8, 0, tzinfo=ZoneInfo("Asia/Dushanbe")))
    events: list[str] = []
    challenges: list[dict[str, Any]] = []
    proofs: list[str] = []
    page.on("request", lambda r: events.append(f"{r.method} {r.url.removeprefix(stack.url).split('?')[0]}"))

    def challenge(route: Route) -> None:
        answer = route.fetch()
        challenges.append(answer.json())
        route.fulfill(response=answer)

    waits = iter(["5400", str(3 * 86400)])  # an hour and a half; three days

    def seats_held(route: Route, request: Request) -> None:
        proofs.append(request.headers.get("x-proof", ""))
        route.fulfill(
            status=429,
            headers={"Retry-After": next(waits)},
            json={
                "error": {
                    "code": "seat_limit",
                    "message": "Too many places at this centre are already held.",
                    "field": None,
                }
            },
        )

    page.route(f"{stack.url}/api/challenge", challenge)
    page.route(f"{stack.url}/api/bookings", seats_held)
    page.goto(f"{stack.url}/tg/book/?centre=tj-dushanbe&service=legal_advice")
    expect(page.locator("#b-service")).to_have_value("legal_advice")
    days = page.locator("#b-day-list .px-choice")
    expect(days.first).to_be_visible()
    days.first.click()
    page.locator("#b-time-list .px-choice:not([disabled])").first.click()
    page.locator("#b-modes input[value=on_site]").check()
    page.locator("#b-nickname").click()
    page.keyboard.insert_text("Фарҳод")
    expect(page.locator("#b-submit")).to_be_enabled()
    events.append("submit")
    page.locator("#b-submit").click()

    status = page.locator("#b-status")
    message = tajik["book.seat_limit"].replace("{phone}", centre.contact.phone)
    expect(status).to_have_text(message.replace("{time}", "09:30"))
    call = status.locator("a")
    expect(call).to_have_attribute("href", f"tel:{centre.contact.phone}")
    # the proof was asked for while the person chose, and it is a real one
    assert events.index("GET /api/challenge") < events.index("submit") < events.index("POST /api/bookings")
    solved, nonce = proofs[0].split(":")
    assert solved == challenges[0]["challenge"]
    digest = hashlib.sha256(f"{solved}:{nonce}".encode()).digest()
    assert int.from_bytes(digest, "big") >> (256 - challenges[0]["difficulty"]) == 0

    # trying again later: a new proof, and a wait of days says the day, in Tajik
    page.locator("#b-submit").click()
    expect(status).to_have_text(message.replace("{time}", "8 Мар 08:00"))
    assert len(proofs) == 2 and proofs[1] != proofs[0]
    context.close()


def test_no_field_that_could_name_someone_lets_the_browser_remember_it() -> None:
    """Every field a person can type into, on every public page of every language, has
    autocomplete="off": the browser neither offers nor keeps what was typed, and does not put it
    back when Back returns to the page. (The staff console, for signed-in staff, is not public.) The one
    exception is the numeric field for a one-time code from an SMS, `autocomplete="one-time-code"`."""
    site = ROOT / "build" / "site"
    typed = ("text", "tel", "email", "search", "number", "url", "password", "")
    pages = [path for path in site.rglob("*.html") if "staff" not in path.relative_to(site).parts]
    missing: list[str] = []
    fields = 0
    for path in pages:
        tree = html.fromstring(path.read_text(encoding="utf-8"))
        for field in tree.iter("input", "textarea"):
            if field.tag == "input" and (field.get("type") or "").lower() not in typed:
                continue
            fields += 1
            # A code just received by SMS (the booking's phone check) may be offered from the SMS
            # itself: the browser keeps nothing of it, and it works once, for minutes.
            if field.get("autocomplete") == "one-time-code" and field.get("inputmode") == "numeric":
                continue
            if field.get("autocomplete") != "off":
                missing.append(f"{path.relative_to(site)}: #{field.get('id') or field.get('name')}")
    assert len(pages) > 500 and fields > 1000
    assert missing == []
