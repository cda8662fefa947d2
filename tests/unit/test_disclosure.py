"""The dashboard's protection of small counts (chalicelib/impact/disclosure.py), attacked the way a
reader of every figure it may show would: by subtracting shown figures, and by exact linear algebra.
The counts are random (hypothesis): whatever they are, no withheld count can be worked out."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.impact.disclosure import Cell, Hierarchy, Protected, Table, calendar_year, protect
from tests.unit.disclosure_attack import by_subtraction, determined

YEAR = calendar_year(2026)
MONTHS = YEAR.leaves("2026")
PERIODS = YEAR.nodes()  # the 17 periods anyone may ask for: 12 months, 4 quarters, the year
# Mostly small counts (the hard case), with zeros and larger ones among them.
count = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(0, 15))


def months_table(counts: list[int]) -> Table:
    return Table([YEAR], {(month,): n for month, n in zip(MONTHS, counts, strict=True)})


def assert_primary_withheld(protected: Protected) -> None:
    """Every figure under 5 reads as withheld (0 too); every figure shown is the true count; what the
    engine withholds besides counts at least 1 (a certificate never needs a 0)."""
    for cell in protected.table.cells():
        value, shown = protected.table.value(cell), protected.shown(cell)
        assert shown == value or shown is None, cell
        assert value >= 5 or shown is None, cell
    assert all(protected.table.value(cell) > 0 for cell in protected.withheld)


@given(st.lists(count, min_size=12, max_size=12))
@settings(max_examples=400, deadline=None)
def test_no_withheld_month_or_quarter_can_be_worked_out_from_the_periods_of_the_year(counts: list[int]) -> None:
    # Given random monthly counts, and the figures of all 17 periods of the year as shown
    protected = protect(months_table(counts), 5)
    # Then small figures are withheld, and neither subtraction nor any linear reasoning recovers one
    assert_primary_withheld(protected)
    assert by_subtraction(protected) == {}
    assert determined(protected) == set()


def test_one_small_month_takes_the_next_smallest_with_it() -> None:
    # Given a year of 8 a month but for one month of 2
    counts = [8] * 12
    counts[4] = 2
    protected = protect(months_table(counts), 5)
    # Then May is withheld with a sibling month of its quarter (April, the first of the cheapest),
    # and the quarter and the year stay shown: Q2 - April - June is no longer May alone
    assert protected.withheld == {("2026-05",), ("2026-04",)}
    assert protected.shown(("2026-Q2",)) == 18 and protected.shown(("2026",)) == 90


def test_a_month_alone_in_its_year_hides_its_quarter_and_year() -> None:
    # Given one complaint in March and none otherwise
    protected = protect(months_table([0, 0, 1] + [0] * 9), 5)
    # Then March, Q1 and the year are withheld (and the zeros read the same): nothing says it was March
    assert protected.withheld == {("2026-03",), ("2026-Q1",), ("2026",)}
    assert {protected.shown(cell) for cell in protected.table.cells()} == {None}
    assert by_subtraction(protected) == {} and determined(protected) == set()


def test_nothing_is_withheld_when_no_figure_is_small() -> None:
    assert protect(months_table([5, 0, 7, 12, 0, 0, 9, 5, 6, 0, 0, 30]), 5).withheld == frozenset()


def test_the_attack_is_real_it_recovers_counts_when_only_small_figures_are_withheld() -> None:
    # Given withholding only the small figures (what the dashboard did before)
    table = months_table([8, 2, 8] + [8] * 9)
    naive = Protected(table, frozenset(c for c in table.cells() if 0 < table.value(c) < 5), 5)
    # Then the quarter minus its other months gives February back: the checks below are not vacuous
    assert by_subtraction(naive) == {("2026-02",): 2}
    assert determined(naive) == {("2026-02",)}


def test_the_same_counts_always_give_the_same_figures() -> None:
    counts = [3, 1, 0, 7, 2, 9, 4, 0, 11, 1, 5, 2]
    assert protect(months_table(counts), 5).withheld == protect(months_table(list(counts)), 5).withheld


centres = Hierarchy.flat("*", ("tj-dushanbe", "tr-istanbul", "ANY"))
categories = Hierarchy.flat("received", ("unpaid_wages", "recruitment_fees", "other"))


@given(st.lists(count, min_size=3 * 12 * 3, max_size=3 * 12 * 3))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_centres_periods_and_categories_together_give_nothing_away(counts: list[int]) -> None:
    # Given random counts per centre, month and category, and every figure a caller may be shown:
    # any of their centres or all of them, any period, received or any category
    atoms: dict[Cell, int] = dict(
        zip(itertools.product(centres.leaves("*"), MONTHS, categories.leaves("received")), counts, strict=True)
    )
    protected = protect(Table([centres, YEAR, categories], atoms), 5)
    # Then no withheld figure can be worked out, whatever the combination of figures used
    assert_primary_withheld(protected)
    assert by_subtraction(protected) == {}
    assert determined(protected) == set()


@given(st.lists(count, min_size=12 * 3, max_size=12 * 3))
@settings(max_examples=60, deadline=None)
def test_figures_never_shown_may_hide_others_at_no_cost(counts: list[int]) -> None:
    # Given outcomes whose total is never shown (only each outcome is)
    outcomes = Hierarchy.flat("*", ("resolved_in_favour", "not_upheld", "withdrawn"))
    atoms: dict[Cell, int] = dict(zip(itertools.product(MONTHS, outcomes.leaves("*")), counts, strict=True))

    def publishable(cell: Cell) -> bool:
        return cell[1] != "*"

    protected = protect(Table([YEAR, outcomes], atoms), 5, publishable)
    # Then the total is never withheld (it is never shown), and still no outcome shown betrays another
    assert all(cell[1] != "*" for cell in protected.withheld)
    assert by_subtraction(protected, publishable) == {}
    assert determined(protected, publishable) == set()
