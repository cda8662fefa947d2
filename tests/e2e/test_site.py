"""The public site as a reader uses it: languages, right to left, search, the directory, offline."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from chalicelib.centres.models import WEEKDAYS
from devstack.content import load_catalogue
from devstack.stack import LocalStack
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
GUIDE = "/guides/abroad/passport-confiscation/"


def test_language_switcher_keeps_the_reader_on_the_same_page(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.url}{GUIDE}")
    page.locator(".md-header .md-select").hover()
    page.locator(".md-select__link[hreflang='fr']").click()
    expect(page).to_have_url(f"{stack.url}/fr{GUIDE}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator(".md-header .md-select").hover()
    page.locator(".md-select__link[hreflang='ar']").click()
    expect(page).to_have_url(f"{stack.url}/ar{GUIDE}")


@pytest.mark.parametrize("path", ["/ar/", f"/ar{GUIDE}", "/ar/centres/", "/ar/centres/tj-dushanbe/", "/ar/complaint/"])
def test_arabic_is_right_to_left_everywhere(page: Page, stack: LocalStack, path: str) -> None:
    page.goto(f"{stack.url}{path}")
    expect(page.locator("body")).to_have_attribute("dir", "rtl")
    direction = page.evaluate("getComputedStyle(document.querySelector('.md-content')).direction")
    assert direction == "rtl"
    if path == "/ar/centres/":
        assert page.evaluate("getComputedStyle(document.getElementById('centre-filters')).direction") == "rtl"


def _search(page: Page, term: str) -> list[str]:
    page.locator("label.md-header__button[for='__search']").click()
    # the site's search (assets/search/) answers each input event, in this language's index only
    page.locator(".md-search__input").fill(term)
    results = page.locator(".md-search-result__item > a")
    expect(results.first).to_be_visible(timeout=10000)
    return [href for href in results.evaluate_all("els => els.map(e => e.href)")]


@pytest.mark.parametrize(("lang", "term"), [("ru", "паспорт"), ("en", "passport"), ("fr", "passeport")])
def test_search_returns_only_pages_in_the_readers_language(page: Page, stack: LocalStack, lang: str, term: str) -> None:
    prefix = "" if lang == "en" else f"/{lang}"
    page.goto(f"{stack.url}{prefix}/")
    hrefs = _search(page, term)
    assert hrefs
    others = ("fr", "ru", "tg", "vi", "km", "ar", "tr", "th", "ms", "lo", "my", "sq", "ka")
    for href in hrefs:
        path = href.removeprefix(stack.url)
        if lang == "en":
            assert not any(path.startswith(f"/{code}/") for code in others), href
        else:
            assert path.startswith(f"/{lang}/"), href


def _visible_countries(page: Page) -> set[str]:
    return set(page.locator("#centre-list .px-centre:visible").evaluate_all("els => els.map(e => e.dataset.country)"))


def test_directory_filters_work_without_javascript(browser: Browser, stack: LocalStack) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{stack.url}/centres/")
    assert len(_visible_countries(page)) > 5
    page.locator("summary", has_text="Country").click()
    page.locator("label[for='f-country-TJ']").click()
    assert _visible_countries(page) == {"TJ"}
    page.locator("summary", has_text="Service").click()
    page.locator("label[for='f-service-family_links']").click()
    visible = page.locator("#centre-list .px-centre:visible")
    assert visible.count() >= 1
    for services in visible.evaluate_all("els => els.map(e => e.dataset.services)"):
        assert "family_links" in services.split()
    context.close()


def test_directory_filters_with_javascript_keep_the_url_and_count(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.url}/centres/?service=shelter")
    expect(page.locator("#f-service-shelter")).to_be_checked()
    shelters = page.locator("#centre-list .px-centre:visible").count()
    assert 0 < shelters < 25
    expect(page.locator("#centre-status")).to_have_text(f"{shelters} centres")
    page.locator("summary", has_text="Country").click()
    page.locator("label[for='f-country-TR']").click()
    expect(page).to_have_url(re.compile(r"\?country=TR&service=shelter$|\?service=shelter&country=TR$"))
    assert _visible_countries(page) <= {"TR"}
    page.locator("label[for='f-service-all']").click()
    expect(page).to_have_url(f"{stack.url}/centres/?country=TR")


def _expected_open(centre_id: str, instant: datetime) -> bool:
    """A reference for the browser's 'open now', from the content itself."""
    centre = load_catalogue().centre(centre_id)
    assert centre is not None
    local = instant.astimezone(ZoneInfo(centre.timezone))
    hhmm, day = local.strftime("%H:%M"), local.date()
    dated = {x.date: ([] if x.closed else list(x.hours or [])) for x in centre.exceptions}
    dated.update({v.date: list(v.hours) for v in centre.visits})
    ranges = dated[day] if day in dated else centre.opening_hours.get(WEEKDAYS[local.weekday()], [])
    return any(start <= hhmm < end for start, end in ranges)


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 11, 30, 4, 0, tzinfo=UTC),  # Monday morning in Central Asia
        datetime(2026, 11, 30, 7, 30, tzinfo=UTC),  # lunch breaks in Dushanbe
        datetime(2026, 12, 6, 10, 0, tzinfo=UTC),  # a Sunday
        datetime(2027, 1, 1, 6, 0, tzinfo=UTC),  # a public holiday in many places
        datetime(2026, 12, 3, 8, 0, tzinfo=UTC),  # the mobile centre's visit day
    ],
)
def test_open_now_is_computed_in_each_centres_time_zone(page: Page, stack: LocalStack, instant: datetime) -> None:
    page.clock.set_fixed_time(instant)
    page.goto(f"{stack.url}/centres/")
    badges = page.locator("#centre-list .px-centre").evaluate_all(
        "els => els.map(e => [e.dataset.id, e.querySelector('.px-open').className])"
    )
    assert len(badges) >= 20
    mismatches = [(cid, cls) for cid, cls in badges if ("px-open--yes" in cls) != _expected_open(cid, instant)]
    assert mismatches == []
    assert any("px-open--yes" in cls for _, cls in badges) or instant.weekday() == 6


