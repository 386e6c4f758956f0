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
