"""The demo clinic's visits: this week's schedule and each child's earlier well-child visits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from app.appointments.models import VISIT_AGE_DAYS, Appointment, AppointmentStatus, VisitKind
from app.appointments.operations import schedule_appointment
from app.clinics.models import Site
from app.core.clock import local_to_utc
from app.families.models import Caregiver, Child

#: "This week" on the demo schedule: today and three days either side.
WEEK_RADIUS = timedelta(days=3)
#: Every well-child visit of the schedule, youngest first.
DUE_KINDS = tuple(VISIT_AGE_DAYS)
#: Group well-child visits (CenteringParenting-style) bring together infants of similar age.
GROUP_KINDS = frozenset({VisitKind.MONTH_2, VisitKind.MONTH_4, VisitKind.MONTH_6})
GROUP_TIME = time(12, 30)
SLOT = timedelta(minutes=15)
OPENS, CLOSES = time(8, 30), time(16, 30)


def _slot_times() -> tuple[time, ...]:
    """15-minute visit starts from opening to closing, leaving the group hour free."""
    first, last = (datetime.combine(date.min, at) for at in (OPENS, CLOSES))
    starts = (first + SLOT * n for n in range((last - first) // SLOT))
    group_ends = (datetime.combine(date.min, GROUP_TIME) + timedelta(hours=1)).time()
    return tuple(s.time() for s in starts if not GROUP_TIME <= s.time() < group_ends)


SLOTS = _slot_times()


def age_drift(rng: Random, kind: VisitKind) -> int:
    """How many days past the typical age for `kind` a child comes; later visits drift more."""
    typical = VISIT_AGE_DAYS[kind]
    if typical <= VISIT_AGE_DAYS[VisitKind.DAYS_3_5]:
        return rng.randint(0, 1)
    spread = 4 if typical <= VISIT_AGE_DAYS[VisitKind.MONTH_2] else 10
    return rng.randint(-spread // 2, spread)


def week_days(today: date) -> list[date]:
    """Clinic days of this week: weekdays within three days of today, and today itself.

    Today is always open so the demo's "today" screens are never empty, even on a weekend.
    """
    offsets = range(-WEEK_RADIUS.days, WEEK_RADIUS.days + 1)
    days = (today + timedelta(days=offset) for offset in offsets)
    return [day for day in days if day == today or day.weekday() < 5]


def _nearest_weekday(day: date) -> date:
    """`day`, or the Friday before a Saturday, or the Monday after a Sunday."""
    return day + timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))


def _interpreter(contact: Caregiver) -> dict[str, Any]:
    """Visits of families who asked for an interpreter book one in the caregiver's language."""
    if not contact.needs_interpreter:
        return {}
    return {"needs_interpreter": True, "interpreter_language": contact.preferred_language}


@dataclass
class DemoSchedule:
    """Books demo visits on the clinicians' free time; each works at one site a day."""

    today: date
    zone: ZoneInfo
    rng: Random
    sites: tuple[Site, ...]
    clinician_ids: tuple[int, ...]
    #: Times already given to a clinician on a day, so nobody is double-booked.
    taken: dict[tuple[date, int], set[time]] = field(default_factory=dict)

    def visit_day(self, age_at_visit: int, *, is_today: bool) -> date:
        """Today, or another clinic day this week on which the child is already born."""
        days = [
            day
            for day in week_days(self.today)
            if day != self.today and day - timedelta(days=age_at_visit) <= self.today
        ]
        return self.rng.choice(days) if days and not is_today else self.today

    def book_visits(self, child: Child, due: VisitKind, due_day: date, contact: Caregiver) -> None:
        """The child's earlier visits, then the one due this week (some as group visits)."""
        self._book_history(child, due, due_day, contact)
        is_group = due in GROUP_KINDS and self.rng.random() < 0.4
        self._book(child, due_day, due, contact, is_group=is_group)

    def _book_history(
        self, child: Child, due: VisitKind, due_day: date, contact: Caregiver
    ) -> None:
        """The visits before the one due this week, each near its age, on a weekday after birth."""
        previous = child.date_of_birth
        for kind in DUE_KINDS[: DUE_KINDS.index(due)]:
            age = VISIT_AGE_DAYS[kind] + age_drift(self.rng, kind)
            day = _nearest_weekday(child.date_of_birth + timedelta(days=max(age, 0)))
            if previous < day < self.today and day != due_day:
                self._book(child, day, kind, contact)
                previous = day

    def _book(
        self,
        child: Child,
        day: date,
        kind: VisitKind,
        contact: Caregiver,
        *,
        is_group: bool = False,
    ) -> Appointment | None:
        """Put one visit on a clinician's free time that day; visits before today have happened."""
        slot = self._free_slot(day, child.primary_clinician_id, is_group=is_group)
        if slot is None:
            return None
        clinician_id, at = slot
        return schedule_appointment(
            child,
            scheduled_at=local_to_utc(day, at, self.zone),
            visit_kind=kind,
            clinician_id=clinician_id,
            site_id=self._site_of(clinician_id, day).id,
            status=self._status(day),
            is_group_visit=is_group,
            **_interpreter(contact),
        )

    def _free_slot(
        self, day: date, preferred_id: int | None, *, is_group: bool
    ) -> tuple[int, time] | None:
        """A free time of the child's clinician that day, else of another; None if all are full."""
        preferred_id = preferred_id or self.clinician_ids[0]
        if is_group:
            return preferred_id, GROUP_TIME
        others = [c for c in self.clinician_ids if c != preferred_id]
        for clinician_id in (preferred_id, *others):
            taken = self.taken.setdefault((day, clinician_id), set())
            free = [at for at in SLOTS if at not in taken]
            if free:
                at = self.rng.choice(free)
                taken.add(at)
                return clinician_id, at
        return None

    def _site_of(self, clinician_id: int, day: date) -> Site:
        """Clinicians swap sites daily, so every site is busy every day."""
        position = self.clinician_ids.index(clinician_id)
        return self.sites[(position + day.toordinal()) % len(self.sites)]

    def _status(self, day: date) -> AppointmentStatus:
        """Visits before today were kept, except for the occasional no-show."""
        if day >= self.today:
            return AppointmentStatus.SCHEDULED
        missed = self.rng.random() < 0.12
        return AppointmentStatus.NO_SHOW if missed else AppointmentStatus.COMPLETED
