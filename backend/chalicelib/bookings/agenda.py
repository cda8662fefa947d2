"""A centre's day for its staff: the appointments (with the contact people chose to give), check-in,
and the dated exceptions (holidays, closures, extra sessions) that the booking rules read
(schedule.py: an exception without hours closes the day). Check-ins count people served per
centre, service and month, with rows by gender and age band.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, get_args

from chalicelib.auth.users import StaffUser
from chalicelib.bookings import repository as repo
from chalicelib.bookings.models import (
    Agenda,
    AgendaBooking,
    AgendaStatus,
    AttendanceIn,
    ExceptionIn,
    ExceptionList,
    StaffException,
)
from chalicelib.bookings.schedule import day_ranges
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.centres.models import Centre
from chalicelib.core import audit as audit_trail
from chalicelib.core import dynamo, keys
from chalicelib.core.codes import normalise_reference
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound

SHOWN = get_args(AgendaStatus)


def now_utc() -> datetime:
    return datetime.now(UTC)


def centre_for(user: StaffUser, centre_id: str) -> Centre:
    centre = get_catalogue().centre(centre_id)
    if centre is None:
        raise NotFound("No such centre.", field="centre")
    if not user.works_at(centre_id):
        raise Forbidden("You do not work for this centre.")
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
        raise NotFound("No appointment has this reference.", field="reference")
    centre_for(user, item["centre_id"])
    if datetime.fromisoformat(item["starts_at"]) > now:
        raise BadRequest("attended: the appointment has not started yet.", field="attended")
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
        raise Conflict("This appointment changed meanwhile. Reload the agenda.", field="reference") from None
    return _entry(item | {"status": status}, None)


def _check_range(first: date, last: date) -> None:
    if last < first or (last - first).days > 366:
        raise BadRequest("to: give a range of at most a year, ending after it starts.", field="to")


def exceptions(user: StaffUser, centre_id: str, first: date, last: date) -> ExceptionList:
    centre_for(user, centre_id)
    _check_range(first, last)
    found = [_exception(day, item) for day, item in repo.staff_exceptions(centre_id, first, last)]
    return ExceptionList(exceptions=[e for e in found if e is not None])


def set_exception(user: StaffUser, centre_id: str, day: date, change: ExceptionIn, now: datetime) -> StaffException:
    centre_for(user, centre_id)
    if change.closed and change.hours:
        raise BadRequest("hours: a closed day has no hours.", field="hours")
    if not change.closed and not change.hours:
        raise BadRequest("hours: give the hours of the special day, or close it.", field="hours")
    hours = [list(h) for h in change.hours] or None
    dynamo.transact(
        [
            repo.put_staff_exception(centre_id, day, hours, change.note, user.username, now),
            audit_trail.line(keys.centre_audit(centre_id), user.username, "exception", now, day.isoformat()),
        ]
    )
    return StaffException(date=day, closed=not hours, hours=[(a, b) for a, b in hours or []], note=change.note)


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
        raise NotFound("No exception is set for this day.", field="date") from None


def audit(user: StaffUser, centre_id: str, first: date, last: date) -> audit_trail.AuditTrail:
    """What staff did at a centre (check-ins, exceptions) between two dates, newest first. Reading
    it is itself written to the trail."""
    centre_for(user, centre_id)
    _check_range(first, last)
    trail = keys.centre_audit(centre_id)
    audit_trail.append(trail, user.username, "audit", now_utc())
    return audit_trail.read(trail, (first, last), newest_first=True)
