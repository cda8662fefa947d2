"""The centre directory as open data in Open Referral HSDS 3.0, for anyone to reuse.

    python -m devstack.open_data [--site-url URL] [--out DIR]   # build/open-data/, for $SITE_URL

Two files, built from the catalogue that content/ compiles to (devstack.content):

- `hsds.json`: HSDS's tables (organizations, locations, addresses, schedules, ...) as lists of rows
  that refer to each other by id, as in HSDS's tabular serialisation. Every row is valid against
  its table's schema (TABLES names it).
- `services.json`: the compiled services, one per service at a centre, each with its organisation,
  locations (with address, phones, schedules, languages) and category nested in it, as the HSDS
  API's `GET /services?full=true` answers them: one `Page` holding every service. Each service is
  valid against HSDS's `compiled/service.json`.

`make content` writes them to build/open-data/. The site build writes the same files into
build/site/open-data/ for the address it is built for (devstack/pages/ calls `write`): the
deploy builds the site for the public address after the content step ran for the local one, and
the files must name the address they are served from.

How each portal field maps to HSDS is in README.md ("Open data"). In short, where HSDS has no
field for what we know, we say it the standard's way and keep the exact value in an additional
property, which HSDS allows (its conformance rule 4: terms from outside the specification where
its own are insufficient; its schemas accept unknown properties). Ours start with `x_` so that no
future HSDS field can collide with them, with an underscore so they stay valid column names in
HSDS's CSV serialisation. They are listed in EXTENSIONS, which the files and the developers page
repeat. HSDS's own tables (attributes, metadata) are not used for them: an attribute applies a
taxonomy term and metadata records changes, and HSDS asks that its terms keep their meaning.

Ids are UUIDs derived from our own ids (uuid5), so they stay the same from one build to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale

from chalicelib.centres.models import WEEKDAYS, Catalogue, Centre, Service, Weekday
from chalicelib.core.i18n import DEFAULT_LANGUAGE
from devstack import BUILD, ROOT

HSDS_VERSION = "3.0"
OUT_DIR = BUILD / "open-data"
FILES = ("hsds.json", "services.json")
# site/mkdocs.yml builds for the same address when SITE_URL is not set.
LOCAL_SITE_URL = "http://127.0.0.1:8000/"
NAMESPACE = uuid.UUID("6f1c5d1e-3f0b-4d0e-9a51-7c2f1f0b9a10")

# hsds.json's tables and the HSDS schema each row follows.
TABLES: dict[str, str] = {
    "organizations": "organization",
    "organization_identifiers": "organization_identifier",
    "locations": "location",
    "addresses": "address",
    "phones": "phone",
    "languages": "language",
    "schedules": "schedule",
    "services": "service",
    "service_at_locations": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "attributes": "attribute",
}

# The properties we add to HSDS's, with what they mean (published in both files).
EXTENSIONS: dict[str, str] = {
    "x_sample_data": (
        "organization, location, phone, service: true when the record is sample data (a fictional centre, "
        "address or phone number, for demonstration only), as the description's first sentence also says."
    ),
    "x_timezone": (
        "schedule: the IANA time zone of the centre (e.g. Europe/Tirane). HSDS gives a UTC offset only "
        "(timezone, in hours); where the zone has summer time, each schedule is valid only for dates with "
        "that offset (valid_from, valid_to) and the next one takes over."
    ),
}

SAMPLE_NOTE = "Sample data: fictional, for demonstration only."
CENTRE_ID_TYPE = "Passerelle centre id"
TAXONOMY_NAME = "Passerelle service catalogue"
KINDS = {"fixed": "Migrant resource centre", "mobile": "Mobile team", "transit": "Transit centre for migrants"}
BYDAY: dict[Weekday, str] = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
DAY = timedelta(days=1)
# Summer time: schedules cover at least this far ahead, then up to the zone's next change of offset.
HORIZON_DAYS = 366
# An offset unchanged this long either side of the horizon is taken as permanent.
STEADY_DAYS = 400

Row = dict[str, Any]
Tables = dict[str, list[Row]]


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _row(**fields: Any) -> Row:
    """A row without the fields we have no value for (HSDS types them as strings or numbers, not null)."""
    return {key: value for key, value in fields.items() if value is not None}


def _en(texts: dict[str, str]) -> str:
    return texts[DEFAULT_LANGUAGE]


# ---- time zones -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Consecutive days on which a zone keeps one UTC offset; an open end (None) never changes."""

    first: date | None
    last: date | None
    offset: timedelta

    def holds(self, day: date) -> bool:
        return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)


