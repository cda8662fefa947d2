"""The staff dashboard: people served, no-shows, complaints and their outcomes, ratings, guide
helpfulness and needs, read from the counters that each action updates in its own transaction.

The counters (core/keys.py) are `ADD`ed by the domain that owns the event.

The two complaint lanes are counted apart: a general-lane figure never includes a restricted case,
and the restricted lane (sexual exploitation and abuse by staff) reaches focal points only.

A period is a calendar month, quarter or year. Every figure is read from one table per year and
section, protected once (disclosure.py): counts from 1 to 4 are withheld, and so is whatever would
let one be worked out from the figures of any other period, centre or category the caller may ask
for; 0 reads as withheld too. Figures derived from counts (averages, shares, medians, sums of
money) are shown only with them.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, get_args

from chalicelib.auth.users import MANAGEMENT, StaffUser
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.complaints.models import RESTRICTED_CATEGORIES, Category, Outcome
from chalicelib.core import keys
from chalicelib.core.enums import AgeBand, Gender
from chalicelib.core.errors import BadRequest, Forbidden
from chalicelib.feedback import service as feedback
from chalicelib.feedback.models import Topic
from chalicelib.impact import repository as repo
from chalicelib.impact.disclosure import Cell, Hierarchy, Protected, Table, calendar_year, protect
from chalicelib.impact.models import (
    CategoryCount,
    CompensationTotal,
    ComplaintFigures,
    Dashboard,
    DashboardQuery,
    GuideFigure,
    Lane,
    NeedFigure,
    NeedText,
    NoShow,
    OutcomeCount,
    Period,
    Ratings,
    Served,
)

SUPPRESS_BELOW = 5
NEEDS_TEXT_LIMIT = 50
ALL = "*"  # the root of every dimension: all centres, all categories...
NO_CENTRE = keys.NO_CENTRE  # complaints filed without a centre
UNRECORDED = "unrecorded"  # gender or age band nobody gave


def lane_categories(lane: Lane) -> list[str]:
    return [c for c in get_args(Category) if (c in RESTRICTED_CATEGORIES) == (lane == "restricted")]


# ---- the query ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the caller may see: a lane, a year of periods, their centres; and what they asked for."""

    lane: Lane
    year: int
    period: str
    time: Hierarchy
    leaves: tuple[str, ...]  # the caller's centres (and ANY where they see cases filed without one)
    centre: str  # the centre asked for, or ALL

    @property
    def months(self) -> tuple[str, ...]:
        return self.time.leaves(self.period)

    def centres(self) -> Hierarchy:
        return Hierarchy.flat(ALL, self.leaves)


def _period(value: str | None) -> tuple[int, str, Period]:
    value = value or f"{datetime.now(UTC):%Y}"
    year = int(value[:4])
    months = calendar_year(year).leaves(value)
    kind = "year" if len(value) == 4 else "quarter" if "Q" in value else "month"
    return year, value, Period(value=value, kind=kind, first_month=months[0], last_month=months[-1])


def _lane(user: StaffUser, asked: Lane | None) -> Lane:
    lane: Lane = asked or ("general" if user.has(MANAGEMENT) else "restricted")
    if lane == "general" and not user.has(MANAGEMENT):
        raise Forbidden("The dashboard of the general lane is for managers and administrators.", code="role_forbidden")
    if lane == "restricted" and "focal_point" not in user.roles:
        raise Forbidden("The restricted lane is for focal points only.", code="role_forbidden")
    return lane


def _scope(user: StaffUser, query: DashboardQuery) -> tuple[Scope, Period]:
    year, value, period = _period(query.period)
    lane = _lane(user, query.lane)
    if query.centre:
        if get_catalogue().centre(query.centre) is None:
            raise BadRequest(f"centre: no centre has the id '{query.centre}'.", code="centre_unknown", field="centre")
        if not user.works_at(query.centre):
            raise Forbidden("You do not work for this centre.", code="centre_forbidden")
    leaves = list(user.centre_ids())
    if not leaves and lane == "general":
        raise Forbidden("You work for no centre.", code="centre_forbidden")
    return Scope(lane, year, value, calendar_year(year), tuple(leaves), query.centre or ALL), period


def _count(value: Any) -> int:
    return max(int(value or 0), 0)


# ---- the dashboard -------------------------------------------------------------------------------


