"""Booking rules: which slots exist, who may take a seat, and how a seat changes hands.

Every change is one DynamoDB transaction guarded by conditions; a read before it only chooses
what to try (a waiting person, a free phone token), never decides on its own.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from botocore.exceptions import ClientError

from chalicelib.bookings import holds, notices, phone_check, tries
from chalicelib.bookings import repository as repo
from chalicelib.bookings.models import (
    BookingCreated,
    BookingRequest,
    BookingView,
    ChangeRequest,
    ContactIn,
    FullSlot,
    Slot,
    SlotList,
    WaitlistRequest,
)
from chalicelib.bookings.schedule import local_today, slots, within_opening
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.centres.models import Centre, Service
from chalicelib.core import dynamo, keys, metrics, proof
from chalicelib.core.codes import new_manage_code, new_reference, normalise_manage_code, normalise_reference
from chalicelib.core.errors import BadRequest, Conflict, NotFound, ServiceUnavailable
from chalicelib.core.phones import normalise_phone
from chalicelib.core.secrets import keyed_hash, matches
from chalicelib.core.settings import get_settings
from chalicelib.core.sources import Source

# What the keyed hashes of a booking's secrets are made for (core/secrets.py: one subkey each).
MANAGE_CODE_PURPOSE = "booking-manage-code"
PHONE_PURPOSE = repo.PHONE_PURPOSE


def now_utc() -> datetime:
    return datetime.now(UTC)


# ---- catalogue checks -----------------------------------------------------------------------


def bookable(centre_id: str, service_id: str) -> tuple[Centre, Service]:
    catalogue = get_catalogue()
    centre = catalogue.centre(centre_id)
    if centre is None:
        raise NotFound(f"No centre has the id '{centre_id}'.", code="centre_not_found", field="centre_id")
    service = catalogue.service(service_id)
    if service is None or service_id not in centre.services:
        raise NotFound(
            f"The centre '{centre_id}' does not offer '{service_id}'.", code="service_not_found", field="service_id"
        )
    if not service.bookable or not service.seats_per_slot:
        raise BadRequest(
            f"'{service_id}' cannot be booked: contact the centre.", code="service_not_bookable", field="service_id"
        )
    return centre, service


def _check_mode_and_language(centre: Centre, service: Service, mode: str, language: str) -> None:
    if mode not in service.modes:
        raise BadRequest(
            f"mode: this service is offered {', '.join(service.modes)}.", code="mode_not_offered", field="mode"
        )
    if language not in centre.languages:
        raise BadRequest(
            f"language: this centre works in {', '.join(centre.languages)}.",
            code="language_not_offered",
            field="language",
        )


@dataclass(frozen=True)
class _Contact:
    phone: str | None = None
    nickname: str | None = None
    sms: bool = False  # consent to SMS about this booking
    verified: bool = False  # the phone was proved by a code: the per-source cap does not apply


def _phone(contact: ContactIn | None, centre: Centre, mode: str) -> str | None:
    """The phone number, normalised. By phone, the centre calls the person: the number is required then."""
    phone = None
    if contact is not None and contact.phone:
        try:
            phone = normalise_phone(contact.phone, centre.country)
        except ValueError as exc:
            raise BadRequest(f"contact.phone: {exc}", code="phone_invalid", field="contact.phone") from exc
    if mode == "phone" and phone is None:
        raise BadRequest(
            "contact.phone: by phone, the centre calls you: give the number to call.",
            code="phone_required",
            field="contact.phone",
        )
    return phone


def _contact(contact: ContactIn | None, centre: Centre, mode: str) -> _Contact:
    """The phone number, nickname, SMS consent and whether the phone was proved by a code."""
    phone = _phone(contact, centre, mode)
    if contact is None:
        return _Contact()
    if contact.sms and phone is None:
        raise BadRequest(
            "contact.phone: give a phone number to receive SMS.", code="phone_required", field="contact.phone"
        )
    verified = False
    if contact.phone_proof:
        if phone is None:
            raise BadRequest(
                "contact.phone: the verified phone number is missing.", code="phone_required", field="contact.phone"
            )
        verified = phone_check.proved(phone, contact.phone_proof)
        if not verified:
            raise BadRequest(
                "contact.phone_proof: this phone is not verified, or its proof has expired. Ask for a new code.",
                code="phone_proof_invalid",
                field="contact.phone_proof",
            )
    return _Contact(phone, contact.nickname, contact.sms, verified)


# ---- slots ------------------------------------------------------------------------------------


def _free_slots(centre: Centre, service: Service, first: date, days: int, now: datetime) -> list[Slot]:
    settings = get_settings()
    state = repo.centre_days(centre.id, first, first + timedelta(days=days))
    capacity = service.seats_per_slot or 0
    result = []
    for start, end in slots(
        centre,
        service,
        first,
        days,
        now,
        state.staff_exceptions,
        timedelta(minutes=settings.booking_min_notice_minutes),
        timedelta(days=settings.booking_horizon_days),
    ):
        left = state.remaining.get((service.id, start.date(), start.strftime("%H:%M")), capacity)
        result.append(Slot(start=start, end=end, seats_left=left))
    return result


def list_slots(centre_id: str, service_id: str, first: date | None, days: int) -> SlotList:
    centre, service = bookable(centre_id, service_id)
    now = now_utc()
    first = first or local_today(centre, now)
    return SlotList(
        centre_id=centre.id,
        service_id=service.id,
        timezone=centre.timezone,
        slots=_free_slots(centre, service, first, days, now),
    )


@dataclass(frozen=True)
class _Resolved:
    """A bookable slot, and the day's exception as it was when the slot was found bookable (the
    booking's transaction checks it is unchanged)."""

    start: datetime
    end: datetime
    day_stamp: str | None


