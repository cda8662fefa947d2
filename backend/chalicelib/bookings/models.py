"""Booking requests and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.core.dates import Day, Moment

Mode = Literal["on_site", "phone", "video"]
Status = Literal["confirmed", "cancelled", "waiting", "offered", "expired", "attended", "no_show"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SlotsQuery(Strict):
    from_: Day | None = Field(default=None, alias="from")
    days: int = Field(default=14, ge=1, le=30)


class Slot(BaseModel):
    start: datetime
    end: datetime
    seats_left: int


class SlotList(BaseModel):
    centre_id: str
    service_id: str
    timezone: str
    slots: list[Slot]


class ContactIn(Strict):
    """Optional: a phone number for the centre to call back, a nickname instead of a name."""

    phone: str | None = Field(default=None, max_length=32)
    nickname: str | None = Field(default=None, max_length=40)
    # Filled by the service from the centre's country, to read national numbers.
    region: str | None = Field(default=None, exclude=True)

    @field_validator("nickname")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and not value.isprintable():
            raise ValueError("the nickname has characters that cannot be shown")
        return value or None


def normalise_phone(raw: str, region: str | None) -> str:
    """E.164, or ValueError with a message a person understands."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("this is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("this phone number is not valid: give it with the country code, e.g. +992…")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class AppointmentFields(Strict):
    """What a booking and a place on the waiting list both say."""

    centre_id: str = Field(max_length=60)
    service_id: str = Field(max_length=60)
    mode: Mode
    language: str = Field(pattern=r"^[a-z]{2}$")
    contact: ContactIn | None = None


class BookingRequest(AppointmentFields):
    start: Moment


class WaitlistRequest(AppointmentFields):
    date: Day


class ChangeRequest(Strict):
    """PATCH: move to another slot (`start`), or accept a seat offered from the waiting list."""

    start: Moment | None = None
    status: Literal["confirmed"] | None = None


class BookingView(BaseModel):
    reference: str
    centre_id: str
    service_id: str
    start: datetime | None
    end: datetime | None
    mode: Mode
    language: str
    status: Status
    waiting_for: date | None = None
    hold_expires_at: datetime | None = None


class BookingCreated(BookingView):
    manage_code: str


class FullSlot(BaseModel):
    """409 body when the slot was just taken: the next free slots, to choose again."""

    next_free: list[Slot]
