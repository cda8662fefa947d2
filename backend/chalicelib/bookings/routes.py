"""Booking routes. Manage codes travel only in the X-Manage-Code header, never in a URL."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)
from chalice.app import Blueprint, Response
from pydantic import BaseModel

from chalicelib.bookings import service
from chalicelib.bookings.models import (
    BookingCreated,
    BookingRequest,
    BookingView,
    ChangeRequest,
    SlotList,
    SlotsQuery,
    WaitlistRequest,
)
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.errors import BadRequest, Conflict, ServiceUnavailable, Unprocessable
from chalicelib.core.http import api_route, json_response, parse_body, parse_query
from chalicelib.core.secrets import seal, unseal
from chalicelib.core.settings import get_settings

bp = Blueprint(__name__)
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{8,128}$")
SEALED = "idempotent-manage-code"


def _idempotency_key() -> str | None:
    key: str | None = bp.current_request.headers.get("idempotency-key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.match(key):
        raise BadRequest("Idempotency-Key must be 8 to 128 visible ASCII characters.", field="Idempotency-Key")
    return key


@cache
def _idempotent(kind: str) -> Any:
    """The creation function wrapped by Powertools idempotency, built on first use (no AWS client
    at import). The stored first answer keeps the manage code sealed, never in clear."""
    settings = get_settings()
    store = DynamoDBPersistenceLayer(
        table_name=settings.table_name, key_attr="PK", sort_key_attr="SK", static_pk_value=f"IDEMPOTENCY#{kind}",
        expiry_attr="expires_at", boto3_client=dynamodb_client(),
    )
    config = IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="body",
                               expires_after_seconds=settings.idempotency_ttl_seconds)

    def create(request: dict[str, Any]) -> dict[str, Any]:
        created = (service.create_booking(BookingRequest.model_validate(request["body"])) if kind == "booking"
                   else service.join_waitlist(WaitlistRequest.model_validate(request["body"])))
        answer = created.model_dump(mode="json")
        answer["manage_code"] = seal(SEALED, answer["manage_code"])
        return answer

    function = idempotent_function(data_keyword_argument="request", persistence_store=store, config=config)(create)
    return function, config


def _create(kind: str, model: type[BaseModel]) -> Response:
    body = parse_body(bp.current_request, model)
    key = _idempotency_key()
    if key is None:
        created: BookingCreated = (service.create_booking(body) if isinstance(body, BookingRequest)
                                   else service.join_waitlist(body))  # type: ignore[arg-type]
        return json_response(created, status=201)
    function, config = _idempotent(kind)
    if bp.lambda_context is not None:
        config.register_lambda_context(bp.lambda_context)  # so a crashed attempt's lock expires with it
    try:
        answer = function(request={"key": key, "body": body.model_dump(mode="json")})
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict("The same request is being handled. Try again in a moment.", field="Idempotency-Key",
                       headers={"Retry-After": "1"}) from exc
    except IdempotencyValidationError as exc:
        raise Unprocessable("This Idempotency-Key was used with a different request.",
                            field="Idempotency-Key") from exc
    except IdempotencyPersistenceLayerError as exc:
        raise ServiceUnavailable() from exc
    answer = dict(answer)
    answer["manage_code"] = unseal(SEALED, answer["manage_code"])
    return json_response(answer, status=201)


@api_route(bp, "/centres/{centre_id}/services/{service_id}/slots")
def slots(centre_id: str, service_id: str) -> SlotList:
    query = parse_query(bp.current_request, SlotsQuery)
    return service.list_slots(centre_id, service_id, query.from_, query.days)


@api_route(bp, "/bookings", methods=("POST",))
def create_booking() -> Response:
    return _create("booking", BookingRequest)


@api_route(bp, "/waitlist", methods=("POST",))
def join_waitlist() -> Response:
    return _create("waitlist", WaitlistRequest)


def _manage_code() -> str | None:
    return bp.current_request.headers.get("x-manage-code")


@api_route(bp, "/bookings/{reference}")
def get_booking(reference: str) -> BookingView:
    return service.get_booking(reference, _manage_code())


@api_route(bp, "/bookings/{reference}", methods=("DELETE",))
def cancel_booking(reference: str) -> BookingView:
    return service.cancel_booking(reference, _manage_code())


@api_route(bp, "/bookings/{reference}", methods=("PATCH",))
def change_booking(reference: str) -> BookingView:
    return service.change_booking(reference, _manage_code(), parse_body(bp.current_request, ChangeRequest))


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@api_route(bp, "/bookings/{reference}/calendar.ics")
def calendar(reference: str) -> Response:
    item = service.get_booking_item(reference, _manage_code())
    if item.get("status") not in ("confirmed", "offered") or not item.get("starts_at"):
        raise Conflict("Only a booking with a time can be added to a calendar.", field="reference")
    catalogue = get_catalogue()
    centre, svc = catalogue.centre(item["centre_id"]), catalogue.service(item["service_id"])
    assert centre is not None and svc is not None
    lang = item["language"]
    stamp = "%Y%m%dT%H%M%SZ"
    start = datetime.fromisoformat(item["starts_at"]).astimezone(UTC).strftime(stamp)
    end = datetime.fromisoformat(item["ends_at"]).astimezone(UTC).strftime(stamp)
    where = centre.address if item["mode"] == "on_site" else {"phone": "Phone", "video": "Video"}[item["mode"]]
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Passerelle//Booking//EN", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:{item['reference']}@passerelle",
        f"DTSTAMP:{datetime.now(UTC).strftime(stamp)}", f"DTSTART:{start}", f"DTEND:{end}",
        f"SUMMARY:{_ics_text(svc.name.get(lang, svc.name['en']) + ' - ' + centre.name.get(lang, centre.name['en']))}",
        f"LOCATION:{_ics_text(where)}",
        f"DESCRIPTION:{_ics_text('Booking reference: ' + item['reference'])}",
        "BEGIN:VALARM", "TRIGGER:-PT2H", "ACTION:DISPLAY", "DESCRIPTION:Reminder", "END:VALARM",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return Response(body="\r\n".join(lines) + "\r\n", status_code=200, headers={
        "Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="passerelle-{item["reference"]}.ics"',
        "X-Content-Type-Options": "nosniff",
    })