def utc_offset(zone: ZoneInfo, day: date, hhmm: str = "12:00") -> timedelta:
    """The UTC offset of a local time on a day (24:00 being the next midnight). A day's offset is
    its midday's: the one its opening hours have unless the clocks change while it is open."""
    if hhmm == "24:00":
        moment = datetime.combine(day + DAY, time(0), zone)
    else:
        moment = datetime.combine(day, time.fromisoformat(hhmm), zone)
    offset = moment.utcoffset()
    assert offset is not None  # a ZoneInfo always answers
    return offset


def offset_spans(zone: ZoneInfo, today: date) -> list[Span]:
    """The spans of one offset from today to at least HORIZON_DAYS ahead. The first and last are
    stretched to the zone's own changes, so the files change when the clocks do, not every day."""
    spans: list[list[Any]] = []
    for n in range(HORIZON_DAYS + 1):
        day = today + n * DAY
        offset = utc_offset(zone, day)
        if spans and spans[-1][2] == offset:
            spans[-1][1] = day
        else:
            spans.append([day, day, offset])
    if len(spans) == 1:
        return [Span(None, None, spans[0][2])]
    first, last = spans[0], spans[-1]
    first[0] = _stretch(zone, first[0], first[2], -DAY)
    last[1] = _stretch(zone, last[1], last[2], DAY)
    return [Span(a, b, offset) for a, b, offset in spans]


def _stretch(zone: ZoneInfo, day: date, offset: timedelta, step: timedelta) -> date | None:
    for _ in range(STEADY_DAYS):
        if utc_offset(zone, day + step) != offset:
            return day
        day += step
    return None


def clock(hhmm: str, offset: timedelta) -> str:
    """A local time with its UTC offset, as HSDS's opens_at and closes_at ask: 09:00+02:00."""
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{hhmm}{sign}{hours:02d}:{rest:02d}"


def offset_hours(offset: timedelta) -> float | int:
    hours = offset.total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours  # Yangon is UTC+6:30: 6.5


def _weekday(day: date) -> Weekday:
    return WEEKDAYS[day.weekday()]


def _cut(span: Span, closed: Iterable[date]) -> list[tuple[date | None, date | None]]:
    """The span's dates without the given days, as (first, last) pieces: HSDS's way to say the
    regular hours do not hold on a day is to end their validity before it and start it again after."""
    pieces: list[tuple[date | None, date | None]] = []
    start = span.first
    for day in sorted(d for d in closed if span.holds(d)):
        if start is None or start < day:
            pieces.append((start, day - DAY))
        start = day + DAY
    if start is None or span.last is None or start <= span.last:
        pieces.append((start, span.last))
    return pieces


def _meets(first: date | None, last: date | None, weekdays: set[Weekday]) -> bool:
    if first is None or last is None or (last - first).days >= 6:
        return True
    return any(_weekday(first + n * DAY) in weekdays for n in range((last - first).days + 1))


# ---- the tables -------------------------------------------------------------------------------


