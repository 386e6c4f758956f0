"""Small hand-built worlds for the metric tests: a clinic, a scope, visits and screens at set times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.appointments.models import AppointmentStatus, VisitKind
from app.dashboards import store
from app.dashboards import tally as tallies
from app.dashboards.periods import Scope, months_between
from app.extensions import db

PHQ2_NEGATIVE = {"phq-1": "0", "phq-2": "0"}
PHQ2_POSITIVE = {"phq-1": "2", "phq-2": "2"}


def scope_of(
    clinic, first: date, last: date | None = None, site=None, today: date | None = None
) -> Scope:
    return Scope(
        clinic_id=clinic.id,
        zone=ZoneInfo(clinic.timezone),
        months=tuple(months_between(first, last or first)),
        site_id=site.id if site is not None else None,
        today=today or date(2030, 1, 1),
    )


def tally(definition, scope: Scope, by, minimum_cell: int) -> tallies.MetricTally:
    """A metric's figures as a page reads them: the stored units brought up to date first."""
    store.refresh(scope.clinic_id)
    return tallies.tally(definition, scope, by, minimum_cell)


def at(day: date, hour: int = 14) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def visit(
    make,
    child,
    day: date,
    kind: VisitKind = VisitKind.MONTH_2,
    status=AppointmentStatus.COMPLETED,
    **fields,
):
    appointment = make.appointment(child, at=at(day), visit_kind=kind, **fields)
    appointment.status = status
    db.session.flush()
    return appointment


def screen(
    make, appointment, key: str, answers: dict[str, str], *, minutes_before: int = 20, **fields
):
    return make.screen(
        appointment,
        key,
        answers,
        submitted_at=appointment.scheduled_at - timedelta(minutes=minutes_before),
        **fields,
    )
