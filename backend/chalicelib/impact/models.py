"""The dashboard's query and figures. A count of None was withheld: it is under 5."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.feedback.models import AgeBand, Gender

MONTH = r"^20\d\d-(0[1-9]|1[0-2])$"


class DashboardQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    centre: str | None = Field(default=None, max_length=60)
    from_: str | None = Field(default=None, alias="from", pattern=MONTH, description="YYYY-MM")
    to: str | None = Field(default=None, pattern=MONTH, description="YYYY-MM")
    gender: Gender | None = None
    age_band: AgeBand | None = None


class Period(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)
    from_: str = Field(alias="from")
    to: str


class Served(BaseModel):
    month: str
    centre_id: str
    service_id: str
    count: int | None


class NoShow(BaseModel):
    attended: int | None
    no_show: int | None
    rate: float | None


class CategoryCount(BaseModel):
    category: str
    count: int | None


class OutcomeCount(BaseModel):
    outcome: str
    count: int | None


class Money(BaseModel):
    currency: str
    amount: str


class ComplaintFigures(BaseModel):
    received: int | None
    by_category: list[CategoryCount]
    by_outcome: list[OutcomeCount]
    median_days_to_acknowledge: int | None
    compensation: list[Money]


class Ratings(BaseModel):
    count: int | None
    average: float | None
    helped_decide_share: float | None
    delivered_share: float | None


class GuideFigure(BaseModel):
    page: str
    language: str
    yes: int | None
    no: int | None


class NeedFigure(BaseModel):
    topic: str
    count: int | None


class NeedText(BaseModel):
    topic: str
    text: str
    language: str
    at: datetime


class Dashboard(BaseModel):
    period: Period
    suppressed_below: int
    served: list[Served]
    no_show_rate: NoShow
    complaints: ComplaintFigures
    ratings: Ratings
    guides: list[GuideFigure]
    needs: list[NeedFigure]
    needs_text: list[NeedText]
