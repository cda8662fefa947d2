"""The table's keys are built in one place (chalicelib/core/keys.py), and keep the layout existing
tables hold."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from chalicelib.core import keys
from tests.conftest import ROOT

# A key part joined with `#`: an upper-case word before it (`STATS#`, `DAY#`) or a value
# (`f"{start}#{reference}"`). Update expressions' `#name` placeholders are neither.
JOINED_KEY = re.compile(r"[A-Z]{2,}#|\}#")


def test_no_key_is_joined_outside_the_keys_module() -> None:
    """Grep every Python file of the backend and the local stack: only keys.py joins key parts.
    (The tests spell keys out on purpose: they pin the stored layout keys.py must keep.)"""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("backend", "devstack")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "backend" / "chalicelib" / "core" / "keys.py" and "node_modules" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if JOINED_KEY.search(line)
    ]
    assert found == []


def test_the_grep_would_see_a_key_built_elsewhere() -> None:
    for line in ('pk = f"STATS#CENTRE#{centre}"', 'sk = f"{start.isoformat()}#{reference}"', '"SK": "DAY#"'):
        assert JOINED_KEY.search(line), line
    for line in ('"UpdateExpression": "SET #remaining = #remaining + :one"', 'names = {f"#c{i}": name}'):
        assert not JOINED_KEY.search(line), line


def test_the_layout_is_the_one_existing_tables_hold() -> None:
    day, at = date(2026, 12, 5), datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
    assert keys.seat_counter(day, "legal_advice", "09:30") == "DAY#2026-12-05#SLOT#legal_advice#09:30"
    assert keys.staff_exception(day) == "DAY#2026-12-05#CLOSURE"
    assert keys.centre_day_item("DAY#2026-12-05#SLOT#legal_advice#09:30") == (
        day,
        "seat_counter",
        "legal_advice",
        "09:30",
    )
    assert keys.centre_day_item(keys.staff_exception(day)) == (day, "staff_exception", "", "")
    assert keys.booking_indexes("tj-dushanbe", at, "K7QX3M") == {
        "GSI1PK": "CENTRE#tj-dushanbe#DAY#2026-12-05",
        "GSI1SK": "2026-12-05T09:30:00+00:00#K7QX3M",
    }
    assert keys.waiting_line("legal_advice", day, at, "K7QX3M").startswith(
        keys.waiting_line_prefix("legal_advice", day)
    )
    assert keys.places_held("tj-dushanbe", "ab12") == "HOLDS#tj-dushanbe#ab12"
    assert keys.queue("general", None) == "QUEUE#general#ANY"
    assert keys.case_audit("0f9c") == "AUDIT#0f9c" and keys.centre_audit("tj-dushanbe") == "AUDIT#CENTRE#tj-dushanbe"
    assert keys.complaint_counters("restricted", None, "2026-12") == (
        "STATS#COMPLAINTS#restricted#ANY",
        "MONTH#2026-12",
    )
    assert keys.guide_row(keys.guide_counters("2026-12", "km", "/km/a#b/")[1]) == ("2026-12", "km", "/km/a#b/")
    suffixes = keys.by_whom("woman", "25_34")
    assert suffixes == ["#GENDER#woman", "#AGE#25_34", "#GENDER#woman#AGE#25_34"]
    assert [keys.need_row(keys.need_topic("2026-12", "health") + s)[2] for s in suffixes] == [
        {"GENDER": "woman"},
        {"AGE": "25_34"},
        {"GENDER": "woman", "AGE": "25_34"},
    ]
    assert keys.service_row(keys.service_month("2026-12", "legal_advice")) == ("2026-12", "legal_advice")
    assert keys.service_row(keys.service_month("2026-12", "legal_advice") + suffixes[0]) is None
    assert keys.year_rows(2026) == ("MONTH#2026-01", "MONTH#2026-12#~")
