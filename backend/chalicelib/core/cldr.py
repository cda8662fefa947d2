"""Dates, times, numbers, lists and plurals in the site languages, from the CLDR data the build
compiles (devstack/cldr.py writes chalicelib/data/cldr/<lang>.json, a few KB a language).

Babel is not in the Lambda: its locale data alone are 32 MB of the 40 MB bundle budget. These are
the same data and the same rules as the site's `assets/i18n/format.js`, and the tests hold both to
Babel's own output for every language. What differs from Babel, on purpose:

- digits follow the language's CLDR default numbering system (Burmese digits for `my`; Latin
  digits elsewhere, Arabic included: CLDR 47 defaults `ar` to `latn`); `numbering="latn"` asks
  for Latin digits anyway. Babel always writes Latin digits.
- a negative number takes the language's minus sign (Arabic's carries a left-to-right mark).
- Ho Chi Minh City and Yangon are named by their metazone ("Indochina Time"), where Babel falls
  back to "GMT+07:00" (devstack/cldr.py says why).
- time zones other than the centres' and Moscow are written as their GMT offset.

    format_date("ru", date(2026, 12, 5), "long")                    -> "5 декабря 2026 г."
    format_time("en", starts_at, "short", tz="Asia/Dushanbe")        -> "9:30 AM"
    plural_form("ru", 3, {"one": "{n} место", "few": "{n} места", "other": "{n} мест"}) -> "3 места"
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from chalicelib.core.i18n import resolve_language

CLDR_DIR = Path(__file__).resolve().parent.parent / "data" / "cldr"

Style = Literal["short", "medium", "long", "full"]
Width = Literal["abbreviated", "wide"]
Context = Literal["format", "stand-alone"]
ListStyle = Literal["standard", "or"]
Number = int | float | Decimal | str

# '' is a quote; 'text' is literal text; a run of one letter is a field; anything else is literal.
_TOKEN = re.compile(r"''|'((?:[^']|'')*)'|([A-Za-z])\2*|[^'A-Za-z]+")
_PLACEHOLDER = re.compile(r"\{([01])\}")


@cache
def _load(lang: str) -> dict[str, Any]:
    path = CLDR_DIR / f"{lang}.json"
    try:
        data: dict[str, Any] = json.loads(path.read_bytes())
    except FileNotFoundError as exc:  # a packaging mistake, not a client error
        raise RuntimeError(f"{path} is missing: run `make content`") from exc
    return data


def locale_data(lang: str | None) -> dict[str, Any]:
    """The compiled CLDR data of a site language (`fr-CA` reads `fr`; an unknown one, English)."""
    return _load(resolve_language(lang))


def _fill(pattern: str, first: str, second: str) -> str:
    """A CLDR "{0} … {1}" pattern filled in one pass (an item holding "{1}" stays as it is)."""
    return _PLACEHOLDER.sub(lambda m: first if m.group(1) == "0" else second, pattern)


# ---- dates and times ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Moment:
    """The wall-clock fields a pattern prints; zone facts only where the value carries them."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 is Monday
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    offset: timedelta | None = None
    dst: bool = False
    zone: str | None = None


def _zone(tz: str | tzinfo | None) -> tzinfo | None:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _zone_id(tz: tzinfo | None) -> str | None:
    if isinstance(tz, ZoneInfo):
        return tz.key
    if tz is UTC:
        return "UTC"
    return None


def _moment(value: date | time, tz: str | tzinfo | None) -> _Moment:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a naive datetime is ambiguous: give it a tzinfo (UTC if that is what it is)")
        zone = _zone(tz)
        local = value.astimezone(zone) if zone is not None else value
        return _Moment(
            local.year,
            local.month,
            local.day,
            local.weekday(),
            local.hour,
            local.minute,
            local.second,
            local.utcoffset(),
            bool(local.dst()),
            _zone_id(local.tzinfo),
        )
    if isinstance(value, date):
        return _Moment(value.year, value.month, value.day, value.weekday())
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError("give a time of day without tzinfo, or a datetime")
        return _Moment(hour=value.hour, minute=value.minute, second=value.second)
    raise TypeError(f"cannot format {type(value).__name__} as a date or time")


