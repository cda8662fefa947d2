"""The content schema of centres and services (content/centres.yaml, content/services.yaml)
and the API's views of them. The site build and the backend validate with these same models."""

import re
from datetime import date
from itertools import pairwise
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema, field_validator, model_validator

from chalicelib.core.i18n import DEFAULT_LANGUAGE, SITE_LANGUAGES
from chalicelib.core.models import ContentModel

_TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Kind = Literal["fixed", "mobile", "transit"]
Audience = Literal["leaving", "abroad", "returning", "transit"]
Mode = Literal["on_site", "phone", "video"]


def _check_translated(value: dict[str, str]) -> dict[str, str]:
    if DEFAULT_LANGUAGE not in value:
        raise ValueError("an English ('en') text is required")
    unknown = sorted(set(value) - set(SITE_LANGUAGES))
    if unknown:
        raise ValueError(f"unknown language code(s): {', '.join(unknown)}")
    empty = sorted(lang for lang, text in value.items() if not str(text).strip())
    if empty:
        raise ValueError(f"empty text for: {', '.join(empty)}")
    return value


Translated = Annotated[dict[str, str], AfterValidator(_check_translated)]


def _check_range(value: tuple[str, str]) -> tuple[str, str]:
    start, end = value
    for t in value:
        if not _TIME.match(t):
            raise ValueError(f"'{t}' is not a time HH:MM")
    if start >= end:
        raise ValueError(f"opening {start} is not before closing {end}")
    return value


TimeRange = Annotated[tuple[str, str], AfterValidator(_check_range)]


def _check_sorted(ranges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    for (_, end), (start, _) in pairwise(ranges):
        if start < end:
            raise ValueError("intervals overlap or are out of order")
    return ranges


Hours = Annotated[list[TimeRange], AfterValidator(_check_sorted)]
# A time range as the API shows it and takes it: ["HH:MM", "HH:MM"]. Its JSON schema is spelt
# out: a tuple's own (prefixItems) is valid OpenAPI 3.1, but validators in the wild, Schemathesis'
# among them, turn it into the older `items: [...]` and then refuse their own schema.
RangeView = Annotated[
    tuple[str, str],
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "string", "pattern": r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$"},
            "minItems": 2,
            "maxItems": 2,
        }
    ),
]


class Coordinates(ContentModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class DatedException(ContentModel):
    date: date
    closed: bool = False
    hours: Hours | None = None
    reason: Translated | None = None

    @model_validator(mode="after")
    def _closed_or_hours(self) -> Self:
        if self.closed == (self.hours is not None):
            raise ValueError("give either closed: true or hours, not both or neither")
        return self


class Visit(ContentModel):
    date: date
    place: Translated
    hours: Hours
    coordinates: Coordinates | None = None


class Contact(ContentModel):
    phone: str | None = Field(default=None, pattern=r"^\+[1-9]\d{6,14}$")
    whatsapp: str | None = Field(default=None, pattern=r"^\+[1-9]\d{6,14}$")
    telegram: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


class Service(ContentModel):
    id: str = Field(pattern=r"^[a-z][a-z_]{1,40}$")
    name: Translated
    description: Translated
    bookable: bool
    duration_minutes: int | None = Field(default=None, gt=0, le=480)
    seats_per_slot: int | None = Field(default=None, gt=0, le=200)
    modes: list[Mode] = Field(default_factory=list)

    @model_validator(mode="after")
    def _booking_rules(self) -> Self:
        if self.bookable and not (self.duration_minutes and self.seats_per_slot and self.modes):
            raise ValueError("a bookable service needs duration_minutes, seats_per_slot and modes")
        return self


class Centre(ContentModel):
    id: str = Field(pattern=r"^[a-z]{2}-[a-z0-9-]{2,40}$")
    name: Translated
    operator: Translated
    kind: Kind
    country: str = Field(pattern=r"^[A-Z]{2}$")
    city: Translated
    address: str
    coordinates: Coordinates
    timezone: str
    opening_hours: dict[Weekday, Hours] = Field(default_factory=dict)
    exceptions: list[DatedException] = Field(default_factory=list)
    visits: list[Visit] = Field(default_factory=list)
    services: list[str] = Field(min_length=1)
    course_language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(min_length=1)
    audiences: list[Audience] = Field(min_length=1)
    contact: Contact
    last_verified: date

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"'{value}' is not an IANA time zone") from exc
        return value

    @model_validator(mode="after")
    def _kind_rules(self) -> Self:
        if self.kind == "mobile" and not self.visits:
            raise ValueError("a mobile centre needs visits")
        if self.kind != "mobile" and not self.opening_hours:
            raise ValueError("a fixed or transit centre needs opening_hours")
        return self


class Catalogue(ContentModel):
    """Everything compiled from content/: what the backend packages and the site renders."""

    sample_data: bool
    services: list[Service]
    centres: list[Centre]

    @model_validator(mode="after")
    def _references(self) -> Self:
        service_ids = [s.id for s in self.services]
        if len(set(service_ids)) != len(service_ids):
            raise ValueError("service ids are not unique")
        centre_ids = [c.id for c in self.centres]
        if len(set(centre_ids)) != len(centre_ids):
            raise ValueError("centre ids are not unique")
        known = set(service_ids)
        for centre in self.centres:
            missing = [s for s in centre.services if s not in known]
            if missing:
                raise ValueError(f"centre '{centre.id}' offers unknown service(s): {', '.join(missing)}")
        return self

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def centre(self, centre_id: str) -> Centre | None:
        return next((c for c in self.centres if c.id == centre_id), None)


# ---- API views -----------------------------------------------------------------------------


class LangQuery(BaseModel, defer_build=True):
    lang: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$")


class ServiceSummary(BaseModel, defer_build=True):
    id: str
    name: str
    bookable: bool


class ServiceView(ServiceSummary):
    description: str
    duration_minutes: int | None
    seats_per_slot: int | None
    modes: list[Mode]


class CentreSummary(BaseModel, defer_build=True):
    id: str
    name: str
    kind: Kind
    country: str
    city: str
    coordinates: Coordinates
    timezone: str
    languages: list[str]
    audiences: list[Audience]
    services: list[ServiceSummary]
    last_verified: date


class ExceptionView(BaseModel, defer_build=True):
    date: date
    closed: bool
    hours: list[RangeView] | None
    reason: str | None


class VisitView(BaseModel, defer_build=True):
    date: date
    place: str
    hours: list[RangeView]
    coordinates: Coordinates | None


class CentreView(CentreSummary):
    operator: str
    address: str
    opening_hours: dict[Weekday, list[RangeView]]
    exceptions: list[ExceptionView]
    visits: list[VisitView]
    course_language: str | None
    contact: Contact
    services: list[ServiceView]  # type: ignore[assignment]


class CentreList(BaseModel, defer_build=True):
    lang: str
    sample_data: bool
    centres: list[CentreSummary]


class CentreDetail(CentreView):
    lang: str
    sample_data: bool