def _resolve_slot(centre: Centre, service: Service, start: datetime, now: datetime) -> _Resolved:
    local = start.astimezone(ZoneInfo(centre.timezone))
    state = repo.centre_days(centre.id, local.date(), local.date(), consistent=True)
    settings = get_settings()
    for slot_start, slot_end in slots(
        centre,
        service,
        local.date(),
        1,
        now,
        state.staff_exceptions,
        timedelta(minutes=settings.booking_min_notice_minutes),
        timedelta(days=settings.booking_horizon_days),
    ):
        if slot_start == local:
            return _Resolved(slot_start, slot_end, state.exception_stamps.get(local.date()))
    raise BadRequest(
        "start: this is not a bookable time: choose one from the slots list.", code="slot_not_bookable", field="start"
    )


def _next_free(centre: Centre, service: Service, after: datetime, now: datetime) -> list[Slot]:
    local = after.astimezone(ZoneInfo(centre.timezone)).date()
    return [s for s in _free_slots(centre, service, local, 7, now) if s.seats_left > 0 and s.start > after][:5]


def _full(centre: Centre, service: Service, start: datetime, now: datetime, code: str) -> Conflict:
    message = {
        "slot_taken": "This time was just taken. Choose another one.",
        "day_changed": "The centre has just changed its hours for this day. Choose another time.",
    }[code]
    return Conflict(
        message,
        code=code,
        field="start",
        extra=FullSlot(next_free=_next_free(centre, service, start, now)).model_dump(mode="json"),
    )


# ---- creating ---------------------------------------------------------------------------------

# Tries of one creation: a new phone token (at most 10), a new count of the source's places when
# another of its bookings got in first, a new reference on a collision (about 1 in 10^9).
ATTEMPTS = 24


@dataclass
class _New:
    reference: str
    manage_code: str
    item: dict[str, Any]


def _new_booking(
    centre: Centre,
    service: Service,
    request: BookingRequest | WaitlistRequest,
    status: str,
    start: datetime | None,
    end: datetime | None,
) -> _New:
    reference, code = new_reference(), new_manage_code()
    fields: dict[str, Any] = {
        "centre_id": centre.id,
        "service_id": service.id,
        "mode": request.mode,
        "language": request.language,
        "status": status,
        "manage_hash": keyed_hash(MANAGE_CODE_PURPOSE, code),
        "created_at": now_utc().isoformat(),
    }
    if start is not None and end is not None:
        fields |= {"starts_at": start.isoformat(), "ends_at": end.isoformat()}
    return _New(reference, code, repo.booking_item(reference, fields, centre.id, start if end is not None else None))