class _Builder:
    """Fills the HSDS tables from the catalogue, one centre at a time."""

    def __init__(self, catalogue: Catalogue, site_url: str, today: date) -> None:
        self.catalogue, self.site_url, self.today = catalogue, site_url, today
        self.sample = catalogue.sample_data
        self.tables: Tables = {name: [] for name in TABLES}
        self.taxonomy_id = stable_id("taxonomy", "services")
        self.english = Locale.parse(DEFAULT_LANGUAGE)

    def add(self, table: str, row: Row) -> Row:
        self.tables[table].append(row)
        return row

    def described(self, text: str | None) -> str | None:
        """A description that says first, where it applies, that the record is sample data."""
        if not self.sample:
            return text
        return f"{SAMPLE_NOTE} {text}" if text else SAMPLE_NOTE

    def build(self) -> Tables:
        used = [s for s in self.catalogue.services if any(s.id in c.services for c in self.catalogue.centres)]
        self.add(
            "taxonomies",
            _row(
                id=self.taxonomy_id,
                name=TAXONOMY_NAME,
                uri=f"{self.site_url}developers/api/#open-data",
                description="The kinds of service the centres of the Passerelle portal offer. Each term's code is "
                "the service id of the portal's API (/api/centres/{centre}/services/{code}/slots).",
            ),
        )
        for service in used:
            self.add(
                "taxonomy_terms",
                _row(
                    id=stable_id("term", service.id),
                    code=service.id,
                    name=_en(service.name),
                    description=_en(service.description),
                    taxonomy=TAXONOMY_NAME,
                    taxonomy_id=self.taxonomy_id,
                    language=DEFAULT_LANGUAGE,
                ),
            )
        for centre in self.catalogue.centres:
            self.centre(centre)
        return self.tables

    def centre(self, centre: Centre) -> None:
        org_id = stable_id("org", centre.id)
        self.add(
            "organizations",
            _row(
                id=org_id,
                name=_en(centre.name),
                email=centre.contact.email,
                website=self.centre_url(centre),
                description=self.described(f"{KINDS[centre.kind]} run by {centre.operator}."),
                x_sample_data=self.sample,
            ),
        )
        self.add(
            "organization_identifiers",
            _row(
                id=stable_id("orgid", centre.id),
                organization_id=org_id,
                identifier_type=CENTRE_ID_TYPE,
                identifier=centre.id,
            ),
        )
        home = self.home_location(centre, org_id)
        places = self.visit_places(centre, org_id)
        for service_id in centre.services:
            service = self.catalogue.service(service_id)
            if service is not None:
                self.service(centre, service, org_id, [home, *places])

    def centre_url(self, centre: Centre) -> str:
        return f"{self.site_url}centres/{centre.id}/"

    def home_location(self, centre: Centre, org_id: str) -> str:
        loc_id = stable_id("loc", centre.id)
        self.add(
            "locations",
            _row(
                id=loc_id,
                organization_id=org_id,
                location_type="physical",
                name=_en(centre.name),
                description=self.described(None),
                latitude=centre.coordinates.lat,
                longitude=centre.coordinates.lon,
                x_sample_data=self.sample,
            ),
        )
        self.add(
            "addresses",
            _row(
                id=stable_id("addr", centre.id),
                location_id=loc_id,
                address_1=centre.address,
                city=_en(centre.city),
                # HSDS requires both; the portal's addresses have neither.
                state_province="",
                postal_code="",
                country=centre.country,
                address_type="physical",
            ),
        )
        if centre.contact.phone:
            self.add(
                "phones",
                _row(
                    id=stable_id("phone", centre.id),
                    location_id=loc_id,
                    organization_id=org_id,
                    number=centre.contact.phone,
                    type="voice",
                    description=self.described(None),
                    x_sample_data=self.sample,
                ),
            )
        for code in centre.languages:
            self.add(
                "languages",
                _row(
                    id=stable_id("lang", centre.id, code),
                    location_id=loc_id,
                    code=code,
                    name=self.english.languages.get(code),
                ),
            )
        self.weekly_hours(centre, loc_id)
        return loc_id

    def weekly_hours(self, centre: Centre, loc_id: str) -> None:
        """The weekly plan, one row per opening range and the weekdays that share it, valid while the
        clocks keep one offset, and cut around the days it does not hold: the coming dated exceptions
        (closed, or other hours) and the nights the clocks change while the centre is open. Those
        days get rows of their own."""
        zone = ZoneInfo(centre.timezone)
        ahead = {e.date: e for e in centre.exceptions if e.date >= self.today}
        by_range: dict[tuple[str, str], list[Weekday]] = defaultdict(list)
        for weekday in WEEKDAYS:
            for hours in centre.opening_hours.get(weekday, []):
                by_range[hours].append(weekday)
        spans = offset_spans(zone, self.today)
        edges = sorted({d for span in spans if span.first for d in (span.first - DAY, span.first) if d >= self.today})
        for span in spans:
            for (opens, closes), weekdays in by_range.items():
                days = set(weekdays)
                odd = [
                    d
                    for d in edges
                    if span.holds(d)
                    and _weekday(d) in days
                    and d not in ahead
                    and {utc_offset(zone, d, opens), utc_offset(zone, d, closes)} != {span.offset}
                ]
                byday = ",".join(BYDAY[d] for d in weekdays)
                for first, last in _cut(span, [d for d in ahead if _weekday(d) in days] + odd):
                    if _meets(first, last, days):
                        key = ("sched", centre.id, byday, opens, first.isoformat() if first else "")
                        self.schedule(
                            stable_id(*key),
                            loc_id,
                            centre.timezone,
                            (span.offset, span.offset),
                            opens,
                            closes,
                            byday,
                            first,
                            last,
                        )
                for day in odd:
                    self.dated(stable_id("sched", centre.id, day.isoformat(), opens), loc_id, zone, day, opens, closes)
        for day, exception in sorted(ahead.items()):
            for opens, closes in exception.hours or []:
                self.dated(
                    stable_id("exc", centre.id, day.isoformat(), opens),
                    loc_id,
                    zone,
                    day,
                    opens,
                    closes,
                    notes=_en(exception.reason) if exception.reason else None,
                )

    def visit_places(self, centre: Centre, org_id: str) -> list[str]:
        """A mobile team's coming stops: one location per place, a dated schedule per stop."""
        zone = ZoneInfo(centre.timezone)
        places: dict[str, str] = {}
        for visit in sorted(centre.visits, key=lambda v: v.date):
            if visit.date < self.today:
                continue
            place = _en(visit.place)
            if place not in places:
                places[place] = self.add(
                    "locations",
                    _row(
                        id=stable_id("place", centre.id, place),
                        organization_id=org_id,
                        location_type="physical",
                        name=place,
                        description=self.described(f"A stop of the {_en(centre.name)}."),
                        latitude=visit.coordinates.lat if visit.coordinates else None,
                        longitude=visit.coordinates.lon if visit.coordinates else None,
                        x_sample_data=self.sample,
                    ),
                )["id"]
            for opens, closes in visit.hours:
                self.dated(
                    stable_id("visit", centre.id, visit.date.isoformat(), opens),
                    places[place],
                    zone,
                    visit.date,
                    opens,
                    closes,
                )
        return list(places.values())

    def dated(
        self, sched_id: str, loc_id: str, zone: ZoneInfo, day: date, opens: str, closes: str, notes: str | None = None
    ) -> None:
        """Hours on one day only, each time with its own offset (they differ if the clocks change)."""
        offsets = (utc_offset(zone, day, opens), utc_offset(zone, day, closes))
        self.schedule(sched_id, loc_id, zone.key, offsets, opens, closes, BYDAY[_weekday(day)], day, day, notes)

    def schedule(
        self,
        sched_id: str,
        loc_id: str,
        zone: str,
        offsets: tuple[timedelta, timedelta],
        opens: str,
        closes: str,
        byday: str,
        first: date | None,
        last: date | None,
        notes: str | None = None,
    ) -> None:
        self.add(
            "schedules",
            _row(
                id=sched_id,
                location_id=loc_id,
                freq="WEEKLY",
                byday=byday,
                valid_from=first.isoformat() if first else None,
                valid_to=last.isoformat() if last else None,
                opens_at=clock(opens, offsets[0]),
                closes_at=clock(closes, offsets[1]),
                timezone=offset_hours(offsets[0]),
                notes=notes,
                x_timezone=zone,
            ),
        )

    def service(self, centre: Centre, service: Service, org_id: str, locations: list[str]) -> None:
        service_id = stable_id("svc", centre.id, service.id)
        url = (
            f"{self.site_url}book/?centre={centre.id}&service={service.id}"
            if service.bookable
            else self.centre_url(centre)
        )
        self.add(
            "services",
            _row(
                id=service_id,
                organization_id=org_id,
                name=_en(service.name),
                description=self.described(_en(service.description)),
                url=url,
                email=centre.contact.email,
                status="active",
                assured_date=centre.last_verified.isoformat(),
                last_modified=f"{centre.last_verified.isoformat()}T00:00:00Z",
                x_sample_data=self.sample,
            ),
        )
        for loc_id in locations:
            # The home location keeps the id it has always had; a mobile team's stops get their own.
            key = ("sal", centre.id, service.id) if loc_id == locations[0] else ("sal", centre.id, service.id, loc_id)
            self.add("service_at_locations", _row(id=stable_id(*key), service_id=service_id, location_id=loc_id))
        self.add(
            "attributes",
            _row(
                id=stable_id("attr", centre.id, service.id),
                link_id=service_id,
                link_entity="service",
                link_type="service_type",
                taxonomy_term_id=stable_id("term", service.id),
            ),
        )


