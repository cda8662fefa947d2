"""Complaints that name a recruitment agency, staff confirming or correcting it and upholding the
complaint, the counters that move in the same transaction, and the figures a manager publishes:
counts under 5 never shown, nothing public before publication (moto, in process; the races run
against DynamoDB Local in tests/integration/test_recruiter_races.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.core import keys
from tests.unit.conftest import body, with_proof
from tests.unit.test_staff import call, counters, file_complaint, staff  # noqa: F401 (the fixture)

FEES = {"category": "recruitment_fees", "country": "TJ", "against": "Namuna-Sharq"}


def upheld_row(agency_id: str, year: str) -> dict[str, float]:
    return counters(*keys.recruiter_year(agency_id, year))


def case_of(api: Client, case_id: str, user: str = "caseworker.dushanbe") -> Any:
    return body(call(api, "GET", f"/api/staff/complaints/{case_id}", user))


def confirm(api: Client, case_id: str, agency_id: str | None, user: str = "caseworker.dushanbe") -> Any:
    answer = call(api, "POST", f"/api/staff/complaints/{case_id}/agency", user, {"agency_id": agency_id})
    assert answer.status_code == 200, answer.body
    return body(answer)


def outcome(api: Client, case_id: str, value: str, user: str = "caseworker.dushanbe") -> Any:
    answer = call(api, "POST", f"/api/staff/complaints/{case_id}/outcome", user, {"outcome": value})
    assert answer.status_code == 200, answer.body
    return body(answer)


def upheld_case(api: Client, agency_id: str = "tj-117", **changes: Any) -> str:
    _, case_id = file_complaint(api, **(FEES | {"agency_id": agency_id} | changes))
    confirm(api, case_id, agency_id)
    outcome(api, case_id, "resolved_in_favour")
    return case_id


def published(api: Client, agency_id: str) -> Any:
    answer = api.http.get(f"/api/recruiters/{agency_id}")
    assert answer.status_code == 200, answer.body
    return body(answer)


def test_a_complaint_names_an_agency_from_the_list_and_bad_ids_are_refused(staff: Client) -> None:  # noqa: F811
    _, case_id = file_complaint(staff, **(FEES | {"agency_id": "tj-117"}))
    case = case_of(staff, case_id)
    assert case["against"] == "Namuna-Sharq"  # the free text stays
    assert case["agency"] == {
        "id": "tj-117",
        "name_latin": "Namuna-Sharq Sample Recruitment LLC",
        "name_local": "ҶДММ «Намуна-Шарқ»",
        "country": "TJ",
        "status": "licensed",
        "claimed_id": "tj-117",
        "confirmed": False,
        "counted": False,
    }
    for bad in ("tj-999999", "TJ-117", "tj_117", "x" * 81):
        complaint = {**FEES, "description": "They took 2000 dollars.", "language": "tg", "agency_id": bad}
        answer = staff.http.post("/api/complaints", body=json.dumps(complaint), headers=with_proof(staff))
        assert answer.status_code == 400, (bad, answer.body)
        assert body(answer)["error"]["field"] == "agency_id"
    _, without = file_complaint(staff, **FEES)
    assert case_of(staff, without)["agency"] is None


def test_a_complaint_upheld_against_the_confirmed_agency_is_counted_once_and_moves_when_corrected(
    staff: Client,  # noqa: F811
) -> None:
    _, case_id = file_complaint(staff, **(FEES | {"agency_id": "tj-117"}))
    year = case_of(staff, case_id)["submitted_at"][:4]
    # Upheld before anyone confirmed the agency: an allegation, never counted.
    assert outcome(staff, case_id, "resolved_in_favour")["agency"]["counted"] is False
    assert upheld_row("tj-117", year).get("upheld_recruitment_fees", 0) == 0
    # Confirmed: counted in the same transaction.
    case = confirm(staff, case_id, "tj-117")
    assert case["agency"]["confirmed"] and case["agency"]["counted"]
    assert upheld_row("tj-117", year)["upheld_recruitment_fees"] == 1
    # Recorded again (still upheld, compensation added): no second count.
    again = call(
        staff,
        "POST",
        f"/api/staff/complaints/{case_id}/outcome",
        "caseworker.dushanbe",
        {"outcome": "partly_resolved", "compensation": {"amount": "300", "currency": "USD"}},
    )
    assert again.status_code == 200
    assert upheld_row("tj-117", year)["upheld_recruitment_fees"] == 1
    # Corrected to another agency: the count moves with it.
    case = confirm(staff, case_id, "tj-142")
    assert case["agency"]["id"] == "tj-142" and case["agency"]["claimed_id"] == "tj-117"
    assert upheld_row("tj-117", year)["upheld_recruitment_fees"] == 0
    assert upheld_row("tj-142", year)["upheld_recruitment_fees"] == 1
    # Not upheld after all: taken back.
    outcome(staff, case_id, "not_upheld")
    assert upheld_row("tj-142", year)["upheld_recruitment_fees"] == 0
    # Upheld again, then found to be on no list: taken back too.
    outcome(staff, case_id, "resolved_in_favour")
    assert upheld_row("tj-142", year)["upheld_recruitment_fees"] == 1
    case = confirm(staff, case_id, None)
    assert case["agency"]["id"] is None and case["agency"]["confirmed"] and not case["agency"]["counted"]
    assert upheld_row("tj-142", year)["upheld_recruitment_fees"] == 0
    trail = body(call(staff, "GET", f"/api/staff/complaints/{case_id}/audit", "manager.dushanbe"))["entries"]
    assert [e["detail"] for e in trail if e["action"] == "agency"] == [
        "confirmed tj-117",
        "tj-117 -> tj-142",
        "tj-142 -> none",
    ]


def test_withdrawn_and_not_upheld_complaints_and_the_restricted_lane_are_never_counted(
    staff: Client,  # noqa: F811
) -> None:
    for value in ("not_upheld", "withdrawn", "referred_elsewhere", "no_contact"):
        _, case_id = file_complaint(staff, **(FEES | {"agency_id": "tj-93"}))
        confirm(staff, case_id, "tj-93")
        assert outcome(staff, case_id, value)["agency"]["counted"] is False
    _, restricted = file_complaint(staff, **(FEES | {"category": "sea_by_staff", "agency_id": "tj-93"}))
    confirm(staff, restricted, "tj-93", user="focal.point")
    assert outcome(staff, restricted, "resolved_in_favour", user="focal.point")["agency"]["counted"] is False
    rows = staff.http.get("/api/recruiters/tj-93")
    assert rows.status_code == 200
    from chalicelib.recruiters import repository

    assert repository.counts() == {}


def test_staff_must_name_an_agency_on_the_list_and_may_not_touch_a_closed_case(staff: Client) -> None:  # noqa: F811
    _, case_id = file_complaint(staff, **FEES)
    for payload in ({"agency_id": "tj-999999"}, {"agency_id": "NOT AN ID"}, {}, {"agency_id": "tj-117", "x": 1}):
        answer = call(staff, "POST", f"/api/staff/complaints/{case_id}/agency", "caseworker.dushanbe", payload)
        assert answer.status_code == 400, payload
        assert body(answer)["error"]["field"] in ("agency_id", "x"), payload
    other = call(staff, "POST", f"/api/staff/complaints/{case_id}/agency", "caseworker.istanbul", {"agency_id": None})
    assert other.status_code == 403  # another centre's case


def test_figures_are_suppressed_under_5_and_shown_at_5_only_after_a_manager_publishes(
    staff: Client,  # noqa: F811
) -> None:
    assert published(staff, "tj-117")["publication"] is None
    for _ in range(4):
        upheld_case(staff)
    # A caseworker cannot publish; a manager can, and 4 are withheld ("fewer than 5").
    refused = call(staff, "POST", "/api/staff/recruiters/figures/publish", "caseworker.dushanbe")
    assert refused.status_code == 403
    first = body(call(staff, "POST", "/api/staff/recruiters/figures/publish", "manager.dushanbe"))
    assert first["published_figures"] == 0 and first["published"] is not None
    agency = published(staff, "tj-117")
    assert agency["upheld"] == [] and agency["publication"]["threshold"] == 5
    assert "fewer than 5" in agency["publication"]["statement"]
    # The fifth: still nothing public until the next publication.
    case_id = upheld_case(staff)
    year = int(case_of(staff, case_id)["submitted_at"][:4])
    assert published(staff, "tj-117")["upheld"] == []
    pending = body(call(staff, "GET", "/api/staff/recruiters/figures", "manager.dushanbe"))
    assert pending["ready_figures"] == 1 and pending["agencies"] == ["tj-117"] and pending["published_figures"] == 0
    call(staff, "POST", "/api/staff/recruiters/figures/publish", "manager.dushanbe")
    agency = published(staff, "tj-117")
    assert [(y["year"], y["categories"]) for y in agency["upheld"]] == [
        (year, [{"category": "recruitment_fees", "upheld": 5}])
    ]
    assert agency["upheld"][0]["period_from"] == f"{year}-01-01"
    assert agency["status"] == "licensed" and agency["source"]["checked_on"] and agency["sample_data"] is True
    # The open data says the same, for every agency on every list.
    data = body(staff.http.get("/open-data/recruiters.json"))
    assert data["sample_data"] is True and data["publication"]["threshold"] == 5
    listed = {a["id"]: a for c in data["countries"] for a in c["agencies"]}
    assert len(listed) >= 30 and listed["tj-117"]["upheld"] == agency["upheld"]
    assert all(a["upheld"] == [] for i, a in listed.items() if i != "tj-117")
    assert {c["country"] for c in data["countries"]} >= {"TJ", "VN", "KH", "MM", "NP"}
    assert all(c["source"]["checked_on"] for c in data["countries"])
    # Each publication is audited: who, when, what was withheld.
    trail = body(call(staff, "GET", "/api/staff/recruiters/figures/audit", "manager.dushanbe"))["entries"]
    assert [e["action"] for e in trail] == ["publish", "publish"]
    assert trail[0]["actor"] == "manager.dushanbe" and trail[0]["detail"].startswith("1 counts of 5 or more")
    assert trail[1]["detail"] == "0 counts of 5 or more published, 1 under 5 withheld"


def test_an_unknown_agency_is_404_naming_the_field(staff: Client) -> None:  # noqa: F811
    answer = staff.http.get("/api/recruiters/zz-1")
    assert answer.status_code == 404 and body(answer)["error"]["field"] == "agency_id"


@pytest.mark.parametrize("path", ["/api/recruiters/{agency_id}", "/open-data/recruiters.json"])
def test_the_recruiters_routes_are_in_the_contract(staff: Client, path: str) -> None:  # noqa: F811
    contract = body(staff.http.get("/api/openapi.json"))
    assert "get" in contract["paths"][path]
    assert "/api/staff/complaints/{complaint_id}/agency" in contract["paths"]
    assert "/api/staff/recruiters/figures/publish" in contract["paths"]