def _contact_expiry(end: datetime | None, waiting_for: date | None) -> int:
    ttl = timedelta(days=get_settings().booking_contact_ttl_days)
    anchor = end or datetime.combine(waiting_for or now_utc().date(), datetime.min.time(), UTC)
    return int((anchor + ttl).timestamp())


def _already_ours(new: _New) -> bool:
    """Whether the booking this attempt wrote exists: its manage code's hash is ours alone."""
    stored = repo.get_booking(new.reference)
    return stored is not None and stored.get("manage_hash") == new.item["manage_hash"]


@dataclass
class _Creation:
    """What one booking or waiting entry writes, apart from the booking item and the held place."""

    centre: Centre
    service: Service
    request: BookingRequest | WaitlistRequest
    status: str
    start: datetime | None
    end: datetime | None
    held_until: int  # when the place (and the phone token) is released: the appointment's or day's end
    contact: _Contact
    source: Source
    proof_id: str
    now: datetime
    day: date  # the centre's local day of the appointment (or the day waited for)
    day_stamp: str | None  # that day's exception when it was read (None: there was none)

    def items(self, new: _New, place: holds.Place, token: int | None) -> dict[str, dict[str, Any]]:
        items: dict[str, dict[str, Any]] = {}
        if self.start is not None:
            items["seat"] = repo.take_seat(
                self.centre.id,
                self.start.date(),
                self.service.id,
                self.start.strftime("%H:%M"),
                self.service.seats_per_slot or 1,
                {"start": self.start.isoformat()},
            )
        items["booking"] = dynamo.put_new(new.item)
        if isinstance(self.request, WaitlistRequest):
            expires_at = self.held_until + 2 * holds.DAY
            items["line"] = repo.join_line(self.centre.id, new.item["line_sk"], new.reference, expires_at)
        contact = self.contact
        if contact.phone or contact.nickname:
            waiting_for = self.request.date if isinstance(self.request, WaitlistRequest) else None
            items["contact"] = repo.put_contact(
                new.reference, contact.phone, contact.nickname, _contact_expiry(self.end, waiting_for), contact.sms
            )
        phone_hash = keyed_hash(PHONE_PURPOSE, contact.phone) if contact.phone and token is not None else None
        if phone_hash is not None and token is not None:
            items["phone"] = repo.hold_phone_token(
                phone_hash, token, new.reference, self.held_until, int(self.now.timestamp())
            )
        items["proof"] = proof.used(self.proof_id, self.now.timestamp())
        items |= place.items
        items["pointer"] = repo.put_place_pointer(
            repo.PlacePointer(new.reference, place.places_held, place.place, phone_hash, token, self.held_until)
        )
        # the day's exception as read: nobody closed or re-timed the day meanwhile
        items["day"] = repo.day_unchanged(self.centre.id, self.day, self.day_stamp)
        return items

    def new(self) -> _New:
        new = _new_booking(self.centre, self.service, self.request, self.status, self.start, self.end)
        if isinstance(self.request, WaitlistRequest):
            new.item["waiting_for"] = self.request.date.isoformat()
            new.item["line_sk"] = keys.waiting_line(self.service.id, self.request.date, self.now, new.reference)
        return new


@dataclass
class _Attempt:
    """Where one creation stands between its tries: the booking it writes, the phone token it
    tries, and whether the source's places must be counted again (consistently)."""

    new: _New
    token: int | None
    tokens: Iterator[int | None]
    recount: bool = False


def _create(creation: _Creation) -> BookingCreated:
    """Write a booking (or a waiting entry) in one transaction with its seat, its contact, its phone
    token, its proof of work's single-use marker and its place under the source's cap."""
    limit = get_settings().booking_max_upcoming_per_phone
    # Only an appointment holds one of the phone's tokens; a waiting entry does not.
    tokens: Iterator[int | None] = (
        iter(range(1, limit + 1)) if creation.contact.phone and creation.start is not None else iter([None])
    )
    attempt = _Attempt(creation.new(), next(tokens), tokens)
    for _ in range(ATTEMPTS):
        place = holds.take(
            creation.source,
            creation.centre,
            creation.held_until,
            creation.now,
            consistent=attempt.recount,
            capped=not creation.contact.verified,
        )
        try:
            dynamo.transact(creation.items(attempt.new, place, attempt.token))
        except dynamo.TransactionFailed as failed:
            if "booking" in failed.names and _already_ours(attempt.new):
                return _created(attempt.new)  # a retry of this very transaction after its answer was lost
            _change_what_failed(creation, attempt, failed.names, limit)
            continue
        except ClientError as exc:
            if not dynamo.is_conflict(exc):
                raise
            attempt.recount = True  # a concurrent transaction on the same items: nothing written, try again
            time.sleep(random.uniform(0.01, 0.05))  # noqa: S311 - jitter, not a secret
            continue
        return _created(attempt.new)
    raise ServiceUnavailable()


