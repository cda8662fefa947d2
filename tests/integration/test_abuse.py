"""One person or one script against the portal with its default limits: many requests at once,
from one address and from many (each 127.x.y.z is another source: the local server passes the TCP
peer's address on as CloudFront does), against DynamoDB Local and the real server. The session's
stack lifts these limits for the other tests; this module runs its own portal server, with the
defaults, on the session's DynamoDB Local (its own table), and reads its workers' log.

A window of the per-source limits lasts 10 minutes: where a burst could straddle two windows, the
test counts the windows it spanned rather than waiting for a fresh one."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest

from chalicelib.core.codes import new_manage_code
from devstack.dynamodb_local import local_client
from devstack.stack import LocalStack, StackConfig
from devstack.table import ensure_table
from tests.conftest import Answer, Viewer, table_items

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("abuse")]
T = TypeVar("T")
CENTRE, SERVICE = "tr-ankara", "language_course"  # 20 seats a slot: seats never run out here
COMPLAINT = {
    "category": "unpaid_wages",
    "country": "MY",
    "language": "vi",
    "centre_id": "tr-ankara",
    "description": "Wages unpaid for three months at the factory.",
}
WINDOW = 600


@contextmanager
def output_to(path: Path) -> Iterator[None]:
    """Processes started inside inherit stdout and stderr pointing at `path`: the API's workers
    write their log there (one JSON line per record, as Lambda's go to CloudWatch)."""
    saved = [os.dup(1), os.dup(2)]
    log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.dup2(log, 1)
        os.dup2(log, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, log):
            os.close(fd)


@pytest.fixture(scope="module")
def guarded(stack: LocalStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, Path]]:
    """A portal server with every limit at its default, and the file its workers log to."""
    data = tmp_path_factory.mktemp("guarded")
    config = StackConfig(
        data_dir=data, port=0, dynamodb_port=stack.config.dynamodb_port, table_name="passerelle-guarded", workers=4
    )
    portal = LocalStack(config)
    client = local_client(portal.dynamodb.endpoint)
    ensure_table(client, config.table_name)
    log = data / "workers.log"
    with output_to(log):
        portal.start_server()
    try:
        yield portal, log
    finally:
        portal.stop()  # the server and its workers; the session's DynamoDB Local is not its own


def at_once(calls: list[Callable[[], T]], threads: int = 16) -> list[T]:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda call: call(), calls))


