"""Feedback: three kinds on one route, clear errors, counters that match the items."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.bookings import service as bookings
from chalicelib.core import keys
from chalicelib.core.aws import dynamodb_client
from chalicelib.feedback import service as feedback_service
from tests.unit.conftest import TABLE, body, book, with_proof

JSON = {"Content-Type": "application/json"}


def send(api: Client, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return api.http.post("/api/feedback", body=json.dumps(payload), headers=with_proof(api, headers))


def counter(pk: str, sk: str) -> dict[str, int]:
    item = dynamodb_client().get_item(TableName=TABLE, Key={"PK": {"S": pk}, "SK": {"S": sk}}).get("Item", {})
    return {k: int(v["N"]) for k, v in item.items() if "N" in v}


def test_page_feedback_counts_per_guide_and_language(client: Client) -> None:
    page = "/km/guides/abroad/passport-confiscation/"
    for helpful in (True, True, False):
        assert send(client, {"kind": "page", "page": page, "language": "km", "helpful": helpful}).status_code == 201
    key = keys.guide_counters(f"{feedback_service.now_utc():%Y-%m}", "km", page)
    assert counter(*key) == {"helpful_yes": 2, "helpful_no": 1}


def test_service_feedback_once_per_appointment(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bookings, "now_utc", lambda: datetime(2026, 11, 30, tzinfo=UTC))
    start = body(client.http.get("/api/centres/tj-dushanbe/services/legal_advice/slots"))["slots"][0]["start"]
    booking = body(book(client, start))
    given = {
        "kind": "service",
        "reference": booking["reference"],
        "delivered": True,
        "rating": 4,
        "waiting_minutes": 20,
        "helped_decide": True,
    }
    assert send(client, given).status_code == 201
    again = send(client, given)
    assert again.status_code == 409 and body(again)["error"]["field"] == "reference"
    assert counter("STATS#CENTRE#tj-dushanbe", "MONTH#2026-11#SERVICE#legal_advice") == {
        "feedback": 1,
        "rating_sum": 4,
        "delivered": 1,
        "waiting_reported": 1,
        "waiting_minutes_sum": 20,
        "decision_answered": 1,
        "helped_decide": 1,
    }
    assert send(client, {**given, "reference": "3467-89AB"}).status_code in (400, 404)


def test_needs_are_counted_by_topic_gender_and_age(client: Client) -> None:
    month = datetime.now(UTC).strftime("%Y-%m")
    need = {
        "kind": "need",
        "topic": "language_course",
        "text": "An English course in the evening, please.",
        "language": "tg",
        "gender": "woman",
        "age_band": "25_34",
    }
    assert send(client, need).status_code == 201
    assert send(client, {**need, "gender": None, "age_band": None}).status_code == 201
    base = f"MONTH#{month}#TOPIC#language_course"
    assert counter("STATS#NEEDS", base) == {"count": 2}
    assert counter("STATS#NEEDS", f"{base}#GENDER#woman") == {"count": 1}
    assert counter("STATS#NEEDS", f"{base}#AGE#25_34") == {"count": 1}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "gossip"}, "kind"),
        ({"kind": "page", "page": "/x/", "language": "km"}, "helpful"),
        ({"kind": "page", "page": "https://evil.example/", "language": "km", "helpful": True}, "page"),
        ({"kind": "service", "reference": "3467-89AB", "delivered": True, "rating": 9}, "rating"),
        ({"kind": "need", "topic": "language_course", "text": "x" * 1001, "language": "tg"}, "text"),
        ({"kind": "need", "topic": "language_course", "text": "Help", "language": "tg", "ip": "1.2.3.4"}, "ip"),
    ],
)
def test_bad_feedback_is_400_naming_the_field(client: Client, payload: dict[str, Any], field: str) -> None:
    response = send(client, payload)
    assert response.status_code == 400, response.body
    assert body(response)["error"]["field"] == field


def test_feedback_needs_a_fresh_proof_and_is_rate_limited(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core.settings import get_settings

    page = {"kind": "page", "page": "/guides/x/", "language": "en", "helpful": True}
    assert client.http.post("/api/feedback", body=json.dumps(page), headers=JSON).status_code == 400
    monkeypatch.setattr(get_settings(), "feedback_per_source", 2)
    assert send(client, page).status_code == 201
    assert send(client, page).status_code == 201
    limited = send(client, page)
    assert limited.status_code == 429 and limited.headers["Retry-After"]


def test_idempotent_feedback_counts_once(client: Client) -> None:
    page = {"kind": "page", "page": "/ar/guides/x/", "language": "ar", "helpful": False}
    key = {"Idempotency-Key": "feedback-retry-000001"}
    assert send(client, page, key).status_code == 201
    assert send(client, page, key).status_code == 201
    assert counter(*keys.guide_counters(f"{feedback_service.now_utc():%Y-%m}", "ar", "/ar/guides/x/")) == {
        "helpful_no": 1
    }
