"""The booking's .ics (bookings/calendar.py) keeps RFC 5545 in every language: lines of at most 75
octets ending in CRLF, folded between whole UTF-8 characters, text escaped, the centre's time zone
as a VTIMEZONE; and a calendar program (`icalendar` itself, parsing) reads back what was meant."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from chalice.test import Client
from icalendar import Calendar

from chalicelib.bookings.calendar import booking_calendar
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.centres.models import Centre, Service
from chalicelib.core.codes import format_reference, new_reference
from chalicelib.core.i18n import SITE_LANGUAGES, pick
from tests.unit.conftest import body, with_proof

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def _item(centre: Centre, service: Service, lang: str, mode: str = "on_site") -> dict[str, Any]:
    start = datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo(centre.timezone))
    return {
        "reference": new_reference(),
        "centre_id": centre.id,
        "service_id": service.id,
        "language": lang,
        "mode": mode,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=service.duration_minutes or 30)).isoformat(),
    }


def _pairs() -> list[tuple[Centre, Service]]:
    catalogue = get_catalogue()
    pairs = []
    for centre in catalogue.centres:
        for service_id in centre.services:
            service = catalogue.service(service_id)
            if service is not None and service.bookable:
                pairs.append((centre, service))
    return pairs


def assert_rfc5545_lines(raw: bytes) -> None:
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # no line ends or starts inside a character


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_centre_and_service_in_every_language_parses_back(lang: str) -> None:
    pairs = _pairs()
    assert pairs
    for centre, service in pairs:
        item = _item(centre, service, lang)
        raw = booking_calendar(item, centre, service, NOW)
        assert_rfc5545_lines(raw)
        calendar = Calendar.from_ical(raw)
        (event,) = calendar.walk("VEVENT")
        summary = event["SUMMARY"]
        assert str(summary) == f"{pick(service.name, lang)} - {pick(centre.name, lang)}"
        assert summary.params["LANGUAGE"] == lang
        assert str(event["LOCATION"]) == centre.address
        assert event.decoded("DTSTART") == datetime.fromisoformat(item["starts_at"])
        assert event.decoded("DTSTART").utcoffset() == datetime.fromisoformat(item["starts_at"]).utcoffset()
        assert event["DTSTART"].params["TZID"] == centre.timezone
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=service.duration_minutes or 0)
        assert str(event["UID"]) == f"{item['reference']}@passerelle"
        assert str(event["DESCRIPTION"]) == format_reference(item["reference"])
        (zone,) = calendar.walk("VTIMEZONE")
        assert str(zone["TZID"]) == centre.timezone
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("TRIGGER") == -timedelta(hours=2)


@pytest.mark.parametrize("lang", ["en", "ru", "km", "my", "ar"])
def test_long_lines_fold_between_characters_and_unfold_to_the_same_text(lang: str) -> None:
    centre, service = _pairs()[0]
    long_name = {lang: (service.name.get(lang, service.name["en"]) + " ") * 6}
    wordy = service.model_copy(update={"name": long_name})
    raw = booking_calendar(_item(centre, wordy, lang), centre, wordy, NOW)
    assert_rfc5545_lines(raw)
    assert any(line.startswith(b" ") for line in raw.split(b"\r\n"))  # it was folded
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith(long_name[lang])


def test_text_is_escaped_and_read_back_whole() -> None:
    centre, service = _pairs()[0]
    tricky = "Office 3; floor 2, left\\right\nring twice"
    odd_centre = centre.model_copy(update={"address": tricky, "name": {"en": "A, B; C"}})
    raw = booking_calendar(_item(odd_centre, service, "en"), odd_centre, service, NOW)
    assert b"Office 3\\; floor 2\\, left\\\\right\\nring twice" in raw.replace(b"\r\n ", b"")
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["LOCATION"]) == tricky
    assert str(event["SUMMARY"]).endswith(" - A, B; C")


@pytest.mark.parametrize(("mode", "where"), [("phone", "Phone"), ("video", "Video")])
def test_remote_appointments_say_how_not_where(mode: str, where: str) -> None:
    centre, service = _pairs()[0]
    raw = booking_calendar(_item(centre, service, "fr", mode), centre, service, NOW)
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["LOCATION"]) == where


@pytest.mark.parametrize("lang", ["km", "my", "ar"])
def test_the_route_serves_a_parsable_calendar_in_the_bookings_language(client: Client, lang: str) -> None:
    centre_id, service_id = {
        "km": ("kh-phnom-penh", "legal_advice"),
        "my": ("mm-yangon", "legal_advice"),
        "ar": ("ne-agadez", "health_information"),
    }[lang]
    listed = body(client.http.get(f"/api/centres/{centre_id}/services/{service_id}/slots"))["slots"]
    payload = {"centre_id": centre_id, "service_id": service_id, "start": listed[0]["start"], "mode": "on_site"}
    payload["language"] = lang
    created = client.http.post("/api/bookings", body=json.dumps(payload), headers=with_proof(client))
    assert created.status_code == 201, created.body
    booking = body(created)
    response = client.http.get(
        f"/api/bookings/{booking['reference']}/calendar.ics", headers={"X-Manage-Code": booking["manage_code"]}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert_rfc5545_lines(response.body)
    assert booking["manage_code"].encode() not in response.body
    (event,) = Calendar.from_ical(response.body).walk("VEVENT")
    assert event["SUMMARY"].params["LANGUAGE"] == lang
    assert event.decoded("DTSTART") == datetime.fromisoformat(listed[0]["start"])