def _change_what_failed(creation: _Creation, attempt: _Attempt, failed: set[str], limit: int) -> None:
    """Change what made the transaction fail so that the next try may pass, or raise the answer
    when no try can."""
    if "seat" in failed and creation.start is not None:
        raise _full(creation.centre, creation.service, creation.start, creation.now, code="slot_taken") from None
    if "day" in failed:
        if creation.start is None:
            raise Conflict(
                "date: the centre has just closed this day. Choose another day.", code="day_closed", field="date"
            ) from None
        raise _full(creation.centre, creation.service, creation.start, creation.now, code="day_changed") from None
    if "proof" in failed:
        raise BadRequest(
            "X-Proof: this challenge was already used. Get a new one.", code="proof_used", field="X-Proof"
        ) from None
    if "booking" in failed:
        attempt.new = creation.new()  # reference collision: draw a new one
    elif "phone" in failed:
        attempt.token = next(attempt.tokens, None)  # this phone token is held: try the next one
        if attempt.token is None:
            raise Conflict(
                f"This phone number already has {limit} upcoming bookings. Cancel one first.",
                code="phone_limit",
                field="contact.phone",
            ) from None
    elif failed & set(holds.NAMES):
        attempt.recount = True  # another booking from this source got in first: count again
    else:
        raise Conflict("This booking could not be written. Please try again.", code="booking_changed") from None


def create_booking(request: BookingRequest, source: Source, proof_id: str) -> BookingCreated:
    centre, service = bookable(request.centre_id, request.service_id)
    _check_mode_and_language(centre, service, request.mode, request.language)
    contact = _contact(request.contact, centre, request.mode)
    now = now_utc()
    slot = _resolve_slot(centre, service, request.start, now)
    created = _create(
        _Creation(
            centre,
            service,
            request,
            "confirmed",
            slot.start,
            slot.end,
            int(slot.end.timestamp()),
            contact,
            source,
            proof_id,
            now,
            slot.start.date(),
            slot.day_stamp,
        )
    )
    if contact.sms:
        item = repo.get_booking(created.reference)
        if item is not None:
            notices.booked(item)  # never raises: the booking stands whatever the SMS provider does
    return created


def _created(new: _New) -> BookingCreated:
    return BookingCreated(**_view(new.item).model_dump(), manage_code=new.manage_code)


def _end_of(centre: Centre, day: date) -> int:
    """The end of a local day at the centre, as a Unix time."""
    return int(datetime.combine(day + timedelta(days=1), datetime.min.time(), ZoneInfo(centre.timezone)).timestamp())


def join_waitlist(request: WaitlistRequest, source: Source, proof_id: str) -> BookingCreated:
    centre, service = bookable(request.centre_id, request.service_id)
    _check_mode_and_language(centre, service, request.mode, request.language)
    contact = _contact(request.contact, centre, request.mode)
    now = now_utc()
    horizon = (now + timedelta(days=get_settings().booking_horizon_days)).date()
    if not local_today(centre, now) <= request.date <= horizon:
        raise BadRequest(
            "date: choose a day between today and the booking horizon.", code="date_out_of_range", field="date"
        )
    state = repo.centre_days(centre.id, request.date, request.date, consistent=True)
    if request.date in state.staff_exceptions and state.staff_exceptions[request.date] is None:
        raise Conflict("date: the centre is closed on this day. Choose another day.", code="day_closed", field="date")
    return _create(
        _Creation(
            centre,
            service,
            request,
            "waiting",
            None,
            None,
            _end_of(centre, request.date),
            contact,
            source,
            proof_id,
            now,
            request.date,
            state.exception_stamps.get(request.date),
        )
    )


# ---- reading and changing ------------------------------------------------------------------


