"""What the centre pages print at build time, in the page's language from the shipped CLDR data
(issue 18, findings 4 and 8): days with their month's name, opening hours in the language's own
time format and digits, the language's comma, who runs the centre."""

from __future__ import annotations

from datetime import date, time

import pytest
from babel.dates import format_date as babel_format_date

from chalicelib.core.cldr import format_time
from chalicelib.core.i18n import SITE_LANGUAGES
from devstack.content import load_catalogue
from devstack.pages import directory
from devstack.pages.render import Strings

MORNING_AND_AFTERNOON = [["08:00", "12:00"], ["13:00", "17:00"]]


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_a_dated_change_names_its_day_and_month(lang: str) -> None:
    day = date(2026, 12, 31)
    shown = Strings(lang).date(day)
    # the month's and the weekday's names as CLDR writes them in the language (Babel's own data),
    # never the month's number: a phone with no data for the language would print "M12"
    assert babel_format_date(day, "MMMM", locale=lang) in shown, shown
    assert babel_format_date(day, "EEEE", locale=lang) in shown, shown
    assert "M12" not in shown and "2026-12" not in shown, shown


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_opening_hours_use_the_languages_time_format_and_comma(lang: str) -> None:
    t = Strings(lang)
    eight = format_time(lang, time(8, 0), "short")
    shown = t.ranges(MORNING_AND_AFTERNOON)
    assert shown.startswith(f"{eight}–")
    assert t("hours.separator") in shown
    assert t.ranges([["00:00", "24:00"]]) == t("hours.all_day")


def test_burmese_hours_are_in_burmese_digits_and_arabic_uses_its_comma() -> None:
    assert not any(c.isascii() and c.isdigit() for c in Strings("my").ranges(MORNING_AND_AFTERNOON))
    assert "، " in Strings("ar").ranges(MORNING_AND_AFTERNOON)


def test_a_centre_is_placed_with_the_languages_comma_and_run_by_someone_named_in_it() -> None:
    istanbul = load_catalogue().centre("tr-istanbul")
    assert istanbul is not None
    assert directory.place(istanbul, "ar") == "إسطنبول، تركيا"
    assert directory.place(istanbul, "en") == "Istanbul, Türkiye"
    page = directory.centre_page(load_catalogue(), istanbul, "ar", date(2026, 12, 1))
    assert "الهلال الأحمر التركي" in page and "Turkish Red Crescent" not in page
    assert "2027-01-01<" not in page  # dates are written out, the ISO date stays in the attributes
