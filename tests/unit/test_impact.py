"""The dashboard reads counters only. It withholds every count from 1 to 4, in JSON and in CSV, and
every figure derived from one; periods are calendar months, quarters and years whose figures cannot
be subtracted to recover a withheld count; and the restricted lane (sexual exploitation and abuse by
staff) reaches focal points only."""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.core import dynamo
from chalicelib.core.keys import complaint_counters
from chalicelib.impact.disclosure import Hierarchy, Protected, Table, calendar_year
from chalicelib.impact.service import lane_categories
from tests.staff_tokens import bearer
from tests.unit.conftest import body, solved, with_proof
from tests.unit.disclosure_attack import by_subtraction, determined
from tests.unit.test_complaints import COMPLAINT
from tests.unit.test_staff import JSON, call, counters, file_complaint, staff  # noqa: F401 - the fixture

GUIDE = "/km/guides/abroad/passport-confiscation/"
NOW = datetime.now(UTC)
THIS_MONTH, THIS_YEAR = f"{NOW:%Y-%m}", f"{NOW:%Y}"
THIS_QUARTER = f"{NOW:%Y}-Q{(NOW.month - 1) // 3 + 1}"
LAST_YEAR = str(NOW.year - 1)
SOURCES = itertools.count(1)


def feedback(api: Client, payload: dict[str, Any]) -> None:
    """Feedback from its own address, as many people would give it."""
    viewer = {"X-Passerelle-Viewer": f"203.0.113.{next(SOURCES)}"}
    answer = api.http.post("/api/feedback", body=json.dumps(payload), headers=with_proof(api, viewer))
    assert answer.status_code == 201, answer.body


def board(api: Client, query: str = "", user: str = "manager.dushanbe") -> Any:
    answer = call(api, "GET", f"/api/staff/dashboard?{query}", user)
    assert answer.status_code == 200, answer.body
    return body(answer)


def rows(api: Client, query: str = "", user: str = "manager.dushanbe") -> list[list[str]]:
    answer = api.http.get(f"/api/staff/dashboard.csv?{query}", headers=bearer(user))
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv"), answer.body
    return list(csv.reader(io.StringIO(answer.body.decode())))


def complain(api: Client, centre: str, category: str, source: int) -> None:
    """A complaint from its own address (as many people would send them), not through a helper
    that reads the queue as someone allowed to."""
    answer = api.http.post(
        "/api/complaints",
        body=json.dumps(COMPLAINT | {"centre_id": centre, "category": category}),
        headers={**JSON, "X-Proof": solved(api), "X-Passerelle-Viewer": f"198.51.100.{source}"},
    )
    assert answer.status_code == 201, answer.body


def case_ids(api: Client, user: str, lane: str, centre: str) -> list[str]:
    queue = body(call(api, "GET", f"/api/staff/complaints?lane={lane}&centre={centre}", user))["complaints"]
    return [c["id"] for c in queue]