def _view(item: dict[str, Any]) -> BookingView:
    status = item["status"]
    hold = item.get("hold_expires_at")
    if status == "offered" and hold and datetime.fromisoformat(hold) <= now_utc():
        status = "expired"
    return BookingView(
        reference=item["reference"],
        centre_id=item["centre_id"],
        service_id=item["service_id"],
        start=item.get("starts_at"),
        end=item.get("ends_at"),
        mode=item["mode"],
        language=item["language"],
        status=status,
        waiting_for=item.get("waiting_for"),
        hold_expires_at=hold,
    )


def _authorised(reference: str, manage_code: str | None) -> dict[str, Any]:
    """The booking, if the manage code is right. Unknown reference and wrong code look the same, and
    both count as a wrong try at that reference (bookings/tries.py); a code that cannot be one (a
    typo: a character no code has, a wrong length) is a 400 and counts nothing."""
    canonical = normalise_reference(reference)
    not_found = NotFound(
        "No booking matches this reference and manage code.", code="booking_not_found", field="reference"
    )
    if canonical is None:
        raise not_found
    if not manage_code:
        raise BadRequest(
            "X-Manage-Code: give the manage code you got when you booked.",
            code="manage_code_required",
            field="X-Manage-Code",
        )
    code = normalise_manage_code(manage_code)
    if code is None:
        raise BadRequest(
            "X-Manage-Code: this is not a manage code: check each character.",
            code="manage_code_invalid",
            field="X-Manage-Code",
        )
    tried = tries.reserve(canonical, now_utc().timestamp())
    item = repo.get_booking(canonical)
    if item is None or not matches(MANAGE_CODE_PURPOSE, code, item["manage_hash"]):
        metrics.count("LookupFailures")
        raise not_found
    tries.right_code(tried)
    return item


def get_booking(reference: str, manage_code: str | None) -> BookingView:
    return _view(_authorised(reference, manage_code))


def stored_booking(reference: str) -> dict[str, Any] | None:
    """A booking as stored, by its canonical reference, for another domain that was given the
    reference (feedback on an appointment); None if there is none."""
    return repo.get_booking(reference)


def get_booking_item(reference: str, manage_code: str | None) -> dict[str, Any]:
    return _authorised(reference, manage_code)


def _seat_of(item: dict[str, Any]) -> tuple[datetime, str]:
    start = datetime.fromisoformat(item["starts_at"])
    return start, start.strftime("%H:%M")


ENDED = ("cancelled", "expired", "cancelled_by_centre")


def cancel_booking(reference: str, manage_code: str | None) -> BookingView:
    item = _authorised(reference, manage_code)
    if item["status"] in ENDED:
        return _view(item)
    metrics.count("Cancellations")
    now = now_utc()
    items = [
        repo.update_booking(
            item["reference"],
            {"status": "cancelled", "cancelled_at": now.isoformat()},
            "#status = :was",
            {":was": item["status"]},
            remove=("GSI2PK", "GSI2SK"),
        )
    ]
    if item["status"] in ("confirmed", "offered"):
        start, hhmm = _seat_of(item)
        items.append(repo.give_back_seat(item["centre_id"], start.date(), item["service_id"], hhmm))
    items += _release(item["reference"], now)
    items.append(repo.forget_contact(item["reference"]))  # no need to call any more
    if item["status"] == "waiting":
        items.append(repo.leave_line(item["centre_id"], item["line_sk"]))
    try:
        dynamo.transact(items)
    except dynamo.TransactionFailed:
        raise Conflict(
            "This booking changed meanwhile. Look at it again.", code="booking_changed", field="reference"
        ) from None
    if item["status"] in ("confirmed", "offered"):
        offer_freed_seat(item["centre_id"], item["service_id"], _seat_of(item)[0])
    item["status"] = "cancelled"
    return _view(item)


