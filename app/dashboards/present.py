"""Figures in words for pages, CSV files and reports: one way to write a rate, a mean, a median.

A dashboard writes some 1,500 figures and 1,000 month names, many of them the same ones; the
formatters below remember what they wrote, per language (Babel takes microseconds each time).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from datetime import date

from flask_babel import format_date, format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _

from app.dashboards.definitions import Extra, Figure, MetricDefinition
from app.dashboards.tally import Cell


def remembered(words: Callable[..., str]) -> Callable[..., str]:
    """`words` written once per language and arguments."""

    @functools.lru_cache(maxsize=8192)
    def in_language(_language: str, *args: Hashable) -> str:
        return words(*args)

    @functools.wraps(words)
    def wrapper(*args: Hashable) -> str:
        return in_language(str(get_locale()), *args)

    return wrapper


@remembered
def count(number: int) -> str:
    """ "1,204" """
    return format_decimal(number)


@remembered
def percent(value: float) -> str:
    """ "83%" """
    return format_percent(value, format="#,##0%")


@remembered
def month_name(month: date) -> str:
    """ "Mar 2026" in the page's language."""
    return format_date(month, "MMM y")


@remembered
def month_part(month: date, pattern: str) -> str:
    """One part of a month's name ("LLL": "Mar", "y": "2026") in the page's language."""
    return format_date(month, pattern)


@remembered
def _fraction(numerator: int, denominator: int) -> str:
    """ "41 of 52" """
    return _(
        "%(numerator)s of %(denominator)s",
        numerator=count(numerator),
        denominator=count(denominator),
    )


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
    return percent(value)


def fraction(cell: Cell, minimum_cell: int) -> str:
    """ "41 of 52", or nothing when the cell is hidden or empty."""
    if cell.is_suppressed or not cell.denominator:
        return ""
    return _fraction(cell.numerator, cell.denominator)


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
    return _("target %(target)s", target=percent(definition.target))


def period_name(months: tuple[date, ...]) -> str:
    first, last = months[0], months[-1]
    if first == last:
        return format_date(first, "MMMM y")
    return _("%(first)s to %(last)s", first=month_name(first), last=month_name(last))