def test_counts_under_five_are_withheld_in_charts_and_csv(staff: Client) -> None:  # noqa: F811
    for _ in range(4):
        feedback(staff, {"kind": "page", "page": GUIDE, "language": "km", "helpful": True})
    feedback(staff, {"kind": "page", "page": GUIDE, "language": "km", "helpful": False})
    for _ in range(4):
        file_complaint(staff, category="passport_confiscated")

    figures = board(staff, "centre=tj-dushanbe")
    assert figures["suppressed_below"] == 5 and figures["lane"] == "general"
    assert figures["period"] == {
        "value": THIS_YEAR,
        "kind": "year",
        "first_month": f"{THIS_YEAR}-01",
        "last_month": f"{THIS_YEAR}-12",
    }
    assert figures["guides"] == [{"page": GUIDE, "language": "km", "yes": None, "no": None}]
    assert figures["complaints"]["received"] is None
    # every category of the lane is listed, and 0 reads "<5" too: being listed, or withheld, says
    # nothing of whether anyone complained of it
    by_category = {c["category"]: c["count"] for c in figures["complaints"]["by_category"]}
    assert by_category == dict.fromkeys(lane_categories("general"))
    table = rows(staff, "centre=tj-dushanbe")
    assert ["guides", "", "km", f"{GUIDE} yes", "<5"] in table
    assert ["complaints_by_category", "", "", "passport_confiscated", "<5"] in table
    assert not any(cell in ("1", "2", "3", "4") for row in table[1:] for cell in row[4:])

    feedback(staff, {"kind": "page", "page": GUIDE, "language": "km", "helpful": True})
    case_id = file_complaint(staff, category="passport_confiscated")[1]
    figures = board(staff, "centre=tj-dushanbe")
    assert figures["guides"] == [{"page": GUIDE, "language": "km", "yes": 5, "no": None}]
    assert figures["complaints"]["received"] == 5
    assert ["guides", "", "km", f"{GUIDE} yes", "5"] in rows(staff, "centre=tj-dushanbe")

    # One acknowledged case: no median (it would be that person's delay); compensation likewise.
    call(staff, "POST", f"/api/staff/complaints/{case_id}/status", "manager.dushanbe", {"status": "acknowledged"})
    call(
        staff,
        "POST",
        f"/api/staff/complaints/{case_id}/outcome",
        "manager.dushanbe",
        {"outcome": "resolved_in_favour", "compensation": {"amount": "300", "currency": "USD"}},
    )
    complaints = board(staff, "centre=tj-dushanbe")["complaints"]
    assert complaints["median_days_to_acknowledge"] is None and complaints["compensation"] == []
    assert {o["outcome"]: o["count"] for o in complaints["by_outcome"]}["resolved_in_favour"] is None


def test_the_restricted_lane_reaches_focal_points_only(staff: Client) -> None:  # noqa: F811
    # Given at Istanbul 6 general complaints and 5 of sexual exploitation and abuse by staff, at
    # Dushanbe 2 more of those, and outcomes and compensation recorded in both lanes
    for i in range(6):
        complain(staff, "tr-istanbul", "unpaid_wages", i)
    for i in range(5):
        complain(staff, "tr-istanbul", "sea_by_staff", 10 + i)
    for i in range(2):
        complain(staff, "tj-dushanbe", "sea_by_staff", 20 + i)
    for case in case_ids(staff, "focal.point", "restricted", "tr-istanbul"):
        call(staff, "POST", f"/api/staff/complaints/{case}/status", "focal.point", {"status": "acknowledged"})
        answer = call(
            staff,
            "POST",
            f"/api/staff/complaints/{case}/outcome",
            "focal.point",
            {"outcome": "resolved_in_favour", "compensation": {"amount": "100", "currency": "USD"}},
        )
        assert answer.status_code == 200, answer.body
    for case in case_ids(staff, "manager.istanbul", "general", "tr-istanbul")[:5]:
        call(staff, "POST", f"/api/staff/complaints/{case}/outcome", "manager.istanbul", {"outcome": "not_upheld"})
    # and a counter row as the dashboard wrote it before the lanes were counted apart (a local .data)
    dynamo.transact(
        [
            dynamo.add_counters(
                "STATS#COMPLAINTS#tr-istanbul", f"MONTH#{THIS_MONTH}", {"received": 7, "category_sea_by_staff": 7}
            )
        ]
    )
    # The lanes are counted in rows of their own
    assert counters(*complaint_counters("general", "tr-istanbul", THIS_MONTH))["received"] == 6
    assert counters(*complaint_counters("restricted", "tr-istanbul", THIS_MONTH))["received"] == 5

    periods = [THIS_MONTH, THIS_QUARTER, THIS_YEAR, LAST_YEAR, f"{LAST_YEAR}-Q2", f"{LAST_YEAR}-07"]
    for period in periods:
        now = period in (THIS_MONTH, THIS_QUARTER, THIS_YEAR)
        for user, centre in (
            ("manager.istanbul", "tr-istanbul"),
            ("manager.istanbul", ""),
            ("admin", "tr-istanbul"),
            ("admin", ""),
        ):
            # Then a manager's and an administrator's figures hold nothing of the restricted lane
            query = f"period={period}&centre={centre}" if centre else f"period={period}"
            figures = board(staff, query, user)
            complaints = figures["complaints"]
            assert figures["lane"] == "general" and figures["period"]["value"] == period
            assert complaints["received"] == (6 if now else None), (user, query)
            assert "sea_by_staff" not in {c["category"] for c in complaints["by_category"]}
            assert {o["outcome"]: o["count"] for o in complaints["by_outcome"]} == {
                "resolved_in_favour": None,
                "partly_resolved": None,
                "not_upheld": 5 if now else None,
                "referred_elsewhere": None,
                "withdrawn": None,
                "no_contact": None,
            }
            # (the 5 general outcomes acknowledged their cases the same day)
            assert complaints["compensation"] == [] and complaints["median_days_to_acknowledge"] == (0 if now else None)
            table = rows(staff, query, user)
            assert ["complaints", "", "", "received", "6" if now else "<5"] in table
            assert not any("sea_by_staff" in cell for row in table for cell in row)
            assert ["complaints_by_outcome", "", "", "resolved_in_favour", "<5"] in table
            assert not any(row[0] == "compensation" for row in table)

        # And a focal point's hold their lane's figures (withheld under 5), and nothing else
        query = f"period={period}"
        mine = board(staff, query, "focal.point")
        assert mine["lane"] == "restricted" and mine["served"] is None and mine["needs"] is None
        complaints = mine["complaints"]
        assert complaints["received"] == (7 if now else None)
        assert complaints["by_category"] == [{"category": "sea_by_staff", "count": 7 if now else None}]
        assert {o["outcome"]: o["count"] for o in complaints["by_outcome"]}["resolved_in_favour"] == (
            5 if now else None
        )
        assert complaints["compensation"] == ([{"currency": "USD", "amount": "500"}] if now else [])
        assert complaints["median_days_to_acknowledge"] == (0 if now else None)
        table = rows(staff, query, "focal.point")
        assert ["complaints_by_category", "", "", "sea_by_staff", "7" if now else "<5"] in table
        assert not any(row[0] in ("served", "no_show", "ratings", "guides", "needs") for row in table)
        # Dushanbe's 2 are withheld, and Istanbul's 5 with them: 7 in all minus 5 would give the 2 away
        for centre in ("tj-dushanbe", "tr-istanbul"):
            assert board(staff, f"{query}&centre={centre}", "focal.point")["complaints"]["received"] is None

    # A manager cannot ask for the restricted lane, a focal point for the general one
    assert call(staff, "GET", "/api/staff/dashboard?lane=restricted", "manager.istanbul").status_code == 403
    assert call(staff, "GET", "/api/staff/dashboard.csv?lane=restricted", "admin").status_code == 403
    assert call(staff, "GET", "/api/staff/dashboard?lane=general", "focal.point").status_code == 403
    assert call(staff, "GET", "/api/staff/dashboard", "caseworker.istanbul").status_code == 403


