"""Centre pages and the directory in the reader's language (issue 18, findings 4 and 8): dates, times,
counts and places from the CLDR data the site ships, whatever the phone's own locale knows; "closed
now" says when the centre opens next; and the small things a reader saw are gone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from babel.dates import format_date
from playwright.sync_api import Browser, Page, expect

from chalicelib.core.cldr import day_name, format_time, plural_form
from devstack.content import load_catalogue
from devstack.stack import LocalStack
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
DUSHANBE = ZoneInfo("Asia/Dushanbe")


def ui(lang: str) -> dict[str, object]:
    strings: dict[str, object] = yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8"))
    return strings


def phone(browser: Browser, locale: str, width: int = 360) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 740}, locale=locale, has_touch=True, is_mobile=True
    )
    return context.new_page()


@pytest.mark.parametrize(("lang", "locale"), [("tg", "tg-TJ"), ("km", "km-KH"), ("my", "my-MM")])
def test_a_centres_closures_have_real_month_names_on_a_phone_without_cldr_data(
    browser: Browser, stack: LocalStack, lang: str, locale: str
) -> None:
    page = phone(browser, locale)
    page.clock.set_fixed_time(datetime(2026, 12, 20, 6, 0, tzinfo=UTC))
    page.goto(f"{stack.url}/{lang}/centres/tj-dushanbe/")
    closures = page.locator(".px-dated li[data-date]:visible time")
    assert closures.count() >= 1
    centre = load_catalogue().centre("tj-dushanbe")
    assert centre is not None
    for node in closures.all():
        shown = node.inner_text()
        day = datetime.fromisoformat(str(node.get_attribute("datetime"))).date()
        # the month's name in the page's language, never "M12" nor an ISO date
        assert format_date(day, "MMMM", locale=lang) in shown, shown
        assert not re.search(r"\bM\d{1,2}\b|\d{4}-\d{2}-\d{2}", shown), shown
    page.context.close()


def test_closed_now_says_when_the_centre_opens_next_in_its_own_time_zone(browser: Browser, stack: LocalStack) -> None:
    # Sunday 6 December 2026, 15:00 in Dushanbe: closed; it opens on Monday at 08:00
    for lang, locale in (("en", "en-GB"), ("ru", "ru-RU"), ("ar", "ar-TR"), ("my", "my-MM")):
        page = phone(browser, locale)
        page.clock.set_fixed_time(datetime(2026, 12, 6, 15, 0, tzinfo=DUSHANBE))
        page.goto(f"{stack.url}/{'' if lang == 'en' else lang + '/'}centres/tj-dushanbe/")
        expected = str(ui(lang)["open.opens_on"]).format(
            day=day_name(lang, 1, context="format"), time=format_time(lang, datetime(2026, 12, 7, 8, 0).time(), "short")
        )
        expect(page.locator(".px-open")).to_have_text(expected)
        page.context.close()
    # Monday 7 December, 12:30, the lunch break: it opens again today at 13:00
    page = phone(browser, "en-GB")
    page.clock.set_fixed_time(datetime(2026, 12, 7, 12, 30, tzinfo=DUSHANBE))
    page.goto(f"{stack.url}/centres/tj-dushanbe/")
    expect(page.locator(".px-open")).to_have_text("Closed now · opens at 1:00 PM")
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ru", "ar", "my"])
def test_the_directory_counts_its_centres_in_the_readers_language(
    browser: Browser, stack: LocalStack, lang: str
) -> None:
    page = phone(browser, "en-GB")
    page.goto(f"{stack.url}/{'' if lang == 'en' else lang + '/'}centres/?country=TJ")
    forms = ui(lang)["directory.count"]
    assert isinstance(forms, dict)
    expect(page.locator("#centre-status")).to_have_text(plural_form(lang, 7, forms))
    page.locator("label[for='f-country-GE']").click()
    expect(page.locator("#centre-status")).to_have_text(plural_form(lang, 1, forms))
    page.context.close()


def test_an_arabic_centre_page_reads_in_arabic_to_the_end(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser, "ar-TR")
    page.goto(f"{stack.url}/ar/centres/tr-istanbul/")
    place = page.locator(".px-centre__place")
    expect(place).to_contain_text("إسطنبول، تركيا")
    expect(place).to_contain_text("الهلال الأحمر التركي")
    expect(page.locator("article")).not_to_contain_text("Turkish Red Crescent")
    expect(page.locator(".md-copyright")).to_contain_text(str(ui("ar")["footer.open_data"]))
    expect(page.locator(".md-nav__link", has_text="API reference")).to_have_count(0)
    expect(page.locator(".md-nav__link", has_text=str(ui("ar")["developers.title"])).first).to_be_attached()
    page.context.close()


def test_the_country_list_has_only_real_countries(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser, "en-GB")
    page.goto(f"{stack.url}/complaint/")
    options = page.locator("select option").all_inner_texts()
    assert "Tajikistan" in options and "Kosovo" in options
    assert not [o for o in options if "Pseudo" in o or o in ("Unknown Region", "European Union")]
    page.context.close()


def test_the_qr_code_is_for_paper_only(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser, "en-GB")
    page.goto(f"{stack.url}/guides/abroad/passport-confiscation/")
    qr = page.locator(".px-print-qr")
    expect(qr).to_be_attached()
    expect(qr).to_be_hidden()
    page.emulate_media(media="print")
    expect(qr).to_be_visible()
    page.context.close()


ARROW_AND_TEXT = """s => {
  const box = s.getBoundingClientRect(), after = getComputedStyle(s, "::after"), width = parseFloat(after.width);
  const arrow = getComputedStyle(s).direction === "rtl"
    ? [box.left + parseFloat(after.left), box.left + parseFloat(after.left) + width]
    : [box.right - parseFloat(after.right) - width, box.right - parseFloat(after.right)];
  const range = document.createRange();
  range.selectNodeContents(s);
  return { arrow, text: [...range.getClientRects()].map((r) => [r.left, r.right]) };
}"""


@pytest.mark.parametrize(("lang", "width"), [("ar", 412), ("tg", 412), ("tg", 768), ("ar", 320)])
def test_long_filter_labels_do_not_run_into_their_arrows(
    browser: Browser, stack: LocalStack, lang: str, width: int
) -> None:
    page = phone(browser, "en-GB", width=width)
    page.goto(f"{stack.url}/{lang}/centres/")
    summaries = page.locator(".px-filter summary").all()
    assert len(summaries) == 4
    for summary in summaries:
        found = summary.evaluate(ARROW_AND_TEXT)
        (start, end), lines = found["arrow"], found["text"]
        assert lines and all(right <= start + 0.5 or left >= end - 0.5 for left, right in lines), found
    page.context.close()


def test_phone_numbers_do_not_break_across_lines(browser: Browser, stack: LocalStack) -> None:
    page = phone(browser, "en-GB", width=320)
    page.goto(f"{stack.url}/guides/destinations/malaysia/")
    for link in page.locator("a[href^='tel:']").all()[:10]:
        assert link.evaluate("a => getComputedStyle(a).whiteSpace") == "nowrap"
        box = link.evaluate("a => a.getClientRects().length")
        assert box == 1, link.inner_text()
    page.context.close()