def _digits(data: Mapping[str, Any], numbering: str | None) -> str:
    number = data["number"]
    if numbering in (None, number["system"]):
        return str(number["digits"])
    if numbering == "latn":
        return "0123456789"
    raise ValueError(f"numbering system {numbering!r}: only 'latn' or {number['system']!r} for {data['lang']!r}")


def _name(data: Mapping[str, Any], kind: str, context: str, width: str, index: int) -> str:
    tables = data[kind]
    names = tables.get(context, {}).get(width) or tables["format"][width]
    return str(names[index])


def _need(value: int | None, letter: str) -> int:
    if value is None:
        raise ValueError(f"the pattern field {letter!r} needs a value this one does not have")
    return value


def _gmt(data: Mapping[str, Any], offset: timedelta, long: bool) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    if long:
        return str(data["gmt"]).replace("{0}", f"{sign}{hours:02d}:{minutes:02d}")
    return f"{sign}{hours:02d}{minutes:02d}"


def _field(data: Mapping[str, Any], letter: str, count: int, m: _Moment) -> tuple[str, bool]:
    """(text, numeric): numeric text is written in the language's digits afterwards."""
    if letter in "yMLdEcG":
        return _date_field(data, letter, count, m)
    return _time_field(data, letter, count, m)


def _date_field(data: Mapping[str, Any], letter: str, count: int, m: _Moment) -> tuple[str, bool]:
    if letter == "y":
        year = _need(m.year, letter)
        return (f"{year % 100:02d}" if count == 2 else f"{year:0{count}d}"), True
    if letter in "ML":
        month = _need(m.month, letter)
        if count <= 2:
            return f"{month:0{count}d}", True
        context = "format" if letter == "M" else "stand-alone"
        return _name(data, "months", context, "abbreviated" if count == 3 else "wide", month - 1), False
    if letter == "d":
        return f"{_need(m.day, letter):0{count}d}", True
    if letter in "Ec":
        context = "format" if letter == "E" else "stand-alone"
        return _name(data, "days", context, "wide" if count == 4 else "abbreviated", _need(m.weekday, letter)), False
    if letter == "G":
        return str(data["eras"]["wide" if count == 4 else "abbreviated"][1 if _need(m.year, letter) > 0 else 0]), False
    raise ValueError(f"pattern letter {letter * count!r} is not supported")


def _time_field(data: Mapping[str, Any], letter: str, count: int, m: _Moment) -> tuple[str, bool]:
    if letter in "hHKk":
        hour = _need(m.hour, letter)
        shown = {"h": hour % 12 or 12, "H": hour, "K": hour % 12, "k": hour or 24}[letter]
        return f"{shown:0{count}d}", True
    if letter == "a":
        return str(data["dayPeriods"]["pm" if _need(m.hour, letter) >= 12 else "am"]), False
    if letter == "m":
        return f"{_need(m.minute, letter):0{count}d}", True
    if letter == "s":
        return f"{_need(m.second, letter):0{count}d}", True
    if letter == "z":
        if m.offset is None:
            raise ValueError("a time zone name needs a datetime with its zone")
        width = "long" if count == 4 else "short"
        names = data["zones"].get(m.zone or "", {}).get(width) or [None, None]
        name = names[1 if m.dst else 0]
        return (str(name), False) if name else (_gmt(data, m.offset, long=count == 4), True)
    raise ValueError(f"pattern letter {letter * count!r} is not supported")


def format_pattern(
    lang: str | None, pattern: str, value: date | time, *, tz: str | tzinfo | None = None, numbering: str | None = None
) -> str:
    """`value` written with a CLDR date/time pattern ("d MMMM y", "HH:mm"...) in `lang`."""
    data = locale_data(lang)
    native = _digits(data, numbering)
    table = str.maketrans("0123456789", native)
    moment = _moment(value, tz)
    out: list[str] = []
    for match in _TOKEN.finditer(pattern):
        piece = match.group(0)
        if match.group(2):
            text, numeric = _field(data, piece[0], len(piece), moment)
            out.append(text.translate(table) if numeric else text)
        elif match.group(1) is not None:
            out.append(match.group(1).replace("''", "'"))
        else:
            out.append("'" if piece == "''" else piece)
    return "".join(out)