def seed(lane: str, category: str, month_counts: dict[str, list[int]], year: str) -> None:
    """Complaint counters per centre and month of a past year, as submissions write them."""
    items = [
        dynamo.add_counters(
            *complaint_counters(lane, centre, f"{year}-{m + 1:02d}"), {"received": n, f"category_{category}": n}
        )
        for centre, counts in month_counts.items()
        for m, n in enumerate(counts)
        if n
    ]
    for start in range(0, len(items), 25):
        dynamo.transact(items[start : start + 25])


def test_the_periods_of_a_year_cannot_be_subtracted_to_recover_a_withheld_count(staff: Client) -> None:  # noqa: F811
    # Given monthly counts in the restricted lane at the two centres of a focal point, many of them small
    counts = {"tj-dushanbe": [3, 7, 0, 1, 12, 4, 6, 0, 2, 9, 5, 1], "tr-istanbul": [0, 2, 8, 0, 0, 5, 1, 1, 0, 6, 3, 4]}
    seed("restricted", "sea_by_staff", counts, LAST_YEAR)
    # When the focal point reads every period of the year, for each centre and for both together
    year = calendar_year(int(LAST_YEAR))
    centres = Hierarchy.flat("*", ("tj-dushanbe", "tr-istanbul"))
    seen: dict[tuple[str, str], int | None] = {}
    for period in year.nodes():
        for centre in ("tj-dushanbe", "tr-istanbul", "*"):
            query = f"period={period}" + (f"&centre={centre}" if centre != "*" else "")
            figures = board(staff, query, "focal.point")
            seen[(centre, period)] = figures["complaints"]["received"]
            # received is the category's: one figure, one pattern
            assert figures["complaints"]["by_category"] == [
                {"category": "sea_by_staff", "count": seen[(centre, period)]}
            ]
            if period.endswith("Q3"):
                shown = seen[(centre, period)]
                assert ["complaints", "", "", "received", "<5" if shown is None else str(shown)] in rows(
                    staff, query, "focal.point"
                )
    # Then every figure shown is the true one, every small one is withheld, and none withheld can be
    # worked out from all the others, by subtraction or otherwise
    truth = Table(
        [centres, year], {(c, f"{LAST_YEAR}-{m + 1:02d}"): n for c, ns in counts.items() for m, n in enumerate(ns)}
    )
    for (centre, period), shown in seen.items():
        value = truth.value((centre, period))
        assert shown == value or shown is None, (centre, period, shown, value)
        assert value >= 5 or shown is None
    protected = Protected(truth, frozenset(cell for cell, shown in seen.items() if shown is None), 5)
    assert by_subtraction(protected) == {}
    assert determined(protected) == set()
    # (and more than the small ones were withheld: the complements)
    assert sum(1 for c, shown in seen.items() if shown is None and truth.value(c) >= 5) > 0


