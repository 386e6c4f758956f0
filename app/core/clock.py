"""The clinic's local date and time: "today" means today where the clinic is."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import g

from app.db import now_utc


def clinic_zone() -> ZoneInfo:
    clinic = g.get("clinic")
    return ZoneInfo(clinic.timezone if clinic is not None else "UTC")


def clinic_today() -> date:
    return now_utc().astimezone(clinic_zone()).date()


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def day_bounds_utc(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which the local `day` begins and the next one begins."""
    return local_to_utc(day, time.min, zone), local_to_utc(day + timedelta(days=1), time.min, zone)


def whole_months_between(born: date, on: date) -> int:
    """Completed months of age on `on` (a child born 31 January is 1 month old on 28 February only from 1 March)."""
    months = (on.year - born.year) * 12 + on.month - born.month
    return months - (1 if on.day < born.day else 0)
