"""What someone reading every figure a table can show could work out: by repeated subtraction (a
whole shown and all its parts but one), and by any linear reasoning at all (exact elimination).
The attacker is given every 0 besides the figures shown (a 0 reads as withheld, but the protection
must not rely on that). Both answer with the withheld counts other than 0 they recover."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from fractions import Fraction

from chalicelib.impact.disclosure import Cell, Protected, Table

Equation = tuple[Cell, tuple[Cell, ...]]


def equations(table: Table) -> Iterator[Equation]:
    """Every sum a reader knows holds: along each dimension, for every value of the others."""
    for d, dim in enumerate(table.dims):
        others = [table.dims[e].nodes() if e != d else ("",) for e in range(len(table.dims))]
        for rest in itertools.product(*others):
            for whole, parts in dim.relations():
                yield _at(rest, d, whole), tuple(_at(rest, d, p) for p in parts)


def _at(rest: Cell, d: int, node: str) -> Cell:
    return (*rest[:d], node, *rest[d + 1 :])


def known(protected: Protected, publishable: Callable[[Cell], bool]) -> dict[Cell, int]:
    """The figures shown, and every 0."""
    return {
        cell: protected.table.value(cell)
        for cell in protected.table.cells()
        if publishable(cell) and (protected.shown(cell) is not None or protected.table.value(cell) == 0)
    }


def by_subtraction(protected: Protected, publishable: Callable[[Cell], bool] = lambda _: True) -> dict[Cell, int]:
    """Withheld cells worked out by subtraction, again and again until nothing more comes out."""
    values = known(protected, publishable)
    found: dict[Cell, int] = {}
    sums = list(equations(protected.table))
    progress = True
    while progress:
        progress = False
        for whole, parts in sums:
            missing = [c for c in (whole, *parts) if c not in values]
            if len(missing) != 1:
                continue
            [cell] = missing
            values[cell] = (
                values[whole] - sum(values[p] for p in parts if p in values)
                if cell != whole
                else sum(values[p] for p in parts)
            )
            found[cell] = values[cell]
            progress = True
    return {cell: value for cell, value in found.items() if value and publishable(cell)}


def _reduced(row: dict[int, Fraction], pivots: dict[int, dict[int, Fraction]]) -> dict[int, Fraction]:
    """The row less its multiples of the pivot rows (empty if it adds nothing to them)."""
    for column in sorted(pivots):
        if column in row:
            factor = row[column]
            for k, v in pivots[column].items():
                row[k] = row.get(k, Fraction(0)) - factor * v
            row = {k: v for k, v in row.items() if v}
    return row


def _add_pivot(row: dict[int, Fraction], pivots: dict[int, dict[int, Fraction]]) -> None:
    """Scale the row to a pivot of 1 in its first column, and clear that column from the others."""
    column = min(row)
    row = {k: v / row[column] for k, v in row.items()}
    for other in pivots.values():
        if column in other:
            factor = other[column]
            for k, v in row.items():
                other[k] = other.get(k, Fraction(0)) - factor * v
            for k in [k for k, v in other.items() if not v]:
                del other[k]
    pivots[column] = row


def determined(protected: Protected, publishable: Callable[[Cell], bool] = lambda _: True) -> set[Cell]:
    """Withheld cells whose value follows from the figures shown by linear reasoning of any kind:
    those whose unit vector lies in the row space of the sums, restricted to the unknown cells."""
    values = known(protected, publishable)
    unknown = {cell: i for i, cell in enumerate(c for c in protected.table.cells() if c not in values)}
    pivots: dict[int, dict[int, Fraction]] = {}  # reduced row echelon form, by pivot column
    for whole, parts in equations(protected.table):
        row: dict[int, Fraction] = {}
        for cell, sign in ((whole, 1), *((p, -1) for p in parts)):
            if cell in unknown:
                row[unknown[cell]] = row.get(unknown[cell], Fraction(0)) + sign
        row = _reduced({k: v for k, v in row.items() if v}, pivots)
        if row:
            _add_pivot(row, pivots)
    cells = list(unknown)
    return {
        cells[column]
        for column, row in pivots.items()
        if len(row) == 1 and publishable(cells[column]) and protected.table.value(cells[column])
    }