def test_needs_filter_by_gender_and_age_band(staff: Client) -> None:  # noqa: F811
    for gender, age in [("woman", "25_34")] * 6 + [("man", "25_34")] * 5 + [("man", "35_49")] * 2:
        feedback(
            staff,
            {
                "kind": "need",
                "topic": "legal",
                "text": "Help with a contract",
                "language": "tg",
                "gender": gender,
                "age_band": age,
                "centre_id": "tj-dushanbe",
            },
        )
    assert board(staff)["needs"] == [{"topic": "legal", "count": 13}]
    assert board(staff, "gender=woman")["needs"] == [{"topic": "legal", "count": 6}]
    assert board(staff, "gender=woman&age_band=25_34")["needs"] == [{"topic": "legal", "count": 6}]
    # 7 men, 5 of them 25 to 34: showing both would give the 2 others away
    men, young_men = (board(staff, q)["needs"][0]["count"] for q in ("gender=man", "gender=man&age_band=25_34"))
    assert board(staff, "gender=man&age_band=35_49")["needs"] == [{"topic": "legal", "count": None}]
    assert men is None or young_men is None
    # a topic is listed if anyone raised it: the list says nothing of a group nobody in which did
    assert board(staff, "gender=other&age_band=under_18")["needs"] == [{"topic": "legal", "count": None}]
    texts = board(staff, "gender=man&age_band=35_49")["needs_text"]  # texts are never narrowed to a small group
    assert len(texts) == 13 and texts[0] == {
        "topic": "legal",
        "text": "Help with a contract",
        "language": "tg",
        "month": THIS_MONTH,
    }


def test_needs_texts_show_only_where_their_count_is_shown(staff: Client) -> None:  # noqa: F811
    # Given 3 people who wrote about shelter and 6 about documents this month
    for topic, n in (("shelter", 3), ("documents", 6)):
        for i in range(n):
            feedback(staff, {"kind": "need", "topic": topic, "text": f"{topic} need number {i}", "language": "ru"})
    figures = board(staff, f"period={THIS_MONTH}")
    # Then the 3 shelter texts stay hidden with their count (and never with a time finer than the month)
    assert {n["topic"]: n["count"] for n in figures["needs"]} == {"shelter": None, "documents": 6}
    assert {t["topic"] for t in figures["needs_text"]} == {"documents"} and len(figures["needs_text"]) == 6
    assert all(
        set(t) == {"topic", "text", "language", "month"} and t["month"] == THIS_MONTH for t in figures["needs_text"]
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2026-13", "period"),
        ("period=2026-Q5", "period"),
        ("period=2026-1", "period"),
        ("period=26", "period"),
        ("period=2026-01-01", "period"),
        ("from=2026-01&to=2026-03", "from"),
        ("lane=secret", "lane"),
        ("gender=x", "gender"),
        ("centre=nowhere", "centre"),
    ],
)
def test_bad_dashboard_filters_name_the_field(staff: Client, query: str, field: str) -> None:  # noqa: F811
    answer = call(staff, "GET", f"/api/staff/dashboard?{query}", "admin")
    assert answer.status_code == 400 and body(answer)["error"]["field"] == field, answer.body
