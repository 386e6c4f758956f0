"""Figures of one metric over a scope: totals, months and groups, with small cells suppressed."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.dashboards.definitions import Figure, MetricDefinition
from app.dashboards.dimensions import Dimension, group_column, group_key, group_labels
from app.dashboards.periods import Scope
from app.dashboards.registry import MEASURES, Variant
from app.dashboards.sqlfn import without_jit
from app.dashboards.store import units_of
from app.extensions import db


@dataclass
class Cell:
    """A numerator over a denominator, and the values a mean or median is taken of."""

    numerator: int = 0
    denominator: int = 0
    value_sum: float = 0.0
    values: list[float] = field(default_factory=list)
    #: Hidden because fewer units than the clinic's minimum would single families out.
    is_suppressed: bool = False

    def add(self, numerator: int, denominator: int, value_sum: float = 0.0) -> None:
        self.numerator += int(numerator or 0)
        self.denominator += int(denominator or 0)
        self.value_sum += float(value_sum or 0)

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def mean(self) -> float | None:
        return self.value_sum / self.denominator if self.denominator else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None


@dataclass
class VariantTally:
    variant: Variant
    total: Cell
    months: list[Cell]
    groups: dict[str, Cell]


@dataclass
class MetricTally:
    definition: MetricDefinition
    scope: Scope
    by: Dimension | None
    rows: list[VariantTally]
    #: Group key → words, in the order groups are shown (largest first, "not recorded" last).
    group_order: list[str]
    group_names: dict[str, str]
    minimum_cell: int

    def row(self, variant_key: str) -> VariantTally | None:
        return next((r for r in self.rows if r.variant.key == variant_key), None)


def breakdown_of(definition: MetricDefinition, by: Dimension | None) -> Dimension | None:
    """The breakdown asked for, when this metric has it."""
    return by if by in definition.dimensions else None


def tally(
    definition: MetricDefinition, scope: Scope, by: Dimension | None, minimum_cell: int
) -> MetricTally:
    """One aggregate query (two for a median), whatever the number of rows behind it."""
    without_jit()
    measure = MEASURES[definition.key]
    variants = measure.variants(scope)
    by = breakdown_of(definition, by)
    units = units_of(definition.key, scope, len(variants)).subquery("units")
    month = units.c.month
    group, joins = _grouping(by, units, scope)
    sums = []
    for i in range(len(variants)):
        sums += [sa.func.sum(units.c[f"in_{i}"]), sa.func.sum(units.c[f"hit_{i}"])]
    if definition.figure == Figure.MEAN:
        sums.append(sa.func.sum(units.c.value))
    grouped = [month, group] if by else [month]
    stmt = _joined(sa.select(month, group, *sums), units, joins).group_by(*grouped)
    rows = [_empty_row(v, len(scope.months)) for v in variants]
    for month_index, raw, *figures in db.session.execute(stmt):
        key = group_key(by, raw) if by else ""
        for i, row in enumerate(rows):
            value_sum = figures[-1] if definition.figure == Figure.MEAN else 0
            for cell in _cells(row, month_index, key, by):
                cell.add(figures[2 * i + 1], figures[2 * i], value_sum)
    if definition.extra is not None:
        _collect_values(rows[0], units, month, group, joins, by)
    return _finish(definition, scope, by, rows, minimum_cell)


def _grouping(by: Dimension | None, units: sa.Subquery, scope: Scope) -> tuple[Any, list[Any]]:
    if by is None:
        return sa.null().label("grp"), []
    column, joins = group_column(by, units, scope.clinic_id)
    return column.label("grp"), joins


def _joined(stmt: sa.Select[Any], units: sa.Subquery, joins: list[Any]) -> sa.Select[Any]:
    stmt = stmt.select_from(units)
    for target, onclause in joins:
        stmt = stmt.outerjoin(target, onclause)
    return stmt


def _empty_row(variant: Variant, months: int) -> VariantTally:
    return VariantTally(variant, Cell(), [Cell() for _ in range(months)], defaultdict(Cell))


def _cells(row: VariantTally, month_index: int, key: str, by: Dimension | None) -> list[Cell]:
    cells = [row.total, row.months[month_index]]
    if by is not None:
        cells.append(row.groups[key])
    return cells


def _collect_values(
    row: VariantTally,
    units: sa.Subquery,
    month: Any,
    group: Any,
    joins: list[Any],
    by: Dimension | None,
) -> None:
    """Medians need the values themselves: those of the units in the numerator."""
    stmt = _joined(sa.select(month, group, units.c.value), units, joins).where(
        units.c.hit_0 == 1, units.c.value.is_not(None)
    )
    for month_index, raw, value in db.session.execute(stmt):
        key = group_key(by, raw) if by else ""
        for cell in _cells(row, month_index, key, by):
            cell.values.append(float(value))


def _finish(
    definition: MetricDefinition,
    scope: Scope,
    by: Dimension | None,
    rows: list[VariantTally],
    minimum_cell: int,
) -> MetricTally:
    """Name the groups, order them (largest first, "not recorded" last) and hide small cells."""
    keys = {key for row in rows for key in row.groups}
    names = group_labels(by, keys, scope.clinic_id) if by else {}
    size = {k: max(row.groups[k].denominator for row in rows if k in row.groups) for k in keys}
    order = sorted(keys, key=lambda k: (k == "not_recorded", -size[k], names.get(k, k)))
    for row in rows:
        row.groups = {k: row.groups.get(k, Cell()) for k in order}
        suppress_small_cells(list(row.groups.values()), minimum_cell)
    return MetricTally(definition, scope, by, rows, order, names, minimum_cell)


def suppress_small_cells(cells: list[Cell], minimum: int) -> None:
    """Hide every group with fewer units than `minimum`. When exactly one group would be hidden,
    the next smallest is hidden too, or the total minus the others would give it away
    (complementary suppression, as in the CMS cell-size suppression policy)."""
    shown = [c for c in cells if c.denominator > 0]
    small = [c for c in shown if c.denominator < minimum]
    for cell in small:
        cell.is_suppressed = True
    if len(small) == 1:
        others = sorted((c for c in shown if not c.is_suppressed), key=lambda c: c.denominator)
        if others:
            others[0].is_suppressed = True
