"""Complaint requests and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
MAX_DESCRIPTION = 5000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ComplaintRequest(Strict):
    category: Category
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    description: str = Field(min_length=10, max_length=MAX_DESCRIPTION)
    language: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1: the language of the answer")
    against: str | None = Field(default=None, max_length=200)
    when: str | None = Field(default=None, max_length=100)
    woman_caseworker: bool = False
    on_behalf: bool = False
    centre_id: str | None = Field(default=None, max_length=60)
    phone: str | None = Field(default=None, max_length=32)
    phone_consent: bool = False


class Submitted(BaseModel):
    receipt: str
    submitted_at: datetime
    acknowledge_by: date


class ReceiptRequest(Strict):
    receipt: str = Field(min_length=10, max_length=80)


class MessageRequest(ReceiptRequest):
    text: str = Field(min_length=1, max_length=MAX_DESCRIPTION)


class Message(BaseModel):
    author: Literal["complainant", "caseworker"]
    text: str
    at: datetime


class ComplaintView(BaseModel):
    status: Status
    category: Category
    submitted_at: datetime
    language: str
    messages: list[Message]
    access_until: datetime