def format_date(
    lang: str | None,
    value: date,
    style: Style = "medium",
    *,
    skeleton: str | None = None,
    tz: str | tzinfo | None = None,
    numbering: str | None = None,
) -> str:
    """A calendar date (a datetime is first moved to `tz`, if given). `skeleton` picks a flexible
    format instead of a style: Ed, MEd, MMMd, MMMMd, MMMEd, yMMM, yMMMM, yMMMd, yMMMEd."""
    data = locale_data(lang)
    pattern = data["skeletons"][skeleton] if skeleton else data["date"][style]
    return format_pattern(lang, pattern, value, tz=tz, numbering=numbering)


def format_time(
    lang: str | None,
    value: datetime | time,
    style: Style = "medium",
    *,
    tz: str | tzinfo | None = None,
    numbering: str | None = None,
) -> str:
    """A time: of an aware datetime (in `tz` if given, else its own zone), or a time of day such as
    an opening hour (short and medium styles only: long and full name the zone)."""
    return format_pattern(lang, locale_data(lang)["time"][style], value, tz=tz, numbering=numbering)


def format_datetime(
    lang: str | None,
    value: datetime,
    style: Style = "medium",
    *,
    date_style: Style | None = None,
    time_style: Style | None = None,
    tz: str | tzinfo | None = None,
    numbering: str | None = None,
) -> str:
    """Date and time joined the language's way (the glue follows the date's style)."""
    date_style = date_style or style
    glue = str(locale_data(lang)["dateTime"][date_style]).replace("'", "")
    return _fill(
        glue,
        format_time(lang, value, time_style or style, tz=tz, numbering=numbering),
        format_date(lang, value, date_style, tz=tz, numbering=numbering),
    )


def month_name(lang: str | None, month: int, width: Width = "wide", context: Context = "stand-alone") -> str:
    """January is 1. Stand-alone for a name on its own; "format" inside a date (Russian "декабря")."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1 to 12")
    return _name(locale_data(lang), "months", context, width, month - 1)


def day_name(lang: str | None, isoweekday: int, width: Width = "wide", context: Context = "stand-alone") -> str:
    """Monday is 1, Sunday 7, as `date.isoweekday()`."""
    if not 1 <= isoweekday <= 7:
        raise ValueError(f"weekday {isoweekday} is not 1 (Monday) to 7 (Sunday)")
    return _name(locale_data(lang), "days", context, width, isoweekday - 1)


# ---- numbers and plurals --------------------------------------------------------------------


def _decimal(number: Number) -> Decimal:
    if isinstance(number, bool):
        raise TypeError("a boolean is not a number to format")
    if isinstance(number, Decimal):
        return number
    if isinstance(number, int):
        return Decimal(number)
    if isinstance(number, float | str):
        return Decimal(str(number).strip())  # a float's shortest repr, as Babel and JavaScript read it
    raise TypeError(f"cannot format {type(number).__name__} as a number")


def _group(digits: str, primary: int, secondary: int, separator: str) -> str:
    out, size = "", primary
    while len(digits) > size:
        out = separator + digits[-size:] + out
        digits, size = digits[:-size], secondary
    return digits + out


def format_number(
    lang: str | None,
    number: Number,
    *,
    min_fraction: int | None = None,
    max_fraction: int | None = None,
    grouping: bool = True,
    numbering: str | None = None,
) -> str:
    """A decimal number: the language's separators and digits, rounded half to even to
    `max_fraction` digits (the language's pattern: 0 to 3), at least `min_fraction` shown."""
    data = locale_data(lang)
    fmt = data["number"]
    symbols = fmt["symbols"]
    low = fmt["fraction"][0] if min_fraction is None else min_fraction
    high = max(low, fmt["fraction"][1] if max_fraction is None else max_fraction)
    value = _decimal(number)
    if not value.is_finite():
        raise ValueError(f"{number!r} is not a finite number")
    negative = int(value.is_signed())
    rounded = abs(value).quantize(Decimal(1).scaleb(-high), rounding=ROUND_HALF_EVEN)
    whole, _, fraction = f"{rounded:f}".partition(".")
    whole = whole.rjust(fmt["minInt"], "0")
    if grouping:
        whole = _group(whole, fmt["grouping"][0], fmt["grouping"][1], symbols["group"])
    fraction = fraction.ljust(low, "0")
    if high == 0 or (low == 0 and int(fraction or "0") == 0):
        fraction = ""
    else:
        while len(fraction) > low and fraction.endswith("0"):
            fraction = fraction[:-1]
        fraction = symbols["decimal"] + fraction
    text = (whole + fraction).translate(str.maketrans("0123456789", _digits(data, numbering)))
    return f"{fmt['prefix'][negative]}{text}{fmt['suffix'][negative]}"


def _operands(number: Number) -> dict[str, Decimal | int]:
    """CLDR's plural operands (UTS #35): n absolute value, i integer digits, v/w visible fraction
    digits with/without trailing zeros, f/t those digits as a number; e (and c) 0, as in Babel."""
    value = _decimal(number)
    if isinstance(number, float) and value == value.to_integral_value():
        value = Decimal(int(value))  # 2.0 counts as 2, as Babel reads a float
    value = abs(value)
    _, digit_tuple, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"{number!r} is not a finite number")
    # 1e-7 has seven fraction digits (Babel counts one; JavaScript and CLDR seven)
    fraction = "".join(map(str, digit_tuple)).rjust(-exponent, "0")[exponent:] if exponent < 0 else ""
    trimmed = fraction.rstrip("0")
    return {
        "n": value,
        "i": int(value),
        "v": len(fraction),
        "w": len(trimmed),
        "f": int(fraction or 0),
        "t": int(trimmed or 0),
        "e": 0,
    }


