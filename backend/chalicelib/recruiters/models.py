"""What the recruiters' routes answer: an agency on its regulator's list, the figures a manager
published about it, and the open-data file of every list."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

# Counts under this are never shown: "fewer than 5" (0 included, so that none and a few look alike).
THRESHOLD = 5
STATEMENT = (
    "Complaints about this agency that reached Passerelle centres in the period shown and that centre "
    "staff upheld after examining them, by category. An upheld complaint is the centres' finding, not "
    "a court's; complaints not yet examined are not counted. A category not listed had fewer than 5."
)


class UpheldCount(BaseModel, defer_build=True):
    category: str
    upheld: int = Field(ge=THRESHOLD, description=f"always {THRESHOLD} or more: smaller counts are not published")


class YearFigures(BaseModel):
    year: int
    period_from: date
    period_to: date = Field(description="the end of the year, or the day of publication for the current one")
    categories: list[UpheldCount]


class Publication(BaseModel):
    published_at: datetime
    period_from: date = Field(description="the first day complaints were counted from")
    period_to: date
    threshold: int = THRESHOLD
    statement: str = STATEMENT


class PublishedRegulator(BaseModel, defer_build=True):
    name: str
    local_name: str | None = None
    url: str | None = None


class PublishedListSource(BaseModel, defer_build=True):
    title: str
    url: str | None = None
    published_on: date | None = None
    checked_on: date


class AgencyListing(BaseModel):
    id: str
    country: str
    name_local: str
    name_latin: str
    aliases: list[str]
    licence: str
    status: str = Field(description="licensed, suspended, revoked or expired, as the regulator's list says")
    valid_from: date | None = None
    valid_until: date | None = None
    suspended_on: date | None = None
    suspended_until: date | None = None
    revoked_on: date | None = None
    address: str
    phone: str | None = None
    sample_data: bool
    upheld: list[YearFigures] = Field(
        description="published figures, years with a category of 5 or more only (empty: fewer than 5 in each)"
    )


class Recruiter(AgencyListing):
    """GET /api/recruiters/{agency_id}: the agency, its list's source and the published figures."""

    regulator: PublishedRegulator
    source: PublishedListSource
    publication: Publication | None = Field(description="null until a manager first publishes the figures")


class CountryListing(BaseModel):
    country: str
    name: str
    script: str
    regulator: PublishedRegulator
    source: PublishedListSource
    sample_data: bool
    agencies: list[AgencyListing]


class OpenRecruiters(BaseModel):
    """/open-data/recruiters.json: every list, each agency's status, and the published figures."""

    generated_at: datetime
    sample_data: bool = Field(description="true while any list holds sample data (fictional agencies)")
    publication: Publication | None
    countries: list[CountryListing]


class PendingFigures(BaseModel):
    """For managers: what publishing now would publish, beside what is published."""

    published: Publication | None
    published_figures: int = Field(description="counts of 5 or more in the publication")
    ready_figures: int = Field(description="counts of 5 or more publishing now would publish")
    agencies: list[str] = Field(description="the agencies that would have figures")