def cancel_by_centre(item: dict[str, Any], audit: dict[str, Any], now: datetime) -> bool:
    """The centre cancels one appointment or waiting entry (it closed the day or changed its hours):
    one transaction gives back its seat, its place under its source's cap and its phone token,
    takes it out of the waiting line, and writes `audit` (the centre's trail). The contact stays
    (it expires by its TTL): the centre may call the person, and the notice (bookings/notices.py)
    reads it. False if the booking changed meanwhile (cancelled, moved, accepted): the caller reads
    it again. No seat is offered to the waiting list: the day is closed or its hours shrank."""
    was = item["status"]
    condition, values = "#status = :was", {":was": was}
    items = []
    if was in ("confirmed", "offered"):
        condition += " AND #starts_at = :starts"
        values[":starts"] = item["starts_at"]
        start, hhmm = _seat_of(item)
        items.append(repo.give_back_seat(item["centre_id"], start.date(), item["service_id"], hhmm))
    items.insert(
        0,
        repo.update_booking(
            item["reference"],
            {"status": "cancelled_by_centre", "cancelled_at": now.isoformat()},
            condition,
            values,
            remove=("GSI2PK", "GSI2SK", "hold_expires_at"),
        ),
    )
    items += _release(item["reference"], now)
    if was == "waiting":
        items.append(repo.leave_line(item["centre_id"], item["line_sk"]))
    items.append(audit)
    try:
        dynamo.transact(items)
    except dynamo.TransactionFailed:
        return False
    return True


def _release(reference: str, now: datetime) -> list[dict[str, Any]]:
    """The place under the source's cap and the phone token a booking holds, given back; nothing
    once its time has passed (both were released by then)."""
    pointer = repo.place_pointer(reference, int(now.timestamp()))
    if pointer is None:
        return []
    items = holds.release(pointer, now)
    if pointer.phone_hash and pointer.phone_token:
        items.append(repo.release_phone_token(pointer.phone_hash, pointer.phone_token, reference))
    return items


def _check_movable(item: dict[str, Any], now: datetime) -> None:
    if item["status"] != "confirmed":
        raise Conflict(
            f"A booking that is {item['status']} cannot be moved.", code="booking_not_movable", field="reference"
        )
    if datetime.fromisoformat(item["ends_at"]) <= now:
        raise Conflict("This appointment has passed: book a new one.", code="booking_passed", field="reference")


def change_booking(reference: str, manage_code: str | None, change: ChangeRequest) -> BookingView:
    item = _authorised(reference, manage_code)
    if change.status == "confirmed" and change.start is None:
        return _accept_offer(item)
    if change.start is None:
        raise BadRequest(
            "Give `start` to move the booking, or `status: confirmed` to accept an offer.",
            code="field_required",
            field="start",
        )
    now = now_utc()
    _check_movable(item, now)
    centre, service = bookable(item["centre_id"], item["service_id"])
    slot = _resolve_slot(centre, service, change.start, now)
    new_start, new_end = slot.start, slot.end
    old_start, old_hhmm = _seat_of(item)
    if new_start == old_start:
        return _view(item)
    items = [
        repo.day_unchanged(centre.id, new_start.date(), slot.day_stamp),
        repo.take_seat(
            centre.id,
            new_start.date(),
            service.id,
            new_start.strftime("%H:%M"),
            service.seats_per_slot or 1,
            {"start": new_start.isoformat()},
        ),
        repo.give_back_seat(centre.id, old_start.date(), service.id, old_hhmm),
        repo.update_booking(
            item["reference"],
            {
                "starts_at": new_start.isoformat(),
                "ends_at": new_end.isoformat(),
                **keys.booking_indexes(centre.id, new_start, item["reference"]),
            },
            "#status = :confirmed AND #starts_at = :old",
            {":confirmed": "confirmed", ":old": item["starts_at"]},
        ),
    ]
    # The booking keeps its place under its source's cap and its phone token, until its new end.
    until = int(new_end.timestamp())
    pointer = repo.place_pointer(item["reference"], int(now.timestamp()))
    if pointer is not None:
        items += holds.move(pointer, until, now)
        if pointer.phone_hash and pointer.phone_token:
            items.append(repo.move_phone_token(pointer.phone_hash, pointer.phone_token, item["reference"], until))
    try:
        dynamo.transact(items)
    except dynamo.TransactionFailed as failed:
        if 0 in failed.failed:
            raise _full(centre, service, new_start, now, code="day_changed") from None
        if 1 in failed.failed:
            raise _full(centre, service, new_start, now, code="slot_taken") from None
        raise Conflict(
            "This booking changed meanwhile. Look at it again.", code="booking_changed", field="reference"
        ) from None
    offer_freed_seat(centre.id, service.id, old_start)
    item |= {"starts_at": new_start.isoformat(), "ends_at": new_end.isoformat()}
    notices.moved(item)
    return _view(item)


