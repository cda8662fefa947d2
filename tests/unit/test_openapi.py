"""The OpenAPI contract covers every route of the app's route table, and resolves."""

from __future__ import annotations

import json
import re
from typing import Any

from chalice.test import Client

from chalicelib.core import openapi
from tests.unit.conftest import body


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.add(value.rsplit("/", 1)[-1])
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def test_every_route_is_in_the_contract() -> None:
    from app import app

    spec = openapi.build(app)
    assert spec["openapi"] == "3.1.0"
    for path, methods in app.routes.items():
        if "+}" in path:
            continue
        for method in methods:
            assert method.lower() in spec["paths"].get(path, {}), f"{method} {path} is missing from the contract"
    assert _refs(spec) <= set(spec["components"]["schemas"])


def test_requests_have_schemas_and_errors_are_described() -> None:
    from app import app

    spec = openapi.build(app)
    booking = spec["paths"]["/api/bookings"]["post"]
    assert booking["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/BookingRequest")
    assert {"201", "400", "409", "422", "429", "503"} <= set(booking["responses"])
    assert "seat_limit" in booking["responses"]["429"]["description"]
    for submission in ("/api/bookings", "/api/waitlist", "/api/complaints", "/api/feedback"):
        operation = spec["paths"][submission]["post"]
        assert any(p["name"] == "X-Proof" and p["in"] == "header" and p["required"] for p in operation["parameters"])
        assert "429" in operation["responses"]
    manage = spec["paths"]["/api/bookings/{reference}"]["get"]
    assert any(p["name"] == "X-Manage-Code" and p["in"] == "header" and p["required"] for p in manage["parameters"])
    slots = spec["paths"]["/api/centres/{centre_id}/services/{service_id}/slots"]["get"]
    assert {p["name"] for p in slots["parameters"] if p["in"] == "query"} == {"from", "days"}
    assert all(not re.search(r"receipt|manage", p) for p in spec["paths"]), "secrets never go in a URL"


def test_the_contract_is_served(client: Client) -> None:
    served = body(client.http.get("/api/openapi.json"))
    assert served["paths"]["/api/complaints"]["post"]["summary"]
    json.dumps(served)


def test_the_developer_page_shows_every_operation() -> None:
    from app import app
    from devstack.pages import developers

    spec = openapi.build(app)
    page = developers.api_page(spec, "en")
    for path, methods in spec["paths"].items():
        for method in methods:
            assert f"## {method.upper()} `{path}`" in page
    assert "This technical reference is in English." in developers.api_page(spec, "ar")
