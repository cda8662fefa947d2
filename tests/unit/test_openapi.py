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


# ---- error codes ---------------------------------------------------------------------------------

ERRORS = {"BadRequest", "NotFound", "Conflict", "Forbidden", "Unauthorized", "Unprocessable", "PayloadTooLarge"}


def _raised_codes() -> tuple[set[str], list[str]]:
    """The codes the backend names where it refuses (`code="..."`, and class-level `code = "..."`),
    and the refusals that name none."""
    import ast

    from tests.conftest import ROOT
    from tests.unit.refusals import class_code, constant_keyword

    named: set[str] = set()
    unnamed: list[str] = []
    sources = [ROOT / "backend" / "app.py", *(ROOT / "backend" / "chalicelib").rglob("*.py")]
    for path in sources:
        if "evidence" in path.parts:  # the cleaner's refusals are its own contract (evidence/contract.py)
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                named |= {code} if (code := constant_keyword(node, "code")) else set()
                if name in ERRORS and not any(k.arg == "code" for k in node.keywords):
                    unnamed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.ClassDef) and (code := class_code(node)):
                named.add(code)
    return named, unnamed


def test_every_refusal_names_a_code_the_contract_lists() -> None:
    from app import app
    from chalicelib.core.error_codes import CODES

    named, unnamed = _raised_codes()
    # Given every refusal in the backend: each names its own stable code...
    assert unnamed == [], "give these refusals a code= from core/error_codes.py"
    # ...and every code it names is in the list, which holds nothing unused
    generic = {
        "bad_request",
        "unprocessable",
        "payload_too_large",
        "conflict",
        "forbidden",
        "not_found",
        "unauthorized",
    }
    assert named - generic <= set(CODES), sorted(named - generic - set(CODES))
    from_the_edge = {"content_length_invalid", "length_required", "bad_gateway", "route_not_found", "bad_request"}
    from_validation = {c for c in CODES if c.startswith("field_")}
    framework = {"method_not_allowed", "unsupported_media_type", "internal_error"}
    assert set(CODES) - named - from_the_edge - from_validation - framework == set()
    # ...with its status: 4xx codes are refusals, 5xx the server's trouble
    assert all(400 <= entry.status < 600 for entry in CODES.values())
    # When the contract is built, error.code lists every code with its status and meaning
    spec = openapi.build(app)
    listed = spec["components"]["schemas"]["ErrorCode"]["oneOf"]
    assert [entry["const"] for entry in listed] == list(CODES)
    assert all(re.match(r"^[45]\d\d: ", entry["description"]) for entry in listed)
    detail = spec["components"]["schemas"]["ErrorDetail"]["properties"]["code"]
    assert detail == {"$ref": "#/components/schemas/ErrorCode"}


def test_a_field_the_body_gets_wrong_has_a_code_per_kind_of_mistake(client: Client) -> None:
    cases = [
        (
            {"centre_id": "tj-dushanbe", "service_id": "legal_advice", "mode": "on_site", "language": "tg"},
            "start",
            "field_required",
        ),
        (
            {
                "centre_id": "x" * 61,
                "service_id": "s",
                "start": "2026-12-01T08:00:00+05:00",
                "mode": "on_site",
                "language": "tg",
            },
            "centre_id",
            "field_too_long",
        ),
        (
            {
                "centre_id": "c",
                "service_id": "s",
                "start": "2026-12-01T08:00:00+05:00",
                "mode": "by_pigeon",
                "language": "tg",
            },
            "mode",
            "field_not_allowed",
        ),
        (
            {"centre_id": "c", "service_id": "s", "start": "tomorrow", "mode": "on_site", "language": "tg"},
            "start",
            "field_invalid",
        ),
    ]
    for payload, field, code in cases:
        answer = client.http.post(
            "/api/bookings", body=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        error = body(answer)["error"]
        assert (answer.status_code, error["field"], error["code"]) == (400, field, code), answer.body
        assert body(answer)["problems"][0]["code"] == code


def test_no_two_models_share_a_name_in_the_contract() -> None:
    """The contract names each schema by its model's class name: two models called alike (the
    dashboard's and the recruiters' category counts once were) would silently share one schema, and
    one of the routes would then break its own contract."""
    import importlib
    import pkgutil

    from pydantic import BaseModel

    import chalicelib

    for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        if ".evidence" not in module.name:  # the cleaner is its own function, outside the contract
            importlib.import_module(module.name)
    seen: dict[str, str] = {}
    clashes = []
    pending = list(BaseModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not model.__module__.startswith("chalicelib."):
            continue
        where = f"{model.__module__}.{model.__qualname__}"
        if seen.setdefault(model.__name__, where) != where:
            clashes.append((seen[model.__name__], where))
    assert clashes == []
