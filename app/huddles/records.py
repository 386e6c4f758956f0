"""Huddle records for practice managers: a month of huddles — which clinic days had a daily huddle
and which did not, who attended, how much was written and decided, how much of it got done.

A fixed number of statements for any month, however many huddles, notes or visits it holds.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.appointments.models import Appointment, AppointmentStatus
from app.core.clock import clinic_zone, day_bounds_utc
from app.extensions import db
from app.followups.models import FollowUp
from app.huddles.models import Huddle, HuddleAttendee, HuddleKind, HuddleNote

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
#: Monday to Friday: a weekday with visits and no daily huddle is a missed huddle.
WORKDAYS = frozenset(range(5))


def parse_month(raw: str | None, today: date) -> tuple[date, str | None]:
    """The first day of the month asked for (YYYY-MM), or of this month with an error message."""
    this_month = today.replace(day=1)
    if not raw:
        return this_month, None
    found = MONTH_PATTERN.match(raw.strip())
    if found and 1900 < int(found[1]) < 3000 and 1 <= int(found[2]) <= 12:
        return date(int(found[1]), int(found[2]), 1), None
    return this_month, _(
        "Enter the month as year and month, for example %(example)s. This month is shown instead.",
        example=this_month.isoformat()[:7],
    )


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class HuddleRecord:
    huddle: Huddle
    attendees: list[User]
    notes: int
    action_items: int
    action_items_done: int


@dataclass
class DayRecord:
    day: date
    visits: int = 0
    huddles: list[HuddleRecord] = field(default_factory=list)

    @property
    def has_daily_huddle(self) -> bool:
        return any(r.huddle.kind == HuddleKind.DAILY for r in self.huddles)

    @property
    def is_clinic_day(self) -> bool:
        """A weekday with visits: the team is expected to huddle."""
        return self.visits > 0 and self.day.weekday() in WORKDAYS


@dataclass
class MonthRecords:
    month: date
    today: date
    days: list[DayRecord]

    @property
    def huddles(self) -> list[HuddleRecord]:
        return [record for day in self.days for record in day.huddles]

    @property
    def previous_month(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)

    @property
    def next_month(self) -> date:
        return _next_month(self.month)

    def is_missed(self, day: DayRecord) -> bool:
        """A clinic day, already here, with no daily huddle."""
        return day.is_clinic_day and day.day <= self.today and not day.has_daily_huddle

    @property
    def clinic_days(self) -> list[DayRecord]:
        return [d for d in self.days if d.is_clinic_day and d.day <= self.today]

    @property
    def days_with_daily_huddle(self) -> int:
        return sum(d.has_daily_huddle for d in self.clinic_days)

    @property
    def action_items(self) -> int:
        return sum(r.action_items for r in self.huddles)

    @property
    def action_items_done(self) -> int:
        return sum(r.action_items_done for r in self.huddles)


def _huddles(clinic_id: int, first: date, last: date) -> list[Huddle]:
    return list(
        db.session.scalars(
            sa.select(Huddle)
            .where(Huddle.clinic_id == clinic_id, Huddle.held_on.between(first, last))
            .options(
                joinedload(Huddle.site),
                selectinload(Huddle.attendees).joinedload(HuddleAttendee.user),
            )
            .order_by(Huddle.held_on, Huddle.started_at, Huddle.id)
        )
    )


def _note_counts(huddle_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(HuddleNote.huddle_id, sa.func.count(HuddleNote.id))
        .where(HuddleNote.huddle_id.in_(huddle_ids))
        .group_by(HuddleNote.huddle_id)
    )
    return dict(rows.all())


def _action_item_counts(huddle_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Huddle → (action items opened in it, how many of them are done)."""
    done = sa.func.sum(sa.case((FollowUp.done_at.is_not(None), 1), else_=0))
    rows = db.session.execute(
        sa.select(FollowUp.huddle_id, sa.func.count(FollowUp.id), done)
        .where(FollowUp.huddle_id.in_(huddle_ids))
        .group_by(FollowUp.huddle_id)
    )
    return {huddle_id: (opened, int(closed or 0)) for huddle_id, opened, closed in rows}


def _visits_per_day(clinic_id: int, first: date, last: date) -> Counter[date]:
    """Local day → the clinic's visits that day (cancelled ones left out)."""
    zone = clinic_zone()
    start, _first_end = day_bounds_utc(first, zone)
    _last_start, end = day_bounds_utc(last, zone)
    times = db.session.scalars(
        sa.select(Appointment.scheduled_at).where(
            Appointment.clinic_id == clinic_id,
            Appointment.scheduled_at >= start,
            Appointment.scheduled_at < end,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    )
    # The local day is worked out here: the database has no portable time-zone conversion.
    return Counter(at.astimezone(zone).date() for at in times)


def month_records(clinic_id: int, month: date, today: date) -> MonthRecords:
    """Every day of the month that had visits or a huddle, with its huddles."""
    first, last = month, _next_month(month) - timedelta(days=1)
    huddles = _huddles(clinic_id, first, last)
    ids = [h.id for h in huddles]
    notes = _note_counts(ids) if ids else {}
    items = _action_item_counts(ids) if ids else {}
    by_day: dict[date, list[HuddleRecord]] = defaultdict(list)
    for h in huddles:
        opened, done = items.get(h.id, (0, 0))
        by_day[h.held_on].append(
            HuddleRecord(h, [a.user for a in h.attendees], notes.get(h.id, 0), opened, done)
        )
    visits = _visits_per_day(clinic_id, first, last)
    days = [
        DayRecord(day, visits.get(day, 0), by_day.get(day, []))
        for day in sorted(set(visits) | set(by_day))
    ]
    return MonthRecords(month, today, days)
