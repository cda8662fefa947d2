"""The staff dashboard: people served, no-shows, complaints and their outcomes, ratings, guide
helpfulness and needs, read from the counters that each action updates in its own transaction.

Counters (all `ADD`, written by the domain that owns the event):
- STATS#CENTRE#<centre>      MONTH#<m>#SERVICE#<s>[#GENDER#g][#AGE#a]  attended, no_show, feedback, rating_sum...
- STATS#COMPLAINTS#<centre>  MONTH#<m>                                 received, category_*, outcome_*, ack_days_*...
- STATS#GUIDES               MONTH#<m>#LANG#<l>#PAGE#<path>            helpful_yes, helpful_no
- STATS#NEEDS                MONTH#<m>#TOPIC#<t>[#GENDER#g][#AGE#a]    count

Every count under SUPPRESS_BELOW is withheld (None, "<5" in CSV), and so is every figure derived
from one (averages, shares, medians, sums), so that nobody can be singled out.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core import dynamo
from chalicelib.core.errors import BadRequest, Forbidden
from chalicelib.impact.models import (
    CategoryCount,
    ComplaintFigures,
    Dashboard,
    DashboardQuery,
    GuideFigure,
    Money,
    NeedFigure,
    NeedText,
    NoShow,
    OutcomeCount,
    Period,
    Ratings,
    Served,
)
from chalicelib.staff.auth import StaffUser

SUPPRESS_BELOW = 5
# Days to acknowledge are counted per day up to 30, then "31 or more": the median needs no scan.
ACK_BUCKETS = 31
NEEDS_TEXT_LIMIT = 50


def disaggregations(gender: str | None, age_band: str | None) -> list[str]:
    """The counter rows beside a total that let dashboards filter by gender, age band or both."""
    rows = [f"#GENDER#{gender}"] if gender else []
    rows += [f"#AGE#{age_band}"] if age_band else []
    return rows + ([f"#GENDER#{gender}#AGE#{age_band}"] if gender and age_band else [])


def shown(count: int | Decimal) -> int | None:
    return int(count) if count >= SUPPRESS_BELOW else None


def _months(query: DashboardQuery) -> tuple[str, str]:
    today = datetime.now(UTC).date()
    last = query.to or f"{today:%Y-%m}"
    first = query.from_ or f"{date(today.year - 1, today.month, 1):%Y-%m}"
    if first > last:
        raise BadRequest("from: the period must start before it ends.", field="from")
    if (int(last[:4]) * 12 + int(last[5:])) - (int(first[:4]) * 12 + int(first[5:])) >= 36:
        raise BadRequest("from: a period is at most 36 months.", field="from")
    return first, last


def _rows(pk: str, first: str, last: str) -> list[dict[str, Any]]:
    return dynamo.query_all(KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
                            ExpressionAttributeValues=dynamo.encode_values(
                                {":pk": pk, ":a": f"MONTH#{first}", ":b": f"MONTH#{last}#~"}))


def _centres(user: StaffUser, query: DashboardQuery) -> list[str]:
    if query.centre:
        if get_catalogue().centre(query.centre) is None:
            raise BadRequest(f"centre: no centre has the id '{query.centre}'.", field="centre")
        if not user.works_at(query.centre):
            raise Forbidden("You do not work for this centre.")
        return [query.centre]
    return user.centre_ids()


def _suffix(query: DashboardQuery) -> str:
    rows = disaggregations(query.gender, query.age_band)
    return rows[-1] if rows else ""


def dashboard(user: StaffUser, query: DashboardQuery) -> Dashboard:
    first, last = _months(query)
    centres = _centres(user, query)
    suffix = _suffix(query)
    served_counts: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for centre in centres:
        for row in _rows(f"STATS#CENTRE#{centre}", first, last):
            parts = row["SK"].split("#")  # MONTH, m, SERVICE, s, [dimension, value...]
            month, service, rest = parts[1], parts[3], "#".join(parts[4:])
            if (f"#{rest}" if rest else "") == suffix:
                served_counts[(month, centre, service)] += row.get("attended", 0)
            if not rest:  # totals: no-shows and ratings are not split by gender or age
                for name in ("attended", "no_show", "feedback", "rating_sum", "delivered", "decision_answered",
                             "helped_decide"):
                    totals[name] += row.get(name, 0)
    served = [Served(month=m, centre_id=c, service_id=s, count=shown(n))
              for (m, c, s), n in sorted(served_counts.items())]
    return Dashboard(
        period=Period(from_=first, to=last), suppressed_below=SUPPRESS_BELOW, served=served,
        no_show_rate=_no_show(totals), complaints=_complaints(user, query, centres, first, last),
        ratings=_ratings(totals), guides=_guides(first, last), needs=_needs(query, first, last),
        needs_text=_needs_text(query, first, last),
    )


def _no_show(totals: dict[str, Decimal]) -> NoShow:
    attended, no_show = shown(totals["attended"]), shown(totals["no_show"])
    rate = round(float(totals["no_show"] / (totals["attended"] + totals["no_show"])), 3) \
        if attended is not None and no_show is not None else None
    return NoShow(attended=attended, no_show=no_show, rate=rate)


def _share(part: Decimal, whole: Decimal) -> float | None:
    """A share, only when both it and its complement are large enough to hide any one person."""
    if shown(part) is None or shown(whole - part) is None:
        return None
    return round(float(part / whole), 3)


def _ratings(totals: dict[str, Decimal]) -> Ratings:
    count = shown(totals["feedback"])
    return Ratings(
        count=count, average=round(float(totals["rating_sum"] / totals["feedback"]), 2) if count else None,
        helped_decide_share=_share(totals["helped_decide"], totals["decision_answered"]),
        delivered_share=_share(totals["delivered"], totals["feedback"]),
    )


def _complaints(user: StaffUser, query: DashboardQuery, centres: list[str], first: str,
                last: str) -> ComplaintFigures:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    keys = centres + (["ANY"] if user.all_centres and not query.centre else [])
    for centre in keys:
        for row in _rows(f"STATS#COMPLAINTS#{centre}", first, last):
            for name, value in row.items():
                if isinstance(value, Decimal):
                    sums[name] += value
    by_category = [CategoryCount(category=k.removeprefix("category_"), count=shown(v))
                   for k, v in sorted(sums.items()) if k.startswith("category_") and v > 0]
    by_outcome = [OutcomeCount(outcome=k.removeprefix("outcome_"), count=shown(v))
                  for k, v in sorted(sums.items()) if k.startswith("outcome_") and v > 0]
    median = None
    if shown(sums["acknowledged"]) is not None:
        middle, seen = (sums["acknowledged"] + 1) / 2, Decimal(0)
        for days in range(ACK_BUCKETS + 1):
            seen += sums.get(f"ack_days_{days}", Decimal(0))
            if seen >= middle:
                median = days
                break
    compensation = [Money(currency=k.removeprefix("comp_"), amount=str(v))
                    for k, v in sorted(sums.items())
                    if k.startswith("comp_") and not k.startswith("comp_n_")
                    and shown(sums.get(f"comp_n_{k.removeprefix('comp_')}", Decimal(0))) is not None]
    return ComplaintFigures(received=shown(sums["received"]), by_category=by_category, by_outcome=by_outcome,
                            median_days_to_acknowledge=median, compensation=compensation)


def _guides(first: str, last: str) -> list[GuideFigure]:
    counts: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in _rows("STATS#GUIDES", first, last):
        _, _, _, language, _, page = row["SK"].split("#", 5)
        counts[(page, language)][0] += row.get("helpful_yes", 0)
        counts[(page, language)][1] += row.get("helpful_no", 0)
    return [GuideFigure(page=p, language=lang, yes=shown(yes), no=shown(no))
            for (p, lang), (yes, no) in sorted(counts.items())]


def _needs(query: DashboardQuery, first: str, last: str) -> list[NeedFigure]:
    suffix = _suffix(query)
    counts: dict[str, Decimal] = defaultdict(Decimal)
    for row in _rows("STATS#NEEDS", first, last):
        parts = row["SK"].split("#")  # MONTH, m, TOPIC, t, [dimension, value...]
        rest = "#".join(parts[4:])
        if (f"#{rest}" if rest else "") == suffix:
            counts[parts[3]] += row.get("count", 0)
    return [NeedFigure(topic=t, count=shown(n)) for t, n in sorted(counts.items())]


def _needs_text(query: DashboardQuery, first: str, last: str) -> list[NeedText]:
    """The latest needs people wrote, newest first: one query per month, most recent month first.
    Never narrowed by gender or age band: a small group's texts would say who wrote them."""
    texts: list[NeedText] = []
    year, month = int(last[:4]), int(last[5:])
    while f"{year:04d}-{month:02d}" >= first and len(texts) < NEEDS_TEXT_LIMIT:
        answer = dynamo.query_all(KeyConditionExpression="PK = :pk", ScanIndexForward=False,
                                  ExpressionAttributeValues=dynamo.encode_values(
                                      {":pk": f"FEEDBACK#need#{year:04d}-{month:02d}"}))
        for item in answer:
            if query.centre and item.get("centre_id") != query.centre:
                continue
            texts.append(NeedText(topic=item["topic"], text=item["text"], language=item["language"],
                                  at=item["SK"].split("#")[0]))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return texts[:NEEDS_TEXT_LIMIT]


