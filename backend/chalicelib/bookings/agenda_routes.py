"""The staff agenda's routes: a centre's day, check-in, dated exceptions and the centre's audit
trail. Each one checks the caller's token and role itself (`staff_route`); the centre asked for is
checked by bookings/agenda.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalice.app import Blueprint, Response
from pydantic import BaseModel

from chalicelib.auth.users import CASEWORK, MANAGEMENT, StaffUser, staff_route
from chalicelib.bookings import agenda
from chalicelib.bookings.models import (
    Agenda,
    AgendaBooking,
    AgendaQuery,
    AttendanceIn,
    ExceptionIn,
    ExceptionList,
    ExceptionSet,
    ExceptionsQuery,
)
from chalicelib.core.audit import AuditTrail
from chalicelib.core.dates import FIRST_DAY, LAST_DAY, day_in_range
from chalicelib.core.errors import BadRequest
from chalicelib.core.http import RouteDoc, parse_body, parse_query

bp = Blueprint(__name__)


def _body(model: type[BaseModel]) -> Any:
    return parse_body(bp.current_request, model)


def _day(value: str, field: str = "date") -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{field}: give a date as YYYY-MM-DD.", code="date_invalid", field=field) from None
    if not day_in_range(day):
        raise BadRequest(
            f"{field}: give a day between {FIRST_DAY} and {LAST_DAY}.", code="date_out_of_range", field=field
        )
    return day


@staff_route(
    bp,
    "/staff/centres/{centre_id}/agenda",
    roles=CASEWORK,
    doc=RouteDoc("A centre's appointments and opening on one day", Agenda, query=AgendaQuery),
)
def centre_agenda(user: StaffUser, centre_id: str) -> Agenda:
    return agenda.agenda(user, centre_id, parse_query(bp.current_request, AgendaQuery).date)


@staff_route(
    bp,
    "/staff/bookings/{reference}/attendance",
    methods=("POST",),
    roles=CASEWORK,
    doc=RouteDoc("Check-in: attended or no-show", AgendaBooking, body=AttendanceIn),
)
def attendance(user: StaffUser, reference: str) -> AgendaBooking:
    return agenda.record_attendance(user, reference, _body(AttendanceIn), agenda.now_utc())


@staff_route(
    bp,
    "/staff/centres/{centre_id}/audit",
    roles=MANAGEMENT,
    doc=RouteDoc("A centre's audit trail: check-ins and exceptions, newest first", AuditTrail, query=ExceptionsQuery),
)
def centre_audit(user: StaffUser, centre_id: str) -> AuditTrail:
    query = parse_query(bp.current_request, ExceptionsQuery)
    return agenda.audit(user, centre_id, query.from_, query.to)


@staff_route(
    bp,
    "/staff/centres/{centre_id}/exceptions",
    roles=CASEWORK,
    doc=RouteDoc("Dated exceptions: closures and special hours", ExceptionList, query=ExceptionsQuery),
)
def centre_exceptions(user: StaffUser, centre_id: str) -> ExceptionList:
    query = parse_query(bp.current_request, ExceptionsQuery)
    return agenda.exceptions(user, centre_id, query.from_, query.to)


@staff_route(
    bp,
    "/staff/centres/{centre_id}/exceptions/{day}",
    methods=("PUT",),
    roles=MANAGEMENT,
    doc=RouteDoc(
        "Close a day or set its hours (the booking rules follow). When that leaves out booked appointments, "
        "`bookings` says what becomes of them (`cancel`: cancelled by the centre, each person told; `keep`); "
        "without it, 409 `bookings_affected` with the counts `booked` and `waiting`. A closed day's waiting list "
        "closes.",
        ExceptionSet,
        body=ExceptionIn,
    ),
)
def set_exception(user: StaffUser, centre_id: str, day: str) -> ExceptionSet:
    return agenda.set_exception(user, centre_id, _day(day, "day"), _body(ExceptionIn), agenda.now_utc())


@staff_route(
    bp,
    "/staff/centres/{centre_id}/exceptions/{day}",
    methods=("DELETE",),
    roles=MANAGEMENT,
    doc=RouteDoc("Remove a day's exception", status=204),
)
def remove_exception(user: StaffUser, centre_id: str, day: str) -> Response:
    agenda.remove_exception(user, centre_id, _day(day, "day"), agenda.now_utc())
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
