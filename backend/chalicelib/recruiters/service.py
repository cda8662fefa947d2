"""What complaints that staff upheld say about recruitment agencies.

Counting: complaints/triage.py moves the recruiter counters (core/keys.py) in the same transaction as the
outcome or the agency's confirmation, for general-lane cases staff upheld against an agency they
confirmed (never an unconfirmed allegation, never the restricted lane). Publishing: a manager
rebuilds the publication from those counters, keeping only counts of 5 or more; the public
reads the publication, never the live counters.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from chalicelib.auth.users import StaffUser
from chalicelib.centres.recruiters import Agency, CountryList, find_agency, get_recruiters
from chalicelib.core import audit as audit_trail
from chalicelib.core import keys
from chalicelib.core.audit import AuditTrail
from chalicelib.core.errors import NotFound
from chalicelib.recruiters import repository as repo
from chalicelib.recruiters.models import (
    THRESHOLD,
    AgencyListing,
    CountryListing,
    OpenRecruiters,
    PendingFigures,
    Publication,
    PublishedListSource,
    PublishedRegulator,
    Recruiter,
    UpheldCount,
    YearFigures,
)


def now_utc() -> datetime:
    return datetime.now(UTC)


def publishable(counts: repo.Counts) -> repo.Counts:
    """The counts of `THRESHOLD` or more: nothing smaller is ever stored in a publication."""
    kept: repo.Counts = {}
    for agency_id, years in counts.items():
        for year, categories in years.items():
            big = {c: n for c, n in categories.items() if n >= THRESHOLD}
            if big:
                kept.setdefault(agency_id, {})[year] = big
    return kept


def _size(figures: repo.Counts) -> int:
    return sum(len(categories) for years in figures.values() for categories in years.values())


def _publication(found: dict[str, Any] | None) -> Publication | None:
    if found is None:
        return None
    at = datetime.fromisoformat(found["published_at"])
    return Publication(published_at=at, period_from=date.fromisoformat(found["period_from"]), period_to=at.date())


def _years(figures: repo.Counts, agency_id: str, published: Publication | None) -> list[YearFigures]:
    if published is None:
        return []
    years = []
    for year, categories in sorted(figures.get(agency_id, {}).items()):
        start = max(date(int(year), 1, 1), published.period_from)
        years.append(
            YearFigures(
                year=int(year),
                period_from=start,
                period_to=min(date(int(year), 12, 31), published.period_to),
                categories=[UpheldCount(category=c, upheld=n) for c, n in sorted(categories.items())],
            )
        )
    return years


def _listing(country: CountryList, agency: Agency, years: list[YearFigures]) -> dict[str, Any]:
    return {
        "id": country.agency_id(agency.licence),
        "country": country.country,
        **agency.model_dump(exclude={"sample_data"}),
        "sample_data": agency.sample_data,
        "upheld": years,
    }


def recruiter(agency_id: str) -> Recruiter:
    found = find_agency(agency_id)
    if found is None:
        raise NotFound(
            f"No agency on the recruiters' lists has the id '{agency_id}'.", code="agency_not_found", field="agency_id"
        )
    country, agency = found
    stored = repo.publication()
    published = _publication(stored)
    figures = stored["figures"] if stored else {}
    return Recruiter.model_validate(
        {
            **_listing(country, agency, _years(figures, agency_id, published)),
            "regulator": PublishedRegulator.model_validate(country.regulator.model_dump()),
            "source": PublishedListSource.model_validate(country.source.model_dump()),
            "publication": published,
        }
    )


def open_data() -> OpenRecruiters:
    lists = get_recruiters()
    stored = repo.publication()
    published = _publication(stored)
    figures = stored["figures"] if stored else {}
    countries = [
        CountryListing(
            country=c.country,
            name=c.name,
            script=c.script,
            regulator=PublishedRegulator.model_validate(c.regulator.model_dump()),
            source=PublishedListSource.model_validate(c.source.model_dump()),
            sample_data=c.sample_data,
            agencies=[
                AgencyListing.model_validate(_listing(c, a, _years(figures, c.agency_id(a.licence), published)))
                for a in c.agencies
            ],
        )
        for c in lists.countries
    ]
    return OpenRecruiters(
        generated_at=now_utc(),
        sample_data=any(c.sample_data for c in lists.countries),
        publication=published,
        countries=countries,
    )


def pending(user: StaffUser) -> PendingFigures:
    stored = repo.publication()
    ready = publishable(repo.counts())
    return PendingFigures(
        published=_publication(stored),
        published_figures=_size(stored["figures"]) if stored else 0,
        ready_figures=_size(ready),
        agencies=sorted(ready),
    )


def publish(user: StaffUser) -> PendingFigures:
    """Rebuild the publication from the counters (an explicit, audited step)."""
    counts = repo.counts()
    figures = publishable(counts)
    now = now_utc()
    years = [int(year) for agency in counts.values() for year in agency]
    period_from = date(min(years), 1, 1) if years else date(now.year, 1, 1)
    withheld = _size(counts) - _size(figures)
    detail = f"{_size(figures)} counts of {THRESHOLD} or more published, {withheld} under {THRESHOLD} withheld"
    repo.publish(figures, now, period_from.isoformat(), user.username, detail)
    return pending(user)


def audit(user: StaffUser) -> AuditTrail:
    return audit_trail.read(keys.RECRUITERS_AUDIT, newest_first=True)
