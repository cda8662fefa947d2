"""Bookings in DynamoDB: the seat counters, waiting lines, bookings, their contacts and place
pointers, phone tokens and places held (their keys: core/keys.py).

Seats are never counted by reading then writing: a counter's `remaining` is decremented under
the condition `remaining > 0` in the same transaction that writes the booking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib.core import keys
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.dynamo import (
    batch_get,
    delete_item,
    encode_item,
    encode_values,
    get,
    plain,
    put_new,
    query_all,
    table,
    update,
)

# What a phone's keyed hash is made for (core/secrets.py), in its tokens and place pointers.
PHONE_PURPOSE = "booking-phone"

# ---- reads -----------------------------------------------------------------------------------


@dataclass
class DayState:
    """What DynamoDB says about a centre's days: seats left per booked slot, and the dated
    exceptions staff set (hours, or None for a closed day)."""

    remaining: dict[tuple[str, date, str], int]
    staff_exceptions: dict[date, list[tuple[str, str]] | None]
    # when each exception was set: a booking's transaction checks its day's exception is unchanged
    exception_stamps: dict[date, str] = field(default_factory=dict)
    taken: dict[date, int] = field(default_factory=dict)  # seats taken per day, all services


def centre_days(centre_id: str, first: date, last: date, consistent: bool = False) -> DayState:
    """One query: every seat counter and staff exception of the centre between two local dates."""
    state = DayState(remaining={}, staff_exceptions={})
    for item in _centre_days(centre_id, first, last, consistent):
        day, kind, service_id, hhmm = keys.centre_day_item(item["SK"])
        if kind == "seat_counter":
            state.remaining[(service_id, day, hhmm)] = int(item["remaining"])
            state.taken[day] = state.taken.get(day, 0) + int(item["capacity"]) - int(item["remaining"])
        elif kind == "staff_exception":
            hours = item.get("hours")
            state.staff_exceptions[day] = [(a, b) for a, b in hours] if hours else None
            state.exception_stamps[day] = str(item.get("set_at", ""))
    return state


def _centre_days(centre_id: str, first: date, last: date, consistent: bool = False) -> list[dict[str, Any]]:
    low, high = keys.centre_days(first, last)
    return query_all(
        ConsistentRead=consistent,
        KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
        ExpressionAttributeValues=encode_values({":pk": keys.centre(centre_id), ":a": low, ":b": high}),
    )


def staff_exceptions(centre_id: str, first: date, last: date) -> list[tuple[date, dict[str, Any]]]:
    """The exceptions staff set at a centre between two local dates, by day (a consistent read)."""
    found = []
    for item in _centre_days(centre_id, first, last, consistent=True):
        day, kind, _, _ = keys.centre_day_item(item["SK"])
        if kind == "staff_exception":
            found.append((day, item))
    return found


def staff_exception(centre_id: str, day: date) -> dict[str, Any] | None:
    """The exception staff set for one day at a centre, if any (a consistent read)."""
    return get(keys.centre(centre_id), keys.staff_exception(day))


def put_staff_exception(
    centre_id: str, day: date, hours: list[list[str]] | None, note: str | None, by: str, at: datetime
) -> dict[str, Any]:
    """A transaction item setting a day's exception (no hours: the centre is closed that day)."""
    item = {
        "PK": keys.centre(centre_id),
        "SK": keys.staff_exception(day),
        "type": "CentreException",  # the stored spelling (core/keys.py)
        "hours": hours,
        "note": note,
        "set_by": by,
        "set_at": at.isoformat(),
    }
    return {"Put": {"TableName": table(), "Item": encode_item(item)}}


def day_unchanged(centre_id: str, day: date, stamp: str | None) -> dict[str, Any]:
    """A transaction item: the day's exception is as read (`stamp`: when it was set; None: there
    was none), so that no booking lands on a day staff closed or re-timed meanwhile."""
    spec: dict[str, Any] = {
        "TableName": table(),
        "Key": encode_values({"PK": keys.centre(centre_id), "SK": keys.staff_exception(day)}),
    }
    if stamp is None:
        spec["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        spec |= {
            "ConditionExpression": "set_at = :stamp",
            "ExpressionAttributeValues": encode_values({":stamp": stamp}),
        }
    return {"ConditionCheck": spec}


