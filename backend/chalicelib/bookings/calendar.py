"""A booking as an iCalendar file (RFC 5545), written by `icalendar`. Pure, no I/O.

`icalendar` escapes text values (`\\`, `;`, `,`, new lines), ends every line with CRLF and folds
lines longer than 75 octets without cutting a UTF-8 character in two: a Khmer or Burmese SUMMARY
is several times that long in bytes. Times are the centre's local times with their TZID, and the
calendar carries that zone's VTIMEZONE (its rules over the booking's own years), so a phone in
another zone still shows the appointment at the right hour.

Nothing secret goes in: the reference is there (people quote it at the desk), never the manage code.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from chalicelib.centres.models import Centre, Service
from chalicelib.core.codes import format_reference
from chalicelib.core.i18n import pick

if TYPE_CHECKING:
    from icalendar import Timezone, vText

PRODUCT = "-//Passerelle//Booking//EN"
REMINDER_BEFORE = timedelta(hours=2)
_REMOTE = {"phone": "Phone", "video": "Video"}


def _language_text(value: str, lang: str) -> vText:
    from icalendar import vText

    text = vText(value)
    text.params["LANGUAGE"] = lang
    return text


def booking_calendar(item: dict[str, Any], centre: Centre, service: Service, now: datetime) -> bytes:
    """The calendar of one booking with a time (`item` as the bookings table holds it)."""
    # Imported here: icalendar takes a tenth of a second to import, which only this route should pay
    # (the handler's cold start has a budget, devstack/bench).
    from icalendar import Alarm, Calendar, Event

    zone = ZoneInfo(centre.timezone)
    start = datetime.fromisoformat(item["starts_at"]).astimezone(zone)
    end = datetime.fromisoformat(item["ends_at"]).astimezone(zone)
    lang = item["language"]
    reference = format_reference(item["reference"])

    event = Event()
    event.add("uid", f"{item['reference']}@passerelle")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _language_text(f"{pick(service.name, lang)} - {pick(centre.name, lang)}", lang))
    event.add("location", centre.address if item["mode"] == "on_site" else _REMOTE[item["mode"]])
    event.add("description", reference)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -REMINDER_BEFORE)
    alarm.add("description", reference)
    event.add_component(alarm)

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.subcomponents.insert(0, _vtimezone(centre.timezone, start.year))
    return bytes(calendar.to_ical())


@cache
def _vtimezone(tzid: str, year: int) -> Timezone:
    """The zone's rules from the year before the booking to the year after next: enough for any
    calendar to place it, and a few hundred bytes rather than every change since 1970. Working
    them out takes tens of milliseconds, so a warm process does it once per zone and year (the
    component is only read afterwards)."""
    from icalendar import Timezone

    return Timezone.from_tzid(tzid, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
