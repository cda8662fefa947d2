"""Staff routes. Each one checks the caller's token and role itself (`staff_route`), whatever sits
in front of the API; the centre and lane of what is asked are checked by the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalice.app import Blueprint, Response
from pydantic import BaseModel

from chalicelib.bookings import agenda
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core.audit import AuditTrail
from chalicelib.core.dates import FIRST_DAY, LAST_DAY, day_in_range
from chalicelib.core.errors import BadRequest
from chalicelib.core.http import RouteDoc, api_route, parse_body, parse_query
from chalicelib.core.settings import get_settings
from chalicelib.staff import service
from chalicelib.staff.auth import CASEWORK, MANAGE, ROLES, StaffAuthUnavailable, StaffUser, staff_route
from chalicelib.staff.models import (
    Agenda,
    AgendaBooking,
    AgendaQuery,
    AttendanceIn,
    AuthConfig,
    Case,
    CaseChange,
    CentreRef,
    Exception_,
    ExceptionIn,
    ExceptionList,
    ExceptionsQuery,
    Me,
    OutcomeIn,
    Queue,
    QueueQuery,
    ReferralIn,
    StatusChange,
    TextIn,
)

bp = Blueprint(__name__)
ANY_STAFF = frozenset(ROLES)
TRIAGE = CASEWORK | {"focal_point"}


def _body(model: type[BaseModel]) -> Any:
    return parse_body(bp.current_request, model)


def _day(value: str, field: str = "date") -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{field}: give a date as YYYY-MM-DD.", field=field) from None
    if not day_in_range(day):
        raise BadRequest(f"{field}: give a day between {FIRST_DAY} and {LAST_DAY}.", field=field)
    return day


def _now() -> Any:
    return service.now_utc()


# ---- sign-in ------------------------------------------------------------------------------------


@api_route(
    bp, "/auth/config", doc=RouteDoc("Where the staff console signs in (OAuth 2 code flow with PKCE)", AuthConfig)
)
def auth_config() -> AuthConfig:
    settings = get_settings()
    if not (settings.staff_auth_url and settings.staff_jwt_audience):
        raise StaffAuthUnavailable("Staff sign-in is not configured.")
    base = settings.staff_auth_url.rstrip("/")
    return AuthConfig(
        authorize_url=f"{base}/oauth2/authorize",
        token_url=f"{base}/oauth2/token",
        logout_url=f"{base}/logout",
        client_id=settings.staff_jwt_audience,
    )


@staff_route(bp, "/staff/me", roles=ANY_STAFF, doc=RouteDoc("Who is signed in: roles and centres", Me))
def me(user: StaffUser) -> Me:
    catalogue = get_catalogue()
    centres = [c for c in catalogue.centres if user.works_at(c.id)]
    return Me(
        sub=user.sub,
        username=user.username,
        name=user.name,
        roles=sorted(user.roles),
        centres=[CentreRef(id=c.id, name=c.name.get("en", c.id)) for c in centres],
        all_centres=user.all_centres,
    )


# ---- complaints ---------------------------------------------------------------------------------


@staff_route(
    bp,
    "/staff/complaints",
    roles=TRIAGE,
    doc=RouteDoc("The complaint queue, filtered and sorted", Queue, query=QueueQuery),
)
def complaint_queue(user: StaffUser) -> Queue:
    return service.queue(user, parse_query(bp.current_request, QueueQuery))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}",
    roles=TRIAGE,
    doc=RouteDoc("One case (the view is written to the audit trail)", Case),
)
def complaint(user: StaffUser, complaint_id: str) -> Case:
    return service.read(user, complaint_id)


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}",
    methods=("PATCH",),
    roles=TRIAGE,
    doc=RouteDoc("Priority and assignment", Case, body=CaseChange),
)
def change_complaint(user: StaffUser, complaint_id: str) -> Case:
    return service.change_case(user, complaint_id, _body(CaseChange))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/status",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Move a case on (acknowledge, work, resolve, close, reopen)", Case, body=StatusChange),
)
def complaint_status(user: StaffUser, complaint_id: str) -> Case:
    return service.change_status(user, complaint_id, _body(StatusChange))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/replies",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Reply to the complainant (read with the receipt)", Case, body=TextIn),
)
def complaint_reply(user: StaffUser, complaint_id: str) -> Case:
    return service.reply(user, complaint_id, _body(TextIn).text)


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/notes",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("An internal note, never shown to the complainant", Case, body=TextIn),
)
def complaint_note(user: StaffUser, complaint_id: str) -> Case:
    return service.add_note(user, complaint_id, _body(TextIn).text)


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/referrals",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Refer the case to another centre, with a note", Case, body=ReferralIn),
)
def complaint_referral(user: StaffUser, complaint_id: str) -> Case:
    return service.refer(user, complaint_id, _body(ReferralIn))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/outcome",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Record the outcome and any compensation recovered", Case, body=OutcomeIn),
)
def complaint_outcome(user: StaffUser, complaint_id: str) -> Case:
    return service.record_outcome(user, complaint_id, _body(OutcomeIn))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/audit",
    roles=MANAGE | {"focal_point"},
    doc=RouteDoc("The case's audit trail (managers; focal points in their lane)", AuditTrail),
)
def complaint_audit(user: StaffUser, complaint_id: str) -> AuditTrail:
    return service.audit(user, complaint_id)


# ---- agenda -------------------------------------------------------------------------------------


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
    return agenda.record_attendance(user, reference, _body(AttendanceIn), _now())


@staff_route(
    bp,
    "/staff/centres/{centre_id}/audit",
    roles=MANAGE,
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
    roles=MANAGE,
    doc=RouteDoc("Close a day or set its hours (the booking rules follow)", Exception_, body=ExceptionIn),
)
def set_exception(user: StaffUser, centre_id: str, day: str) -> Exception_:
    return agenda.set_exception(user, centre_id, _day(day, "day"), _body(ExceptionIn), _now())


@staff_route(
    bp,
    "/staff/centres/{centre_id}/exceptions/{day}",
    methods=("DELETE",),
    roles=MANAGE,
    doc=RouteDoc("Remove a day's exception", status=204),
)
def remove_exception(user: StaffUser, centre_id: str, day: str) -> Response:
    agenda.remove_exception(user, centre_id, _day(day, "day"), _now())
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