def remove_staff_exception(centre_id: str, day: date) -> dict[str, Any]:
    """A transaction item removing a day's exception; its condition fails if there is none."""
    return delete_item(keys.centre(centre_id), keys.staff_exception(day), "attribute_exists(PK)")


def day_bookings(centre_id: str, day: date) -> list[dict[str, Any]]:
    """A centre's bookings on one local day, in time order (GSI1)."""
    return query_all(
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues=encode_values({":pk": keys.agenda_day(centre_id, day)}),
    )


def contacts(references: list[str]) -> dict[str, dict[str, Any]]:
    """The contacts people gave with these bookings, by reference (those without one are missing)."""
    items = batch_get([(keys.booking(r), keys.CONTACT) for r in references])
    return {keys.reference_of(item["PK"]): item for item in items}


def get_booking(reference: str) -> dict[str, Any] | None:
    return get(keys.booking(reference), keys.BOOKING)


def first_in_line(centre_id: str, service_id: str, day: date) -> dict[str, Any] | None:
    response = dynamodb_client().query(
        TableName=table(),
        Limit=1,
        ConsistentRead=True,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=encode_values(
            {":pk": keys.centre(centre_id), ":prefix": keys.waiting_line_prefix(service_id, day)}
        ),
    )
    items = response.get("Items", [])
    return plain(items[0]) if items else None


def waiting_on(centre_id: str, service_id: str, day: date) -> list[dict[str, Any]]:
    """The waiting line for one service and day, in order (a consistent read of the base table)."""
    return query_all(
        ConsistentRead=True,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=encode_values(
            {":pk": keys.centre(centre_id), ":prefix": keys.waiting_line_prefix(service_id, day)}
        ),
    )


def bookings(references: Sequence[str]) -> list[dict[str, Any]]:
    """Bookings by reference (one BatchGetItem per 100, consistent); missing ones left out."""
    return batch_get([(keys.booking(r), keys.BOOKING) for r in references], consistent=True)


def expired_offers(now_iso: str, limit: int = 25) -> list[dict[str, Any]]:
    response = dynamodb_client().query(
        TableName=table(),
        IndexName="GSI2",
        Limit=limit,
        KeyConditionExpression="GSI2PK = :pk AND GSI2SK < :now",
        ExpressionAttributeValues=encode_values({":pk": keys.OFFERS, ":now": now_iso}),
    )
    return [plain(i) for i in response.get("Items", [])]


# ---- transaction items ---------------------------------------------------------------------


def take_seat(
    centre_id: str, day: date, service_id: str, hhmm: str, capacity: int, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """Decrement a slot's seats; the counter is created full on first use."""
    return {
        "Update": {
            "TableName": table(),
            "Key": encode_values({"PK": keys.centre(centre_id), "SK": keys.seat_counter(day, service_id, hhmm)}),
            "UpdateExpression": "SET #remaining = if_not_exists(#remaining, :capacity) - :one, #capacity = :capacity, "
            "#type = :type, starts_at = :start",
            "ConditionExpression": "attribute_not_exists(#remaining) OR #remaining > :zero",
            "ExpressionAttributeNames": {"#type": "type", "#remaining": "remaining", "#capacity": "capacity"},
            "ExpressionAttributeValues": encode_values(
                {":capacity": capacity, ":one": 1, ":zero": 0, ":type": "SeatCounter", ":start": extra["start"]}
            ),
        }
    }


def give_back_seat(centre_id: str, day: date, service_id: str, hhmm: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table(),
            "Key": encode_values({"PK": keys.centre(centre_id), "SK": keys.seat_counter(day, service_id, hhmm)}),
            "UpdateExpression": "SET #remaining = #remaining + :one",
            "ConditionExpression": "attribute_exists(#remaining) AND #remaining < #capacity",
            "ExpressionAttributeNames": {"#remaining": "remaining", "#capacity": "capacity"},
            "ExpressionAttributeValues": encode_values({":one": 1}),
        }
    }


def booking_item(reference: str, fields: dict[str, Any], centre_id: str, start: datetime | None) -> dict[str, Any]:
    """A booking as stored: with a time, it is on its centre's agenda for that day (GSI1)."""
    item = {"PK": keys.booking(reference), "SK": keys.BOOKING, "type": "Booking", "reference": reference, **fields}
    return item | (keys.booking_indexes(centre_id, start, reference) if start is not None else {})


