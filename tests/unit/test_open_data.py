"""The directory as Open Referral HSDS 3.0 open data (devstack/open_data.py): every row of every
table and every compiled service valid against HSDS's own schemas (vendored, unchanged, in
tests/fixtures/hsds-3.0/), ids and references consistent, sample data labelled, and schedules that
give, read with HSDS's fields only, the hours the booking rules use, at the right UTC instant."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from chalicelib.bookings.schedule import _at, day_ranges
from chalicelib.centres.models import Catalogue
from devstack import open_data
from devstack.content import load_catalogue
from tests.conftest import ROOT

SCHEMAS = ROOT / "tests" / "fixtures" / "hsds-3.0"
# Where HSDS publishes these files: openapi.json's absolute $refs name them so.
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
SITE = "https://portal.example.org/"
# A winter day before the sample exceptions, the eve of Europe's spring change of clocks, a summer day.
DAYS = (date(2026, 11, 20), date(2027, 3, 27), date(2027, 7, 1))
BYDAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


# ---- validation with HSDS's schemas ---------------------------------------------------------------


@cache
def registry() -> Registry[Any]:
    """Every vendored schema under the address HSDS publishes it at, so that relative $refs
    ("attribute.json") and absolute ones (openapi.json's) resolve here, offline."""
    return Registry().with_resources(
        (BASE + path.relative_to(SCHEMAS).as_posix(), DRAFT202012.create_resource(json.loads(path.read_text())))
        for path in SCHEMAS.rglob("*.json")
    )


def _is_uri(value: object) -> bool:
    """jsonschema checks "uri" only with an extra package: ours are web addresses, checked here."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


FORMATS = FormatChecker()  # uuid, email and date-time as jsonschema checks them
FORMATS.checks("uri")(_is_uri)


@cache
def validator(ref: str) -> Draft202012Validator:
    """The schemas declare no $schema; HSDS's openapi.json declares JSON Schema 2020-12."""
    return Draft202012Validator({"$ref": BASE + ref}, registry=registry(), format_checker=FORMATS)


def problems(ref: str, instance: Any, where: str) -> list[str]:
    return [
        f"{where} at {error.json_path}: {error.message}"
        for error in sorted(validator(ref).iter_errors(instance), key=lambda e: e.json_path)
    ]


def table_problems(document: dict[str, Any]) -> list[str]:
    found = []
    for table, schema in open_data.TABLES.items():
        for index, row in enumerate(document[table]):
            found += problems(f"{schema}.json", row, f"hsds.json {table}[{index}] (id {row.get('id')})")
    return found


SERVICES_PAGE = "openapi.json#/paths/~1services/get/responses/200/content/application~1json/schema"


def service_problems(document: dict[str, Any]) -> list[str]:
    found = problems(SERVICES_PAGE, document, "services.json (the HSDS API's Page of services)")
    for index, service in enumerate(document["contents"]):
        found += problems("compiled/service.json", service, f"services.json contents[{index}] (id {service.get('id')})")
    return found


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module", params=DAYS, ids=str)
def built(request: pytest.FixtureRequest, catalogue: Catalogue) -> tuple[date, dict[str, dict[str, Any]]]:
    today: date = request.param
    return today, open_data.documents(catalogue, SITE, today)


def test_every_row_of_every_table_is_valid_hsds(built: tuple[date, dict[str, dict[str, Any]]]) -> None:
    _, files = built
    found = table_problems(files["hsds.json"])
    assert not found, "\n".join(found)
    assert all(files["hsds.json"][table] for table in open_data.TABLES), "every table has rows"


def test_every_compiled_service_is_valid_hsds(built: tuple[date, dict[str, dict[str, Any]]]) -> None:
    _, files = built
    found = service_problems(files["services.json"])
    assert not found, "\n".join(found)


def test_a_broken_row_or_service_is_named_with_its_table_id_and_path(catalogue: Catalogue) -> None:
    files = open_data.documents(catalogue, SITE, DAYS[0])
    tables = copy.deepcopy(files["hsds.json"])
    address = tables["addresses"][0]
    del address["id"]
    schedule = tables["schedules"][3]
    schedule["timezone"] = "Asia/Dushanbe"
    tables["locations"][1]["addresses"] = [
        {
            "address_1": "1 Road",
            "city": "X",
            "state_province": "",
            "postal_code": "",
            "country": "TJ",
            "address_type": "physical",
        }
    ]
    found = table_problems(tables)
    location_id = tables["locations"][1]["id"]
    assert found == [
        f"hsds.json locations[1] (id {location_id}) at $.addresses[0]: 'id' is a required property",
        "hsds.json addresses[0] (id None) at $: 'id' is a required property",
        f"hsds.json schedules[3] (id {schedule['id']}) at $.timezone: 'Asia/Dushanbe' is not of type 'number'",
    ]
    page = copy.deepcopy(files["services.json"])
    service = page["contents"][2]
    service["status"] = "open"
    service["service_at_locations"][0]["location"]["schedules"][0]["freq"] = "DAILY"
    page["total_items"] = "154"
    found = service_problems(page)
    assert "services.json (the HSDS API's Page of services) at $.total_items: '154' is not of type 'integer'" in found
    assert (
        f"services.json contents[2] (id {service['id']}) at $.status: 'open' is not one of "
        "['active', 'inactive', 'defunct', 'temporarily closed']" in found
    )
    assert (
        f"services.json contents[2] (id {service['id']}) at $.service_at_locations[0].location.schedules[0].freq: "
        "'DAILY' is not one of ['WEEKLY', 'MONTHLY']" in found
    )
    bad_uri = copy.deepcopy(files["hsds.json"])
    bad_uri["organizations"][0]["website"] = "/centres/tj-dushanbe/"
    assert table_problems(bad_uri) == [
        f"hsds.json organizations[0] (id {bad_uri['organizations'][0]['id']}) at $.website: "
        "'/centres/tj-dushanbe/' is not a 'uri'"
    ]


# ---- ids and references -------------------------------------------------------------------------


def schema(table: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{open_data.TABLES[table]}.json").read_text())
    return loaded


def test_tables_refer_to_each_other_by_stable_ids(catalogue: Catalogue) -> None:
    data = open_data.hsds_tables(catalogue, SITE, DAYS[0])
    ids = {table: [row["id"] for row in rows] for table, rows in data.items()}
    for table, values in ids.items():
        assert len(values) == len(set(values)), f"{table}: ids are not unique"
        assert all(uuid.UUID(v).version == 5 for v in values), table
        for field in schema(table).get("tabular_required", []):
            assert all(field in row for row in data[table]), f"{table}: {field} is required in tabular form"
    known = {table: set(values) for table, values in ids.items()}
    references = {
        "organization_id": "organizations",
        "location_id": "locations",
        "service_id": "services",
        "link_id": "services",
        "taxonomy_term_id": "taxonomy_terms",
        "taxonomy_id": "taxonomies",
    }
    for table, rows in data.items():
        for row in rows:
            for field, target in references.items():
                if field in row:
                    assert row[field] in known[target], f"{table} {row['id']}: {field} points nowhere"
    assert len(known["organizations"]) == len(catalogue.centres) == len(data["organization_identifiers"])
    assert [r["identifier"] for r in data["organization_identifiers"]] == [c.id for c in catalogue.centres]
    assert len(known["services"]) == sum(len(c.services) for c in catalogue.centres) == len(data["attributes"])
    assert {t["code"] for t in data["taxonomy_terms"]} == {s for c in catalogue.centres for s in c.services}
    # The ids published before stay: an organisation, its location, a service, its place.
    assert data["organizations"][0]["id"] == "580a2fe2-9265-5955-b89b-f0bda258d534"  # tj-dushanbe
    assert data["locations"][0]["id"] == open_data.stable_id("loc", "tj-dushanbe")
    assert data["services"][0]["id"] == open_data.stable_id("svc", "tj-dushanbe", "legal_advice")
    assert data["service_at_locations"][0]["id"] == open_data.stable_id("sal", "tj-dushanbe", "legal_advice")
    assert open_data.hsds_tables(catalogue, SITE, DAYS[0]) == data, "the same content gives the same files"
    with_address = {a["location_id"] for a in data["addresses"]}
    assert {open_data.stable_id("loc", c.id) for c in catalogue.centres} == with_address


def _rows_with_ids(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "id" in value:
            yield value
        for item in value.values():
            yield from _rows_with_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _rows_with_ids(item)


def test_compiled_services_nest_the_rows_of_the_tables(catalogue: Catalogue) -> None:
    files = open_data.documents(catalogue, SITE, DAYS[0])
    tables, page = files["hsds.json"], files["services.json"]
    rows = {row["id"]: row for table in open_data.TABLES for row in tables[table]}
    assert [s["id"] for s in page["contents"]] == [s["id"] for s in tables["services"]]
    assert page["total_items"] == page["size"] == len(page["contents"]) and page["last_page"] is True
    for service in page["contents"]:
        for nested in _rows_with_ids(service):
            flat = {k: v for k, v in nested.items() if not isinstance(v, dict | list)}
            assert flat == rows[nested["id"]], nested["id"]
        location_ids = {sal["location_id"] for sal in service["service_at_locations"]}
        expected = [r["id"] for r in tables["schedules"] if r["location_id"] in location_ids]
        found = [s["id"] for sal in service["service_at_locations"] for s in sal["location"].get("schedules", [])]
        assert found == expected
        # Our own ids, said HSDS's way: the centre's as its organisation's identifier, the
        # catalogue's service id as the code of the service's taxonomy term.
        centre_id = service["organization"]["organization_identifiers"][0]["identifier"]
        code = service["attributes"][0]["taxonomy_term"]["code"]
        assert service["id"] == open_data.stable_id("svc", centre_id, code)
        assert service["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["name"] == open_data.TAXONOMY_NAME


def test_sample_data_is_labelled_in_every_record_people_could_call(catalogue: Catalogue) -> None:
    assert catalogue.sample_data is True
    files = open_data.documents(catalogue, SITE, DAYS[0])
    for document in files.values():
        assert document["sample_data"] is True and document["hsds_version"] == "3.0"
        assert set(document["extensions"]) == set(open_data.EXTENSIONS)
    for table in ("organizations", "locations", "phones", "services"):
        for row in files["hsds.json"][table]:
            assert row["x_sample_data"] is True, (table, row["id"])
            assert row["description"].startswith(open_data.SAMPLE_NOTE), (table, row["id"])
    for service in files["services.json"]["contents"]:
        assert service["description"].startswith(open_data.SAMPLE_NOTE)
        assert service["organization"]["x_sample_data"] is True
    real = open_data.documents(catalogue.model_copy(update={"sample_data": False}), SITE, DAYS[0])
    assert open_data.SAMPLE_NOTE not in json.dumps(real)
    assert real["hsds.json"]["sample_data"] is False
    assert all(row["x_sample_data"] is False for row in real["hsds.json"]["organizations"])
    assert not table_problems(real["hsds.json"])


# ---- schedules, read the way an HSDS consumer reads them ----------------------------------------


def _instant(day: date, value: str) -> datetime:
    """An HSDS opens_at/closes_at on a day, as a UTC instant: 09:00+02:00, 24:00 being midnight."""
    match = re.fullmatch(r"(\d\d):(\d\d)([+-]\d\d:\d\d)", value)
    assert match, value
    hours, minutes, offset = int(match[1]), int(match[2]), match[3]
    local = datetime.fromisoformat(f"{day.isoformat()}T00:00{offset}")
    return (local + timedelta(hours=hours, minutes=minutes)).astimezone(UTC)


def hsds_hours(schedules: list[dict[str, Any]], day: date) -> set[tuple[datetime, datetime]]:
    hours = set()
    for row in schedules:
        if row.get("valid_from") and day < date.fromisoformat(row["valid_from"]):
            continue
        if row.get("valid_to") and day > date.fromisoformat(row["valid_to"]):
            continue
        assert row["freq"] == "WEEKLY" and row.get("interval", 1) == 1
        if day.weekday() in {BYDAY[d] for d in row["byday"].split(",")}:
            opens, closes = _instant(day, row["opens_at"]), _instant(day, row["closes_at"])
            assert row["opens_at"].endswith(open_data.clock("", timedelta(hours=row["timezone"])))
            hours.add((opens, closes))
    return hours


def test_schedules_give_the_booking_hours_at_the_right_instant_every_day_for_a_year(
    built: tuple[date, dict[str, dict[str, Any]]], catalogue: Catalogue
) -> None:
    """Summer time, dated exceptions and a mobile team's stops: for each centre and each of the
    next 366 days, HSDS's fields alone give the same opening hours as the booking rules, as the
    same UTC instants."""
    today, files = built
    tables = files["hsds.json"]
    for centre in catalogue.centres:
        org = open_data.stable_id("org", centre.id)
        locations = {row["id"] for row in tables["locations"] if row["organization_id"] == org}
        schedules = [row for row in tables["schedules"] if row["location_id"] in locations]
        assert {row["x_timezone"] for row in schedules} <= {centre.timezone}
        zone = ZoneInfo(centre.timezone)
        for n in range(367):
            day = today + timedelta(days=n)
            expected = {
                (_at(day, opens, zone).astimezone(UTC), _at(day, closes, zone).astimezone(UTC))
                for opens, closes in day_ranges(centre, day, {})
            }
            assert hsds_hours(schedules, day) == expected, f"{centre.id} on {day}"


def test_summer_time_is_said_with_offsets_valid_between_the_changes(catalogue: Catalogue) -> None:
    tirana = open_data.stable_id("loc", "al-tirana")
    rows = [
        r
        for r in open_data.hsds_tables(catalogue, SITE, date(2027, 7, 1))["schedules"]
        if r["location_id"] == tirana and r["byday"] == "WE"
    ]
    assert [(r.get("valid_from"), r.get("valid_to"), r["timezone"], r["opens_at"]) for r in rows] == [
        ("2027-03-28", "2027-10-30", 2, "08:00+02:00"),
        ("2027-10-31", "2028-03-25", 1, "08:00+01:00"),
        ("2028-03-26", "2028-10-28", 2, "08:00+02:00"),
    ]
    dushanbe = open_data.stable_id("loc", "tj-dushanbe")
    rows = [
        r for r in open_data.hsds_tables(catalogue, SITE, date(2027, 7, 1))["schedules"] if r["location_id"] == dushanbe
    ]
    assert rows and all(r["timezone"] == 5 and "valid_from" not in r and "valid_to" not in r for r in rows)
    yangon = open_data.stable_id("loc", "mm-yangon")
    assert {
        r["timezone"]
        for r in open_data.hsds_tables(catalogue, SITE, date(2027, 7, 1))["schedules"]
        if r["location_id"] == yangon
    } == {6.5}


def test_offset_spans_end_at_the_changes_of_clocks() -> None:
    spans = open_data.offset_spans(ZoneInfo("Europe/Tirane"), date(2026, 12, 4))
    assert spans[0] == open_data.Span(date(2026, 10, 25), date(2027, 3, 27), timedelta(hours=1))
    assert spans[-1].last is not None and spans[-1].last >= date(2027, 12, 5)
    assert all(a.last is not None and b.first == a.last + timedelta(days=1) for a, b in pairwise(spans))
    assert open_data.offset_spans(ZoneInfo("Asia/Dushanbe"), date(2026, 12, 4)) == [
        open_data.Span(None, None, timedelta(hours=5))
    ]
    assert open_data.clock("09:30", timedelta(hours=-3, minutes=-30)) == "09:30-03:30"


def test_a_mobile_team_s_stops_are_places_with_dated_schedules(catalogue: Catalogue) -> None:
    team = next(c for c in catalogue.centres if c.kind == "mobile")
    today = min(v.date for v in team.visits) + timedelta(days=1)  # the first stop has passed
    tables = open_data.hsds_tables(catalogue, SITE, today)
    org = open_data.stable_id("org", team.id)
    places = [r for r in tables["locations"] if r["organization_id"] == org][1:]
    coming = [v for v in team.visits if v.date >= today]
    assert [p["name"] for p in places] == list(dict.fromkeys(v.place["en"] for v in coming))
    for visit in coming:
        place = next(p for p in places if p["name"] == visit.place["en"])
        if visit.coordinates:
            assert (place["latitude"], place["longitude"]) == (visit.coordinates.lat, visit.coordinates.lon)
        rows = [
            r
            for r in tables["schedules"]
            if r["location_id"] == place["id"] and r["valid_from"] == r["valid_to"] == visit.date.isoformat()
        ]
        assert [r["opens_at"][:5] for r in rows] == [opens for opens, _ in visit.hours]
    services = [r["id"] for r in tables["services"] if r["organization_id"] == org]
    at = {(r["service_id"], r["location_id"]) for r in tables["service_at_locations"]}
    assert all((s, p["id"]) in at for s in services for p in places)


# ---- the files and where the site names them ------------------------------------------------------


def test_write_gives_both_files_for_the_address_the_site_is_built_for(tmp_path: Path, catalogue: Catalogue) -> None:
    paths = open_data.write(tmp_path, catalogue, SITE, DAYS[0])
    assert [p.name for p in paths] == list(open_data.FILES)
    files = open_data.documents(catalogue, SITE, DAYS[0])
    for path in paths:
        assert json.loads(path.read_text(encoding="utf-8")) == files[path.name]
    assert "127.0.0.1" not in "".join(p.read_text(encoding="utf-8") for p in paths)
    assert not list(tmp_path.glob("*.tmp"))
    for wrong in ("/", "portal.example.org/", "https://portal.example.org", "ftp://x.org/"):
        with pytest.raises(ValueError, match="absolute address"):
            open_data.hsds_tables(catalogue, wrong, DAYS[0])


def test_the_command_writes_the_files_or_says_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert open_data.main(["--site-url", SITE, "--out", str(tmp_path / "od")]) == 0
    assert sorted(p.name for p in (tmp_path / "od").iterdir()) == sorted(open_data.FILES)
    assert open_data.main(["--site-url", "/", "--out", str(tmp_path / "bad")]) == 1
    assert "absolute address" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_the_site_links_both_files_and_documents_our_properties() -> None:
    from devstack.pages import developers

    footer = (ROOT / "site" / "overrides" / "partials" / "copyright.html").read_text(encoding="utf-8")
    for name in open_data.FILES:
        assert f"'open-data/{name}' | url" in footer
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    spec = developers.load_spec()
    for lang, prefix in (("en", "../../"), ("ar", "../../../")):
        page = developers.api_page(spec, lang)
        assert "## Open data {#open-data}" in page
        for name in open_data.FILES:
            assert f'href="{prefix}open-data/{name}"' in page
    for field in open_data.EXTENSIONS:
        assert f"`{field}`" in developers.api_page(spec, "en") and f"`{field}`" in readme
    assert "/open-data/services.json" in readme
