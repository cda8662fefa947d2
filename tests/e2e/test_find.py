"""Finding one's way on a phone (issue 18, findings 1-3): the menu opens with its links at every phone
width, search answers as a phone keyboard types in all 14 languages, and a page translated without a
native speaker's review says so, with a way to report a problem one tap away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack.stack import LocalStack
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
PAGES = ROOT / "content" / "pages"
SITE = ROOT / "build" / "site"
GUIDE = "guides/abroad/rights-at-work/"
PASSPORT = "guides/abroad/passport-confiscation/"
# (a word of a guide, as a reader types it, and the page it must lead to first)
WORDS = {
    "en": ("passport", PASSPORT),
    "fr": ("passeport", PASSPORT),
    "ru": ("патент", "guides/destinations/russia/"),
    "tg": ("шартнома", "guides/leaving/reading-your-contract/"),
    "vi": ("hộ chiếu", PASSPORT),
    "km": ("លិខិត", PASSPORT),
    "ar": ("جواز", PASSPORT),
    "tr": ("pasaport", PASSPORT),
    "th": ("หนังสือเดินทาง", PASSPORT),
    "ms": ("pasport", PASSPORT),
    "lo": ("ໜັງສືຜ່ານແດນ", PASSPORT),
    "my": ("ပတ်စ်ပို့", PASSPORT),
    "sq": ("pasaport", PASSPORT),
    "ka": ("პასპორტ", PASSPORT),
}
LOCALES = {"en": "en-GB", "tg": "tg-TJ", "km": "km-KH", "my": "my-MM", "ar": "ar-TR", "vi": "vi-VN", "lo": "lo-LA"}


def ui(lang: str) -> dict[str, object]:
    strings: dict[str, object] = yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8"))
    return strings


def phone(browser: Browser, lang: str = "en", width: int = 360) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 740}, has_touch=True, is_mobile=True, locale=LOCALES.get(lang, lang)
    )
    return context.new_page()


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"{lang}/"


@pytest.mark.parametrize("width", [320, 360, 412])
def test_the_menu_opens_with_its_links_and_follows_one(browser: Browser, stack: LocalStack, width: int) -> None:
    page = phone(browser, width=width)
    page.goto(f"{stack.url}/{GUIDE}")
    page.locator("label.md-header__button[for=__drawer]").tap()
    drawer = page.locator(".md-sidebar--primary")
    # its guide links can be read and tapped, and the drawer, slid in, is as tall as the screen
    wages = drawer.get_by_role("link", name="Wages and deductions")
    expect(wages).to_be_visible()
    expect(wages).to_be_in_viewport(ratio=1)
    expect(drawer).to_be_in_viewport(ratio=1)
    box = drawer.bounding_box()
    assert box is not None and box["height"] >= 700
    names = [name.strip() for name in drawer.locator(".md-nav__link:visible").all_inner_texts() if name.strip()]
    assert "Your passport is yours" in names
    wages.tap()
    expect(page).to_have_url(re.compile(r"/guides/abroad/wages-and-deductions/$"))
    expect(page.locator("h1")).to_have_text("Wages and deductions")
    page.context.close()


def test_the_menu_leads_up_to_every_stage_in_arabic(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser, "ar")
    page.goto(f"{stack.url}/ar/{GUIDE}")
    page.locator("label.md-header__button[for=__drawer]").tap()
    drawer = page.locator(".md-sidebar--primary")
    # it opens on the current stage's guides; its back arrow leads one level up, to every stage
    expect(drawer.get_by_role("link", name="الأجور والخصومات")).to_be_in_viewport(ratio=1)
    level = page.evaluate("[...document.querySelectorAll('.md-sidebar--primary .md-nav__toggle:checked')].pop().id")
    drawer.locator(f"label.md-nav__title[for='{level}']").tap()
    leaving = drawer.locator(".md-nav__link", has_text=str(ui("ar")["stage.leaving"])).first
    expect(leaving).to_be_in_viewport(ratio=1)
    # and into another stage, to one of its guides
    leaving.tap()
    checklist = drawer.get_by_role("link", name=re.compile("قائمة"))
    expect(checklist.first).to_be_in_viewport(ratio=1)
    page.context.close()


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_search_finds_a_word_of_a_guide_as_a_phone_keyboard_types_it(
    browser: Browser, stack: LocalStack, lang: str
) -> None:
    word, target = WORDS[lang]
    page = phone(browser, lang)
    page.goto(f"{stack.url}/{prefix(lang)}{GUIDE}")
    page.locator("label.md-header__button[for=__search]").tap()
    field = page.locator("input.md-search__input")
    expect(field).to_be_focused()
    # typed as an IME sends it: input events only, no key events, no trailing space
    page.keyboard.insert_text(word)
    first = page.locator(".md-search-result__item a").first
    expect(first).to_have_attribute("href", re.compile(rf"/{re.escape(prefix(lang) + target)}(#.*)?$"))
    expect(page.locator(".md-search-result__meta")).not_to_be_empty()
    first.tap()
    expect(page).to_have_url(re.compile(rf"/{re.escape(prefix(lang) + target)}(#.*)?$"))
    page.context.close()


def test_search_answers_each_letter_and_says_when_nothing_is_found(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser, "ru")
    page.goto(f"{stack.url}/ru/{GUIDE}")
    page.locator("label.md-header__button[for=__search]").tap()
    results = page.locator(".md-search-result__item a")
    for letter in "пате":
        page.keyboard.insert_text(letter)
    expect(results.first).to_have_attribute("href", re.compile(r"/ru/guides/destinations/russia/"))
    page.keyboard.insert_text("нтщщщ")
    expect(results).to_have_count(0)
    expect(page.locator(".md-search-result__meta")).to_have_text(str(ui("ru")["search.none"]))
    page.context.close()


def test_search_works_offline_once_a_page_was_read(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser, "tg")
    page.goto(f"{stack.url}/tg/{GUIDE}")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()  # the service worker now controls the page and has kept the index
    page.wait_for_load_state("networkidle")
    page.context.set_offline(True)
    page.locator("label.md-header__button[for=__search]").tap()
    page.keyboard.insert_text("шартнома")
    expect(page.locator(".md-search-result__item a").first).to_have_attribute(
        "href", re.compile(r"/tg/guides/leaving/reading-your-contract/")
    )
    page.context.close()


# ---- review notes ---------------------------------------------------------------------------


def _built(lang: str, source: Path) -> Path:
    relative = source.relative_to(PAGES / lang).with_suffix("")
    folder = relative.parent if relative.name == "index" else relative
    return SITE / prefix(lang) / folder / "index.html"


def _status(source: Path) -> object:
    return yaml.safe_load(source.read_text(encoding="utf-8").split("---", 2)[1]).get("review")


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_the_review_note_shows_exactly_where_the_status_says(lang: str) -> None:
    note = str(ui(lang)["review.note"])
    for source in sorted((PAGES / lang).rglob("*.md")):
        html = _built(lang, source).read_text(encoding="utf-8")
        shown = 'class="px-review-note"' in html
        assert shown == (_status(source) == "pending"), source.relative_to(PAGES)
        assert (note in html) == shown, source.relative_to(PAGES)


@pytest.mark.parametrize("lang", ["ar", "my"])
def test_a_reader_reports_a_problem_with_a_translation_in_one_tap(
    browser: Browser, stack: LocalStack, lang: str
) -> None:
    page = phone(browser, lang)
    page.goto(f"{stack.url}/{lang}/{PASSPORT}")
    note = page.locator(".px-review-note")
    expect(note).to_have_text(re.compile(re.escape(str(ui(lang)["review.note"]))))
    expect(note).to_be_in_viewport()
    note.get_by_role("link", name=str(ui(lang)["review.report"])).tap()
    # the page's own "was this page helpful?", answered "no", its comment box ready to write in
    expect(page.locator("#pf-no")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#pf-comment")).to_be_focused()
    page.context.close()


def test_an_english_page_has_no_review_note(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser)
    page.goto(f"{stack.url}/{PASSPORT}")
    expect(page.locator("h1")).to_have_text("Your passport is yours")
    expect(page.locator(".px-review-note")).to_have_count(0)
    page.context.close()