def join_line(centre_id: str, line_sk: str, reference: str, expires_at: int) -> dict[str, Any]:
    """A waiting entry's place in line (its sort key says which service, day and when it joined)."""
    return put_new(
        {
            "PK": keys.centre(centre_id),
            "SK": line_sk,
            "type": "WaitingLine",
            "booking_ref": reference,
            "expires_at": expires_at,
        }
    )


def leave_line(centre_id: str, line_sk: str, condition: str | None = None) -> dict[str, Any]:
    return delete_item(keys.centre(centre_id), line_sk, condition)


def forget_contact(reference: str) -> dict[str, Any]:
    return delete_item(keys.booking(reference), keys.CONTACT)


def put_contact(
    reference: str, phone: str | None, nickname: str | None, expires_at: int, sms_consent: bool = False
) -> dict[str, Any]:
    """The contact people gave: a phone for the centre to call (and, with their consent, for SMS
    about this booking: bookings/notices.py), a nickname. It goes with the booking's retention."""
    return {
        "Put": {
            "TableName": table(),
            "Item": encode_item(
                {
                    "PK": keys.booking(reference),
                    "SK": keys.CONTACT,
                    "type": "BookingContact",
                    "phone": phone,
                    "nickname": nickname,
                    "sms_consent": True if phone and sms_consent else None,
                    "expires_at": expires_at,
                }
            ),
        }
    }


def phone_token_holder(phone_hash: str, token: int) -> str | None:
    """The booking holding one of a phone's tokens, if any."""
    item = get(*keys.phone_token(phone_hash, token))
    return str(item["booking_ref"]) if item else None


def hold_phone_token(phone_hash: str, token: int, reference: str, held_until: int, now: int) -> dict[str, Any]:
    """A phone may hold a few upcoming bookings: each holds one of a fixed number of tokens,
    free again once its appointment has passed (or it is cancelled)."""
    pk, sk = keys.phone_token(phone_hash, token)
    return {
        "Put": {
            "TableName": table(),
            "Item": encode_item(
                {
                    "PK": pk,
                    "SK": sk,
                    "type": "PhoneToken",
                    "booking_ref": reference,
                    "held_until": held_until,
                    "expires_at": held_until,
                }
            ),
            "ConditionExpression": "attribute_not_exists(PK) OR held_until < :now",
            "ExpressionAttributeValues": encode_values({":now": now}),
        }
    }


def release_phone_token(phone_hash: str, token: int, reference: str) -> dict[str, Any]:
    return delete_item(*keys.phone_token(phone_hash, token), "booking_ref = :ref", {":ref": reference})


def move_phone_token(phone_hash: str, token: int, reference: str, held_until: int) -> dict[str, Any]:
    pk, sk = keys.phone_token(phone_hash, token)
    return {
        "Update": {
            "TableName": table(),
            "Key": encode_values({"PK": pk, "SK": sk}),
            "UpdateExpression": "SET held_until = :until, expires_at = :until",
            "ConditionExpression": "booking_ref = :ref",
            "ExpressionAttributeValues": encode_values({":until": held_until, ":ref": reference}),
        }
    }


def read_holds(pks: Sequence[str], consistent: bool) -> dict[str, dict[str, Any]]:
    """The places-held items that exist among `pks`, by PK (one BatchGetItem per 100)."""
    return {item["PK"]: item for item in batch_get([(pk, keys.PLACES_HELD) for pk in pks], consistent=consistent)}


def new_holds(pk: str, place: str, until: int, expires_at: int) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": table(),
            "ConditionExpression": "attribute_not_exists(PK)",
            "Item": encode_item(
                {
                    "PK": pk,
                    "SK": keys.PLACES_HELD,
                    "type": "PlacesHeld",
                    "places": {place: until},
                    "version": 1,
                    "expires_at": expires_at,
                }
            ),
        }
    }


def add_place(pk: str, place: str, until: int, version: int, expired: Sequence[str], expires_at: int) -> dict[str, Any]:
    """Add a place to the item as it was read (version), dropping the places that have passed."""
    names = {"#places": "places", "#version": "version", "#place": place} | {
        f"#old{i}": old for i, old in enumerate(expired)
    }
    update = "SET #places.#place = :until, expires_at = :expires, #version = #version + :one"
    if expired:
        update += " REMOVE " + ", ".join(f"#places.#old{i}" for i in range(len(expired)))
    return {
        "Update": {
            "TableName": table(),
            "Key": encode_values({"PK": pk, "SK": keys.PLACES_HELD}),
            "UpdateExpression": update,
            "ConditionExpression": "#version = :version",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": encode_values(
                {":until": until, ":expires": expires_at, ":one": 1, ":version": version}
            ),
        }
    }