def hsds_tables(catalogue: Catalogue, site_url: str, today: date) -> Tables:
    """Every HSDS table of the directory, rows in catalogue order."""
    return _Builder(catalogue, _checked(site_url), today).build()


def _checked(site_url: str) -> str:
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or not site_url.endswith("/"):
        raise ValueError(f"open data needs the site's absolute address ending in '/', not {site_url!r}")
    return site_url


# ---- the compiled services --------------------------------------------------------------------


def compiled_services(tables: Tables) -> list[Row]:
    """Each service with what HSDS nests in it: every row joins the objects its ids point to."""

    def children(table: str, key: str, value: str) -> list[Row]:
        return [row for row in tables[table] if row.get(key) == value]

    def nested(row: Row, **parts: list[Row]) -> Row:
        return {**row, **{name: rows for name, rows in parts.items() if rows}}

    organizations = {row["id"]: row for row in tables["organizations"]}
    locations = {row["id"]: row for row in tables["locations"]}
    terms = {row["id"]: row for row in tables["taxonomy_terms"]}
    taxonomies = {row["id"]: row for row in tables["taxonomies"]}
    services = []
    for service in tables["services"]:
        org_id = service["organization_id"]
        organization = nested(
            organizations[org_id],
            organization_identifiers=children("organization_identifiers", "organization_id", org_id),
            phones=children("phones", "organization_id", org_id),
        )
        at_locations = []
        for sal in children("service_at_locations", "service_id", service["id"]):
            loc_id = sal["location_id"]
            location = nested(
                locations[loc_id],
                **{
                    table: children(table, "location_id", loc_id)
                    for table in ("addresses", "phones", "schedules", "languages")
                },
            )
            at_locations.append({**sal, "location": location})
        attributes = []
        for attribute in children("attributes", "link_id", service["id"]):
            term = terms[attribute["taxonomy_term_id"]]
            detail = taxonomies[term["taxonomy_id"]]
            attributes.append({**attribute, "taxonomy_term": {**term, "taxonomy_detail": detail}})
        services.append(
            {**nested(service, service_at_locations=at_locations, attributes=attributes), "organization": organization}
        )
    return services


