"""Small counts withheld so that no withheld figure can be worked out from the figures shown.

Every figure of the dashboard is a *cell* of a table: the sum of *atoms* (a count per centre, month,
category...) over one node of each dimension's hierarchy (a centre or all of them; a month, a
quarter or the year; a category or all of them). Any allowed query shows some of these cells, so
protecting a table once protects every query read from it: a month, its quarter and its year come
from one table and one pattern of withheld cells.

A cell counting from 1 to `threshold - 1` is withheld (primary suppression). Withholding it alone is
not enough: the year minus the other months gives the month back. So each withheld cell gets a
*certificate* (the hypercube method of statistical disclosure control): a pattern of +1 and -1 over
withheld cells, built as a product of one pattern per dimension, that leaves every sum unchanged
(siblings +1/-1 under the same parent, or a path up to the root). Adding the pattern to the true
counts, or taking it away, gives two other tables of non-negative counts (every cell it touches
counts at least 1) that agree with every figure shown and differ in the withheld cell by one: the
figures shown cannot pin it down, by subtraction or any other linear reasoning. The other cells a
certificate touches are withheld too (secondary suppression), choosing the certificate that hides
the least (the smallest sum of newly withheld counts), deterministically: the same counts always
give the same pattern. A certificate never touches a 0 (it would go below zero); zeros read as
withheld all the same (`Protected.shown`), which only hides more.

Cells that no query shows (`publishable` says which) may be part of a certificate at no cost: they
are unknown to anyone reading the dashboard anyway.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

Cell = tuple[str, ...]
# A one-dimension certificate: the nodes counted +1 and the nodes counted -1.
Pattern = tuple[tuple[str, ...], tuple[str, ...]]
# How many of each dimension's cheapest patterns are combined (plus the path to the root, always).
CANDIDATES_PER_DIMENSION = 3


@dataclass(frozen=True)
class Hierarchy:
    """One dimension as a tree: leaves are what atoms are counted by, inner nodes are sums shown
    (a quarter is its three months; "all centres" is each centre)."""

    root: str
    children: Mapping[str, tuple[str, ...]]
    _parent: dict[str, str] = field(init=False, repr=False, compare=False)
    _leaves: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _up: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _patterns: dict[tuple[str, str], list[Pattern]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parent = {child: node for node, kids in self.children.items() for child in kids}
        leaves: dict[str, tuple[str, ...]] = {}

        def collect(node: str) -> tuple[str, ...]:
            kids = self.children.get(node, ())
            leaves[node] = tuple(leaf for kid in kids for leaf in collect(kid)) if kids else (node,)
            return leaves[node]

        collect(self.root)
        up: dict[str, tuple[str, ...]] = {}
        for node in leaves:
            path = [node]
            while path[-1] in parent:
                path.append(parent[path[-1]])
            up[node] = tuple(path)
        object.__setattr__(self, "_parent", parent)
        object.__setattr__(self, "_leaves", leaves)
        object.__setattr__(self, "_up", up)
        object.__setattr__(self, "_patterns", {})

    @classmethod
    def flat(cls, root: str, leaves: Iterable[str]) -> Hierarchy:
        return cls(root, {root: tuple(leaves)})

    def nodes(self) -> tuple[str, ...]:
        return tuple(self._leaves)

    def is_leaf(self, node: str) -> bool:
        return node in self._leaves and not self.children.get(node)

    def leaves(self, node: str) -> tuple[str, ...]:
        return self._leaves[node]

    def up(self, node: str) -> tuple[str, ...]:
        """The node, its parent, ..., the root."""
        return self._up[node]

    def down(self, node: str, leaf: str) -> tuple[str, ...]:
        """From the node down to one of its leaves, both included."""
        path = self.up(leaf)
        return tuple(reversed(path[: path.index(node) + 1]))

    def siblings(self, node: str) -> tuple[str, ...]:
        parent = self._parent.get(node)
        return tuple(n for n in self.children[parent] if n != node) if parent else ()

    def relations(self) -> list[tuple[str, tuple[str, ...]]]:
        """The sums a reader knows: (whole, parts)."""
        return [(node, tuple(kids)) for node, kids in self.children.items() if kids]

    def patterns(self, node: str, leaf: str) -> list[Pattern]:
        """+1 from the leaf up to `node` and on up to the root; or up to some level where a sibling
        (and a path from it down to a leaf) takes -1."""
        if (node, leaf) in self._patterns:
            return self._patterns[node, leaf]
        down, up = self.down(node, leaf), self.up(node)
        patterns: list[Pattern] = [(tuple(dict.fromkeys(down + up)), ())]
        for level in range(len(up) - 1):
            plus = tuple(dict.fromkeys(down + up[: level + 1]))
            patterns += [
                (plus, self.down(sibling, other))
                for sibling in self.siblings(up[level])
                for other in self.leaves(sibling)
            ]
        self._patterns[node, leaf] = patterns
        return patterns


def calendar_year(year: int) -> Hierarchy:
    """The year, its quarters and its months, named as the dashboard's periods: 2026, 2026-Q3, 2026-07."""
    quarters = {f"{year}-Q{q}": tuple(f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)) for q in range(1, 5)}
    return Hierarchy(str(year), {str(year): tuple(quarters), **quarters})


