"""Centre look-ups in the reader's language."""

from __future__ import annotations

from datetime import date

from chalicelib.centres.catalogue import get_catalogue
from chalicelib.centres.models import (
    Centre,
    CentreDetail,
    CentreList,
    CentreSummary,
    ExceptionView,
    Service,
    ServiceSummary,
    ServiceView,
    VisitView,
)
from chalicelib.core.errors import NotFound
from chalicelib.core.i18n import pick


def _service_summary(service: Service, lang: str) -> ServiceSummary:
    return ServiceSummary(id=service.id, name=pick(service.name, lang), bookable=service.bookable)


def _service_view(service: Service, lang: str) -> ServiceView:
    return ServiceView(
        id=service.id,
        name=pick(service.name, lang),
        bookable=service.bookable,
        description=pick(service.description, lang),
        duration_minutes=service.duration_minutes,
        seats_per_slot=service.seats_per_slot,
        modes=list(service.modes),
    )


def _services(centre: Centre) -> list[Service]:
    catalogue = get_catalogue()
    return [s for sid in centre.services if (s := catalogue.service(sid)) is not None]


def _summary_fields(centre: Centre, lang: str) -> dict[str, object]:
    return {
        "id": centre.id,
        "name": pick(centre.name, lang),
        "kind": centre.kind,
        "country": centre.country,
        "city": pick(centre.city, lang),
        "coordinates": centre.coordinates,
        "timezone": centre.timezone,
        "languages": list(centre.languages),
        "audiences": list(centre.audiences),
        "last_verified": centre.last_verified,
    }


def list_centres(lang: str) -> CentreList:
    catalogue = get_catalogue()
    centres = [
        CentreSummary.model_validate(
            {
                **_summary_fields(c, lang),
                "services": [_service_summary(s, lang) for s in _services(c)],
            }
        )
        for c in catalogue.centres
    ]
    return CentreList(lang=lang, sample_data=catalogue.sample_data, centres=centres)


def get_centre(centre_id: str, lang: str, today: date) -> CentreDetail:
    catalogue = get_catalogue()
    centre = catalogue.centre(centre_id)
    if centre is None:
        raise NotFound(f"No centre has the id '{centre_id}'.", code="centre_not_found", field="centre_id")
    return CentreDetail.model_validate(
        {
            **_summary_fields(centre, lang),
            "lang": lang,
            "sample_data": catalogue.sample_data,
            "operator": pick(centre.operator, lang),
            "address": centre.address,
            "opening_hours": {day: list(hours) for day, hours in centre.opening_hours.items()},
            "exceptions": [
                ExceptionView(
                    date=e.date,
                    closed=e.closed,
                    hours=list(e.hours) if e.hours else None,
                    reason=pick(e.reason, lang) if e.reason else None,
                )
                for e in centre.exceptions
                if e.date >= today
            ],
            "visits": [
                VisitView(date=v.date, place=pick(v.place, lang), hours=list(v.hours), coordinates=v.coordinates)
                for v in centre.visits
                if v.date >= today
            ],
            "course_language": centre.course_language,
            "contact": centre.contact,
            "services": [_service_view(s, lang) for s in _services(centre)],
        }
    )
