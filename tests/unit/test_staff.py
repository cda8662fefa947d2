"""The staff side in process with moto: token checks, triage, referrals between centres, outcomes,
closing (the retention TTL) and reopening, the audit trail, the agenda and check-in, dated
exceptions. (The route-by-route authorisation test is test_staff_auth.py; the browser flow runs
in tests/e2e.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.auth.tokens import signing_keys
from chalicelib.bookings import agenda as agenda_service
from chalicelib.bookings import service as bookings
from chalicelib.complaints import triage
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.settings import get_settings
from tests import staff_tokens
from tests.staff_tokens import bearer
from tests.unit.conftest import TABLE, body, book, solved
from tests.unit.test_complaints import COMPLAINT, lookup

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def staff(client: Client, monkeypatch: pytest.MonkeyPatch, jwks_server: Any) -> Iterator[Client]:
    monkeypatch.setenv("PROOF_DIFFICULTY", "8")
    monkeypatch.setenv("STAFF_JWT_ISSUER", staff_tokens.ISSUER)
    monkeypatch.setenv("STAFF_JWT_AUDIENCE", staff_tokens.AUDIENCE)
    monkeypatch.setenv("STAFF_JWKS_URL", jwks_server.url)
    monkeypatch.setenv("STAFF_AUTH_URL", "https://auth.test")
    get_settings.cache_clear()
    assert get_settings().table_name == TABLE  # cached now: the stage config would name the dev table
    signing_keys.clear()
    yield client
    signing_keys.clear()


def call(
    api: Client,
    method: str,
    path: str,
    user: str | None = None,
    payload: Any = None,
    headers: dict[str, str] | None = None,
) -> Any:
    all_headers = {**JSON, **(bearer(user) if user else {}), **(headers or {})}
    data = json.dumps(payload) if payload is not None else None
    return getattr(api.http, method.lower())(path, body=data, headers=all_headers)


def file_complaint(api: Client, **changes: Any) -> tuple[str, str]:
    """A complaint through the public API; returns (receipt, case id)."""
    answer = api.http.post(
        "/api/complaints",
        body=json.dumps(COMPLAINT | {"centre_id": "tj-dushanbe"} | changes),
        headers={**JSON, "X-Proof": solved(api)},
    )
    assert answer.status_code == 201, answer.body
    receipt = body(answer)["receipt"]
    queue = body(call(api, "GET", "/api/staff/complaints?status=new", "admin"))["complaints"]
    if changes.get("category") == "sea_by_staff":
        queue = body(call(api, "GET", "/api/staff/complaints?status=new", "focal.point"))["complaints"]
    newest = max(queue, key=lambda c: c["submitted_at"])
    return receipt, newest["id"]


def counters(pk: str, sk: str) -> dict[str, float]:
    item = dynamodb_client().get_item(TableName=TABLE, Key={"PK": {"S": pk}, "SK": {"S": sk}}).get("Item", {})
    return {k: float(v["N"]) for k, v in item.items() if "N" in v}


# ---- tokens ------------------------------------------------------------------------------------


def test_the_backend_checks_every_part_of_the_token(staff: Client) -> None:
    other_key = staff_tokens.signing_key("other")
    cases = {
        "no token": {},
        "not bearer": {"Authorization": "Basic dXNlcjpwYXNz"},
        "garbage": {"Authorization": "Bearer not.a.token"},
        "expired": bearer("caseworker.dushanbe", expires_in=-120),
        "bad signature": bearer("caseworker.dushanbe", key=other_key),
        "unknown key id": bearer("caseworker.dushanbe", kid="someone-else"),
        "wrong audience": bearer("caseworker.dushanbe", aud="another-app"),
        "wrong issuer": bearer("caseworker.dushanbe", iss="https://evil.example"),
        "access token": bearer("caseworker.dushanbe", token_use="access"),
        "no expiry": bearer("caseworker.dushanbe", exp=None),
        "issued in the future": bearer("caseworker.dushanbe", iat=int(datetime.now(UTC).timestamp()) + 3600),
        "symmetric algorithm": bearer(
            "caseworker.dushanbe", key="a-shared-secret-that-is-long-enough-for-hs256", algorithm="HS256"
        ),
    }
    for name, headers in cases.items():
        answer = staff.http.get("/api/staff/me", headers=headers)
        assert answer.status_code == 401, name
        assert answer.headers["WWW-Authenticate"].startswith("Bearer"), name
        assert "Traceback" not in answer.body.decode()
    none_alg = "eyJhbGciOiJub25lIiwia2lkIjoidGVzdC1rZXktMSJ9." + bearer("admin")["Authorization"].split(".")[1] + "."
    assert staff.http.get("/api/staff/me", headers={"Authorization": f"Bearer {none_alg}"}).status_code == 401
    assert call(staff, "GET", "/api/staff/me", "nobody").status_code == 403
    me = body(call(staff, "GET", "/api/staff/me", "caseworker.dushanbe"))
    assert me["roles"] == ["caseworker"] and {c["id"] for c in me["centres"]} == {"tj-dushanbe", "tj-khujand"}


def test_sign_in_configuration_is_public_and_names_the_hosted_pages(staff: Client) -> None:
    config = body(staff.http.get("/api/auth/config"))
    assert config == {
        "authorize_url": "https://auth.test/oauth2/authorize",
        "token_url": "https://auth.test/oauth2/token",
        "logout_url": "https://auth.test/logout",
        "client_id": staff_tokens.AUDIENCE,
        "scope": "openid",
    }


# ---- triage ------------------------------------------------------------------------------------


def test_triage_reply_refer_and_resolve_with_an_audit_of_every_step(staff: Client) -> None:
    receipt, case_id = file_complaint(staff)
    queue = body(call(staff, "GET", "/api/staff/complaints", "caseworker.dushanbe"))
    assert [c["id"] for c in queue["complaints"]] == [case_id]
    assert queue["complaints"][0]["overdue"] is None and queue["complaints"][0]["priority"] == "normal"
    # Another centre's caseworker neither sees nor opens it.
    assert body(call(staff, "GET", "/api/staff/complaints", "caseworker.istanbul"))["count"] == 0
    assert call(staff, "GET", f"/api/staff/complaints/{case_id}", "caseworker.istanbul").status_code == 403

    case = body(call(staff, "GET", f"/api/staff/complaints/{case_id}", "caseworker.dushanbe"))
    assert case["description"] == COMPLAINT["description"] and case["allowed"]["statuses"] == [
        "acknowledged",
        "in_progress",
    ]
    case = body(
        call(
            staff,
            "POST",
            f"/api/staff/complaints/{case_id}/status",
            "caseworker.dushanbe",
            {"status": "acknowledged", "expected": "new"},
        )
    )
    assert case["status"] == "acknowledged" and [h["status"] for h in case["history"]] == ["new", "acknowledged"]
    stale = call(
        staff,
        "POST",
        f"/api/staff/complaints/{case_id}/status",
        "caseworker.dushanbe",
        {"status": "in_progress", "expected": "new"},
    )
    assert stale.status_code == 409
    case = body(
        call(
            staff,
            "PATCH",
            f"/api/staff/complaints/{case_id}",
            "caseworker.dushanbe",
            {"assignee": "me", "priority": "urgent"},
        )
    )
    assert case["assignee"]["name"] == "caseworker.dushanbe" and case["priority"] == "urgent"
    mine = body(call(staff, "GET", "/api/staff/complaints?assigned=me", "caseworker.dushanbe"))
    assert [c["id"] for c in mine["complaints"]] == [case_id]

    call(
        staff,
        "POST",
        f"/api/staff/complaints/{case_id}/replies",
        "caseworker.dushanbe",
        {"text": "Бо корфармо тамос гирифтем."},
    )
    call(
        staff,
        "POST",
        f"/api/staff/complaints/{case_id}/notes",
        "caseworker.dushanbe",
        {"text": "Internal: employer known to the labour inspectorate."},
    )
    seen = body(lookup(staff, receipt))
    assert [m["text"] for m in seen["messages"]] == ["Бо корфармо тамос гирифтем."]  # never the note

    case = body(
        call(
            staff,
            "POST",
            f"/api/staff/complaints/{case_id}/referrals",
            "caseworker.dushanbe",
            {"centre_id": "tr-istanbul", "note": "The employer is in Istanbul: please contact them."},
        )
    )
    assert case["status"] == "referred" and case["referred_to"] == ["tr-istanbul"]
    assert (
        call(
            staff,
            "POST",
            f"/api/staff/complaints/{case_id}/referrals",
            "caseworker.dushanbe",
            {"centre_id": "tr-istanbul", "note": "again"},
        ).status_code
        == 409
    )
    theirs = body(call(staff, "GET", "/api/staff/complaints", "caseworker.istanbul"))
    assert [c["id"] for c in theirs["complaints"]] == [case_id]
    case = body(
        call(
            staff,
            "POST",
            f"/api/staff/complaints/{case_id}/outcome",
            "caseworker.istanbul",
            {
                "outcome": "resolved_in_favour",
                "compensation": {"amount": "450.00", "currency": "USD"},
                "note": "Wages paid.",
            },
        )
    )
    assert case["status"] == "resolved" and case["outcome"]["compensation"] == {"amount": "450.00", "currency": "USD"}
    assert body(lookup(staff, receipt))["status"] == "resolved"

    # Closing is for managers; the audit trail is theirs to read, and it holds every step and view.
    assert (
        call(
            staff, "POST", f"/api/staff/complaints/{case_id}/status", "caseworker.dushanbe", {"status": "closed"}
        ).status_code
        == 403
    )
    assert call(staff, "GET", f"/api/staff/complaints/{case_id}/audit", "caseworker.dushanbe").status_code == 403
    audit = body(call(staff, "GET", f"/api/staff/complaints/{case_id}/audit", "manager.dushanbe"))["entries"]
    actions = [e["action"] for e in audit]
    assert actions[:2] == ["view", "status:acknowledged"] and {"update", "reply", "note", "refer", "outcome"} <= set(
        actions
    )
    assert all(e["actor"] for e in audit)

    stats = counters("STATS#COMPLAINTS#general#tj-dushanbe", f"MONTH#{datetime.now(UTC):%Y-%m}")
    assert stats["received"] == stats["category_unpaid_wages"] == stats["acknowledged"] == 1
    assert stats["outcome_resolved_in_favour"] == 1 and stats["comp_USD"] == 450 and stats["comp_n_USD"] == 1
    assert stats["status_resolved"] == 1 and stats["status_new"] == 0


def test_closing_stamps_the_retention_ttl_and_reopening_lifts_it(staff: Client) -> None:
    receipt, case_id = file_complaint(staff)
    path = f"/api/staff/complaints/{case_id}/status"
    assert call(staff, "POST", path, "manager.dushanbe", {"status": "in_progress"}).status_code == 200
    assert call(staff, "POST", path, "manager.dushanbe", {"status": "resolved"}).status_code == 200
    assert call(staff, "POST", path, "manager.dushanbe", {"status": "closed"}).status_code == 200
    items = dynamodb_client().query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"COMPLAINT#{case_id}"}},
    )["Items"]
    in_a_year = datetime.now(UTC) + timedelta(days=365)
    assert len(items) >= 4 and all(abs(int(i["expires_at"]["N"]) - in_a_year.timestamp()) < 120 for i in items)
    assert body(lookup(staff, receipt))["status"] == "closed"
    assert (
        call(staff, "POST", f"/api/staff/complaints/{case_id}/replies", "manager.dushanbe", {"text": "x"}).status_code
        == 409
    )
    assert body(call(staff, "GET", "/api/staff/complaints", "manager.dushanbe"))["count"] == 0  # closed: hidden
    assert body(call(staff, "GET", "/api/staff/complaints?status=closed", "manager.dushanbe"))["count"] == 1
    assert body(call(staff, "POST", path, "manager.dushanbe", {"status": "in_progress"}))["status"] == "in_progress"
    items = dynamodb_client().query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"COMPLAINT#{case_id}"}},
    )["Items"]
    assert not any("expires_at" in i for i in items)


def test_a_case_filed_without_a_centre_reaches_the_centre_it_is_referred_to(staff: Client) -> None:
    answer = staff.http.post("/api/complaints", body=json.dumps(COMPLAINT), headers={**JSON, "X-Proof": solved(staff)})
    assert answer.status_code == 201
    assert body(call(staff, "GET", "/api/staff/complaints", "caseworker.istanbul"))["count"] == 0
    (case,) = body(call(staff, "GET", "/api/staff/complaints", "admin"))["complaints"]
    assert case["centre_id"] is None
    call(
        staff,
        "POST",
        f"/api/staff/complaints/{case['id']}/referrals",
        "admin",
        {"centre_id": "tr-istanbul", "note": "The employer is in Istanbul."},
    )
    theirs = body(call(staff, "GET", "/api/staff/complaints", "caseworker.istanbul"))["complaints"]
    assert [c["id"] for c in theirs] == [case["id"]]
    assert call(staff, "GET", f"/api/staff/complaints/{case['id']}", "caseworker.istanbul").status_code == 200
    assert call(staff, "GET", f"/api/staff/complaints/{case['id']}", "caseworker.dushanbe").status_code == 403


def test_the_restricted_lane_is_for_focal_points_only(staff: Client) -> None:
    _, case_id = file_complaint(staff, category="sea_by_staff")
    for user in ("caseworker.dushanbe", "manager.dushanbe", "admin"):
        assert call(staff, "GET", f"/api/staff/complaints/{case_id}", user).status_code == 403, user
        assert all(c["id"] != case_id for c in body(call(staff, "GET", "/api/staff/complaints", user))["complaints"])
        assert call(staff, "GET", "/api/staff/complaints?lane=restricted", user).status_code == 403
    queue = body(call(staff, "GET", "/api/staff/complaints", "focal.point"))["complaints"]
    assert [c["id"] for c in queue] == [case_id] and queue[0]["priority"] == "high" and queue[0]["lane"] == "restricted"
    case = body(call(staff, "GET", f"/api/staff/complaints/{case_id}", "focal.point"))
    assert case["allowed"]["audit"] is True
    assert call(staff, "GET", f"/api/staff/complaints/{case_id}/audit", "focal.point").status_code == 200


def test_overdue_cases_are_flagged_and_filtered(staff: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    _, case_id = file_complaint(staff)
    later = datetime.now(UTC) + timedelta(days=8)
    monkeypatch.setattr(triage, "now_utc", lambda: later)
    queue = body(call(staff, "GET", "/api/staff/complaints?overdue=true", "caseworker.dushanbe"))["complaints"]
    assert [(c["id"], c["overdue"], c["age_days"]) for c in queue] == [(case_id, "acknowledge", 8)]
    call(staff, "POST", f"/api/staff/complaints/{case_id}/status", "caseworker.dushanbe", {"status": "in_progress"})
    assert body(call(staff, "GET", "/api/staff/complaints?overdue=true", "caseworker.dushanbe"))["count"] == 0
    monkeypatch.setattr(triage, "now_utc", lambda: later + timedelta(days=90))
    queue = body(call(staff, "GET", "/api/staff/complaints?sort=deadline", "caseworker.dushanbe"))["complaints"]
    assert queue[0]["overdue"] == "answer"


def test_bad_staff_input_names_the_field(staff: Client) -> None:
    _, case_id = file_complaint(staff)
    bad = {
        ("status", json.dumps({"status": "referred"})): "status",
        ("referrals", json.dumps({"centre_id": "nowhere", "note": "x"})): "centre_id",
        (
            "outcome",
            json.dumps({"outcome": "resolved_in_favour", "compensation": {"amount": "-5", "currency": "USD"}}),
        ): "compensation.amount",
        ("replies", json.dumps({"text": ""})): "text",
        ("notes", "not json"): "body",
    }
    for (action, payload), field in bad.items():
        answer = staff.http.post(
            f"/api/staff/complaints/{case_id}/{action}", body=payload, headers={**JSON, **bearer("caseworker.dushanbe")}
        )
        assert answer.status_code == 400 and body(answer)["error"]["field"] == field, (action, answer.body)
    assert call(staff, "GET", "/api/staff/complaints/0123456789abcdef0123456789abcdef", "admin").status_code == 404
    assert call(staff, "GET", "/api/staff/complaints?sort=sideways", "admin").status_code == 400


# ---- agenda ------------------------------------------------------------------------------------


def test_agenda_check_in_and_exceptions(staff: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bookings, "now_utc", lambda: datetime(2026, 11, 30, 6, tzinfo=UTC))
    monkeypatch.setattr(agenda_service, "now_utc", lambda: datetime(2026, 11, 30, 6, tzinfo=UTC))
    slots = body(staff.http.get("/api/centres/tj-dushanbe/services/legal_advice/slots?days=14"))["slots"]
    start = slots[0]["start"]
    booked = body(book(staff, start, contact={"nickname": "Gul"}))
    day = start[:10]
    agenda = body(call(staff, "GET", f"/api/staff/centres/tj-dushanbe/agenda?date={day}", "caseworker.dushanbe"))
    assert [(b["reference"], b["nickname"], b["status"]) for b in agenda["bookings"]] == [
        (booked["reference"], "Gul", "confirmed")
    ]
    assert agenda["opening"] and agenda["timezone"] == "Asia/Dushanbe"
    assert (
        call(staff, "GET", f"/api/staff/centres/tr-istanbul/agenda?date={day}", "caseworker.dushanbe").status_code
        == 403
    )
    attendance = f"/api/staff/bookings/{booked['reference']}/attendance"
    early = call(staff, "POST", attendance, "caseworker.dushanbe", {"attended": True})
    assert early.status_code == 400 and body(early)["error"]["field"] == "attended"
    after = datetime.fromisoformat(start) + timedelta(minutes=5)
    monkeypatch.setattr(agenda_service, "now_utc", lambda: after)
    checked = body(
        call(
            staff, "POST", attendance, "caseworker.dushanbe", {"attended": True, "gender": "woman", "age_band": "25_34"}
        )
    )
    assert checked["status"] == "attended"
    month = start[:7]
    base = f"MONTH#{month}#SERVICE#legal_advice"
    assert counters("STATS#CENTRE#tj-dushanbe", base)["attended"] == 1
    assert counters("STATS#CENTRE#tj-dushanbe", f"{base}#GENDER#woman#AGE#25_34")["attended"] == 1
    body(call(staff, "POST", attendance, "caseworker.dushanbe", {"attended": False}))  # a correction
    assert counters("STATS#CENTRE#tj-dushanbe", base) == {"attended": 0, "no_show": 1}
    assert counters("STATS#CENTRE#tj-dushanbe", f"{base}#GENDER#woman")["attended"] == 0

    # A closure set by a manager removes the day's slots; removing it brings them back.
    closed_day = (date.fromisoformat(day) + timedelta(days=7)).isoformat()
    path = f"/api/staff/centres/tj-dushanbe/exceptions/{closed_day}"
    assert call(staff, "PUT", path, "caseworker.dushanbe", {"closed": True}).status_code == 403
    assert body(call(staff, "PUT", path, "manager.dushanbe", {"closed": True, "note": "Navruz"}))["closed"] is True
    slots_after = body(staff.http.get("/api/centres/tj-dushanbe/services/legal_advice/slots?days=14"))["slots"]
    assert not [s for s in slots_after if s["start"].startswith(closed_day)]
    assert [s for s in slots if s["start"].startswith(closed_day)]
    listed = body(
        call(
            staff, "GET", f"/api/staff/centres/tj-dushanbe/exceptions?from={day}&to={closed_day}", "caseworker.dushanbe"
        )
    )["exceptions"]
    assert listed == [{"date": closed_day, "closed": True, "hours": [], "note": "Navruz"}]
    special = body(call(staff, "PUT", path, "manager.dushanbe", {"closed": False, "hours": [["10:00", "12:00"]]}))
    assert special["hours"] == [["10:00", "12:00"]]
    bad = call(staff, "PUT", path, "manager.dushanbe", {"closed": False, "hours": [["12:00", "10:00"]]})
    assert bad.status_code == 400 and body(bad)["error"]["field"].startswith("hours")
    assert call(staff, "DELETE", path, "manager.dushanbe").status_code == 204
    assert call(staff, "DELETE", path, "manager.dushanbe").status_code == 404

    # What staff did at the centre is on its own trail, for managers.
    trail = f"/api/staff/centres/tj-dushanbe/audit?from={day}&to={closed_day}"
    assert call(staff, "GET", trail, "caseworker.dushanbe").status_code == 403
    entries = body(call(staff, "GET", trail, "manager.dushanbe"))["entries"]
    assert sorted(e["action"] for e in entries if e["action"].startswith("check-in")) == [
        "check-in:attended",
        "check-in:no_show",
    ]  # (one clock in this test: both at the same time)
    assert {e["detail"] for e in entries if e["action"].startswith("check-in")} == {booked["reference"]}

    # A correction to no-show takes the person out of the rows they were counted in, whatever it notes.
    later = slots[1]["start"]
    second = body(book(staff, later))
    monkeypatch.setattr(agenda_service, "now_utc", lambda: datetime.fromisoformat(later) + timedelta(minutes=5))
    corrected = f"/api/staff/bookings/{second['reference']}/attendance"
    base2 = f"MONTH#{later[:7]}#SERVICE#legal_advice"
    body(
        call(staff, "POST", corrected, "caseworker.dushanbe", {"attended": True, "gender": "man", "age_band": "18_24"})
    )
    assert counters("STATS#CENTRE#tj-dushanbe", f"{base2}#GENDER#man#AGE#18_24")["attended"] == 1
    body(
        call(
            staff, "POST", corrected, "caseworker.dushanbe", {"attended": False, "gender": "woman", "age_band": "25_34"}
        )
    )
    for row in ("", "#GENDER#man", "#AGE#18_24", "#GENDER#man#AGE#18_24", "#GENDER#woman", "#GENDER#woman#AGE#25_34"):
        assert counters("STATS#CENTRE#tj-dushanbe", f"{base2}{row}").get("attended", 0) == 0, row


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2100-01-01"])
def test_far_days_in_the_agenda_and_exceptions_are_400_naming_the_field(staff: Client, day: str) -> None:
    centre = "/api/staff/centres/tj-dushanbe"
    for method, path, user, field in (
        ("GET", f"{centre}/agenda?date={day}", "caseworker.dushanbe", "date"),
        ("GET", f"{centre}/exceptions?from={day}&to={day}", "caseworker.dushanbe", "from"),
        ("GET", f"{centre}/audit?from=2026-01-01&to={day}", "manager.dushanbe", "to"),
        ("PUT", f"{centre}/exceptions/{day}", "manager.dushanbe", "day"),
        ("DELETE", f"{centre}/exceptions/{day}", "manager.dushanbe", "day"),
    ):
        answer = call(staff, method, path, user, {"closed": True} if method == "PUT" else None)
        assert answer.status_code == 400 and body(answer)["error"]["field"] == field, (path, answer.body)


def test_the_follow_up_reads_answered_once_a_caseworker_replied_after_the_complainant(staff: Client) -> None:
    receipt, case_id = file_complaint(staff)

    def follow_up() -> str:
        return str(body(lookup(staff, receipt))["follow_up"])

    # Given a new complaint: received
    assert follow_up() == "received"
    status = f"/api/staff/complaints/{case_id}/status"
    call(staff, "POST", status, "caseworker.dushanbe", {"status": "acknowledged"})
    assert follow_up() == "acknowledged"
    # When a caseworker replies, the complainant's page says answered (whatever the status)
    call(staff, "POST", f"/api/staff/complaints/{case_id}/replies", "caseworker.dushanbe", {"text": "We called them."})
    assert follow_up() == "answered" and body(lookup(staff, receipt))["status"] == "acknowledged"
    # An internal note is not a reply: nothing the complainant cannot see moves it
    call(
        staff, "POST", f"/api/staff/complaints/{case_id}/notes", "caseworker.dushanbe", {"text": "Check the contract."}
    )
    assert follow_up() == "answered"
    # The complainant writes again: it is the centre's turn, and the page says where the case stands
    sent = staff.http.post(
        "/api/complaints/messages", body=json.dumps({"receipt": receipt, "text": "Thank you. Any news?"}), headers=JSON
    )
    assert sent.status_code == 200 and body(sent)["follow_up"] == "acknowledged"
    call(staff, "POST", f"/api/staff/complaints/{case_id}/replies", "caseworker.dushanbe", {"text": "Next week."})
    assert follow_up() == "answered"
    # A resolved case says resolved, reply or not
    call(staff, "POST", status, "caseworker.dushanbe", {"status": "in_progress"})
    call(staff, "POST", status, "caseworker.dushanbe", {"status": "resolved"})
    assert follow_up() == "resolved"