class Table:
    """Atoms and every cell they add up to. Only cells with a count above 0 are stored."""

    def __init__(self, dims: Sequence[Hierarchy], atoms: Mapping[Cell, int]) -> None:
        self.dims = tuple(dims)
        self.values: dict[Cell, int] = {}
        # The largest atom under each cell: where a certificate through the cell goes down to.
        self.anchor: dict[Cell, Cell] = {}
        self.atoms: dict[Cell, int] = {}
        for atom in sorted(atoms):
            count = int(atoms[atom])
            if len(atom) != len(self.dims) or not all(d.is_leaf(a) for d, a in zip(self.dims, atom, strict=True)):
                raise ValueError(f"not an atom of this table: {atom}")
            if count <= 0:
                continue  # a counter corrected below zero counts nobody
            self.atoms[atom] = count
            for cell in itertools.product(*(d.up(a) for d, a in zip(self.dims, atom, strict=True))):
                self.values[cell] = self.values.get(cell, 0) + count
                best = self.anchor.get(cell)
                if best is None or self.atoms[best] < count:
                    self.anchor[cell] = atom

    def value(self, cell: Cell) -> int:
        return self.values.get(cell, 0)

    def cells(self) -> Iterator[Cell]:
        """Every cell, zeros included."""
        return itertools.product(*(d.nodes() for d in self.dims))


@dataclass(frozen=True)
class Protected:
    """A table with its withheld cells: `shown` is what any query may show of a cell."""

    table: Table
    withheld: frozenset[Cell]
    threshold: int

    def shown(self, cell: Cell) -> int | None:
        """The count, or None: withheld, or 0 (which reads as withheld too, so that "fewer than 5"
        never says whether there was anyone at all)."""
        count = self.table.value(cell)
        return None if cell in self.withheld or count == 0 else count


def protect(table: Table, threshold: int, publishable: Callable[[Cell], bool] = lambda _: True) -> Protected:
    """Withhold every publishable cell counting 1 to threshold - 1, and what it takes to keep each
    one from being worked out from the rest."""
    # What withholding a cell costs the reader: its count, if a query could show it and it is still shown.
    price = {cell: count if publishable(cell) else 0 for cell, count in table.values.items()}
    primary = sorted(cell for cell, count in table.values.items() if count < threshold and price[cell])
    covered: set[Cell] = set()  # cells some certificate already moves: none of them can be pinned down
    withheld: set[Cell] = set()
    for cell in primary:
        if cell in covered:
            continue
        support = _certificate(table, cell, price)
        covered.update(support)
        for moved in support:
            if publishable(moved):
                withheld.add(moved)
                price[moved] = 0
    return Protected(table, frozenset(withheld), threshold)


def _cost(price: Mapping[Cell, int], cells: Iterable[Cell], limit: float = math.inf) -> int | None:
    """What withholding these cells costs, or None if one counts 0 (a certificate must not take a
    count below zero) or the cost reaches `limit`."""
    total = 0
    for cell in cells:
        count = price.get(cell)
        if count is None:
            return None
        total += count
        if total >= limit:
            return None
    return total


def _certificate(table: Table, cell: Cell, price: Mapping[Cell, int]) -> set[Cell]:
    """The cells of the cheapest certificate found for `cell`: a product of one pattern per dimension,
    every cell of it counting at least 1. Going up to the root in every dimension always works (all
    those cells contain the anchor atom), so there is always one."""
    anchor = table.anchor[cell]
    choices: list[list[tuple[int, tuple[str, ...]]]] = []
    for d, dim in enumerate(table.dims):
        ranked = []
        for order, (plus, minus) in enumerate(dim.patterns(cell[d], anchor[d])):
            # the pattern's cells on the line through `cell`: all of them are in the product
            line = _cost(price, ((*cell[:d], node, *cell[d + 1 :]) for node in plus + minus))
            if line is not None:
                ranked.append((line, order, plus + minus))
        ranked.sort()
        kept = ranked[:CANDIDATES_PER_DIMENSION]
        kept += [entry for entry in ranked if entry[1] == 0 and entry not in kept]  # to the root: always valid
        choices.append([(line, nodes) for line, _, nodes in kept])

    # The lines through `cell` are part of the product and meet only there: a lower bound of its cost.
    own = price[cell]
    combinations = sorted(
        (sum(line for line, _ in combination) - own * (len(combination) - 1), index, combination)
        for index, combination in enumerate(itertools.product(*choices))
    )
    best: tuple[int, set[Cell]] | None = None
    for bound, _, combination in combinations:
        if best is not None and bound >= best[0]:
            break
        cells = set(itertools.product(*(nodes for _, nodes in combination)))
        total = _cost(price, cells, best[0] if best else math.inf)
        if total is not None:
            best = (total, cells)
    assert best is not None  # the all-roots combination is always valid
    return best[1]