def test_nearest_centre_uses_the_position_on_the_device_only(browser: Browser, stack: LocalStack) -> None:
    context = browser.new_context(geolocation={"latitude": 13.75, "longitude": 100.52}, permissions=["geolocation"])
    page = context.new_page()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.url} {r.post_data or ''}"))
    page.goto(f"{stack.url}/centres/")
    page.locator("#nearest").click()
    expect(page.locator("#centre-list")).to_have_attribute("data-sorted", "distance")
    first = page.locator("#centre-list .px-centre").first
    expect(first).to_have_attribute("data-id", "th-bangkok")
    expect(first.locator(".px-distance")).to_have_text(re.compile(r"^\d+(\.\d)? km away$"))
    assert not any("13.75" in s or "100.52" in s for s in sent)
    context.close()


def test_a_stale_centre_says_so(page: Page, stack: LocalStack) -> None:
    stale = [c for c in load_catalogue().centres if (datetime.now(UTC).date() - c.last_verified).days > 183]
    assert stale, "the sample data keep a stale centre to show the warning"
    page.goto(f"{stack.url}/centres/{stale[0].id}/")
    expect(page.locator(".px-stale").first).to_be_visible()


def test_a_mobile_centre_shows_its_next_visits(page: Page, stack: LocalStack) -> None:
    page.clock.set_fixed_time(datetime(2027, 2, 1, 8, 0, tzinfo=UTC))
    page.goto(f"{stack.url}/centres/ge-mobile-tbilisi/")
    visits = page.locator(".px-visits li")
    assert visits.count() >= 1
    shown = visits.locator("visible=true").evaluate_all("els => els.map(e => e.dataset.date)")
    assert shown and all(day >= "2027-02-01" for day in shown)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        GUIDE,
        "/centres/",
        "/centres/tj-dushanbe/",
        "/ar/",
        f"/ar{GUIDE}",
        "/ar/centres/",
        "/km/",
        f"/km{GUIDE}",
        "/ru/centres/tj-khujand/",
    ],
)
def test_nothing_scrolls_sideways_at_360_pixels(browser: Browser, stack: LocalStack, path: str) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{stack.url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


def test_a_guide_read_once_can_be_read_offline(browser: Browser, stack: LocalStack) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{stack.url}{GUIDE}")
    # The site says how: a note on every page.
    expect(page.locator(".md-copyright__highlight")).to_have_text(re.compile("saved on this phone"))
    page.wait_for_function(
        "navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready.then(() => true)"
    )
    page.reload()  # now controlled by the service worker, which saves what it serves
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.goto(f"{stack.url}{GUIDE}")
    context.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text("Your passport is yours")
    context.close()


def test_a_guide_prints_on_a4_with_its_qr_code(page: Page, stack: LocalStack) -> None:
    page.goto(f"{stack.url}{GUIDE}")
    page.emulate_media(media="print")
    expect(page.locator(".md-header")).to_be_hidden()
    expect(page.locator(".px-print-qr img")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and 1 <= pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page") <= 4


def test_axe_finds_no_violations(browser: Browser, stack: LocalStack) -> None:
    axe = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    problems: dict[str, list[str]] = {}
    context = browser.new_context(bypass_csp=True)  # our CSP rightly refuses the injected axe script
    for lang in ("en", "ru", "ar", "km"):
        prefix = "" if lang == "en" else f"/{lang}"
        for path in ("/", GUIDE, "/centres/", "/centres/tj-dushanbe/", "/book/", "/complaint/"):
            page = context.new_page()
            page.goto(f"{stack.url}{prefix}{path}")
            page.add_script_tag(content=axe)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            found = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in result["violations"]]
            if found:
                problems[f"{prefix}{path}"] = found
            page.close()
    context.close()
    assert problems == {}
