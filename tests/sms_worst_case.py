"""The longest SMS each text can become, for the segment tests and for whoever edits a text.

    PYTHONPATH=backend .venv/bin/python -m tests.sms_worst_case

prints a table: per language and kind, the encoding, length (septets or UTF-16 units) and segments
of the longest SMS, whether it named the centre by its short form and which [parts] it gave up.

Worst-case values, per language: every centre of content/centres.yaml (its name, and its city for
the short form), the appointment time as Babel writes it for every day of a year in the formats
an SMS may use (medium date, abbreviated or full weekday and month, with the short time of every
hour of the day), the longest offer hour, a booking reference, and the production address: https://
and a 30-character host name.

The CLDR formatter (chalicelib.core.cldr) chooses the format the SMS uses; whichever of these it
is, the test holds. A value's cost adds to the rest of the SMS, so three candidates per value cover
every case: the most UTF-16 units, the most septets among GSM 7-bit texts (the SMS may stay GSM),
and the most units among the others (one of them makes it UCS-2).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from datetime import date, time, timedelta
from functools import cache
from typing import NamedTuple

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time

from chalicelib.centres.models import Catalogue
from chalicelib.core.codes import REFERENCE_ALPHABET, format_reference, normalise_reference
from chalicelib.core.i18n import SITE_LANGUAGES
from chalicelib.notifications.sms import is_gsm, length
from chalicelib.notifications.templates import VALUES, Kind, Message, Notifications, book_link, manage_link

DOMAIN = "passerelle-centres.example.org"  # 30 characters: the production host name's budget
SITE = f"https://{DOMAIN}"
VERIFICATION_CODE = "48213957"  # 8 digits, longer than the 6 a verification code will have
MINUTES = "15"
YEAR = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
DATE_FORMATS = ("MMMEd",)  # TIME_SKELETON


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def worst(texts: Iterable[str]) -> list[str]:
    """The candidates that make an SMS longest, whatever the rest of it (see the module's doc)."""
    texts = set(texts)
    gsm = [t for t in texts if is_gsm(t)]
    other = [t for t in texts if not is_gsm(t)]
    picks = {max(texts, key=lambda t: (_units(t), t))}
    if gsm:
        picks.add(max(gsm, key=lambda t: (length(t), t)))
    if other:
        picks.add(max(other, key=lambda t: (_units(t), t)))
    return sorted(picks)


def _date(day: date, fmt: str, locale: Locale) -> str:
    if fmt in ("short", "medium", "long", "full"):
        return format_date(day, fmt, locale=locale)
    return format_skeleton(fmt, day, locale=locale)


@cache
def hours(lang: str) -> list[str]:
    """The longest short times (the offer's `until`) over every hour of the day."""
    locale = Locale.parse(lang)
    return worst(format_time(time(h, m), "short", locale=locale) for h in range(24) for m in (0, 45))


@cache
def times(lang: str) -> list[str]:
    """The longest appointment date-and-time texts over a year."""
    locale = Locale.parse(lang)
    days = worst(_date(day, fmt, locale) for day in YEAR for fmt in DATE_FORMATS)
    joins = {str(locale.datetime_formats[length]) for length in ("short", "medium", "long", "full")}
    return worst(join.replace("{1}", d).replace("{0}", t) for join in joins for d in days for t in hours(lang))


def reference() -> str:
    """A valid booking reference as people read it (all references have the same length)."""
    body = REFERENCE_ALPHABET[-1] * 7
    full = next(body + c for c in REFERENCE_ALPHABET if normalise_reference(body + c))
    return format_reference(full)


def value_sets(kind: Kind, lang: str, catalogue: Catalogue) -> Iterator[dict[str, str]]:
    """Every combination of worst-case values for one kind of SMS in one language."""
    wanted = VALUES[kind]
    if "centre" not in wanted:
        yield {
            name: value
            for name, value in {"code": VERIFICATION_CODE, "minutes": MINUTES, "domain": DOMAIN}.items()
            if name in wanted
        }
        return
    links = {"manage_link": manage_link(SITE, lang), "book_link": book_link(SITE, lang)}
    for centre in catalogue.centres:
        for when in times(lang):
            for until in hours(lang) if "until" in wanted else [""]:
                values = {
                    "centre": centre.name.get(lang, centre.name["en"]),
                    "city": centre.city.get(lang, centre.city["en"]),
                    "time": when,
                    "until": until,
                    "reference": reference(),
                    **links,
                }
                yield {name: value for name, value in values.items() if name in wanted}


class Worst(NamedTuple):
    message: Message
    values: dict[str, str]
    two_way: bool


def _cost(message: Message) -> tuple[int, int, bool, int]:
    return message.segments, len(message.left_out), message.short_centre, length(message.text)


def worst_message(notifications: Notifications, catalogue: Catalogue, kind: Kind, lang: str) -> Worst:
    """The SMS of one kind in one language that costs most (segments), gives up most ([parts],
    then the full centre name) and is longest, over all worst-case values and both ways of
    stopping SMS."""
    found: Worst | None = None
    for values in value_sets(kind, lang, catalogue):
        for two_way in (True, False):
            message = notifications.compose(kind, lang, values, two_way=two_way)
            if found is None or _cost(message) > _cost(found.message):
                found = Worst(message, values, two_way)
    assert found is not None
    return found


def main() -> int:
    from devstack.content import load_catalogue
    from devstack.notifications import load_notifications

    notifications, catalogue = load_notifications(), load_catalogue()
    print("lang kind      encoding length segments centre left out")
    for lang in SITE_LANGUAGES:
        for kind in VALUES:
            message = worst_message(notifications, catalogue, kind, lang).message
            centre = "short" if message.short_centre else ("full" if "centre" in VALUES[kind] else "-")
            print(
                f"{lang:4} {kind:9} {message.encoding:8} {length(message.text):6} {message.segments:8} "
                f"{centre:6} {', '.join(message.left_out) or '-'}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
