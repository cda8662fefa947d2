"""Test vectors for the CLDR formatters (chalicelib.core.cldr and the site's assets/i18n/format.js),
computed with Babel itself, the ground truth, for every site language.

A vector names the JavaScript call, its arguments as JSON and Babel's answer:
{"lang": "ru", "call": "formatDate", "args": ["2026-12-05"], "options": {"style": "long"},
 "expected": "5 декабря 2026 г."}. Two documented corrections are applied to Babel's text (see
chalicelib/core/cldr.py): digits in the language's default numbering system (Burmese for `my`;
Babel writes Latin digits only) and the language's minus sign (Babel writes a bare "-").
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    get_datetime_format,
    get_day_names,
    get_month_names,
)
from babel.lists import format_list
from babel.numbers import format_decimal, get_minus_sign_symbol

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack.cldr import SKELETONS, STYLES, digits

# 5 Dec 2026 is a Saturday; the others give a Sunday, a Monday and a three-digit year.
DATES = ("2026-12-05", "2027-01-03", "2026-06-15", "0999-03-09")
# With summer time (Tirane: the switch of 29 March 2026 at 01:00 UTC) and without.
ZONES = ("Europe/Istanbul", "Asia/Dushanbe", "Europe/Moscow", "Asia/Bangkok", "Europe/Tirane", "UTC")
INSTANTS = (
    "2026-12-05T13:05:09Z",  # afternoon
    "2026-07-05T04:30:00Z",  # summer
    "2026-12-04T19:00:00Z",  # midnight in Dushanbe: 12 AM, and already 5 December there
    "2026-03-29T00:59:59Z",  # the last second of winter time in Tirane
    "2026-03-29T01:00:00Z",  # the first of summer time
)
TIMES_OF_DAY = ("09:30", "00:05", "12:00", "18:45")
NUMBERS: tuple[Any, ...] = (
    0,
    1,
    2,
    5,
    21,
    1234.5,
    -1234.5678,
    1234567.891,
    0.0005,
    2.0015,
    1000000,
    1e-7,
    12345678901234.5,
)
NUMBER_OPTIONS: tuple[tuple[Any, dict[str, Any]], ...] = (
    (1234.5, {"minimumFractionDigits": 2, "maximumFractionDigits": 2}),
    (1 / 3, {"maximumFractionDigits": 1}),
    (5, {"minimumFractionDigits": 1}),
    (1234.5, {"useGrouping": False}),
)
PLURALS: tuple[Any, ...] = (
    0,
    1,
    2,
    3,
    5,
    11,
    12,
    14,
    21,
    22,
    25,
    100,
    101,
    102,
    111,
    1000000,
    1.5,
    0.5,
    2.5,
    "1.0",
    "0.0",
    "1.50",
)
LISTS = (["A"], ["A", "B"], ["A", "B", "C"], ["A", "B", "C", "D"])


def native(lang: str, text: str) -> str:
    """Babel's text in the language's default digits."""
    system = Locale.parse(lang).default_numbering_system
    return text.translate(str.maketrans("0123456789", digits(system)))


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _number(lang: str, value: Any, options: dict[str, Any]) -> str:
    fmt = None
    low, high = options.get("minimumFractionDigits"), options.get("maximumFractionDigits")
    if low is not None or high is not None:
        low = low or 0
        high = max(low, 3 if high is None else high)
        fmt = "#,##0" + ("." + "0" * low + "#" * (high - low) if high else "")
    text = format_decimal(value, format=fmt, locale=lang, group_separator=options.get("useGrouping", True))
    if text.startswith("-"):
        text = get_minus_sign_symbol(lang) + text[1:]
    return native(lang, text)


def _dates(lang: str) -> list[dict[str, Any]]:
    out = []
    for day in DATES:
        value = date.fromisoformat(day)
        for style in STYLES:
            out.append(("formatDate", [day], {"style": style}, format_date(value, style, locale=lang)))
        for skeleton in SKELETONS:
            text = format_skeleton(skeleton, datetime.combine(value, time()), fuzzy=False, locale=lang)
            out.append(("formatDate", [day], {"skeleton": skeleton}, text))
    for instant in INSTANTS:
        moment = _instant(instant)
        for zone in ZONES:
            tz = ZoneInfo(zone)
            local = moment.astimezone(tz)
            for style in STYLES:
                out.append(
                    (
                        "formatDate",
                        [instant],
                        {"style": style, "timeZone": zone},
                        format_date(local.date(), style, locale=lang),
                    )
                )
                out.append(
                    (
                        "formatTime",
                        [instant],
                        {"style": style, "timeZone": zone},
                        format_time(moment, style, tzinfo=tz, locale=lang),
                    )
                )
                out.append(
                    (
                        "formatDateTime",
                        [instant],
                        {"style": style, "timeZone": zone},
                        format_datetime(moment, style, tzinfo=tz, locale=lang),
                    )
                )
            glue = str(get_datetime_format("full", locale=lang)).replace("'", "")
            mixed = glue.replace("{0}", format_time(moment, "short", tzinfo=tz, locale=lang)).replace(
                "{1}", format_date(local.date(), "full", locale=lang)
            )
            out.append(
                ("formatDateTime", [instant], {"dateStyle": "full", "timeStyle": "short", "timeZone": zone}, mixed)
            )
    for clock in TIMES_OF_DAY:
        for style in ("short", "medium"):
            out.append(
                ("formatTime", [clock], {"style": style}, format_time(time.fromisoformat(clock), style, locale=lang))
            )
    return [{"lang": lang, "call": c, "args": a, "options": o, "expected": native(lang, e)} for c, a, o, e in out]


def _others(lang: str) -> list[dict[str, Any]]:
    out: list[tuple[str, list[Any], dict[str, Any], str]] = []
    for number in NUMBERS:
        out.append(("formatNumber", [number], {}, _number(lang, number, {})))
    for number, options in NUMBER_OPTIONS:
        out.append(("formatNumber", [number], options, _number(lang, number, options)))
    rule = Locale.parse(lang).plural_form
    for number in PLURALS:
        out.append(("plural", [number], {}, rule(Decimal(number) if isinstance(number, str) else number)))
    for items in LISTS:
        for style in ("standard", "or"):
            out.append(("formatList", [items], {"type": style}, format_list(items, style, locale=lang)))
    for width in ("abbreviated", "wide"):
        for context in ("format", "stand-alone"):
            months = get_month_names(width, context, locale=lang)
            days = get_day_names(width, context, locale=lang)
            for month in range(1, 13):
                out.append(("monthName", [month], {"width": width, "context": context}, months[month]))
            for day in range(1, 8):
                out.append(("dayName", [day], {"width": width, "context": context}, days[day - 1]))
    return [{"lang": lang, "call": c, "args": a, "options": o, "expected": e} for c, a, o, e in out]


def vectors(languages: tuple[str, ...] = SITE_LANGUAGES) -> list[dict[str, Any]]:
    return [vector for lang in languages for vector in _dates(lang) + _others(lang)]
