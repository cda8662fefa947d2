"""The dashboard's query and figures. A count of None was withheld: it is under 5 (0 included), or
it would let one be worked out from the figures shown for another period, centre or category."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.core.enums import AgeBand, Gender

# A calendar month, quarter or year: periods that nest and never overlap otherwise, so that no
# two of them can be subtracted to isolate a few weeks.
PERIOD = r"^20\d\d(-(0[1-9]|1[0-2])|-Q[1-4])?$"
Lane = Literal["general", "restricted"]


class DashboardQuery(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")
    centre: str | None = Field(
        default=None, max_length=60, description="one of the caller's centres; all of them if not given"
    )
    period: str | None = Field(
        default=None,
        pattern=PERIOD,
        description=("a month (2026-07), a quarter (2026-Q3) or a year (2026); the current year if not given"),
    )
    lane: Lane | None = Field(
        default=None,
        description=("general (managers, administrators) or restricted (focal points only); by default the caller's"),
    )
    gender: Gender | None = Field(default=None, description="narrows the needs figures")
    age_band: AgeBand | None = Field(default=None, description="narrows the needs figures")


class Period(BaseModel, defer_build=True):
    value: str = Field(description="as asked: 2026-07, 2026-Q3 or 2026")
    kind: Literal["month", "quarter", "year"]
    first_month: str
    last_month: str


class Served(BaseModel, defer_build=True):
    month: str
    centre_id: str
    service_id: str
    count: int | None


class NoShow(BaseModel, defer_build=True):
    attended: int | None
    no_show: int | None
    rate: float | None


class CategoryCount(BaseModel, defer_build=True):
    category: str
    count: int | None


class OutcomeCount(BaseModel, defer_build=True):
    outcome: str
    count: int | None


class CompensationTotal(BaseModel, defer_build=True):
    currency: str
    amount: str


class ComplaintFigures(BaseModel, defer_build=True):
    received: int | None
    by_category: list[CategoryCount] = Field(description="every category of the lane, zeros included")
    by_outcome: list[OutcomeCount] = Field(description="every outcome, zeros included")
    median_days_to_acknowledge: int | None
    compensation: list[CompensationTotal] = Field(description="currencies whose number of cases is shown")


class Ratings(BaseModel, defer_build=True):
    count: int | None
    average: float | None
    helped_decide_share: float | None
    delivered_share: float | None


class GuideFigure(BaseModel, defer_build=True):
    page: str
    language: str
    yes: int | None
    no: int | None


class NeedFigure(BaseModel, defer_build=True):
    topic: str
    count: int | None


class NeedText(BaseModel, defer_build=True):
    topic: str
    text: str
    language: str
    month: str = Field(description="the month it was written (never a finer time: it could say who wrote it)")


class Dashboard(BaseModel, defer_build=True):
    lane: Lane
    period: Period
    suppressed_below: int
    complaints: ComplaintFigures = Field(description="the lane's complaints only")
    served: list[Served] | None = Field(description="null in the restricted lane, as every section but complaints")
    no_show_rate: NoShow | None
    ratings: Ratings | None
    guides: list[GuideFigure] | None = Field(description="the whole network's guides, whatever the centre")
    needs: list[NeedFigure] | None = Field(description="the whole network's needs, whatever the centre")
    needs_text: list[NeedText] | None
