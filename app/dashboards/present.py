"""Figures in words for pages, CSV files and reports: one way to write a rate, a mean, a median."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, format_decimal, format_percent, ngettext
from flask_babel import gettext as _

from app.dashboards.definitions import Extra, Figure, MetricDefinition
from app.dashboards.tally import Cell

DASH = "—"


def headline(definition: MetricDefinition, cell: Cell, minimum_cell: int) -> str:
    """ "83%", "2.4", "—" (nothing to count) or "fewer than 11" (suppressed)."""
    if cell.is_suppressed:
        return suppressed(minimum_cell)
    value = cell.mean if definition.figure == Figure.MEAN else cell.rate
    if value is None:
        return DASH
    if definition.figure == Figure.MEAN:
        return format_decimal(value, format="#,##0.0")
    return format_percent(value, format="#,##0%")


def fraction(cell: Cell, minimum_cell: int) -> str:
    """ "41 of 52", or nothing when the cell is hidden or empty."""
    if cell.is_suppressed or not cell.denominator:
        return ""
    return _(
        "%(numerator)s of %(denominator)s",
        numerator=format_decimal(cell.numerator),
        denominator=format_decimal(cell.denominator),
    )


def extra(definition: MetricDefinition, cell: Cell) -> str:
    """The median beside the rate ("median 12.5 days"), when the metric has one."""
    median = cell.median
    if definition.extra is None or median is None or cell.is_suppressed:
        return ""
    shown = format_decimal(median, format="#,##0.#")
    count = 1 if shown == format_decimal(1) else 2  # gettext's plural rules take whole numbers
    if definition.extra == Extra.MEDIAN_DAYS:
        return ngettext("median %(days)s day", "median %(days)s days", count, days=shown)
    return ngettext("median %(minutes)s minute", "median %(minutes)s minutes", count, minutes=shown)


def suppressed(minimum_cell: int) -> str:
    return _("fewer than %(minimum)s", minimum=minimum_cell)


def target(definition: MetricDefinition) -> str:
    if definition.target is None:
        return ""
    return _("target %(target)s", target=format_percent(definition.target, format="#,##0%"))


def month_name(month: date) -> str:
    """ "Mar 2026" in the page's language."""
    return format_date(month, "MMM y")


def period_name(months: tuple[date, ...]) -> str:
    first, last = months[0], months[-1]
    if first == last:
        return format_date(first, "MMMM y")
    return _("%(first)s to %(last)s", first=month_name(first), last=month_name(last))
