"""A centre's day for its staff: the appointments (with the contact people chose to give), check-in,
and the dated exceptions (holidays, closures, extra sessions) that the booking rules read
(schedule.py: an exception without hours closes the day). Check-ins count people served per
centre, service and month, with rows by gender and age band.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, get_args
from zoneinfo import ZoneInfo

from chalicelib.auth.users import StaffUser
from chalicelib.bookings import notices
from chalicelib.bookings import repository as repo
from chalicelib.bookings import service as bookings_service
from chalicelib.bookings.models import (
    Agenda,
    AgendaBooking,
    AgendaStatus,
    AttendanceIn,
    ExceptionIn,
    ExceptionList,
    ExceptionSet,
    StaffException,
)
from chalicelib.bookings.schedule import day_ranges, within_opening
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.centres.models import Centre
from chalicelib.core import audit as audit_trail
from chalicelib.core import dynamo, keys
from chalicelib.core.codes import normalise_reference
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound

SHOWN = get_args(AgendaStatus)
# Statuses whose booking keeps its seat counted (cancelled and expired ones gave it back).
SEAT_HOLDERS = ("confirmed", "offered", "attended", "no_show")
SETTLE_TRIES, SETTLE_PAUSE = 5, 0.2


def now_utc() -> datetime:
    return datetime.now(UTC)


def centre_for(user: StaffUser, centre_id: str) -> Centre:
    centre = get_catalogue().centre(centre_id)
    if centre is None:
        raise NotFound("No such centre.", code="centre_not_found", field="centre")
    if not user.works_at(centre_id):
        raise Forbidden("You do not work for this centre.", code="centre_forbidden")
    return centre


def _exception(day: date, item: dict[str, Any] | None) -> StaffException | None:
    if item is None:
        return None
    hours = [(a, b) for a, b in item.get("hours") or []]
    return StaffException(date=day, closed=not hours, hours=hours, note=item.get("note"))


def _entry(item: dict[str, Any], contact: dict[str, Any] | None) -> AgendaBooking:
    service = get_catalogue().service(item["service_id"])
    return AgendaBooking(
        reference=item["reference"],
        service_id=item["service_id"],
        service_name=service.name.get("en", item["service_id"]) if service else item["service_id"],
        start=item["starts_at"],
        end=item["ends_at"],
        mode=item["mode"],
        language=item["language"],
        status=item["status"],
        nickname=(contact or {}).get("nickname"),
        phone=(contact or {}).get("phone"),
    )


def agenda(user: StaffUser, centre_id: str, day: date) -> Agenda:
    centre = centre_for(user, centre_id)
    bookings = [b for b in repo.day_bookings(centre_id, day) if b["status"] in SHOWN]
    contacts = repo.contacts([b["reference"] for b in bookings])
    stored = repo.staff_exception(centre_id, day)
    staff_exceptions = {day: [(a, b) for a, b in stored.get("hours") or []] or None} if stored else {}
    return Agenda(
        centre_id=centre_id,
        date=day,
        timezone=centre.timezone,
        opening=day_ranges(centre, day, staff_exceptions),
        exception=_exception(day, stored),
        bookings=[_entry(b, contacts.get(b["reference"])) for b in bookings],
    )


def record_attendance(user: StaffUser, reference: str, attendance: AttendanceIn, now: datetime) -> AgendaBooking:
    """Check-in: attended or no-show (correctable). People served and no-shows are counted per
    centre, service and month, with the gender and age band staff note for disaggregation."""
    canonical = normalise_reference(reference)
    item = repo.get_booking(canonical) if canonical else None
    if item is None or item.get("status") not in ("confirmed", "attended", "no_show") or not item.get("starts_at"):
        raise NotFound("No appointment has this reference.", code="appointment_not_found", field="reference")
    centre_for(user, item["centre_id"])
    if datetime.fromisoformat(item["starts_at"]) > now:
        raise BadRequest(
            "attended: the appointment has not started yet.", code="appointment_not_started", field="attended"
        )
    status = "attended" if attendance.attended else "no_show"
    month = item["starts_at"][:7]
    pk, base = keys.centre_counters(item["centre_id"]), keys.service_month(month, item["service_id"])
    items = [
        repo.update_booking(
            item["reference"],
            {
                "status": status,
                "checked_in_at": now.isoformat(),
                "checked_in_by": user.username,
                "gender": attendance.gender,
                "age_band": attendance.age_band,
            },
            "#status = :was",
            {":was": item["status"]},
        )
    ]
    was = item["status"]
    if was != status:
        change = {status: 1} | ({was: -1} if was != "confirmed" else {})
        items.append(dynamo.add_counters(pk, base, change))
        # A person counted as served is counted in the rows of what staff noted then; a correction
        # to no-show takes them out of those rows, whatever it notes now.
        if status == "attended":
            step, rows = (
                1,
                keys.by_whom(attendance.gender or item.get("gender"), attendance.age_band or item.get("age_band")),
            )
        else:
            step, rows = -1, keys.by_whom(item.get("gender"), item.get("age_band")) if was == "attended" else []
        items += [dynamo.add_counters(pk, f"{base}{suffix}", {"attended": step}) for suffix in rows]
    items.append(
        audit_trail.line(
            keys.centre_audit(item["centre_id"]), user.username, f"check-in:{status}", now, item["reference"]
        )
    )
    try:
        dynamo.transact(items)
    except dynamo.TransactionFailed:
        raise Conflict(
            "This appointment changed meanwhile. Reload the agenda.", code="appointment_changed", field="reference"
        ) from None
    return _entry(item | {"status": status}, None)


def _check_range(first: date, last: date) -> None:
    if last < first or (last - first).days > 366:
        raise BadRequest(
            "to: give a range of at most a year, ending after it starts.", code="range_invalid", field="to"
        )


def exceptions(user: StaffUser, centre_id: str, first: date, last: date) -> ExceptionList:
    centre_for(user, centre_id)
    _check_range(first, last)
    found = [_exception(day, item) for day, item in repo.staff_exceptions(centre_id, first, last)]
    return ExceptionList(exceptions=[e for e in found if e is not None])


@dataclass
class _Affected:
    """What a closure or new hours leave out: appointments outside the day's new opening, and, when
    the day is closed, its waiting entries (its waiting list closes: no seat will come free)."""

    booked: list[dict[str, Any]]
    waiting: list[dict[str, Any]]


def _day_bookings(centre_id: str, day: date) -> list[dict[str, Any]]:
    """The day's bookings from its agenda index, read again (briefly) until every seat its counters
    say is taken has its booking: the index follows the table a moment later, and a booking made
    just before a closure must not escape it."""
    found: list[dict[str, Any]] = []
    for _ in range(SETTLE_TRIES):
        found = repo.day_bookings(centre_id, day)
        holding = sum(1 for b in found if b["status"] in SEAT_HOLDERS)
        if holding >= repo.centre_days(centre_id, day, day, consistent=True).taken.get(day, 0):
            break
        time.sleep(SETTLE_PAUSE)
    return found


def _affected(centre: Centre, day: date, opening: dict[date, list[tuple[str, str]] | None]) -> _Affected:
    booked = [
        b
        for b in _day_bookings(centre.id, day)
        if b["status"] in ("confirmed", "offered")
        and not within_opening(
            centre, datetime.fromisoformat(b["starts_at"]), datetime.fromisoformat(b["ends_at"]), opening
        )
    ]
    waiting: list[dict[str, Any]] = []
    if opening[day] is None:
        references = [
            str(line["booking_ref"]) for sid in centre.services for line in repo.waiting_on(centre.id, sid, day)
        ]
        waiting = [b for b in repo.bookings(references) if b["status"] == "waiting"]
    return _Affected(booked, waiting)


def _cancel(user: StaffUser, centre: Centre, item: dict[str, Any], opening: dict[date, Any], now: datetime) -> bool:
    """Cancel one booking for the centre (its own transaction), reading it again if it changed
    meanwhile: a person who cancelled or moved out of the day first is left alone."""
    for _ in range(3):
        audit = audit_trail.line(
            keys.centre_audit(centre.id), user.username, "cancelled-by-centre", now, item["reference"]
        )
        if bookings_service.cancel_by_centre(item, audit, now):
            notices.cancelled_by_centre(item)
            return True
        fresh = repo.get_booking(item["reference"])
        if fresh is None or not _still_affected(centre, fresh, opening):
            return False
        item = fresh
    return False


def _still_affected(centre: Centre, item: dict[str, Any], opening: dict[date, Any]) -> bool:
    if item["status"] == "waiting":
        return item.get("waiting_for") in {d.isoformat() for d, hours in opening.items() if hours is None}
    if item["status"] not in ("confirmed", "offered"):
        return False
    start = datetime.fromisoformat(item["starts_at"])
    return start.astimezone(ZoneInfo(centre.timezone)).date() in opening and not within_opening(
        centre, start, datetime.fromisoformat(item["ends_at"]), opening
    )


def set_exception(user: StaffUser, centre_id: str, day: date, change: ExceptionIn, now: datetime) -> ExceptionSet:
    """Close a day or set its hours. When that leaves out booked appointments, the manager must say
    what becomes of them (`bookings`: cancel or keep; without it, 409 `bookings_affected` with the
    counts). The exception is written first (one transaction with its audit line), so nobody can
    book into what it removes (a booking's transaction checks the day's exception is unchanged);
    then each cancelled appointment is its own transaction (booking, seat, place, phone token,
    waiting line and its audit line): a day may hold more appointments than one transaction's 100
    items, and a failure leaves each booking whole, either cancelled or not, and setting the same
    exception again finishes the rest. Each person is told after their booking's write."""
    centre = centre_for(user, centre_id)
    if change.closed and change.hours:
        raise BadRequest("hours: a closed day has no hours.", code="hours_on_closed_day", field="hours")
    if not change.closed and not change.hours:
        raise BadRequest("hours: give the hours of the special day, or close it.", code="hours_required", field="hours")
    hours = [list(h) for h in change.hours] or None
    opening: dict[date, list[tuple[str, str]] | None] = {day: [(a, b) for a, b in hours] if hours else None}
    affected = _affected(centre, day, opening)
    if affected.booked and change.bookings is None:
        raise Conflict(
            f"bookings: {len(affected.booked)} appointments are booked at times this leaves out. "
            "Choose whether to cancel them (each person is told) or keep them.",
            code="bookings_affected",
            field="bookings",
            extra={"booked": len(affected.booked), "waiting": len(affected.waiting)},
        )
    dynamo.transact(
        [
            repo.put_staff_exception(centre_id, day, hours, change.note, user.username, now),
            audit_trail.line(keys.centre_audit(centre_id), user.username, "exception", now, day.isoformat()),
        ]
    )
    # Read again after the write: what was booked between the first read and the write is included.
    affected = _affected(centre, day, opening)
    doomed = affected.waiting + (affected.booked if change.bookings == "cancel" else [])
    cancelled = sum(_cancel(user, centre, item, opening, now) for item in doomed)
    return ExceptionSet(
        date=day,
        closed=not hours,
        hours=[(a, b) for a, b in hours or []],
        note=change.note,
        booked=len(affected.booked),
        waiting=len(affected.waiting),
        cancelled=cancelled,
    )


def remove_exception(user: StaffUser, centre_id: str, day: date, now: datetime) -> None:
    centre_for(user, centre_id)
    try:
        dynamo.transact(
            [
                repo.remove_staff_exception(centre_id, day),
                audit_trail.line(
                    keys.centre_audit(centre_id), user.username, "exception-removed", now, day.isoformat()
                ),
            ]
        )
    except dynamo.TransactionFailed:
        raise NotFound("No exception is set for this day.", code="exception_not_found", field="date") from None


def audit(user: StaffUser, centre_id: str, first: date, last: date) -> audit_trail.AuditTrail:
    """What staff did at a centre (check-ins, exceptions) between two dates, newest first. Reading
    it is itself written to the trail."""
    centre_for(user, centre_id)
    _check_range(first, last)
    trail = keys.centre_audit(centre_id)
    audit_trail.append(trail, user.username, "audit", now_utc())
    return audit_trail.read(trail, (first, last), newest_first=True)
