"""What the staff console sends and receives."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.centres.models import RangeView
from chalicelib.complaints.models import Category, Status
from chalicelib.core.dates import Day
from chalicelib.feedback.models import AgeBand, Gender

Priority = Literal["low", "normal", "high", "urgent"]
Lane = Literal["general", "restricted"]
Outcome = Literal[
    "resolved_in_favour", "partly_resolved", "not_upheld", "referred_elsewhere", "withdrawn", "no_contact"
]
Role = Literal["caseworker", "manager", "focal_point", "admin"]
MAX_TEXT = 5000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---- who ----------------------------------------------------------------------------------------


class CentreRef(BaseModel):
    id: str
    name: str


class Me(BaseModel):
    sub: str
    username: str
    name: str
    roles: list[Role]
    centres: list[CentreRef]
    all_centres: bool


class AuthConfig(BaseModel):
    authorize_url: str
    token_url: str
    logout_url: str
    client_id: str
    scope: str = "openid"


# ---- the queue ----------------------------------------------------------------------------------


class QueueQuery(Strict):
    lane: Lane | None = None
    centre: str | None = Field(default=None, max_length=60)
    status: Status | None = None
    category: Category | None = None
    priority: Priority | None = None
    assigned: Literal["me"] | None = None
    overdue: Literal["true", "false"] | None = None
    sort: Literal["oldest", "newest", "deadline"] = "oldest"
    older_than_days: int | None = Field(default=None, ge=0, le=3650)


class Assignee(BaseModel):
    sub: str
    name: str


class CaseSummary(BaseModel):
    id: str
    category: Category
    status: Status
    priority: Priority
    lane: Lane
    centre_id: str | None
    centre_name: str | None
    country: str
    language: str
    submitted_at: datetime
    acknowledge_by: date
    answer_by: date
    overdue: Literal["acknowledge", "answer"] | None
    assignee: Assignee | None
    referred_to: list[str]
    age_days: int


class Queue(BaseModel):
    complaints: list[CaseSummary]
    count: int


# ---- one case -----------------------------------------------------------------------------------


class CaseMessage(BaseModel):
    author: Literal["complainant", "caseworker"]
    text: str
    at: datetime


class Note(BaseModel):
    author: str
    text: str
    at: datetime


class HistoryEntry(BaseModel):
    status: Status
    at: datetime
    by: str


class Referral(BaseModel):
    centre_id: str
    centre_name: str
    note: str
    at: datetime
    by: str


class Money(Strict):
    amount: Decimal = Field(gt=0, le=Decimal("100000000"), decimal_places=2)
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")


class OutcomeView(BaseModel):
    outcome: Outcome
    compensation: Money | None
    note: str | None
    at: datetime


class Allowed(BaseModel):
    statuses: list[Status]
    reply: bool
    refer: bool
    close: bool
    audit: bool


class Case(CaseSummary):
    description: str
    against: str | None
    when: str | None
    woman_caseworker: bool
    on_behalf: bool
    phone: str | None
    messages: list[CaseMessage]
    notes: list[Note]
    history: list[HistoryEntry]
    referrals: list[Referral]
    outcome: OutcomeView | None
    allowed: Allowed


class StatusChange(Strict):
    status: Literal["acknowledged", "in_progress", "resolved", "closed"]
    expected: Status | None = Field(default=None, description="the status the console showed: 409 if it changed")


class CaseChange(Strict):
    priority: Priority | None = None
    assignee: Literal["me"] | None = Field(default=None, description='"me" to take the case, null to release it')
    release: bool = False


class TextIn(Strict):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class ReferralIn(Strict):
    centre_id: str = Field(min_length=1, max_length=60)
    note: str = Field(min_length=1, max_length=MAX_TEXT)


class OutcomeIn(Strict):
    outcome: Outcome
    compensation: Money | None = None
    note: str | None = Field(default=None, max_length=MAX_TEXT)


# ---- the agenda ---------------------------------------------------------------------------------

Hours = list[RangeView]
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class AgendaQuery(Strict):
    date: Day


class Exception_(BaseModel):
    date: date
    closed: bool
    hours: Hours
    note: str | None


class ExceptionIn(Strict):
    closed: bool
    hours: list[RangeView] = Field(default_factory=list, max_length=6)
    note: str | None = Field(default=None, max_length=300)

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        import re

        for start, end in value:
            if not (re.match(HHMM, start) and re.match(HHMM, end)) or start >= end:
                raise ValueError("each range is [HH:MM, HH:MM] with the start before the end")
        return sorted(value)


class ExceptionsQuery(Strict):
    from_: Day = Field(alias="from")
    to: Day


class ExceptionList(BaseModel):
    exceptions: list[Exception_]


class AgendaBooking(BaseModel):
    reference: str
    service_id: str
    service_name: str
    start: datetime
    end: datetime
    mode: str
    language: str
    status: Literal["confirmed", "attended", "no_show", "offered"]
    nickname: str | None
    phone: str | None


class Agenda(BaseModel):
    centre_id: str
    date: date
    timezone: str
    opening: Hours
    exception: Exception_ | None
    bookings: list[AgendaBooking]


class AttendanceIn(Strict):
    attended: bool
    gender: Gender | None = None
    age_band: AgeBand | None = None