def _accept_offer(item: dict[str, Any]) -> BookingView:
    if item["status"] != "offered":
        raise Conflict(
            "Only a seat offered from the waiting list can be accepted.", code="offer_not_open", field="status"
        )
    now = now_utc().isoformat()
    try:
        dynamo.transact(
            [
                repo.update_booking(
                    item["reference"],
                    {"status": "confirmed"},
                    "#status = :offered AND #hold_expires_at > :now",
                    {":offered": "offered", ":now": now},
                    remove=("GSI2PK", "GSI2SK", "hold_expires_at"),
                )
            ]
        )
    except dynamo.TransactionFailed:
        raise Conflict("This offer has expired.", code="offer_expired", field="status") from None
    item["status"] = "confirmed"
    item.pop("hold_expires_at", None)
    return _view(item)


# ---- the waiting list --------------------------------------------------------------------------


def offer_freed_seat(centre_id: str, service_id: str, start: datetime) -> str | None:
    """A seat came free: hold it for the first person waiting for that service and day.
    The seat moves to them in one transaction; if anyone took it first, nothing changes."""
    catalogue = get_catalogue()
    centre, service = catalogue.centre(centre_id), catalogue.service(service_id)
    if centre is None or service is None or service.duration_minutes is None:
        return None
    day = start.astimezone(ZoneInfo(centre.timezone)).date()
    waiting = repo.first_in_line(centre_id, service_id, day)
    if waiting is None or start <= now_utc():
        return None
    # Not on a day the centre closed, nor at a time its new hours leave out (it kept those appointments).
    state = repo.centre_days(centre_id, day, day, consistent=True)
    end = start + timedelta(minutes=service.duration_minutes)
    if not within_opening(centre, start, end, state.staff_exceptions):
        return None
    stamp = state.exception_stamps.get(day)
    reference = str(waiting["booking_ref"])
    hold = now_utc() + timedelta(minutes=get_settings().waitlist_hold_minutes)
    hold = min(hold, start)
    try:
        dynamo.transact(
            [
                repo.take_seat(
                    centre_id,
                    day,
                    service_id,
                    start.strftime("%H:%M"),
                    service.seats_per_slot or 1,
                    {"start": start.isoformat()},
                ),
                repo.update_booking(
                    reference,
                    {
                        "status": "offered",
                        "starts_at": start.isoformat(),
                        "ends_at": end.isoformat(),
                        "hold_expires_at": hold.isoformat(),
                        "GSI2PK": keys.OFFERS,
                        "GSI2SK": keys.by_time(hold, reference),
                        "GSI1PK": keys.agenda_day(centre_id, day),
                        "GSI1SK": keys.by_time(start, reference),
                    },
                    "#status = :waiting",
                    {":waiting": "waiting"},
                ),
                repo.leave_line(centre_id, waiting["SK"], "attribute_exists(PK)"),
                repo.day_unchanged(centre_id, day, stamp),
            ]
        )
    except dynamo.TransactionFailed:
        return None
    notices.offered(reference)
    return reference


def release_expired_offers() -> int:
    """Offers not accepted in time give their seat back, and the next person in line gets it.
    Runs on a schedule (app.py); idempotent and safe to run concurrently."""
    released = 0
    now = now_utc()
    for offer in repo.expired_offers(now.isoformat()):
        start, hhmm = _seat_of(offer)
        try:
            dynamo.transact(
                [
                    repo.update_booking(
                        offer["reference"],
                        {"status": "expired"},
                        "#status = :offered AND #hold_expires_at = :hold",
                        {":offered": "offered", ":hold": offer["hold_expires_at"]},
                        remove=("GSI2PK", "GSI2SK"),
                    ),
                    repo.give_back_seat(offer["centre_id"], start.date(), offer["service_id"], hhmm),
                    *_release(offer["reference"], now),  # an expired offer holds no place any more
                ]
            )
        except dynamo.TransactionFailed:
            continue
        released += 1
        offer_freed_seat(offer["centre_id"], offer["service_id"], start)
    return released
