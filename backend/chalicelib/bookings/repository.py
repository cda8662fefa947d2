"""Bookings in DynamoDB. The only code that touches the table for bookings.

Keys (single table, see infra/template.yaml):
- seat counter  PK=CENTRE#<centre>  SK=DAY#<local date>#SLOT#<service>#<HH:MM>   remaining, capacity
- staff closure PK=CENTRE#<centre>  SK=DAY#<local date>#CLOSURE                  hours (absent = closed)
- waiting line  PK=CENTRE#<centre>  SK=WAIT#<service>#<date>#<joined at>#<ref>
- booking       PK=BOOKING#<ref>    SK=BOOKING    GSI1: CENTRE#<centre>#DAY#<date> / <start>#<ref>
                                                  GSI2 (offers only): OFFERS / <hold expires>#<ref>
- contact       PK=BOOKING#<ref>    SK=CONTACT    phone, nickname; expires_at (TTL) 30 days after
- phone token   PK=PHONE#<keyed hash>  SK=TOKEN#<n>  held by one upcoming booking until it ends

Seats are never counted by reading then writing: a counter's `remaining` is decremented under
the condition `remaining > 0` in the same transaction that writes the booking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.core.aws import dynamodb_client
from chalicelib.core.dynamo import delete_item, encode_item, encode_values, get, plain, query_all, table, update

# ---- keys ------------------------------------------------------------------------------------

def centre_pk(centre_id: str) -> str:
    return f"CENTRE#{centre_id}"


def counter_sk(day: date, service_id: str, hhmm: str) -> str:
    return f"DAY#{day.isoformat()}#SLOT#{service_id}#{hhmm}"


def booking_pk(reference: str) -> str:
    return f"BOOKING#{reference}"


# ---- reads -----------------------------------------------------------------------------------

@dataclass
class DayState:
    """What DynamoDB says about a centre's days: seats left per booked slot, staff closures."""

    remaining: dict[tuple[str, date, str], int]
    closures: dict[date, list[tuple[str, str]] | None]


def centre_days(centre_id: str, first: date, last: date) -> DayState:
    """One query: every counter and closure of the centre between two local dates."""
    state = DayState(remaining={}, closures={})
    for item in query_all(KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
                          ExpressionAttributeValues=encode_values({":pk": centre_pk(centre_id),
                                                                   ":a": f"DAY#{first.isoformat()}",
                                                                   ":b": f"DAY#{last.isoformat()}#~"})):
        parts = item["SK"].split("#")
        day = date.fromisoformat(parts[1])
        if parts[2] == "SLOT":
            state.remaining[(parts[3], day, parts[4])] = int(item["remaining"])
        elif parts[2] == "CLOSURE":
            hours = item.get("hours")
            state.closures[day] = [(a, b) for a, b in hours] if hours else None
    return state


def get_booking(reference: str) -> dict[str, Any] | None:
    return get(booking_pk(reference), "BOOKING")


def first_in_line(centre_id: str, service_id: str, day: date) -> dict[str, Any] | None:
    response = dynamodb_client().query(
        TableName=table(), Limit=1, ConsistentRead=True,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=encode_values({":pk": centre_pk(centre_id),
                                           ":prefix": f"WAIT#{service_id}#{day.isoformat()}#"}),
    )
    items = response.get("Items", [])
    return plain(items[0]) if items else None


def expired_offers(now_iso: str, limit: int = 25) -> list[dict[str, Any]]:
    response = dynamodb_client().query(
        TableName=table(), IndexName="GSI2", Limit=limit,
        KeyConditionExpression="GSI2PK = :pk AND GSI2SK < :now",
        ExpressionAttributeValues=encode_values({":pk": "OFFERS", ":now": now_iso}),
    )
    return [plain(i) for i in response.get("Items", [])]


# ---- transaction items ---------------------------------------------------------------------

def take_seat(centre_id: str, day: date, service_id: str, hhmm: str, capacity: int,
              extra: Mapping[str, Any]) -> dict[str, Any]:
    """Decrement a slot's seats; the counter is created full on first use."""
    return {"Update": {
        "TableName": table(),
        "Key": encode_values({"PK": centre_pk(centre_id), "SK": counter_sk(day, service_id, hhmm)}),
        "UpdateExpression": "SET #remaining = if_not_exists(#remaining, :capacity) - :one, #capacity = :capacity, "
                            "#type = :type, starts_at = :start",
        "ConditionExpression": "attribute_not_exists(#remaining) OR #remaining > :zero",
        "ExpressionAttributeNames": {"#type": "type", "#remaining": "remaining", "#capacity": "capacity"},
        "ExpressionAttributeValues": encode_values({":capacity": capacity, ":one": 1, ":zero": 0,
                                                    ":type": "SeatCounter", ":start": extra["start"]}),
    }}


def give_back_seat(centre_id: str, day: date, service_id: str, hhmm: str) -> dict[str, Any]:
    return {"Update": {
        "TableName": table(),
        "Key": encode_values({"PK": centre_pk(centre_id), "SK": counter_sk(day, service_id, hhmm)}),
        "UpdateExpression": "SET #remaining = #remaining + :one",
        "ConditionExpression": "attribute_exists(#remaining) AND #remaining < #capacity",
        "ExpressionAttributeNames": {"#remaining": "remaining", "#capacity": "capacity"},
        "ExpressionAttributeValues": encode_values({":one": 1}),
    }}


def put_contact(reference: str, phone: str | None, nickname: str | None, expires_at: int) -> dict[str, Any]:
    return {"Put": {"TableName": table(), "Item": encode_item({
        "PK": booking_pk(reference), "SK": "CONTACT", "type": "BookingContact",
        "phone": phone, "nickname": nickname, "expires_at": expires_at,
    })}}


def hold_phone_token(phone_hash: str, token: int, reference: str, held_until: int, now: int) -> dict[str, Any]:
    """A phone may hold a few upcoming bookings: each holds one of a fixed number of tokens,
    free again once its appointment has passed (or it is cancelled)."""
    return {"Put": {
        "TableName": table(),
        "Item": encode_item({"PK": f"PHONE#{phone_hash}", "SK": f"TOKEN#{token}", "type": "PhoneToken",
                       "booking_ref": reference, "held_until": held_until, "expires_at": held_until}),
        "ConditionExpression": "attribute_not_exists(PK) OR held_until < :now",
        "ExpressionAttributeValues": encode_values({":now": now}),
    }}


def release_phone_token(phone_hash: str, token: int, reference: str) -> dict[str, Any]:
    return delete_item(f"PHONE#{phone_hash}", f"TOKEN#{token}", "booking_ref = :ref", {":ref": reference})


def move_phone_token(phone_hash: str, token: int, reference: str, held_until: int) -> dict[str, Any]:
    return {"Update": {
        "TableName": table(), "Key": encode_values({"PK": f"PHONE#{phone_hash}", "SK": f"TOKEN#{token}"}),
        "UpdateExpression": "SET held_until = :until, expires_at = :until",
        "ConditionExpression": "booking_ref = :ref",
        "ExpressionAttributeValues": encode_values({":until": held_until, ":ref": reference}),
    }}


def update_booking(reference: str, set_values: Mapping[str, Any], condition: str,
                   condition_values: Mapping[str, Any], remove: Sequence[str] = ()) -> dict[str, Any]:
    """SET `set_values` (and REMOVE `remove`) under `condition`, which names attributes as #name."""
    return update(booking_pk(reference), "BOOKING", set_values, condition, condition_values, remove)


def iso(value: datetime) -> str:
    return value.isoformat()