def holds_unchanged(pk: str, version: int | None) -> dict[str, Any]:
    """A transaction item: the places-held item is as it was read (or still absent)."""
    spec: dict[str, Any] = {"TableName": table(), "Key": encode_values({"PK": pk, "SK": keys.PLACES_HELD})}
    if version is None:
        spec["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        spec |= {
            "ConditionExpression": "#version = :version",
            "ExpressionAttributeNames": {"#version": "version"},
            "ExpressionAttributeValues": encode_values({":version": version}),
        }
    return {"ConditionCheck": spec}


def release_place(pk: str, place: str, expires_at: int) -> dict[str, Any]:
    """Give a place back. (Were the item gone, the update would make an empty one: it gets a TTL.)"""
    return {
        "Update": {
            "TableName": table(),
            "Key": encode_values({"PK": pk, "SK": keys.PLACES_HELD}),
            "UpdateExpression": "REMOVE #places.#place SET expires_at = if_not_exists(expires_at, :expires)",
            "ExpressionAttributeNames": {"#places": "places", "#place": place},
            "ExpressionAttributeValues": encode_values({":expires": expires_at}),
        }
    }


def move_place(pk: str, place: str, until: int, expires_at: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table(),
            "Key": encode_values({"PK": pk, "SK": keys.PLACES_HELD}),
            "UpdateExpression": "SET #places.#place = :until, expires_at = :expires",
            "ConditionExpression": "attribute_exists(#places.#place)",
            "ExpressionAttributeNames": {"#places": "places", "#place": place},
            "ExpressionAttributeValues": encode_values({":until": until, ":expires": expires_at}),
        }
    }


@dataclass(frozen=True)
class PlacePointer:
    """Where a booking's place under its source's cap (and its phone token) are held: all that
    releasing them needs, and the only link between the booking and its source."""

    reference: str
    places_held: str  # the partition key of the places-held item holding the place
    place: str
    phone_hash: str | None
    phone_token: int | None
    held_until: int


def put_place_pointer(pointer: PlacePointer) -> dict[str, Any]:
    """A transaction item storing the pointer; it expires when the place does."""
    return {
        "Put": {
            "TableName": table(),
            "Item": encode_item(
                {
                    "PK": keys.booking(pointer.reference),
                    "SK": keys.PLACE_POINTER,
                    "type": "BookingHold",
                    "holds_pk": pointer.places_held,
                    "place": pointer.place,
                    "phone_hash": pointer.phone_hash,
                    "phone_token": pointer.phone_token,
                    "held_until": pointer.held_until,
                    "expires_at": pointer.held_until,
                }
            ),
        }
    }


def place_pointer(reference: str, now: int) -> PlacePointer | None:
    """The booking's place pointer, unless its time has passed (TTL deletes it within a day or two,
    and both place and token were free again from that time)."""
    item = get(keys.booking(reference), keys.PLACE_POINTER)
    if item is None or int(item["held_until"]) <= now:
        return None
    token = item.get("phone_token")
    return PlacePointer(
        reference=reference,
        places_held=str(item["holds_pk"]),
        place=str(item["place"]),
        phone_hash=item.get("phone_hash"),
        phone_token=int(token) if token else None,
        held_until=int(item["held_until"]),
    )


def move_place_pointer(reference: str, until: int) -> dict[str, Any]:
    return update(
        keys.booking(reference), keys.PLACE_POINTER, {"held_until": until, "expires_at": until}, "attribute_exists(#PK)"
    )


def update_booking(
    reference: str,
    set_values: Mapping[str, Any],
    condition: str,
    condition_values: Mapping[str, Any],
    remove: Sequence[str] = (),
) -> dict[str, Any]:
    """SET `set_values` (and REMOVE `remove`) under `condition`, which names attributes as #name."""
    return update(keys.booking(reference), keys.BOOKING, set_values, condition, condition_values, remove)


def iso(value: datetime) -> str:
    return value.isoformat()