def _cell(value: Any) -> str:
    return "<5" if value is None else str(value)


def as_csv(board: Dashboard) -> str:
    """One table: section, month, centre, key, value; suppressed counts read "<5"."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "month", "centre", "key", "value"])
    for s in board.served:
        writer.writerow(["served", s.month, s.centre_id, s.service_id, _cell(s.count)])
    writer.writerow(["no_show", "", "", "attended", _cell(board.no_show_rate.attended)])
    writer.writerow(["no_show", "", "", "no_show", _cell(board.no_show_rate.no_show)])
    writer.writerow(["no_show", "", "", "rate", _cell(board.no_show_rate.rate)])
    writer.writerow(["complaints", "", "", "received", _cell(board.complaints.received)])
    for c in board.complaints.by_category:
        writer.writerow(["complaints_by_category", "", "", c.category, _cell(c.count)])
    for o in board.complaints.by_outcome:
        writer.writerow(["complaints_by_outcome", "", "", o.outcome, _cell(o.count)])
    writer.writerow(["complaints", "", "", "median_days_to_acknowledge",
                     _cell(board.complaints.median_days_to_acknowledge)])
    for money in board.complaints.compensation:
        writer.writerow(["compensation", "", "", money.currency, money.amount])
    for name in ("count", "average", "helped_decide_share", "delivered_share"):
        writer.writerow(["ratings", "", "", name, _cell(getattr(board.ratings, name))])
    for g in board.guides:
        writer.writerow(["guides", "", g.language, f"{g.page} yes", _cell(g.yes)])
        writer.writerow(["guides", "", g.language, f"{g.page} no", _cell(g.no)])
    for n in board.needs:
        writer.writerow(["needs", "", "", n.topic, _cell(n.count)])
    return out.getvalue()
