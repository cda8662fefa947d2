"""Complaint requests and answers: the complainant's side, then the staff console's (triage)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.core.models import RequestModel
from chalicelib.evidence.contract import DEFAULT_LIMITS, Kind, MediaType

Category = Literal[
    "recruitment_fees",
    "contract_breach",
    "non_deployment",
    "unpaid_wages",
    "work_accident",
    "passport_confiscated",
    "violence_abuse",
    "trafficking",
    "lost_contact",
    "discrimination",
    "sea_by_staff",
    "other",
]
# Sexual exploitation and abuse by aid or centre staff goes to a separate, restricted lane
# (Core Humanitarian Standard, commitment 5): only designated focal points open it.
RESTRICTED_CATEGORIES = frozenset({"sea_by_staff"})
Status = Literal["new", "acknowledged", "in_progress", "referred", "resolved", "closed"]
Priority = Literal["low", "normal", "high", "urgent"]
Lane = Literal["general", "restricted"]
Outcome = Literal[
    "resolved_in_favour", "partly_resolved", "not_upheld", "referred_elsewhere", "withdrawn", "no_contact"
]
# The outcomes that uphold a complaint: counted against the agency staff confirmed (issue 19's
# "upheld" and "compensated": compensation is recorded with either of them).
UPHELD_OUTCOMES = frozenset({"resolved_in_favour", "partly_resolved"})
AGENCY_ID = r"^[a-z]{2}(-[a-z0-9]+)+$"
Author = Literal["complainant", "caseworker"]
# Which deadline a case has missed: acknowledging it, or answering it.
Overdue = Literal["acknowledge", "answer"]
QueueSort = Literal["oldest", "newest", "deadline"]
MAX_DESCRIPTION = 5000
MAX_TEXT = 5000
# Evidence files: at most this many with a complaint or a message, each at most 4 MB as sent
# (base64 makes that 5.6 MB of text, within what one Lambda invocation carries).
MAX_ATTACHMENTS = 5
MAX_UPLOAD_BASE64 = (DEFAULT_LIMITS.max_bytes + 2) // 3 * 4
AttachmentId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$", description="from POST /api/complaints/attachments")]


def _distinct(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("an attachment is listed twice")
    return ids


class WithAttachments(RequestModel):
    attachments: list[AttachmentId] = Field(
        default_factory=list,
        max_length=MAX_ATTACHMENTS,
        description="ids of files uploaded first; each attaches once, to one complaint",
    )

    @model_validator(mode="after")
    def _no_repeats(self) -> Self:
        _distinct(self.attachments)
        return self


class AttachmentUpload(RequestModel):
    """A file for a complaint. Its name and declared type are never stored or logged: only the
    bytes decide what it is (send a neutral name)."""

    filename: str = Field(default="file", max_length=255, description="ignored and never stored")
    content_type: str = Field(
        default="application/octet-stream", max_length=100, description="ignored: the bytes decide"
    )
    # No max_length here: a longer file is 413 too_large (the route caps the body), not a 400.
    data: str = Field(min_length=1, description="the file, base64 (at most 4 MB decoded)")


class Uploaded(BaseModel):
    attachment_id: str
    kind: Kind
    bytes: int
    pages: int | None = Field(default=None, description="documents only")


class ComplaintRequest(WithAttachments):
    category: Category
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    description: str = Field(min_length=10, max_length=MAX_DESCRIPTION)
    language: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1: the language of the answer")
    against: str | None = Field(default=None, max_length=200)
    agency_id: str | None = Field(
        default=None,
        max_length=80,
        pattern=AGENCY_ID,
        description="the agency picked from the recruiters' list (GET /api/recruiters/{agency_id}); "
        "`against` stays free text",
    )
    when: str | None = Field(default=None, max_length=100)
    woman_caseworker: bool = False
    on_behalf: bool = False
    centre_id: str | None = Field(default=None, max_length=60)
    phone: str | None = Field(default=None, max_length=32)
    phone_consent: bool = False


class Submitted(BaseModel, defer_build=True):
    receipt: str
    submitted_at: datetime
    acknowledge_by: date


class ReceiptRequest(RequestModel):
    receipt: str = Field(min_length=10, max_length=80)


class MessageRequest(ReceiptRequest, WithAttachments):
    text: str = Field(default="", max_length=MAX_DESCRIPTION, description="may be empty when files are attached")

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not self.text and not self.attachments:
            raise ValueError("write a message or attach a file")
        return self


class Message(BaseModel, defer_build=True):
    author: Author
    text: str
    at: datetime


# Where the complaint stands, as its follow-up page says it: the case's status, except that a
# caseworker's reply after the complainant's last message reads "answered" until the complainant
# writes again or the case is resolved or closed. Made only of what the complainant may see (the
# status and the messages), never of internal notes, assignment or priority.
FollowUp = Literal["received", "acknowledged", "in_progress", "referred", "answered", "resolved", "closed"]


class SentFile(BaseModel, defer_build=True):
    """A file the complainant sent, as they see it again with the receipt."""

    kind: Kind
    bytes: int
    pages: int | None
    at: datetime


class ComplaintView(BaseModel, defer_build=True):
    status: Status
    follow_up: FollowUp
    category: Category
    submitted_at: datetime
    language: str
    messages: list[Message]
    attachments: list[SentFile] = Field(default_factory=list)
    access_until: datetime


# ---- the queue ----------------------------------------------------------------------------------


class QueueQuery(RequestModel):
    lane: Lane | None = None
    centre: str | None = Field(default=None, max_length=60)
    status: Status | None = None
    category: Category | None = None
    priority: Priority | None = None
    assigned: Literal["me"] | None = None
    overdue: Literal["true", "false"] | None = None
    sort: QueueSort = "oldest"
    older_than_days: int | None = Field(default=None, ge=0, le=3650)


class Assignee(BaseModel, defer_build=True):
    sub: str
    name: str


class CaseSummary(BaseModel, defer_build=True):
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
    overdue: Overdue | None
    assignee: Assignee | None
    referred_to: list[str]
    age_days: int


class Queue(BaseModel, defer_build=True):
    complaints: list[CaseSummary]
    count: int


# ---- one case -----------------------------------------------------------------------------------


class CaseMessage(BaseModel, defer_build=True):
    author: Author
    text: str
    at: datetime


class Note(BaseModel, defer_build=True):
    author: str
    text: str
    at: datetime


class HistoryEntry(BaseModel, defer_build=True):
    status: Status
    at: datetime
    by: str


class Referral(BaseModel, defer_build=True):
    centre_id: str
    centre_name: str
    note: str
    at: datetime
    by: str


class Money(RequestModel):
    amount: Decimal = Field(gt=0, le=Decimal("100000000"), decimal_places=2)
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")


class OutcomeView(BaseModel, defer_build=True):
    outcome: Outcome
    compensation: Money | None
    note: str | None
    at: datetime


class CaseAgency(BaseModel, defer_build=True):
    """The agency a case names: the one the complainant picked until staff confirm or correct it."""

    id: str | None = Field(description="null once staff found the agency is on no list")
    name_latin: str | None
    name_local: str | None
    country: str | None
    status: str | None = Field(description="the licence status on the regulator's list")
    claimed_id: str | None = Field(description="the agency the complainant picked, if any")
    confirmed: bool
    counted: bool = Field(description="an upheld outcome against the confirmed agency, in its published figures")


class Allowed(BaseModel, defer_build=True):
    statuses: list[Status]
    reply: bool
    refer: bool
    close: bool
    audit: bool


class Attachment(BaseModel):
    """An evidence file on a case, for the staff console (the file itself: its own route)."""

    model_config = ConfigDict(serialize_by_alias=True, populate_by_name=True)

    id: str
    kind: Kind
    media_type: MediaType
    bytes: int
    pages: int | None
    at: datetime
    sender: Author = Field(alias="from")


class Case(CaseSummary):
    description: str
    against: str | None
    agency: CaseAgency | None
    when: str | None
    woman_caseworker: bool
    on_behalf: bool
    phone: str | None
    messages: list[CaseMessage]
    attachments: list[Attachment]
    notes: list[Note]
    history: list[HistoryEntry]
    referrals: list[Referral]
    outcome: OutcomeView | None
    allowed: Allowed


class StatusChange(RequestModel):
    status: Literal["acknowledged", "in_progress", "resolved", "closed"]
    expected: Status | None = Field(default=None, description="the status the console showed: 409 if it changed")


class CaseChange(RequestModel):
    priority: Priority | None = None
    assignee: Literal["me"] | None = Field(default=None, description='"me" to take the case, null to release it')
    release: bool = False


class TextIn(RequestModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class ReferralIn(RequestModel):
    centre_id: str = Field(min_length=1, max_length=60)
    note: str = Field(min_length=1, max_length=MAX_TEXT)


class OutcomeIn(RequestModel):
    outcome: Outcome
    compensation: Money | None = None
    note: str | None = Field(default=None, max_length=MAX_TEXT)


class AgencyIn(RequestModel):
    """Staff confirm the agency the complainant picked, correct it, or say it is on no list (null)."""

    agency_id: str | None = Field(max_length=80, pattern=AGENCY_ID)
