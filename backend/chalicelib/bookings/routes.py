"""Booking routes. Manage codes travel only in the X-Manage-Code header, never in a URL. Booking
and joining a waiting list take a proof of work and count against the source's places
(bookings/holds.py): the address is turned at once into a keyed hash and never kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from chalice.app import Blueprint, Rate, Response, SNSEvent

from chalicelib.bookings import notices, phone_check, service
from chalicelib.bookings.calendar import booking_calendar
from chalicelib.bookings.models import (
    BookingCreated,
    BookingRequest,
    BookingView,
    ChangeRequest,
    PhoneCodeRequest,
    PhoneCodeSent,
    PhoneVerified,
    PhoneVerifyRequest,
    SlotList,
    SlotsQuery,
    WaitlistRequest,
)
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core import idempotency, metrics, proof
from chalicelib.core.errors import Conflict
from chalicelib.core.http import RouteDoc, api_route, json_response, parse_body, parse_query
from chalicelib.core.observability import logger
from chalicelib.core.sources import source_of
from chalicelib.notifications import jobs

bp = Blueprint(__name__)
MANAGE_CODE_HEADER = ("X-Manage-Code", True, "The manage code given once at booking: never put it in a URL.")


def _create(kind: str, model: type[BookingRequest] | type[WaitlistRequest]) -> Response:
    body = parse_body(bp.current_request, model)
    key = idempotency.key_from(bp.current_request.headers)
    proof_header = bp.current_request.headers.get("x-proof")
    source = source_of(bp.current_request)

    def create(data: dict[str, Any]) -> dict[str, Any]:
        proof_id = proof.verify(proof_header)
        request = model.model_validate(data)
        if isinstance(request, BookingRequest):
            created = service.create_booking(request, source, proof_id)
            metrics.count("BookingsCreated")
        else:
            created = service.join_waitlist(request, source, proof_id)
            metrics.count("WaitlistJoined")
        return created.model_dump(mode="json")

    if key is None:
        return json_response(create(body.model_dump(mode="json")), status=201)
    answer = idempotency.run(kind, key, body.model_dump(mode="json"), create, "manage_code", bp.lambda_context)
    return json_response(answer, status=201)


@api_route(
    bp,
    "/centres/{centre_id}/services/{service_id}/slots",
    doc=RouteDoc("Bookable times with seats left, in the centre's time zone", SlotList, query=SlotsQuery),
)
def slots(centre_id: str, service_id: str) -> SlotList:
    query = parse_query(bp.current_request, SlotsQuery)
    return service.list_slots(centre_id, service_id, query.from_, query.days)


@api_route(
    bp,
    "/bookings",
    methods=("POST",),
    doc=RouteDoc(
        "Book a seat; 409 with the next free times when it was just taken; 429 `seat_limit` when this connection "
        "already holds the most places a connection may hold at the centre (call the centre instead)",
        BookingCreated,
        201,
        BookingRequest,
        headers=(proof.HEADER, idempotency.HEADER),
    ),
)
def create_booking() -> Response:
    return _create("booking", BookingRequest)


@api_route(
    bp,
    "/waitlist",
    methods=("POST",),
    doc=RouteDoc(
        "Wait for a seat on a day: a freed seat is held for the first in line; a waiting entry holds a place "
        "like a booking (429 `seat_limit`)",
        BookingCreated,
        201,
        WaitlistRequest,
        headers=(proof.HEADER, idempotency.HEADER),
    ),
)
def join_waitlist() -> Response:
    return _create("waitlist", WaitlistRequest)


def _manage_code() -> str | None:
    return bp.current_request.headers.get("x-manage-code")


@api_route(bp, "/bookings/{reference}", doc=RouteDoc("Read a booking", BookingView, headers=(MANAGE_CODE_HEADER,)))
def get_booking(reference: str) -> BookingView:
    return service.get_booking(reference, _manage_code())


@api_route(
    bp,
    "/bookings/{reference}",
    methods=("DELETE",),
    doc=RouteDoc("Cancel: the seat goes back, or to the first in line", BookingView, headers=(MANAGE_CODE_HEADER,)),
)
def cancel_booking(reference: str) -> BookingView:
    return service.cancel_booking(reference, _manage_code())


@api_route(
    bp,
    "/bookings/{reference}",
    methods=("PATCH",),
    doc=RouteDoc(
        "Move to another time (atomically), or accept a seat offered from the waiting list",
        BookingView,
        body=ChangeRequest,
        headers=(MANAGE_CODE_HEADER,),
    ),
)
def change_booking(reference: str) -> BookingView:
    return service.change_booking(reference, _manage_code(), parse_body(bp.current_request, ChangeRequest))


@api_route(
    bp,
    "/bookings/{reference}/calendar.ics",
    doc=RouteDoc("The appointment as an iCalendar file", headers=(MANAGE_CODE_HEADER,), content_type="text/calendar"),
)
def calendar(reference: str) -> Response:
    item = service.get_booking_item(reference, _manage_code())
    if item.get("status") not in ("confirmed", "offered") or not item.get("starts_at"):
        raise Conflict(
            "Only a booking with a time can be added to a calendar.", code="booking_without_time", field="reference"
        )
    catalogue = get_catalogue()
    centre, svc = catalogue.centre(item["centre_id"]), catalogue.service(item["service_id"])
    assert centre is not None and svc is not None
    return Response(
        body=booking_calendar(item, centre, svc, datetime.now(UTC)).decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="passerelle-{item["reference"]}.ics"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def release_expired_offers(event: object) -> None:
    """Seats offered from a waiting list and not accepted in time go to the next in line."""
    released = service.release_expired_offers()
    logger.info("expired offers released", extra={"released": released})


@api_route(
    bp,
    "/phone/code",
    methods=("POST",),
    doc=RouteDoc(
        "Send a one-time code by SMS to prove a phone (optional); 429 with Retry-After past the limits per phone "
        "and per connection, or while the phone is locked after wrong codes",
        PhoneCodeSent,
        body=PhoneCodeRequest,
        headers=(proof.HEADER,),
    ),
)
def phone_code() -> PhoneCodeSent:
    request = parse_body(bp.current_request, PhoneCodeRequest)
    proof_id = proof.verify(bp.current_request.headers.get("x-proof"))
    source = source_of(bp.current_request)
    minutes = phone_check.request_code(request.phone, request.centre_id, request.language, source, proof_id)
    return PhoneCodeSent(minutes=minutes)


@api_route(
    bp,
    "/phone/verify",
    methods=("POST",),
    doc=RouteDoc(
        "Check the code: the answer's `phone_proof` goes with the booking's contact; five wrong codes lock the "
        "phone for a while (429 with Retry-After)",
        PhoneVerified,
        body=PhoneVerifyRequest,
    ),
)
def phone_verify() -> PhoneVerified:
    request = parse_body(bp.current_request, PhoneVerifyRequest)
    token, until = phone_check.confirm(request.phone, request.centre_id, request.code)
    return PhoneVerified(phone_proof=token, expires_at=until)


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def send_due_notifications(event: object) -> None:
    """Reminders come due and messages to try again (notifications/jobs.py; SMS: bookings/notices.py)."""
    ran = jobs.run_due()
    logger.info("due notifications run", extra={"ran": ran})


@bp.on_sns_message(topic=notices.INBOUND_TOPIC)
def sms_reply(event: SNSEvent) -> None:
    """An inbound SMS from End User Messaging SMS's two-way channel (infra/template.yaml: the topic
    its phone number publishes replies to): STOP and START. Nothing of it is logged."""
    try:
        reply = json.loads(event.message)
        phone, text = str(reply["originationNumber"]), str(reply.get("messageBody") or "")
    except (ValueError, KeyError, TypeError):
        logger.warning("inbound SMS not understood")
        return
    answered = notices.inbound(phone, text)
    logger.info("inbound SMS", extra={"answered": answered or "ignored"})