def dashboard(user: StaffUser, query: DashboardQuery) -> Dashboard:
    scope, period = _scope(user, query)
    complaints = _complaints(scope, user)
    if scope.lane == "restricted":  # focal points see their lane's complaints, and nothing else
        return Dashboard(
            lane="restricted",
            period=period,
            suppressed_below=SUPPRESS_BELOW,
            complaints=complaints,
            served=None,
            no_show_rate=None,
            ratings=None,
            guides=None,
            needs=None,
            needs_text=None,
        )
    served, no_show, ratings = _centre_figures(scope)
    needs, texts = _needs(scope, query)
    return Dashboard(
        lane="general",
        period=period,
        suppressed_below=SUPPRESS_BELOW,
        complaints=complaints,
        served=served,
        no_show_rate=no_show,
        ratings=ratings,
        guides=_guides(scope),
        needs=needs,
        needs_text=texts,
    )


def _protected(
    dims: list[Hierarchy], atoms: dict[Cell, int], publishable: Callable[[Cell], bool] = lambda _: True
) -> Protected:
    return protect(Table(dims, atoms), SUPPRESS_BELOW, publishable)


def _leaf(hierarchy: Hierarchy) -> Callable[[Cell], bool]:
    """Publishable: cells whose last coordinate is a leaf (the root, their sum, is never shown)."""
    return lambda cell: cell[-1] != hierarchy.root


# ---- complaints ----------------------------------------------------------------------------------------


def _complaints(scope: Scope, user: StaffUser) -> ComplaintFigures:
    leaves = scope.leaves + ((NO_CENTRE,) if scope.lane == "restricted" or user.all_centres else ())
    centres, time = Hierarchy.flat(ALL, leaves), scope.time
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for leaf in leaves:
        pk, _ = keys.complaint_counters(scope.lane, None if leaf == NO_CENTRE else leaf, "")
        for row in repo.counter_rows(pk, scope.year):
            month = keys.counter_month(row["SK"])
            if time.is_leaf(month):
                rows[(leaf, month)] = row
    where = (scope.centre, scope.period)

    def atoms(names: Iterable[str], prefix: str) -> dict[Cell, int]:
        return {
            (leaf, month, name): _count(row.get(f"{prefix}{name}"))
            for (leaf, month), row in rows.items()
            for name in names
        }

    categories = lane_categories(scope.lane)
    received = Hierarchy.flat(ALL, categories)  # received is the sum of the categories
    by_category = _protected([centres, time, received], atoms(categories, "category_"))
    outcomes = Hierarchy.flat(ALL, get_args(Outcome))
    by_outcome = _protected([centres, time, outcomes], atoms(outcomes.leaves(ALL), "outcome_"), _leaf(outcomes))
    paid = sorted({k.removeprefix("comp_n_") for r in rows.values() for k in r if k.startswith("comp_n_")})
    currencies = Hierarchy.flat(ALL, paid or ("none",))
    compensated = _protected([centres, time, currencies], atoms(paid, "comp_n_"), _leaf(currencies))
    under = [row for (leaf, month), row in rows.items() if scope.centre in (ALL, leaf) and month in scope.months]
    compensation = []
    for currency in paid:
        if compensated.shown((*where, currency)) is not None:
            amount = sum((Decimal(r.get(f"comp_{currency}", 0)) for r in under), Decimal(0))
            compensation.append(CompensationTotal(currency=currency, amount=str(amount)))
    return ComplaintFigures(
        received=by_category.shown((*where, ALL)),
        by_category=[CategoryCount(category=c, count=by_category.shown((*where, c))) for c in categories],
        by_outcome=[OutcomeCount(outcome=o, count=by_outcome.shown((*where, o))) for o in outcomes.leaves(ALL)],
        median_days_to_acknowledge=_median(under),
        compensation=compensation,
    )


def _median(rows: list[dict[str, Any]]) -> int | None:
    """The median days to acknowledge, only when every centre-month it comes from acknowledged none or
    at least 5 cases: then comparing two medians (a quarter's, a month's) can only ever say
    something about a group of at least 5 people, never about one."""
    acknowledged = [_count(r.get("acknowledged")) for r in rows]
    total = sum(acknowledged)
    if total < SUPPRESS_BELOW or any(0 < n < SUPPRESS_BELOW for n in acknowledged):
        return None
    middle, seen = Decimal(total + 1) / 2, 0
    for days in range(keys.ACK_BUCKETS + 1):
        seen += sum(_count(r.get(f"ack_days_{days}")) for r in rows)
        if seen >= middle:
            return days
    return None


# ---- people served, no-shows, ratings ------------------------------------------------------------------


