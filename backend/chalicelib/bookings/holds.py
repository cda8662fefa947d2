"""How many places one source holds at a centre, and the cap on them.

A place is held by every booking that is confirmed or offered until its appointment ends, and by
every waiting entry until the end of the day it waits for. A source (core/sources.py: an IPv4
address or an IPv6 /64) may hold `BOOKING_MAX_PLACES_PER_SOURCE` places at one centre at once;
past that, 429 `seat_limit`, and the person is told to call the centre.

Where the count lives: one item per centre and source key of the day (core/keys.py), a map of
random place ids to the time each place is held until. Source keys change with the daily
salt, so a source's places may sit in the items of several days (each day's key is only known
while that day's salt lives, as long as a place booked then can last). The count is the sum over
the items of every such day: one BatchGetItem.

The cap is enforced by conditions in the booking's own transaction, never by the read alone: a new
place goes into the item of today's key under the condition that the item is as read (its
version); the items of yesterday and tomorrow, the only other days whose items anyone can add to
at that moment (two requests on either side of midnight), are checked unchanged too; the older
items can only lose places meanwhile (cancelled or passed), which makes the count only safer. So
however many requests from one source arrive at once, at most the cap get a place; the others see
their condition fail, count again and get the 429.

The booking itself keeps no source key: a pointer item beside it (its place pointer) says which
item and place to release when it is cancelled or its offer expires, and it expires
(TTL) when its appointment or day has passed. Moving a booking keeps its place.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.bookings import repository as repo
from chalicelib.centres.models import Centre
from chalicelib.core import dynamo, keys
from chalicelib.core.errors import TooManyRequests
from chalicelib.core.settings import get_settings
from chalicelib.core.sources import Source, salt_exists_check

DAY = 86400
NAMES = ("hold", "hold:yesterday", "hold:tomorrow")


class SeatLimit(TooManyRequests):
    code = "seat_limit"


@dataclass
class Place:
    """A place to take: where it goes, and the transaction items that take it under the cap."""

    places_held: str  # the partition key of the places-held item it goes into
    place: str
    items: dict[str, dict[str, Any]]


def _live(item: dict[str, Any] | None, now: int) -> list[int]:
    return [int(until) for until in (item or {}).get("places", {}).values() if int(until) > now]


def _version(item: dict[str, Any] | None) -> int | None:
    return int(item["version"]) if item is not None else None


def _items_expire(now: int) -> int:
    """When a places-held item may go: after any place added or moved now has passed (a place
    lasts at most the horizon and the length of one appointment from now)."""
    return now + (get_settings().booking_horizon_days + 2) * DAY


def take(source: Source, centre: Centre, until: int, now: datetime, consistent: bool, capped: bool = True) -> Place:
    """A new place for `source` at `centre`, held until `until` (a Unix time), or SeatLimit.
    `capped=False` for a booking whose phone was verified by a code (bookings/phone_check.py): the
    per-phone cap holds it instead, and its place is still counted for the source's other bookings."""
    settings = get_settings()
    cap = settings.booking_max_places_per_source
    stamp = int(now.timestamp())
    today = Source.today(now)
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    span = settings.booking_horizon_days + 2
    source_keys = source.keys([today + timedelta(days=offset) for offset in range(-span, 2)], now)
    pks = {day: keys.places_held(centre.id, key) for day, key in source_keys.items()}
    found = repo.read_holds(list(pks.values()), consistent)
    live = sorted(until for item in found.values() for until in _live(item, stamp))
    if capped and len(live) >= cap:
        phone = centre.contact.phone
        raise SeatLimit(
            f"Too many places at this centre are already held from this internet connection (it may be shared "
            f"with other people). To book, please call the centre{f' on {phone}' if phone else ''}.",
            retry_after=max(1, live[0] - stamp),
        )
    place = secrets.token_hex(8)
    target = found.get(pks[today])
    if target is None:
        hold = repo.new_holds(pks[today], place, until, _items_expire(stamp))
    else:
        passed = [p for p, held in target.get("places", {}).items() if int(held) <= stamp]
        hold = repo.add_place(pks[today], place, until, int(target["version"]), passed, _items_expire(stamp))
    items = {
        "hold": hold,
        "hold:tomorrow": repo.holds_unchanged(pks[tomorrow], _version(found.get(pks[tomorrow]))),
        # no salt yesterday: nobody keyed anything with it, and the check fails if somebody does now
        "hold:yesterday": repo.holds_unchanged(pks[yesterday], _version(found.get(pks[yesterday])))
        if yesterday in pks
        else salt_exists_check(yesterday),
    }
    return Place(pks[today], place, items)


def release(pointer: repo.PlacePointer, now: datetime) -> list[dict[str, Any]]:
    """The transaction items that give a booking's place back and forget where it was held."""
    return [
        repo.release_place(pointer.places_held, pointer.place, _items_expire(int(now.timestamp()))),
        dynamo.delete_item(keys.booking(pointer.reference), keys.PLACE_POINTER),
    ]


def move(pointer: repo.PlacePointer, until: int, now: datetime) -> list[dict[str, Any]]:
    """The transaction items that keep a moved booking's place, held until its new time ends."""
    return [
        repo.move_place(pointer.places_held, pointer.place, until, _items_expire(int(now.timestamp()))),
        repo.move_place_pointer(pointer.reference, until),
    ]