def window() -> int:
    return int(time.time() // WINDOW)


def free_starts(viewer: Viewer) -> list[str]:
    slots = viewer.call("GET", f"/api/centres/{CENTRE}/services/{SERVICE}/slots?days=14").body["slots"]
    return [s["start"] for s in slots if s["seats_left"] > 0]


def booking(start: str) -> dict[str, Any]:
    return {"centre_id": CENTRE, "service_id": SERVICE, "start": start, "mode": "on_site", "language": "tr"}


def waiting(day: str) -> dict[str, Any]:
    return {"centre_id": CENTRE, "service_id": SERVICE, "date": day, "mode": "on_site", "language": "tr"}


def assert_seat_limit(answer: Answer) -> None:
    assert answer.status == 429, answer.body
    assert int(answer.headers["retry-after"]) >= 1
    assert answer.body["error"]["code"] == "seat_limit"
    assert "call the centre" in answer.body["error"]["message"]


# ---- seats ---------------------------------------------------------------------------------------


def test_one_source_holds_at_most_five_places_at_a_centre(guarded: tuple[LocalStack, Path]) -> None:
    portal, _ = guarded
    script = Viewer(portal.url, "127.0.13.1")
    starts = free_starts(script)
    assert len(starts) >= 30
    proofs = [script.proof() for _ in range(30)]  # solved first: the 30 attempts then arrive at once
    answers = at_once([partial(script.submit, "/api/bookings", booking(starts[i]), proof=proofs[i]) for i in range(30)])
    statuses = Counter(a.status for a in answers)
    assert statuses == {201: 5, 429: 25}, statuses
    for answer in answers:
        if answer.status == 429:
            assert_seat_limit(answer)
    made = [a.body for a in answers if a.status == 201]

    # Another person (another address) books at once.
    neighbour = Viewer(portal.url, "127.0.13.2")
    assert neighbour.submit("/api/bookings", booking(starts[0])).status == 201

    # A waiting entry holds a place too; moving a booking keeps its place; cancelling frees it.
    assert_seat_limit(script.submit("/api/waitlist", waiting(starts[0][:10])))
    moved = script.call(
        "PATCH",
        f"/api/bookings/{made[0]['reference']}",
        {"start": starts[29]},
        {"X-Manage-Code": made[0]["manage_code"]},
    )
    assert moved.status == 200 and moved.body["start"] == starts[29], moved.body
    assert_seat_limit(script.submit("/api/bookings", booking(starts[28])))
    cancelled = script.call(
        "DELETE", f"/api/bookings/{made[1]['reference']}", headers={"X-Manage-Code": made[1]["manage_code"]}
    )
    assert cancelled.status == 200
    again = script.submit("/api/bookings", booking(starts[28]))
    assert again.status == 201, again.body
    assert_seat_limit(script.submit("/api/bookings", booking(starts[27])))

    # What the table keeps: no address, and no source key on any booking.
    items = table_items(portal)
    assert "127.0.13.1" not in json.dumps(items)
    held = [i for i in items if i["PK"]["S"].startswith(f"HOLDS#{CENTRE}#")]
    assert sorted(len(i["places"]["M"]) for i in held) == [1, 5]  # the neighbour's, and the script's
    bookings = [i for i in items if i["SK"]["S"] == "BOOKING"]
    assert bookings and not any("HOLDS#" in json.dumps(i) or "phone_hash" in i for i in bookings)


# ---- complaints ----------------------------------------------------------------------------------


def test_one_source_files_at_most_ten_complaints_in_ten_minutes(guarded: tuple[LocalStack, Path]) -> None:
    portal, _ = guarded
    script = Viewer(portal.url, "127.0.13.3")
    flood = {**COMPLAINT, "description": f"Flood test {time.time_ns()}: one script, many complaints."}
    proofs = [script.proof() for _ in range(30)]
    first = window()
    answers = at_once([partial(script.submit, "/api/complaints", flood, proof=p) for p in proofs])
    windows = window() - first + 1
    statuses = Counter(a.status for a in answers)
    assert set(statuses) == {201, 429} and statuses[201] == min(30, 10 * windows), statuses
    for answer in answers:
        if answer.status == 429:
            assert 1 <= int(answer.headers["retry-after"]) <= WINDOW + 1
            assert answer.body["error"]["code"] == "too_many_requests"
    # as many complaints stored as accepted, not one more
    stored = [
        i for i in table_items(portal) if i["SK"]["S"] == "META" and i["description"]["S"] == flood["description"]
    ]
    assert len(stored) == statuses[201]
    assert Viewer(portal.url, "127.0.13.4").submit("/api/complaints", COMPLAINT).status == 201


# ---- receipt look-ups ----------------------------------------------------------------------------


def wrong_receipt() -> str:
    """A well-formed receipt (right length, right check digit) that opens nothing."""
    from chalicelib.core.codes import new_receipt

    return new_receipt()


def test_guessing_receipts_slows_only_the_guessing_sources(guarded: tuple[LocalStack, Path]) -> None:
    portal, _ = guarded
    owner = Viewer(portal.url, "127.0.13.5")
    filed = owner.submit("/api/complaints", COMPLAINT)
    assert filed.status == 201
    receipt = filed.body["receipt"]

    def guess_fifteen_times(viewer: Viewer) -> list[int]:
        return [viewer.call("POST", "/api/complaints/lookup", {"receipt": wrong_receipt()}).status for _ in range(15)]

    guessers = [Viewer(portal.url, f"127.0.14.{n}") for n in range(1, 41)]
    first = window()
    tries = at_once([partial(guess_fifteen_times, v) for v in guessers], threads=8)
    windows = window() - first + 1
    for statuses in tries:
        assert set(statuses) <= {404, 429} and statuses.count(404) <= 10 * windows, statuses
        if windows == 1:
            assert statuses == [404] * 10 + [429] * 5, statuses

    # 600 failures from 40 sources later, the right receipt from a fresh source still opens the complaint
    looked = Viewer(portal.url, "127.0.13.6").call("POST", "/api/complaints/lookup", {"receipt": receipt})
    assert looked.status == 200 and looked.body["category"] == "unpaid_wages"
    written = Viewer(portal.url, "127.0.13.6").call(
        "POST", "/api/complaints/messages", {"receipt": receipt, "text": "Any news?"}
    )
    assert written.status == 200
    # ...and the complaint's owner reads it again and again: a right receipt is not a failure
    for _ in range(12):
        assert owner.call("POST", "/api/complaints/lookup", {"receipt": receipt}).status == 200
    # A source past its own limit waits, whatever it sends (before its receipt is even read).
    if window() == first:
        limited = guessers[0].call("POST", "/api/complaints/lookup", {"receipt": receipt})
        assert limited.status == 429 and int(limited.headers["retry-after"]) >= 1


def test_concurrent_failures_from_one_source_never_pass_the_limit(guarded: tuple[LocalStack, Path]) -> None:
    portal, _ = guarded
    script = Viewer(portal.url, "127.0.13.7")
    first = window()
    answers = at_once(
        [lambda: script.call("POST", "/api/complaints/lookup", {"receipt": wrong_receipt()}) for _ in range(30)]
    )
    windows = window() - first + 1
    statuses = Counter(a.status for a in answers)
    assert set(statuses) <= {404, 429}, statuses
    assert statuses[404] <= 10 * windows, statuses
    if windows == 1:
        assert statuses[404] == 10, statuses


# ---- bad input: 4xx, never 5xx, nothing logged as an error ---------------------------------------


def test_far_dates_deep_json_and_huge_numbers_are_4xx_and_log_no_error(guarded: tuple[LocalStack, Path]) -> None:
    portal, log = guarded
    viewer = Viewer(portal.url, "127.0.13.8")
    slots = f"/api/centres/{CENTRE}/services/{SERVICE}/slots"
    deep = "[" * 1000 + "]" * 1000
    requests: list[tuple[str, str, Any, str]] = [  # method, path, body (or raw text), the field named
        ("GET", f"{slots}?from=9999-12-31", None, "from"),
        ("GET", f"{slots}?from=0001-01-01", None, "from"),
        ("GET", f"{slots}?days={10**30}", None, "days"),
        ("POST", "/api/bookings", booking("9999-12-31T23:00:00-05:00"), "start"),
        ("POST", "/api/bookings", booking("0001-01-01T00:00:00+05:00"), "start"),
        ("POST", "/api/waitlist", waiting("9999-12-31"), "date"),
        ("POST", "/api/waitlist", waiting("0001-01-01"), "date"),
        ("POST", "/api/bookings", f'{{"centre_id": {deep}}}', "body"),
        ("POST", "/api/complaints", f'{{"category": {deep}}}', "body"),
        ("POST", "/api/complaints/lookup", '{"receipt": ' + "[" * 5000 + "]" * 5000 + "}", "body"),
        ("POST", "/api/feedback", '{"kind": "page", "x": ' + '{"a":' * 900 + "1" + "}" * 900 + "}", "body"),
        (
            "POST",
            "/api/feedback",
            json.dumps({"kind": "service", "reference": "3467-89AB", "delivered": True, "rating": 10**30}),
            "rating",
        ),
        (
            "POST",
            "/api/feedback",
            '{"kind": "service", "reference": "3467-89AB", "delivered": true, "rating": 1e400}',
            "rating",
        ),
    ]
    for method, path, payload, field in requests:
        raw = payload.encode() if isinstance(payload, str) else None
        answer = viewer.call(method, path, None if raw else payload, {"X-Proof": viewer.proof()}, raw=raw)
        assert 400 <= answer.status < 500, (path, answer.status, answer.body)
        assert answer.body["error"]["field"] == field, (path, answer.body)
    logged = [entry for line in log.read_text().splitlines() for entry in json_objects(line)]
    assert any(entry.get("status") == 400 for entry in logged), "the workers' log was read"
    errors = [e for e in logged if e.get("level") in ("ERROR", "CRITICAL") or e.get("status", 0) >= 500]
    assert errors == []
    assert "Traceback" not in log.read_text()


def json_objects(line: str) -> list[dict[str, Any]]:
    """Every JSON object on a line of the workers' shared log: four workers write to it at once, and a
    metrics line (printed in two writes) may have another worker's line glued to it."""
    decoder, found, at = json.JSONDecoder(), [], line.find("{")
    while at != -1:
        try:
            entry, end = decoder.raw_decode(line, at)
        except json.JSONDecodeError:
            at = line.find("{", at + 1)
            continue
        if isinstance(entry, dict):
            found.append(entry)
        at = line.find("{", end)
    return found


# ---- manage codes --------------------------------------------------------------------------------

LOCK = 15 * 60  # MANAGE_CODE_LOCK_MINUTES' default


def test_wrong_manage_codes_at_once_from_many_sources_lock_only_that_booking(
    guarded: tuple[LocalStack, Path],
) -> None:
    portal, _ = guarded
    owner = Viewer(portal.url, "127.0.13.8")
    starts = free_starts(owner)
    mine = owner.submit("/api/bookings", booking(starts[1])).body
    other = owner.submit("/api/bookings", booking(starts[2])).body

    def open_with(viewer: Viewer, code: str, reference: str = mine["reference"]) -> Answer:
        return viewer.call("GET", f"/api/bookings/{reference}", headers={"X-Manage-Code": code})

    # 30 guessers, each from its own address, each one wrong code, all at once
    guessers = [Viewer(portal.url, f"127.0.15.{n}") for n in range(1, 31)]
    wrong = [c for c in (new_manage_code() for _ in range(31)) if c != mine["manage_code"]][:30]
    first = int(time.time() // LOCK)
    answers = at_once([partial(open_with, v, code) for v, code in zip(guessers, wrong, strict=True)])
    windows = int(time.time() // LOCK) - first + 1
    statuses = Counter(a.status for a in answers)
    # The count is atomic: no more than five wrong codes are ever checked in a window
    assert set(statuses) <= {404, 429} and statuses[404] <= 5 * windows, statuses
    for answer in answers:
        if answer.status == 429:
            assert answer.body["error"]["code"] == "manage_code_locked"
            assert 1 <= int(answer.headers["retry-after"]) <= LOCK + 1
    if windows == 1:
        assert statuses[404] == 5, statuses
        # ...and while the window lasts, the right code waits too: guessing gets no answer at all
        assert open_with(owner, mine["manage_code"]).status == 429
    # The other booking, and anybody else's, opens as ever, typed loosely
    loose = other["manage_code"].lower().replace("-", " ")
    assert open_with(owner, loose, other["reference"]).status == 200
