"""The months a dashboard covers, and how a row's time falls into one of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from app.db import now_utc

#: Five years of months: longer periods are a data export, not a page.
MAX_MONTHS = 60


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_number(month: date) -> int:
    """Months since year 0, as `sqlfn.month_number` counts them in SQL."""
    return month.year * 12 + month.month - 1


def months_between(first: date, last: date) -> list[date]:
    """First days of the months from `first` to `last`, both included."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def parse_month(text: str | None) -> date | None:
    """'2026-03' → 1 March 2026; None for anything else."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1) if 1900 < year < 3000 else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Scope:
    """Whose figures and over which months: one clinic, optionally one site, local calendar months."""

    clinic_id: int
    zone: ZoneInfo
    months: tuple[date, ...]
    site_id: int | None = None
    #: "Today" in the clinic, for measures that only count what is already due.
    today: date | None = None
    #: Every unit, whatever its month (for building stored units; `months` then only sets the
    #: UTC offset), and optionally only those of some households.
    all_time: bool = False
    households: tuple[int, ...] | None = None

    @classmethod
    def everything(
        cls, clinic_id: int, zone: ZoneInfo, households: tuple[int, ...] | None = None
    ) -> Scope:
        this_month = now_utc().astimezone(zone).date().replace(day=1)
        return cls(clinic_id, zone, (this_month,), all_time=True, households=households)

    @property
    def starts_at(self) -> datetime:
        return self.month_start(self.months[0])

    @property
    def ends_at(self) -> datetime:
        return self.month_start(add_months(self.months[-1], 1))

    @property
    def first_day(self) -> date:
        return self.months[0]

    @property
    def end_day(self) -> date:
        """The day after the period (exclusive bound for date columns)."""
        return add_months(self.months[-1], 1)

    def month_start(self, month: date) -> datetime:
        return datetime.combine(month, time.min, tzinfo=self.zone).astimezone(UTC)

    @property
    def utc_offset_minutes(self) -> int:
        """The zone's standard offset. Visits are in the daytime, so a summer hour never moves one
        across midnight; that is all `local_date` is used for."""
        offset = datetime(self.months[0].year, 1, 15, 12, tzinfo=self.zone).utcoffset()
        return int(offset.total_seconds() // 60) if offset else 0

    def in_period(self, at: ColumnElement[Any], *, is_date: bool = False) -> ColumnElement[bool]:
        if self.all_time:
            return sa.true()
        if is_date:
            return sa.and_(at >= self.first_day, at < self.end_day)
        return sa.and_(at >= self.starts_at, at < self.ends_at)

    def of_households(self, household_id: ColumnElement[Any]) -> list[ColumnElement[bool]]:
        """The condition keeping only the scope's households (none when it has them all)."""
        return [] if self.households is None else [household_id.in_(self.households)]

    def numbered_in_period(self, number: ColumnElement[int]) -> ColumnElement[bool]:
        """`in_period` for a month number (`month_number`) kept with each row."""
        if self.all_time:
            return sa.true()
        return number.between(month_number(self.months[0]), month_number(self.months[-1]))

    def month_index(self, at: ColumnElement[Any], *, is_date: bool = False) -> ColumnElement[int]:
        """0 for the first month of the period, 1 for the next…; rows are already in the period.
        (Rows that keep their month number need no comparisons: `number − month_number(first)`.)"""
        bounds = [add_months(m, 1) for m in self.months[:-1]]
        if not is_date:
            bounds = [self.month_start(b) for b in bounds]
        if not bounds:
            return sa.literal_column("0")
        return sa.case(*((at < bound, i) for i, bound in enumerate(bounds)), else_=len(bounds))
