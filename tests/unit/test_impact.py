"""The dashboard reads counters only and withholds every count under 5, in JSON and in CSV, and
every figure derived from one (medians, sums)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.core import proof
from tests.staff_tokens import bearer
from tests.unit.conftest import body
from tests.unit.test_staff import JSON, call, file_complaint, staff  # noqa: F401 - the fixture

GUIDE = "/km/guides/abroad/passport-confiscation/"


def feedback(api: Client, payload: dict[str, Any]) -> None:
    challenge = body(api.http.get("/api/challenge"))["challenge"]
    answer = api.http.post("/api/feedback", body=json.dumps(payload), headers={
        **JSON, "X-Proof": f"{challenge}:{proof.solve(challenge, 8)}"})
    assert answer.status_code == 201, answer.body


def board(api: Client, query: str = "") -> Any:
    answer = call(api, "GET", f"/api/staff/dashboard?centre=tj-dushanbe{query}", "manager.dushanbe")
    assert answer.status_code == 200, answer.body
    return body(answer)


def rows(api: Client, query: str = "") -> list[list[str]]:
    answer = api.http.get(f"/api/staff/dashboard.csv?centre=tj-dushanbe{query}", headers=bearer("manager.dushanbe"))
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.body.decode())))


def test_counts_under_five_are_withheld_in_charts_and_csv(staff: Client) -> None:  # noqa: F811
    for _ in range(4):
        feedback(staff, {"kind": "page", "page": GUIDE, "language": "km", "helpful": True})
    feedback(staff, {"kind": "page", "page": GUIDE, "language": "km", "helpful": False})
    for _ in range(4):
        file_complaint(staff, category="passport_confiscated")

    figures = board(staff)
    assert figures["suppressed_below"] == 5
    assert figures["guides"] == [{"page": GUIDE, "language": "km", "yes": None, "no": None}]
    assert figures["complaints"]["received"] is None
    assert figures["complaints"]["by_category"] == [{"category": "passport_confiscated", "count": None}]
    table = rows(staff)
    assert ["guides", "", "km", f"{GUIDE} yes", "<5"] in table
    assert ["complaints_by_category", "", "", "passport_confiscated", "<5"] in table
    assert not any(cell in ("1", "2", "3", "4") for row in table[1:] for cell in row[4:])

    feedback(staff, {"kind": "page", "page": GUIDE, "language": "km", "helpful": True})
    case_id = file_complaint(staff, category="passport_confiscated")[1]
    figures = board(staff)
    assert figures["guides"] == [{"page": GUIDE, "language": "km", "yes": 5, "no": None}]
    assert figures["complaints"]["received"] == 5
    assert ["guides", "", "km", f"{GUIDE} yes", "5"] in rows(staff)

    # One acknowledged case: no median (it would be that person's delay); compensation likewise.
    call(staff, "POST", f"/api/staff/complaints/{case_id}/status", "manager.dushanbe", {"status": "acknowledged"})
    call(staff, "POST", f"/api/staff/complaints/{case_id}/outcome", "manager.dushanbe",
         {"outcome": "resolved_in_favour", "compensation": {"amount": "300", "currency": "USD"}})
    complaints = board(staff)["complaints"]
    assert complaints["median_days_to_acknowledge"] is None and complaints["compensation"] == []
    assert complaints["by_outcome"] == [{"outcome": "resolved_in_favour", "count": None}]


def test_needs_filter_by_gender_and_age_band(staff: Client) -> None:  # noqa: F811
    for gender, age in [("woman", "25_34")] * 5 + [("man", "25_34")] * 2:
        feedback(staff, {"kind": "need", "topic": "legal", "text": "Help with a contract", "language": "tg",
                         "gender": gender, "age_band": age, "centre_id": "tj-dushanbe"})
    assert board(staff)["needs"] == [{"topic": "legal", "count": 7}]
    assert board(staff, "&gender=woman")["needs"] == [{"topic": "legal", "count": 5}]
    assert board(staff, "&gender=man")["needs"] == [{"topic": "legal", "count": None}]
    assert board(staff, "&gender=woman&age_band=25_34")["needs"] == [{"topic": "legal", "count": 5}]
    texts = board(staff, "&gender=man")["needs_text"]  # texts are never narrowed to a small group
    assert len(texts) == 7 and texts[0]["text"] == "Help with a contract"


@pytest.mark.parametrize(("query", "field"), [("&from=2026-13", "from"), ("&from=2020-01&to=2026-01", "from"),
                                              ("&gender=x", "gender"), ("&centre=nowhere", "centre")])
def test_bad_dashboard_filters_name_the_field(staff: Client, query: str, field: str) -> None:  # noqa: F811
    answer = call(staff, "GET", f"/api/staff/dashboard?x=1{query}".replace("?x=1&", "?"), "admin")
    assert answer.status_code == 400 and body(answer)["error"]["field"] == field, answer.body
