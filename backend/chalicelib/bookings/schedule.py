"""Bookable slots from a centre's weekly plan, dated exceptions, the service's duration, a minimum
notice and a horizon. Pure functions: times are computed in the centre's own time zone."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.centres.models import WEEKDAYS, Centre, Service

Ranges = list[tuple[str, str]]


def _at(day: date, hhmm: str, zone: ZoneInfo) -> datetime:
    if hhmm == "24:00":
        return datetime.combine(day + timedelta(days=1), time(0), zone)
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), zone)


def day_ranges(centre: Centre, day: date, staff_exceptions: Mapping[date, Ranges | None]) -> Ranges:
    """Opening ranges on `day`: an exception staff set wins over the dated exceptions of content/
    and visits, which win over the weekly plan. None in `staff_exceptions` means closed all day."""
    if day in staff_exceptions:
        return list(staff_exceptions[day] or [])
    for exception in centre.exceptions:
        if exception.date == day:
            return [] if exception.closed else list(exception.hours or [])
    for visit in centre.visits:
        if visit.date == day:
            return list(visit.hours)
    return list(centre.opening_hours.get(WEEKDAYS[day.weekday()], []))


def within_opening(
    centre: Centre, start: datetime, end: datetime, staff_exceptions: Mapping[date, Ranges | None]
) -> bool:
    """Whether an appointment (its start and end in the centre's zone) lies inside one of its
    day's opening ranges: what a closure or new hours leave out fails this."""
    zone = ZoneInfo(centre.timezone)
    start, end = start.astimezone(zone), end.astimezone(zone)
    day = start.date()
    return any(
        _at(day, opens, zone) <= start and end <= _at(day, closes, zone)
        for opens, closes in day_ranges(centre, day, staff_exceptions)
    )


def slots(
    centre: Centre,
    service: Service,
    first_day: date,
    days: int,
    now: datetime,
    staff_exceptions: Mapping[date, Ranges | None],
    min_notice: timedelta,
    horizon: timedelta,
) -> Iterator[tuple[datetime, datetime]]:
    """Every bookable (start, end) from `first_day` for `days` days, in the centre's zone."""
    if not service.bookable or service.duration_minutes is None:
        return
    zone = ZoneInfo(centre.timezone)
    length = timedelta(minutes=service.duration_minutes)
    earliest, latest = now + min_notice, now + horizon
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for opens, closes in day_ranges(centre, day, staff_exceptions):
            start, end_of_range = _at(day, opens, zone), _at(day, closes, zone)
            while start + length <= end_of_range:
                if earliest <= start <= latest:
                    yield start, start + length
                start += length


def local_today(centre: Centre, now: datetime) -> date:
    return now.astimezone(ZoneInfo(centre.timezone)).date()