def _centre_figures(scope: Scope) -> tuple[list[Served], NoShow, Ratings]:
    """People served per month, centre and service; no-shows; ratings. (The rows by gender and age
    band are not shown: split by centre, month and service too, nearly every count would be under 5,
    and the few others could be worked out from them.)"""
    centres, time = scope.centres(), scope.time
    totals: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for centre in scope.leaves:
        for row in repo.counter_rows(keys.centre_counters(centre), scope.year):
            total = keys.service_row(row["SK"])  # the rows by gender and age band are not shown
            if total is not None and time.is_leaf(total[0]):
                for name in (
                    "attended",
                    "no_show",
                    "feedback",
                    "rating_sum",
                    "delivered",
                    "decision_answered",
                    "helped_decide",
                ):
                    totals[(centre, *total)][name] += _count(row.get(name))
    where = (scope.centre, scope.period)
    kinds = sorted({s for _, _, s in totals})
    services = Hierarchy.flat(ALL, kinds or ("none",))
    attended = _protected(
        [centres, time, services],
        {k: v["attended"] for k, v in totals.items()},
        lambda cell: cell[2] == ALL or (cell[0] != ALL and time.is_leaf(cell[1])),
    )
    served = [
        Served(month=m, centre_id=c, service_id=s, count=attended.shown((c, m, s)))
        for m in scope.months
        for c in (scope.leaves if scope.centre == ALL else (scope.centre,))
        for s in kinds
        if attended.table.value((c, m, s))
    ]

    by_month: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (centre, month, _), counts in totals.items():
        for name, n in counts.items():
            by_month[(centre, month)][name] += n
    no_shows = _protected([centres, time], {k: v["no_show"] for k, v in by_month.items()})
    came, missed = attended.table.value((*where, ALL)), no_shows.table.value(where)
    no_show = NoShow(attended=attended.shown((*where, ALL)), no_show=no_shows.shown(where), rate=None)
    if no_show.attended is not None and no_show.no_show is not None and came + missed:
        no_show.rate = round(missed / (came + missed), 3)

    delivery = Hierarchy("feedback", {"feedback": ("delivered", "not_delivered")})
    rated = _protected(
        [centres, time, delivery],
        {
            (c, m, part): n
            for (c, m), f in by_month.items()
            for part, n in (("delivered", f["delivered"]), ("not_delivered", f["feedback"] - f["delivered"]))
        },
    )
    decision = Hierarchy("answered", {"answered": ("helped", "not_helped")})
    decided = _protected(
        [centres, time, decision],
        {
            (c, m, part): n
            for (c, m), f in by_month.items()
            for part, n in (("helped", f["helped_decide"]), ("not_helped", f["decision_answered"] - f["helped_decide"]))
        },
    )
    count = rated.shown((*where, "feedback"))
    rating_sum = sum(
        f["rating_sum"] for (c, m), f in by_month.items() if scope.centre in (ALL, c) and m in scope.months
    )
    return (
        served,
        no_show,
        Ratings(
            count=count,
            average=round(rating_sum / count, 2) if count else None,
            delivered_share=_share(rated, (*where, "delivered"), (*where, "not_delivered")),
            helped_decide_share=_share(decided, (*where, "helped"), (*where, "not_helped")),
        ),
    )


def _share(table: Protected, part: Cell, rest: Cell) -> float | None:
    """A share, only when both it and the rest are shown: it says no more than they do."""
    shown, other = table.shown(part), table.shown(rest)
    return None if shown is None or other is None else round(shown / (shown + other), 3)


# ---- guides and needs (the whole network's) ----------------------------------------------------------


def _guides(scope: Scope) -> list[GuideFigure]:
    """Each guide's answers in each language: a table of its own, as no figure adds guides up."""
    atoms: dict[tuple[str, str], dict[Cell, int]] = defaultdict(lambda: defaultdict(int))
    for row in repo.counter_rows(keys.GUIDE_COUNTERS, scope.year):
        month, language, page = keys.guide_row(row["SK"])
        if scope.time.is_leaf(month):
            atoms[(page, language)][(month, "yes")] += _count(row.get("helpful_yes"))
            atoms[(page, language)][(month, "no")] += _count(row.get("helpful_no"))
    answers = Hierarchy.flat(ALL, ("yes", "no"))  # their sum is never shown
    figures = []
    for (page, language), counts in sorted(atoms.items()):
        yes, no = (scope.period, "yes"), (scope.period, "no")
        table = _protected([scope.time, answers], counts, _leaf(answers))
        if table.table.value(yes) or table.table.value(no):
            figures.append(GuideFigure(page=page, language=language, yes=table.shown(yes), no=table.shown(no)))
    return figures