def _operand(expr: Any, ops: Mapping[str, Decimal | int]) -> Decimal | int:
    if isinstance(expr, str):
        return ops[expr]
    divisor: int = expr[2]
    return _operand(expr[1], ops) % divisor  # operands are never negative: % is CLDR's mod


def _holds(rule: Any, ops: Mapping[str, Decimal | int]) -> bool:
    kind = rule[0]
    if kind == "and":
        return _holds(rule[1], ops) and _holds(rule[2], ops)
    if kind == "or":
        return _holds(rule[1], ops) or _holds(rule[2], ops)
    if kind == "not":
        return not _holds(rule[1], ops)
    value = _operand(rule[1], ops)
    if kind == "in" and value != int(value):  # "in" holds for whole numbers only, "within" for any
        return False
    return any(low <= value <= high for low, high in rule[2])


def plural(lang: str | None, number: Number) -> str:
    """The CLDR plural category of `number` in `lang`: zero, one, two, few, many or other. A
    string keeps its visible decimals ("1.0" is "other" in English, 1 is "one")."""
    ops = _operands(number)
    for category, rule in locale_data(lang)["plural"]:
        if _holds(rule, ops):
            return str(category)
    return "other"


def plural_form(lang: str | None, number: Number, forms: Mapping[str, str], *, numbering: str | None = None) -> str:
    """The message form for `number` ({"one": "{n} seat left", "other": "{n} seats left"}), with
    `{n}` written in the language's digits. An exact form for a whole number ("=0": "No seats
    left") comes first; a missing category falls back to "other"."""
    value = _decimal(number)
    exact = f"={int(value)}" if value.is_finite() and value == int(value) else ""
    for key in (exact, plural(lang, number), "other"):
        if key in forms:
            text = forms[key]
            break
    else:
        raise KeyError("message forms need at least 'other'")
    return text.replace("{n}", format_number(lang, number, numbering=numbering))


def format_list(lang: str | None, items: Sequence[str], style: ListStyle = "standard") -> str:
    """ "a, b and c" (standard) or "a, b or c" (or) the language's way."""
    patterns = locale_data(lang)["lists"][style]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return _fill(patterns["2"], items[0], items[1])
    text = _fill(patterns["start"], items[0], items[1])
    for item in items[2:-1]:
        text = _fill(patterns["middle"], text, item)
    return _fill(patterns["end"], text, items[-1])
