"""Staff confirming, correcting and upholding the agency of one case at the same moment, against
DynamoDB Local (moto is not thread-safe): whoever wins, the recruiters' counters count the case
exactly as it ends up, once; and the open data and an agency's figures come through the one-origin
server's real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from devstack.stack import LocalStack
from tests.conftest import Viewer
from tests.integration.test_staff_races import caseworker, new_case, outcomes

pytestmark = pytest.mark.integration


def recruiter_counts() -> dict[str, Any]:
    from chalicelib.recruiters import repository

    return repository.counts()


def upheld_total(counts: dict[str, Any], agency_id: str) -> int:
    return sum(n for year in counts.get(agency_id, {}).values() for n in year.values())


def test_concurrent_corrections_and_outcomes_count_the_case_once(in_process: LocalStack) -> None:
    from chalicelib.complaints import repository
    from chalicelib.complaints import triage as service
    from chalicelib.complaints.models import AgencyIn, OutcomeIn

    agencies = ["tj-117", "tj-142", "tj-156", "tj-129"]
    for _ in range(3):
        case_id = new_case()
        before = recruiter_counts()
        calls: list[Callable[[], Any]] = [
            partial(service.set_agency, caseworker(username=f"cw{i}"), case_id, AgencyIn(agency_id=a))
            for i, a in enumerate(agencies)
        ]
        upheld = OutcomeIn(outcome="resolved_in_favour")
        calls += [partial(service.record_outcome, caseworker(username=f"ow{i}"), case_id, upheld) for i in range(3)]
        results = outcomes(calls)
        assert "ok" in results and set(results) <= {"ok", "409"}, results
        # Whatever won, finish the case: upheld against a confirmed agency.
        service.set_agency(caseworker(), case_id, AgencyIn(agency_id="tj-64"))
        service.record_outcome(caseworker(), case_id, OutcomeIn(outcome="resolved_in_favour"))
        meta = next(i for i in repository.case_items(case_id) if i["SK"] == "META")
        assert meta["counted_as"].startswith("tj-64|")
        after = recruiter_counts()
        moved = {a: upheld_total(after, a) - upheld_total(before, a) for a in [*agencies, "tj-64"]}
        assert moved == {"tj-117": 0, "tj-142": 0, "tj-156": 0, "tj-129": 0, "tj-64": 1}, (results, moved)


def test_the_open_data_and_an_agency_come_through_the_portal(stack: LocalStack) -> None:
    viewer = Viewer(stack.url)
    data = viewer.call("GET", "/open-data/recruiters.json")
    assert data.status == 200 and data.headers["cache-control"] == "public, max-age=300"
    listed = {a["id"]: a for c in data.body["countries"] for a in c["agencies"]}
    assert listed["np-1023-66-67"]["status"] == "licensed" and data.body["sample_data"] is True
    one = viewer.call("GET", "/api/recruiters/vn-45-ldtbxh-gp")
    assert one.status == 200 and one.body["name_latin"] == "Thanh Dat Sample Manpower JSC"
    assert one.body["source"]["title"] and one.body["regulator"]["name"]
    missing = viewer.call("GET", "/api/recruiters/vn-99999")
    assert missing.status == 404 and missing.body["error"]["field"] == "agency_id"