def _needs(scope: Scope, query: DashboardQuery) -> tuple[list[NeedFigure], list[NeedText]]:
    """Needs by topic, for a gender, an age band or both. The counters hold each need's total and its
    rows by gender, by age band and by both: what nobody recorded is the difference."""
    genders = Hierarchy.flat(ALL, (*get_args(Gender), UNRECORDED))
    ages = Hierarchy.flat(ALL, (*get_args(AgeBand), UNRECORDED))
    topics = Hierarchy.flat(ALL, get_args(Topic))
    rows: dict[tuple[str, str], dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for row in repo.counter_rows(keys.NEED_COUNTERS, scope.year):
        month, topic, labels = keys.need_row(row["SK"])
        if scope.time.is_leaf(month) and topics.is_leaf(topic):
            rows[(month, topic)][(labels.get("GENDER", ALL), labels.get("AGE", ALL))] += _count(row.get("count"))
    atoms: dict[Cell, int] = {}
    for (month, topic), counts in rows.items():
        genders_given, ages_given = get_args(Gender), get_args(AgeBand)
        both = sum(counts[(g, a)] for g in genders_given for a in ages_given)
        for g in genders_given:
            for a in ages_given:
                atoms[(month, topic, g, a)] = counts[(g, a)]
            atoms[(month, topic, g, UNRECORDED)] = counts[(g, ALL)] - sum(counts[(g, a)] for a in ages_given)
        for a in ages_given:
            atoms[(month, topic, UNRECORDED, a)] = counts[(ALL, a)] - sum(counts[(g, a)] for g in genders_given)
        atoms[(month, topic, UNRECORDED, UNRECORDED)] = (
            counts[(ALL, ALL)]
            - sum(counts[(g, ALL)] for g in genders_given)
            - sum(counts[(ALL, a)] for a in ages_given)
            + both
        )
    table = _protected(
        [scope.time, topics, genders, ages], atoms, lambda cell: cell[1] != ALL and UNRECORDED not in cell[2:]
    )
    gender, age = query.gender or ALL, query.age_band or ALL
    # A topic is listed if anyone raised it: whether someone of the chosen gender and age band did is
    # not told by the list (a small group's count reads as withheld, like a 0).
    needs = [
        NeedFigure(topic=t, count=table.shown((scope.period, t, gender, age)))
        for t in topics.leaves(ALL)
        if table.table.value((scope.period, t, ALL, ALL))
    ]
    return needs, _needs_text(scope, table)


def _needs_text(scope: Scope, table: Protected) -> list[NeedText]:
    """The latest needs people wrote, newest month first: only those of a month and topic whose count
    is shown (then at least 5 people wrote on it that month), and never with a finer time than the
    month, which could say who wrote it. Never narrowed by centre, gender or age band: a small
    group's texts would say who wrote them."""
    texts: list[NeedText] = []
    for month in reversed(scope.months):
        if len(texts) >= NEEDS_TEXT_LIMIT:
            break
        found = feedback.written_needs(month)
        texts += sorted(
            (
                NeedText(topic=item["topic"], text=item["text"], language=item["language"], month=month)
                for item in found
                if table.shown((month, item["topic"], ALL, ALL)) is not None
            ),
            key=lambda n: (n.topic, n.language, n.text),
        )
    return texts[:NEEDS_TEXT_LIMIT]


# ---- CSV ---------------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    return "<5" if value is None else str(value)


def as_csv(board: Dashboard) -> str:
    """One table: section, month, centre, key, value; withheld counts read "<5"."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "month", "centre", "key", "value"])
    writer.writerows(_complaint_rows(board))
    writer.writerows(_general_rows(board))
    return out.getvalue()


def _complaint_rows(board: Dashboard) -> Iterator[list[str]]:
    yield ["dashboard", "", "", "lane", board.lane]
    yield ["dashboard", "", "", "period", board.period.value]
    yield ["complaints", "", "", "received", _cell(board.complaints.received)]
    for c in board.complaints.by_category:
        yield ["complaints_by_category", "", "", c.category, _cell(c.count)]
    for o in board.complaints.by_outcome:
        yield ["complaints_by_outcome", "", "", o.outcome, _cell(o.count)]
    yield ["complaints", "", "", "median_days_to_acknowledge", _cell(board.complaints.median_days_to_acknowledge)]
    for money in board.complaints.compensation:
        yield ["compensation", "", "", money.currency, money.amount]


def _general_rows(board: Dashboard) -> Iterator[list[str]]:
    """The general lane's other sections (a restricted-lane board has none of them)."""
    for s in board.served or []:
        yield ["served", s.month, s.centre_id, s.service_id, _cell(s.count)]
    if board.no_show_rate is not None:
        for name in ("attended", "no_show", "rate"):
            yield ["no_show", "", "", name, _cell(getattr(board.no_show_rate, name))]
    if board.ratings is not None:
        for name in ("count", "average", "helped_decide_share", "delivered_share"):
            yield ["ratings", "", "", name, _cell(getattr(board.ratings, name))]
    for g in board.guides or []:
        yield ["guides", "", g.language, f"{g.page} yes", _cell(g.yes)]
        yield ["guides", "", g.language, f"{g.page} no", _cell(g.no)]
    for n in board.needs or []:
        yield ["needs", "", "", n.topic, _cell(n.count)]
