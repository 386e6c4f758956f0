"""How each metric finds its units: one SELECT per metric, the same for figures and drill-down.

A measure's SELECT returns one row per unit (a visit, a screen, a referral, a day…) in the scope,
with these labelled columns:

- ``unit_id`` — the id of the row the unit is (stored metrics only: see `store.py`);
- ``at`` — the instant (or, with ``at_is_date``, the date) that puts the unit in a month;
- ``child_id``, ``household_id`` — whom it is about (None for team days);
- ``site_id``, ``clinician_id``, ``visit_kind`` — for breakdowns (None when the unit has none);
- ``in_<i>`` / ``hit_<i>`` — 1 or 0 for each variant ``i``: is the unit in the denominator, and in
  the numerator;
- ``value`` — optional: what a mean or median is taken of (practices at a visit, days to close).

A stored metric's SELECT also honours `Scope.all_time` and `Scope.households`, and leaves "only
what is due by today" to `until_today`: its units are worked out once and kept, and a unit that
is not yet due today will be tomorrow.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString
from sqlalchemy.sql.expression import ColumnElement

from app.dashboards.periods import Scope


@dataclass(frozen=True)
class Variant:
    """One row of a metric: an instrument, a practice, a tier… ("all" when a metric has one)."""

    key: str
    label: str | LazyString


ALL = (Variant("all", ""),)


class UntilToday(enum.Enum):
    """Units counted only once their day has come: before today, or up to and including it."""

    BEFORE = "before"
    THROUGH = "through"


def no_settings(_scope: Scope) -> tuple[()]:
    return ()


@dataclass(frozen=True)
class Measure:
    units: Callable[[Scope], sa.Select[Any]]
    variants: Callable[[Scope], tuple[Variant, ...]]
    at_is_date: bool = False
    until_today: UntilToday | None = None
    #: Kept in `metric_units` and refreshed per household (False: counted from the rows each time).
    is_stored: bool = True
    #: The clinic settings the units depend on besides the variants (a changed value rebuilds).
    settings: Callable[[Scope], Hashable] = no_settings


MEASURES: dict[str, Measure] = {}


def measure(
    key: str,
    *,
    variants: Callable[[Scope], tuple[Variant, ...]] | None = None,
    at_is_date: bool = False,
    until_today: UntilToday | None = None,
    is_stored: bool = True,
    settings: Callable[[Scope], Hashable] = no_settings,
) -> Callable[[Callable[[Scope], sa.Select[Any]]], Callable[[Scope], sa.Select[Any]]]:
    """Register the function building a metric's units under the definition's key."""

    def register(units: Callable[[Scope], sa.Select[Any]]) -> Callable[[Scope], sa.Select[Any]]:
        MEASURES[key] = Measure(
            units, variants or (lambda _scope: ALL), at_is_date, until_today, is_stored, settings
        )
        return units

    return register


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 when `condition` holds, else 0 (summable on every engine)."""
    return sa.case((condition, 1), else_=0)
