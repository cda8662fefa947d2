"""Schemathesis over every operation of the running stack (DynamoDB Local behind it): no 5xx,
and every response matches the contract. `make test` runs a bounded number of examples per
operation; `make fuzz` runs many more (FUZZ_EXAMPLES).

Two passes over the operations the contract lists:
- the contract pass: requests the contract allows, as Schemathesis draws them (dates and times
  drawn from the edges of the calendar as often as from its middle);
- the boundary pass: first a sweep, every value of a right request (a real centre and free slot,
  a real booking and its manage code, an administrator's token for the staff routes) pushed in
  turn to every edge of its kind: a date to years 1 and 9999 and either side of the accepted
  range, any value to an integer beyond 64 bits, a float at 1e308 and JSON nested 40 deep (random
  ids are refused before the rules a far date could break: right requests get there); then
  requests as Schemathesis draws them, one value drawn from those edges;
- JSON nested beyond what Python's json can parse (or even encode), sent as text.
Where a route takes a proof of work, half the requests carry a solved one, so that what lies
behind the proof is fuzzed as well.

(Schemathesis' lazy pytest fixture does not work with pytest 9, so its Python API drives
Hypothesis directly: one strategy per operation, every failure collected and reported.)"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import positive_data_acceptance

from devstack.stack import LocalStack
from tests.conftest import Viewer

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

FAR_DAYS = [
    "0001-01-01",
    "0001-01-02",
    "1969-12-31",
    "1999-12-31",
    "2000-01-01",
    "2099-12-31",
    "2100-01-01",
    "9999-12-30",
    "9999-12-31",
]
FAR_TIMES = [f"{day}T{clock}" for day in FAR_DAYS for clock in ("00:00:00+14:00", "23:59:59-12:00", "12:00:00Z")]
HUGE = [10**30, -(10**30), 2**63, -(2**63) - 1, 2**53 + 1, 1e308, -1e308, 5e-324, -1, 0]
# Dates the contract pass draws: the edges as often as anything else.
DATES = st.one_of(st.sampled_from(FAR_DAYS), st.dates().map(lambda d: d.isoformat()))
TIMES = st.one_of(st.sampled_from(FAR_TIMES), st.datetimes(timezones=st.timezones()).map(lambda t: t.isoformat()))


def nested(depth: int) -> Any:
    value: Any = []
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


# A value from an edge: a far date or time, a huge number, or JSON nested deeper than any request.
# (Schemathesis encodes bodies with Python's json, which cannot encode much beyond 500 levels:
# deeper bodies are sent as text by the pass below.)
BOUNDARY = st.one_of(
    st.sampled_from(FAR_DAYS + FAR_TIMES), st.sampled_from(HUGE), st.integers(min_value=33, max_value=400).map(nested)
)


def schema_at(stack: LocalStack) -> Any:
    schemathesis.openapi.format("date", DATES)
    schemathesis.openapi.format("date-time", TIMES)
    return schemathesis.openapi.from_url(f"{stack.url}/api/openapi.json")


def each_operation(stack: LocalStack, check: Callable[[Any], None]) -> dict[str, str]:
    """Run `check` for every operation of the contract; the failures, by operation."""
    failures: dict[str, str] = {}
    operations = 0
    for result in schema_at(stack).get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            check(operation)
        except Exception as exc:  # collected so one report names every failing operation
            failures[operation.label] = str(exc)[:2000]
    assert operations >= 13
    return failures


def with_proof(case: schemathesis.Case[Any], viewer: Viewer, solve: bool) -> None:
    """Half of the time, the X-Proof header the route asks for is a solved challenge."""
    if solve and case.headers is not None and "X-Proof" in case.headers:
        case.headers["X-Proof"] = viewer.proof()


# Right requests, at a centre and service no other test books (so a request that goes through
# takes nobody's seat): the boundary pass starts from these half of the time.
CENTRE, SERVICE = "al-shkoder", "pre_departure_orientation"


@dataclass
class Right:
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] | None = None
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def right_requests(stack: LocalStack, viewer: Viewer) -> dict[str, Right]:
    slots = viewer.call("GET", f"/api/centres/{CENTRE}/services/{SERVICE}/slots?days=14").body["slots"]
    start = next(s["start"] for s in slots if s["seats_left"] > 1)
    booking = {
        "centre_id": CENTRE,
        "service_id": SERVICE,
        "start": start,
        "mode": "on_site",
        "language": "sq",
        "contact": {"phone": "+355 69 123 4567", "nickname": "Arta"},
    }
    made = viewer.submit("/api/bookings", booking)
    assert made.status == 201, made.body
    owned = Right({"reference": made.body["reference"]}, headers={"X-Manage-Code": made.body["manage_code"]})
    filed = viewer.submit(
        "/api/complaints",
        {
            "category": "contract_breach",
            "country": "AL",
            "language": "sq",
            "description": "The contract was changed on arrival.",
        },
    )
    assert filed.status == 201, filed.body
    day, centre = start[:10], {"centre_id": CENTRE}
    return {
        "GET /api/centres/{centre_id}/services/{service_id}/slots": Right(
            {"centre_id": CENTRE, "service_id": SERVICE}, {"from": day, "days": "7"}
        ),
        "POST /api/bookings": Right(body=booking),
        "POST /api/waitlist": Right(body={**{k: v for k, v in booking.items() if k != "start"}, "date": day}),
        "GET /api/bookings/{reference}": owned,
        "GET /api/bookings/{reference}/calendar.ics": owned,
        "PATCH /api/bookings/{reference}": Right(owned.path, body={"start": start}, headers=owned.headers),
        "DELETE /api/bookings/{reference}": owned,
        "POST /api/complaints": Right(
            body={
                "category": "unpaid_wages",
                "country": "AL",
                "language": "sq",
                "description": "Wages unpaid for two months.",
                "when": day,
            }
        ),
        "POST /api/complaints/lookup": Right(body={"receipt": filed.body["receipt"]}),
        "POST /api/complaints/messages": Right(body={"receipt": filed.body["receipt"], "text": "Any news?"}),
        "POST /api/feedback": Right(
            body={
                "kind": "service",
                "reference": made.body["reference"],
                "rating": 4,
                "delivered": True,
                "waiting_minutes": 10,
            }
        ),
        "GET /api/staff/centres/{centre_id}/agenda": Right(centre, {"date": day}),
        "GET /api/staff/centres/{centre_id}/exceptions": Right(centre, {"from": day, "to": day}),
        "GET /api/staff/centres/{centre_id}/audit": Right(centre, {"from": day, "to": day}),
        "PUT /api/staff/centres/{centre_id}/exceptions/{day}": Right(centre | {"day": day}, body={"closed": True}),
        "DELETE /api/staff/centres/{centre_id}/exceptions/{day}": Right(centre | {"day": day}),
    }


def right_case(operation: Any, right: Right) -> schemathesis.Case[Any]:
    case: schemathesis.Case[Any] = operation.Case(
        path_parameters=dict(right.path),
        query=dict(right.query) if right.query else None,
        headers={"X-Proof": "", **right.headers},
        body=copy.deepcopy(right.body) if right.body is not None else NOT_SET,
        media_type="application/json" if right.body is not None else None,
    )
    return case


def places(case: schemathesis.Case[Any]) -> list[tuple[dict[str, Any], str]]:
    """Where a request has a value: a body field (or a field of a field), a query or path parameter."""
    found: list[tuple[dict[str, Any], str]] = []
    if isinstance(case.body, dict):
        found += [(case.body, key) for key in case.body]
        found += [(value, key) for value in case.body.values() if isinstance(value, dict) for key in value]
    for container in (case.query, case.path_parameters):
        if container:
            found += [(container, key) for key in container]
    return found


def put(case: schemathesis.Case[Any], where: dict[str, Any], key: str, value: Any) -> None:
    """Put `value` at a place; in a query or a path, as text (nested JSON has no place there)."""
    textual = where is case.query or where is case.path_parameters
    if textual and isinstance(value, list | dict):
        value = FAR_DAYS[-1]
    where[key] = str(value) if textual else value


def looks_like_a_date(value: Any) -> bool:
    try:
        datetime.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def run(case: schemathesis.Case[Any], headers: dict[str, str] | None = None) -> None:
    # Every built-in check but "positive data acceptance": a schema-valid request may still be
    # refused by a rule the schema cannot express (a time in the past, a full slot).
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


def test_every_operation_honours_the_contract(stack: LocalStack) -> None:
    viewer = Viewer(stack.url)

    def check(operation: Any) -> None:
        @given(case=operation.as_strategy(), solve=st.booleans())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def examples(case: schemathesis.Case[Any], solve: bool) -> None:
            with_proof(case, viewer, solve)
            run(case)

        examples()

    failures = each_operation(stack, check)
    assert failures == {}, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())


def test_boundary_values_are_refused_with_4xx(stack: LocalStack) -> None:
    """Every value of every right request pushed, one at a time, to each edge of its kind (a date
    to every far date, anything to a huge number, a float at 1e308 and deep JSON); then requests as
    Schemathesis draws them, with one value drawn from the edges."""
    viewer = Viewer(stack.url)
    admin = stack.staff_headers("admin")
    rights = right_requests(stack, viewer)
    labels: set[str] = set()
    swept = 0

    def check(operation: Any) -> None:
        nonlocal swept
        staff = admin if "/staff/" in operation.path else None
        labels.add(operation.label)
        right = rights.get(operation.label)
        if right is not None:
            for index in range(len(places(right_case(operation, right)))):
                where, key = places(right_case(operation, right))[index]
                edges = (FAR_DAYS + FAR_TIMES if looks_like_a_date(where[key]) else []) + [10**30, 1e308, nested(40)]
                for value in edges:
                    case = right_case(operation, right)
                    where, key = places(case)[index]
                    put(case, where, key, value)
                    with_proof(case, viewer, True)
                    run(case, staff)
                    swept += 1

        @given(case=operation.as_strategy(), data=st.data(), solve=st.booleans())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def examples(case: schemathesis.Case[Any], data: st.DataObject, solve: bool) -> None:
            with_proof(case, viewer, solve)
            spots = places(case)
            if spots:
                where, key = data.draw(st.sampled_from(spots))
                put(case, where, key, data.draw(BOUNDARY))
            run(case, staff)

        examples()

    failures = each_operation(stack, check)
    assert set(rights) <= labels, set(rights) - labels
    assert swept >= 300
    assert failures == {}, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())


@given(depth=st.sampled_from([33, 999, 1000, 1001, 5000, 30000]), opening=st.sampled_from(["[", '{"a":']))
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_json_nested_beyond_the_parsers_stack_is_a_400(stack: LocalStack, depth: int, opening: str) -> None:
    """Bodies nested deeper than Python's json can even encode, sent as text to every operation
    that takes a JSON body."""
    closing = "]" if opening == "[" else "}"
    raw = ('{"x": ' + opening * depth + "1" + closing * depth + "}").encode()
    viewer = Viewer(stack.url)
    operations = [result.ok() for result in schema_at(stack).get_all_operations()]
    with_body = [o for o in operations if o.definition.raw.get("requestBody")]
    assert len(with_body) >= 8
    for operation in with_body:
        path = operation.path.replace("{", "").replace("}", "")  # any value will do for a path parameter
        answer = viewer.call(
            operation.method.upper(),
            f"/api{path}" if not path.startswith("/api") else path,
            headers={"X-Proof": "x:1", **stack.staff_headers("admin")},
            raw=raw,
        )
        assert 400 <= answer.status < 500, (operation.label, answer.status, answer.body)
