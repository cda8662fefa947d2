"""Staff actions racing each other against DynamoDB Local (moto is not thread-safe): two people
acknowledging or referring one case at once make one change, the other gets 409, and the
counters move once; check-in twice from two tablets counts one person."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.stack import LocalStack

pytestmark = pytest.mark.integration
COMPLAINT = {
    "category": "unpaid_wages",
    "country": "RU",
    "language": "tg",
    "centre_id": "tj-khujand",
    "description": "The employer has not paid wages for two months.",
}


def caseworker(centres: frozenset[str] = frozenset({"tj-khujand"}), username: str = "cw") -> Any:
    from chalicelib.auth.users import StaffUser

    return StaffUser(
        sub=f"sub-{username}",
        username=username,
        name=username,
        roles=frozenset({"caseworker"}),
        centres=centres,
        all_centres=False,
    )


def new_case() -> str:
    from chalicelib.complaints import service as complaints
    from chalicelib.complaints import triage as service
    from chalicelib.complaints.models import ComplaintRequest, QueueQuery
    from chalicelib.core.sources import Source

    before = {c.id for c in service.queue(caseworker(), QueueQuery()).complaints}
    complaints.submit(
        ComplaintRequest.model_validate(COMPLAINT), proof_id=uuid.uuid4().hex, source=Source.of("192.0.2.21")
    )
    after = {c.id for c in service.queue(caseworker(), QueueQuery()).complaints}
    (case_id,) = after - before
    return case_id


def outcomes(calls: list[Any]) -> list[str]:
    from chalicelib.core.errors import ApiError

    def run(call: Any) -> str:
        try:
            call()
            return "ok"
        except ApiError as exc:
            return str(exc.status)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_acknowledgements_make_one_change_and_count_once(in_process: LocalStack) -> None:
    from chalicelib.complaints import repository
    from chalicelib.complaints import triage as service
    from chalicelib.complaints.models import StatusChange
    from chalicelib.core import audit, dynamo, keys

    def counters() -> dict[str, Any]:
        """The dashboard's counters of these cases (their lane, centre and month)."""
        pk, sk = keys.complaint_counters("general", COMPLAINT["centre_id"], datetime.now(UTC).strftime("%Y-%m"))
        rows = dynamo.query_all(
            KeyConditionExpression="PK = :pk AND SK = :sk",
            ConsistentRead=True,
            ExpressionAttributeValues=dynamo.encode_values({":pk": pk, ":sk": sk}),
        )
        return rows[0] if rows else {}

    before = counters()
    for _ in range(3):
        case_id = new_case()
        people = [caseworker(username=f"cw{i}") for i in range(8)]
        change = StatusChange(status="acknowledged", expected="new")
        results = outcomes([lambda p=p, c=case_id, s=change: service.change_status(p, c, s) for p in people])
        assert results.count("ok") == 1 and results.count("409") == 7, results
        items = repository.case_items(case_id)
        assert [i["status"] for i in items if i["SK"].startswith("STATUS#")] == ["new", "acknowledged"]
        meta = next(i for i in items if i["SK"] == "META")
        trail = audit.read(keys.case_audit(case_id)).entries
        changes = [e for e in trail if e.action.startswith("status:")]
        assert len(changes) == 1
    assert repository.stats_key(meta) == keys.complaint_counters(
        "general", COMPLAINT["centre_id"], meta["submitted_at"][:7]
    )
    # Each case was acknowledged once, whatever 8 people did at once. (Other tests' cases at this
    # centre may move these counters too, e.g. a referral counts as an acknowledgement: so the
    # change is what is compared, and this file's cases are filed and acknowledged in one go.)
    after = counters()
    moved = {k: after.get(k, 0) - before.get(k, 0) for k in ("received", "acknowledged", "status_acknowledged")}
    assert moved == {"received": 3, "acknowledged": 3, "status_acknowledged": 3}


def test_concurrent_referrals_to_one_centre_make_one_referral(in_process: LocalStack) -> None:
    from chalicelib.complaints import repository
    from chalicelib.complaints import triage as service
    from chalicelib.complaints.models import ReferralIn

    case_id = new_case()
    referral = ReferralIn(centre_id="tr-istanbul", note="Employer in Istanbul")
    results = outcomes([lambda i=i: service.refer(caseworker(username=f"cw{i}"), case_id, referral) for i in range(6)])
    assert results.count("ok") == 1 and set(results) == {"ok", "409"}, results
    items = repository.case_items(case_id)
    assert len([i for i in items if i["SK"].startswith("REFERRAL#")]) == 1
    assert next(i for i in items if i["SK"] == "META")["referred_to"] == ["tr-istanbul"]


def test_check_in_from_two_tablets_counts_one_person(in_process: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.bookings import agenda
    from chalicelib.bookings import service as bookings
    from chalicelib.bookings.models import AttendanceIn, BookingRequest
    from chalicelib.core import dynamo
    from chalicelib.core.sources import Source

    slots = bookings.list_slots("tj-khujand", "legal_advice", None, 14).slots
    slot = slots[len(slots) // 2]
    booked = bookings.create_booking(
        BookingRequest.model_validate(
            {
                "centre_id": "tj-khujand",
                "service_id": "legal_advice",
                "start": slot.start.isoformat(),
                "mode": "on_site",
                "language": "tg",
            }
        ),
        Source.of("192.0.2.20"),
        proof_id=uuid.uuid4().hex,
    )
    later = slot.start + timedelta(minutes=10)
    results = outcomes(
        [
            lambda: agenda.record_attendance(
                caseworker(), booked.reference, AttendanceIn(attended=True, gender="man"), later
            )
        ]
        * 6
    )
    assert results.count("ok") >= 1 and set(results) <= {"ok", "409"}, results
    month = slot.start.isoformat()[:7]
    rows = dynamo.query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
        ConsistentRead=True,
        ExpressionAttributeValues=dynamo.encode_values(
            {":pk": "STATS#CENTRE#tj-khujand", ":sk": f"MONTH#{month}#SERVICE#legal_advice"}
        ),
    )
    total = next(r for r in rows if r["SK"] == f"MONTH#{month}#SERVICE#legal_advice")
    assert total["attended"] == 1  # one person came
    assert next(r for r in rows if r["SK"].endswith("#GENDER#man"))["attended"] == 1
