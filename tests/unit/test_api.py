"""The API's first routes and its error contract, in process with moto."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.test import Client

from tests.unit.conftest import body


def test_health_reports_the_database_up(client: Client) -> None:
    # Given a table that exists, When health is asked, Then the database is up
    response = client.http.get("/api/health")
    assert response.status_code == 200
    assert body(response) == {"status": "ok", "database": "up"}


def test_health_reports_the_database_down(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a table name that does not exist, Then health says the database is down, with 503
    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    from chalicelib.core.aws import reset_clients

    reset_clients()
    response = client.http.get("/api/health")
    assert response.status_code == 503
    assert body(response) == {"status": "degraded", "database": "down"}
    assert response.headers["Retry-After"] == "5"


def test_centres_list_has_names_services_and_sample_flag(client: Client) -> None:
    payload = body(client.http.get("/api/centres"))
    assert payload["lang"] == "en"
    assert payload["sample_data"] is True
    assert len(payload["centres"]) >= 20
    first = payload["centres"][0]
    assert {"id", "name", "country", "city", "services", "kind", "timezone"} <= set(first)
    assert first["services"] and {"id", "name"} <= set(first["services"][0])


@pytest.mark.parametrize("lang", ["fr", "ru", "ar", "km"])
def test_centre_names_come_in_the_language_asked_for(client: Client, lang: str) -> None:
    english = body(client.http.get("/api/centres"))["centres"]
    localised = body(client.http.get(f"/api/centres?lang={lang}"))
    assert localised["lang"] == lang
    assert [c["id"] for c in localised["centres"]] == [c["id"] for c in english]
    assert any(a["name"] != b["name"] for a, b in zip(localised["centres"], english, strict=True))


def test_unknown_language_falls_back_to_english(client: Client) -> None:
    payload = body(client.http.get("/api/centres?lang=de"))
    assert payload["lang"] == "en"


def test_malformed_language_is_a_400_naming_the_field(client: Client) -> None:
    response = client.http.get("/api/centres?lang=%3Cscript%3E")
    assert response.status_code == 400
    error = body(response)["error"]
    assert error["code"] == "field_invalid"
    assert error["field"] == "lang"


def test_centre_detail(client: Client) -> None:
    centre_id = body(client.http.get("/api/centres"))["centres"][0]["id"]
    payload = body(client.http.get(f"/api/centres/{centre_id}?lang=fr"))
    assert payload["id"] == centre_id
    assert payload["lang"] == "fr"
    assert {"address", "opening_hours", "contact", "services", "exceptions", "visits"} <= set(payload)
    assert all("description" in s for s in payload["services"])


def test_unknown_centre_is_404_json(client: Client) -> None:
    response = client.http.get("/api/centres/xx-nowhere")
    assert response.status_code == 404
    assert body(response)["error"]["code"] == "centre_not_found"


def test_unknown_routes_are_404_json(client: Client) -> None:
    # (deeper unknown paths need API Gateway's greedy matching: tests/integration covers them)
    response = client.http.get("/api/nope")
    assert response.status_code == 404
    assert body(response)["error"] == {
        "code": "route_not_found",
        "message": "No such API route.",
        "correlation_id": body(response)["error"]["correlation_id"],
    }


def test_wrong_method_is_405_json(client: Client) -> None:
    response = client.http.post("/api/health", body="{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 405
    assert body(response)["error"]["code"] == "method_not_allowed"


def test_unhandled_error_is_500_with_only_a_correlation_id(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.centres import service

    def explode(*_: Any, **__: Any) -> None:
        raise RuntimeError("secret internal detail /var/task/x.py")

    monkeypatch.setattr(service, "list_centres", explode)
    response = client.http.get("/api/centres")
    assert response.status_code == 500
    error = body(response)["error"]
    assert error["code"] == "internal_error"
    assert error["correlation_id"]
    assert "secret" not in response.body.decode() and "Traceback" not in response.body.decode()


def test_database_throttling_is_503_with_retry_after(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    from chalicelib.centres import service

    def throttled(*_: Any, **__: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "Query"
        )

    monkeypatch.setattr(service, "list_centres", throttled)
    response = client.http.get("/api/centres")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert body(response)["error"]["code"] == "service_unavailable"


def test_api_responses_are_not_cached(client: Client) -> None:
    response = client.http.get("/api/centres")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path", ["/api/bookings", "/api/waitlist", "/api/complaints", "/api/complaints/lookup", "/api/feedback"]
)
@pytest.mark.parametrize("depth", [33, 1000, 20000])
def test_deeply_nested_json_is_a_400_naming_the_body(client: Client, path: str, depth: int) -> None:
    nested = '{"a": ' + "[" * depth + "]" * depth + "}"
    response = client.http.post(path, body=nested, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.body
    assert body(response)["error"]["field"] == "body" and "nests" in body(response)["error"]["message"]


def test_nesting_counts_brackets_but_not_those_inside_strings() -> None:
    from chalicelib.core.http import nesting

    assert nesting(b'{"a": [1, {"b": []}]}') == 4
    assert nesting(b'{"a": "[[[[[[[[[[\\"{{{{{{{{{"}') == 1
    assert nesting(b"[]" * 10000) == 1
    assert nesting(b"") == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "service", "reference": "3467-89AB", "delivered": True, "rating": 10**30}, "rating"),
        ({"kind": "service", "reference": "3467-89AB", "delivered": True, "rating": -(10**30)}, "rating"),
        (
            {"kind": "service", "reference": "3467-89AB", "delivered": True, "rating": 4, "waiting_minutes": 1e308},
            "waiting_minutes",
        ),
    ],
)
def test_huge_numbers_are_a_400_naming_the_field(client: Client, payload: dict[str, Any], field: str) -> None:
    import json

    response = client.http.post("/api/feedback", body=json.dumps(payload), headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.body
    assert body(response)["error"]["field"] == field
