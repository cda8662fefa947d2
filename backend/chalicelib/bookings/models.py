"""Booking requests and answers: the public's side, then the staff agenda's."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.centres.models import Mode, RangeView
from chalicelib.core.dates import Day, Moment
from chalicelib.core.enums import AgeBand, Gender
from chalicelib.core.models import RequestModel

Status = Literal[
    "confirmed", "cancelled", "waiting", "offered", "expired", "attended", "no_show", "cancelled_by_centre"
]
# What the agenda lists: appointments that hold a seat or have been checked in, and those the centre
# cancelled by closing the day (staff may want to call them).
AgendaStatus = Literal["confirmed", "attended", "no_show", "offered", "cancelled_by_centre"]
# What happens to the appointments a closure or new hours would leave out: cancelled by the centre
# (each person is told: bookings/notices.py), or kept (the centre sees them anyway).
AffectedChoice = Literal["cancel", "keep"]


class SlotsQuery(RequestModel):
    from_: Day | None = Field(default=None, alias="from")
    days: int = Field(default=14, ge=1, le=30)


class Slot(BaseModel, defer_build=True):
    start: datetime
    end: datetime
    seats_left: int


class SlotList(BaseModel, defer_build=True):
    centre_id: str
    service_id: str
    timezone: str
    slots: list[Slot]


class ContactIn(RequestModel):
    """Optional: a phone number for the centre to call back, a nickname instead of a name."""

    phone: str | None = Field(default=None, max_length=32)
    nickname: str | None = Field(default=None, max_length=40)
    # Consent to SMS about this booking (confirmation, reminder, changes) at `phone`.
    sms: bool = False
    # A phone verified by a code (POST /api/phone/confirm) gives its proof here: the booking is
    # then not counted under the per-source cap (the per-phone cap applies).
    phone_proof: str | None = Field(default=None, max_length=64)
    # Filled by the service from the centre's country, to read national numbers.
    region: str | None = Field(default=None, exclude=True)

    @field_validator("nickname")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and not value.isprintable():
            raise ValueError("the nickname has characters that cannot be shown")
        return value or None


class AppointmentFields(RequestModel):
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


class ChangeRequest(RequestModel):
    """PATCH: move to another slot (`start`), or accept a seat offered from the waiting list."""

    start: Moment | None = None
    status: Literal["confirmed"] | None = None


class BookingView(BaseModel, defer_build=True):
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


class FullSlot(BaseModel, defer_build=True):
    """409 body when the slot was just taken: the next free slots, to choose again."""

    next_free: list[Slot]


# ---- the agenda ---------------------------------------------------------------------------------

Hours = list[RangeView]
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class AgendaQuery(RequestModel):
    date: Day


# A dated exception staff set in the console (a closed day, or its own hours), as the agenda shows
# it. (No docstring: it would enter the contract.) The contract published it as `Exception_` and
# keeps that name (core/openapi.py, PublishedNames).
class StaffException(BaseModel):
    model_config = ConfigDict(defer_build=True, title="Exception_")

    date: date
    closed: bool
    hours: Hours
    note: str | None


class ExceptionIn(RequestModel):
    closed: bool
    hours: list[RangeView] = Field(default_factory=list, max_length=6)
    note: str | None = Field(default=None, max_length=300)
    # Required when the change leaves out booked appointments (else 409 `bookings_affected`).
    bookings: AffectedChoice | None = None

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        import re

        for start, end in value:
            if not (re.match(HHMM, start) and re.match(HHMM, end)) or start >= end:
                raise ValueError("each range is [HH:MM, HH:MM] with the start before the end")
        return sorted(value)


class ExceptionSet(StaffException):
    """A day's exception as set, and what became of the appointments it left out: `booked`
    appointments (and `waiting` entries, when the day is closed: its waiting list closes), of
    which `cancelled` are now cancelled by the centre."""

    model_config = ConfigDict(title="ExceptionSet")

    booked: int
    waiting: int
    cancelled: int


class ExceptionsQuery(RequestModel):
    from_: Day = Field(alias="from")
    to: Day


class ExceptionList(BaseModel, defer_build=True):
    exceptions: list[StaffException]


class AgendaBooking(BaseModel, defer_build=True):
    reference: str
    service_id: str
    service_name: str
    start: datetime
    end: datetime
    mode: str
    language: str
    status: AgendaStatus
    nickname: str | None
    phone: str | None


class Agenda(BaseModel, defer_build=True):
    centre_id: str
    date: date
    timezone: str
    opening: Hours
    exception: StaffException | None
    bookings: list[AgendaBooking]


class AttendanceIn(RequestModel):
    attended: bool
    gender: Gender | None = None
    age_band: AgeBand | None = None


# ---- phone verification -------------------------------------------------------------------------


class PhoneCodeRequest(RequestModel):
    """Send a one-time code by SMS to prove a phone (optional): `centre_id` reads a national number."""

    phone: str = Field(max_length=32)
    centre_id: str = Field(max_length=60)
    language: str = Field(pattern=r"^[a-z]{2}$")


class PhoneCodeSent(BaseModel):
    minutes: int


class PhoneVerifyRequest(RequestModel):
    phone: str = Field(max_length=32)
    centre_id: str = Field(max_length=60)
    code: str = Field(min_length=1, max_length=12)


class PhoneVerified(BaseModel):
    """Give `phone_proof` with the booking's contact (`contact.phone_proof`) before `expires_at`."""

    phone_proof: str
    expires_at: datetime
