"""Every staff route, found in the app's route table, refuses what it must: no token, an expired
token, a bad signature, the wrong audience (401); the wrong centre and a too-low role (403); and
answers the right token with 2xx. A new staff route without an entry here fails the test."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.bookings import agenda as agenda_service
from chalicelib.bookings import service as bookings
from chalicelib.complaints import triage
from chalicelib.core.aws import s3_client
from chalicelib.core.settings import get_settings
from tests import evidence_samples as samples
from tests import staff_tokens
from tests.staff_tokens import bearer
from tests.unit.conftest import body, with_proof
from tests.unit.test_staff import JSON, file_complaint, staff  # noqa: F401 - the fixture

NOW = datetime(2026, 11, 30, 6, tzinfo=UTC)


@dataclass
class Spec:
    """How to call a route rightly, and who must be refused. `wrong_centre` is None only where the
    route names no centre at all (who am I)."""

    user: str
    too_low: str
    wrong_centre: str | None
    path: str
    payload: dict[str, Any] | None = None


def staff_routes() -> set[tuple[str, str]]:
    from app import app

    return {
        (method, path)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if getattr(entry.view_function, "staff_roles", None)
    }


def specs(api: Client, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], Any]:
    """Builds, for each route, a fresh right request (each case and booking is new, so one route's
    success never depends on another's)."""
    # A fresh case per route: more complaints from this one test client than a source may file in
    # ten minutes (tests/integration/test_abuse.py proves that limit); here it must not interfere.
    monkeypatch.setenv("COMPLAINTS_PER_SOURCE", "1000")
    monkeypatch.setattr(bookings, "now_utc", lambda: NOW)
    for staff_side in (triage, agenda_service):
        monkeypatch.setattr(staff_side, "now_utc", lambda: NOW + timedelta(days=3))

    def case() -> str:
        return file_complaint(api)[1]

    def booking() -> str:
        slot = body(api.http.get("/api/centres/tj-dushanbe/services/legal_advice/slots?days=2"))["slots"][0]
        answer = api.http.post(
            "/api/bookings",
            headers=with_proof(api),
            body=json.dumps(
                {
                    "centre_id": "tj-dushanbe",
                    "service_id": "legal_advice",
                    "start": slot["start"],
                    "mode": "on_site",
                    "language": "ru",
                    "contact": {"phone": "+992 93 123 4567"},
                }
            ),
        )
        assert answer.status_code == 201, answer.body
        return str(body(answer)["reference"])

    # Evidence files: a bucket in moto's S3, and a case holding a photo and a one-page PDF.
    monkeypatch.setenv("ATTACHMENTS_BUCKET", "passerelle-attachments-auth")
    get_settings.cache_clear()
    s3_client.cache_clear()
    assert get_settings().attachments_bucket == "passerelle-attachments-auth"
    s3_client().create_bucket(
        Bucket="passerelle-attachments-auth", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )

    def upload(data: bytes) -> str:
        payload = {"data": base64.b64encode(data).decode()}
        answer = api.http.post("/api/complaints/attachments", body=json.dumps(payload), headers=with_proof(api))
        assert answer.status_code == 201, answer.body
        return str(body(answer)["attachment_id"])

    def case_with_pdf() -> str:
        pdf = upload(samples.canary_pdf(1))
        return f"/api/staff/complaints/{file_complaint(api, attachments=[pdf])[1]}/attachments/{pdf}"

    def exception_day() -> str:
        day = (NOW + timedelta(days=10)).date().isoformat()
        api.http.put(
            f"/api/staff/centres/tj-dushanbe/exceptions/{day}",
            body=json.dumps({"closed": True}),
            headers={**JSON, **bearer("manager.dushanbe")},
        )
        return day

    day = NOW.date().isoformat()
    centre = "/api/staff/centres/{centre_id}"
    complaint = "/api/staff/complaints/{complaint_id}"
    return {
        ("GET", "/api/staff/me"): lambda: Spec("caseworker.dushanbe", "nobody", None, "/api/staff/me"),
        ("GET", "/api/staff/complaints"): lambda: Spec(
            "caseworker.dushanbe", "nobody", "caseworker.istanbul", "/api/staff/complaints?centre=tj-dushanbe"
        ),
        ("GET", complaint): lambda: Spec(
            "caseworker.dushanbe", "nobody", "caseworker.istanbul", f"/api/staff/complaints/{case()}"
        ),
        ("PATCH", complaint): lambda: Spec(
            "caseworker.dushanbe",
            "nobody",
            "caseworker.istanbul",
            f"/api/staff/complaints/{case()}",
            {"priority": "high"},
        ),
        ("POST", f"{complaint}/status"): lambda: Spec(
            "caseworker.dushanbe",
            "nobody",
            "caseworker.istanbul",
            f"/api/staff/complaints/{case()}/status",
            {"status": "acknowledged"},
        ),
        ("POST", f"{complaint}/replies"): lambda: Spec(
            "caseworker.dushanbe",
            "nobody",
            "caseworker.istanbul",
            f"/api/staff/complaints/{case()}/replies",
            {"text": "Hello"},
        ),
        ("POST", f"{complaint}/notes"): lambda: Spec(
            "caseworker.dushanbe",
            "nobody",
            "caseworker.istanbul",
            f"/api/staff/complaints/{case()}/notes",
            {"text": "Note"},
        ),
        ("POST", f"{complaint}/referrals"): lambda: Spec(
            "caseworker.dushanbe",
            "nobody",
            "caseworker.istanbul",
            f"/api/staff/complaints/{case()}/referrals",
            {"centre_id": "tr-istanbul", "note": "Employer in Istanbul"},
        ),
        ("POST", f"{complaint}/outcome"): lambda: Spec(
            "caseworker.dushanbe",
            "nobody",
            "caseworker.istanbul",
            f"/api/staff/complaints/{case()}/outcome",
            {"outcome": "withdrawn"},
        ),
        ("GET", f"{complaint}/attachments/{{attachment_id}}"): lambda: Spec(
            "caseworker.dushanbe", "nobody", "caseworker.istanbul", case_with_pdf()
        ),
        ("GET", f"{complaint}/attachments/{{attachment_id}}/pages/{{n}}"): lambda: Spec(
            "caseworker.dushanbe", "nobody", "caseworker.istanbul", f"{case_with_pdf()}/pages/1"
        ),
        ("GET", f"{complaint}/audit"): lambda: Spec(
            "manager.dushanbe", "caseworker.dushanbe", "manager.istanbul", f"/api/staff/complaints/{case()}/audit"
        ),
        ("GET", f"{centre}/agenda"): lambda: Spec(
            "caseworker.dushanbe",
            "focal.point",
            "caseworker.istanbul",
            f"/api/staff/centres/tj-dushanbe/agenda?date={day}",
        ),
        ("POST", "/api/staff/bookings/{reference}/attendance"): lambda: Spec(
            "caseworker.dushanbe",
            "focal.point",
            "caseworker.istanbul",
            f"/api/staff/bookings/{booking()}/attendance",
            {"attended": True},
        ),
        ("GET", f"{centre}/audit"): lambda: Spec(
            "manager.dushanbe",
            "caseworker.dushanbe",
            "manager.istanbul",
            f"/api/staff/centres/tj-dushanbe/audit?from={day}&to={day}",
        ),
        ("GET", f"{centre}/exceptions"): lambda: Spec(
            "caseworker.dushanbe",
            "focal.point",
            "caseworker.istanbul",
            f"/api/staff/centres/tj-dushanbe/exceptions?from={day}&to={day}",
        ),
        ("PUT", f"{centre}/exceptions/{{day}}"): lambda: Spec(
            "manager.dushanbe",
            "caseworker.dushanbe",
            "manager.istanbul",
            f"/api/staff/centres/tj-dushanbe/exceptions/{day}",
            {"closed": True},
        ),
        ("DELETE", f"{centre}/exceptions/{{day}}"): lambda: Spec(
            "manager.dushanbe",
            "caseworker.dushanbe",
            "manager.istanbul",
            f"/api/staff/centres/tj-dushanbe/exceptions/{exception_day()}",
        ),
        ("POST", f"{complaint}/agency"): lambda: Spec(
            "caseworker.dushanbe",
            "nobody",
            "caseworker.istanbul",
            f"/api/staff/complaints/{case()}/agency",
            {"agency_id": "tj-117"},
        ),
        ("GET", "/api/staff/recruiters/figures"): lambda: Spec(
            "manager.dushanbe", "caseworker.dushanbe", None, "/api/staff/recruiters/figures"
        ),
        ("POST", "/api/staff/recruiters/figures/publish"): lambda: Spec(
            "manager.istanbul", "caseworker.istanbul", None, "/api/staff/recruiters/figures/publish"
        ),
        ("GET", "/api/staff/recruiters/figures/audit"): lambda: Spec(
            "manager.dushanbe", "focal.point", None, "/api/staff/recruiters/figures/audit"
        ),
        ("GET", "/api/staff/dashboard"): lambda: Spec(
            "manager.dushanbe", "caseworker.dushanbe", "manager.istanbul", "/api/staff/dashboard?centre=tj-dushanbe"
        ),
        ("GET", "/api/staff/dashboard.csv"): lambda: Spec(
            "manager.dushanbe", "caseworker.dushanbe", "manager.istanbul", "/api/staff/dashboard.csv?centre=tj-dushanbe"
        ),
    }


def send(api: Client, method: str, spec: Spec, headers: dict[str, str]) -> Any:
    data = json.dumps(spec.payload) if spec.payload is not None else None
    # Accept: what a browser's fetch sends; the file routes answer bytes only to a caller that takes them.
    return getattr(api.http, method.lower())(spec.path, body=data, headers={**JSON, "Accept": "*/*", **headers})


def test_every_staff_route_refuses_bad_callers_and_serves_the_right_one(
    staff: Client,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = specs(staff, monkeypatch)
    routes = staff_routes()
    assert len(routes) >= 18
    assert routes == set(table), f"routes without a spec: {routes - set(table)}; stale specs: {set(table) - routes}"
    other_key = staff_tokens.signing_key("other")
    for (method, route), make in sorted(table.items()):
        spec = make()
        refusals = {
            "no token": ({}, 401),
            "expired": (bearer(spec.user, expires_in=-300), 401),
            "bad signature": (bearer(spec.user, key=other_key), 401),
            "wrong audience": (bearer(spec.user, aud="another-client"), 401),
            "too-low role": (bearer(spec.too_low), 403),
        }
        if spec.wrong_centre:
            refusals["wrong centre"] = (bearer(spec.wrong_centre), 403)
        for name, (headers, status) in refusals.items():
            answer = send(staff, method, spec, headers)
            assert answer.status_code == status, (method, route, name, answer.body)
            expected = (
                ("sign_in_required", "sign_in_invalid", "sign_in_expired")
                if status == 401
                else ("role_forbidden", "centre_forbidden", "lane_forbidden", "case_forbidden")
            )
            assert body(answer)["error"]["code"] in expected, (method, route, name, answer.body)
        answer = send(staff, method, spec, bearer(spec.user))
        assert 200 <= answer.status_code < 300, (method, route, answer.body)
