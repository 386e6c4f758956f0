"""The dashboard as the reader sees it: sections, metrics, their rows, trends and breakdowns, in
words; and the same tables as CSV rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from app.core.spreadsheets import safe_cell
from app.dashboards import present
from app.dashboards.charts import detail, trend_chart
from app.dashboards.definitions import Figure, MetricDefinition, Section
from app.dashboards.dimensions import Dimension
from app.dashboards.periods import Scope
from app.dashboards.present import extra as extra_words
from app.dashboards.queries import metric_tallies
from app.dashboards.tally import Cell, MetricTally, VariantTally

#: A metric with more rows than this shows each row's trend and breakdown folded away.
OPEN_ROWS = 3


@dataclass(frozen=True)
class CellView:
    """One figure in words, and whether its units may be listed."""

    headline: str
    detail: str
    extra: str
    is_suppressed: bool
    has_units: bool

    @property
    def is_listable(self) -> bool:
        return self.has_units and not self.is_suppressed


@dataclass(frozen=True)
class GroupView:
    key: str
    name: str
    cell: CellView


@dataclass(frozen=True)
class MonthView:
    month: date
    name: str
    cell: CellView


@dataclass(frozen=True)
class RowView:
    """One variant of a metric (an instrument, a practice…; "all" when it has one)."""

    key: str
    label: str
    total: CellView
    months: list[MonthView]
    groups: list[GroupView]
    chart: Markup


@dataclass(frozen=True)
class MetricView:
    definition: MetricDefinition
    target: str
    #: The breakdown shown: None when none was asked for or this metric has not got it.
    by: Dimension | None
    rows: list[RowView]

    @property
    def is_folded(self) -> bool:
        return len(self.rows) > OPEN_ROWS

    @property
    def total_part(self) -> str:
        """What the headline figure's units are: the counted ones, or all behind a mean."""
        return "all" if self.definition.figure == Figure.MEAN else "numerator"


@dataclass(frozen=True)
class SectionView:
    section: Section
    metrics: list[MetricView]


@dataclass(frozen=True)
class DashboardPage:
    scope: Scope
    period_name: str
    by: Dimension | None
    minimum_cell: int
    sections: list[SectionView]


def dashboard_page(scope: Scope, by: Dimension | None, minimum_cell: int) -> DashboardPage:
    """Every measured metric over the scope, in catalogue order within each section."""
    metrics = [metric_view(t) for t in metric_tallies(scope, by, minimum_cell)]
    sections = [SectionView(s, [m for m in metrics if m.definition.section == s]) for s in Section]
    return DashboardPage(
        scope,
        present.period_name(scope.months),
        by,
        minimum_cell,
        [s for s in sections if s.metrics],
    )


def cell_view(definition: MetricDefinition, cell: Cell, minimum_cell: int) -> CellView:
    return CellView(
        present.headline(definition, cell, minimum_cell),
        detail(definition, cell, minimum_cell),
        extra_words(definition, cell),
        cell.is_suppressed,
        cell.denominator > 0,
    )


def metric_view(tally: MetricTally) -> MetricView:
    return MetricView(
        tally.definition,
        present.target(tally.definition),
        tally.by,
        [_row_view(tally, row) for row in tally.rows],
    )


def _row_view(tally: MetricTally, row: VariantTally) -> RowView:
    definition, minimum = tally.definition, tally.minimum_cell
    label = str(row.variant.label) or str(definition.title)
    return RowView(
        row.variant.key,
        str(row.variant.label),
        cell_view(definition, row.total, minimum),
        [
            MonthView(m, present.month_name(m), cell_view(definition, c, minimum))
            for m, c in zip(tally.scope.months, row.months, strict=True)
        ],
        [
            GroupView(k, tally.group_names.get(k, k), cell_view(definition, c, minimum))
            for k, c in row.groups.items()
        ],
        trend_chart(definition, tally.scope.months, row.months, title=label, minimum_cell=minimum),
    )


# --- the same tables as CSV -------------------------------------------------------------------

BREAKDOWN_HEADER = (
    "metric",
    "version",
    "variant",
    "group",
    "numerator",
    "denominator",
    "figure",
    "extra",
)
TREND_HEADER = (
    "metric",
    "version",
    "variant",
    "month",
    "numerator",
    "denominator",
    "figure",
    "extra",
)


def breakdown_rows(tally: MetricTally, total_name: str) -> Iterable[list[object]]:
    """Variant × group (each variant's total first); a hidden cell carries no numbers."""
    for row in tally.rows:
        yield _csv_row(tally, row, total_name, row.total)
        for key, cell in row.groups.items():
            yield _csv_row(tally, row, tally.group_names.get(key, key), cell)


def trend_rows(tally: MetricTally) -> Iterable[list[object]]:
    """Variant × month, months as YYYY-MM."""
    for row in tally.rows:
        for month, cell in zip(tally.scope.months, row.months, strict=True):
            yield _csv_row(tally, row, month.isoformat()[:7], cell)


def _csv_row(tally: MetricTally, row: VariantTally, where: str, cell: Cell) -> list[object]:
    definition, minimum = tally.definition, tally.minimum_cell
    counts: list[object] = ["", ""] if cell.is_suppressed else [cell.numerator, cell.denominator]
    return [
        definition.key, definition.version, str(row.variant.label) or row.variant.key, where,
        *counts, present.headline(definition, cell, minimum), extra_words(definition, cell),
    ]  # fmt: skip


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue()