# ---- the files --------------------------------------------------------------------------------


def documents(catalogue: Catalogue, site_url: str, today: date) -> dict[str, dict[str, Any]]:
    """The contents of hsds.json and services.json."""
    tables = hsds_tables(catalogue, site_url, today)
    about = {
        "hsds_version": HSDS_VERSION,
        "sample_data": catalogue.sample_data,
        "documentation": f"{site_url}developers/api/#open-data",
        "extensions": EXTENSIONS,
    }
    services = compiled_services(tables)
    # The HSDS API's Page (its openapi.json): the one page of a list of every service.
    page = {
        "total_items": len(services),
        "total_pages": 1,
        "page_number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
    }
    return {"hsds.json": {**about, **tables}, "services.json": {**page, **about, "contents": services}}


def write(out_dir: Path, catalogue: Catalogue, site_url: str, today: date) -> list[Path]:
    built = documents(catalogue, site_url, today)  # before touching the folder: a mistake writes nothing
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in built.items():
        target = out_dir / name
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    from devstack.content import ContentError, load_catalogue

    parser = argparse.ArgumentParser(description="Write the directory as Open Referral HSDS 3.0 open data.")
    parser.add_argument(
        "--site-url",
        default=os.environ.get("SITE_URL") or LOCAL_SITE_URL,
        help="the site's public address the files name (default: $SITE_URL, else the local portal)",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="the folder to write (default: build/open-data)")
    args = parser.parse_args(argv)
    try:
        catalogue = load_catalogue()
        paths = write(args.out, catalogue, args.site_url, datetime.now(UTC).date())
    except ContentError as exc:
        print("Content has mistakes:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
        return 1
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    out = args.out.resolve()
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"open data: {', '.join(p.name for p in paths)} for {args.site_url} -> {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
