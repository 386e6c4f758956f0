"""Named reads of the schedule; eager loading chosen here so lists cost a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.appointments.models import Appointment
from app.core.clock import day_bounds_utc
from app.extensions import db
from app.families.models import Child, Household


def _with_family():
    return (
        joinedload(Appointment.child)
        .joinedload(Child.household)
        .selectinload(Household.caregivers),
        joinedload(Appointment.clinician),
        joinedload(Appointment.site),
    )


def appointments_on_day(
    clinic_id: int,
    day: date,
    zone: ZoneInfo,
    *,
    site_id: int | None = None,
    clinician_id: int | None = None,
) -> list[Appointment]:
    """The clinic's appointments on its local `day`, in time order."""
    start, end = day_bounds_utc(day, zone)
    query = sa.select(Appointment).where(
        Appointment.clinic_id == clinic_id,
        Appointment.scheduled_at >= start,
        Appointment.scheduled_at < end,
    )
    if site_id:
        query = query.where(Appointment.site_id == site_id)
    if clinician_id:
        query = query.where(Appointment.clinician_id == clinician_id)
    query = query.options(*_with_family()).order_by(Appointment.scheduled_at, Appointment.id)
    return list(db.session.scalars(query).unique())


def appointments_for_children(child_ids: Sequence[int]) -> list[Appointment]:
    """Every appointment of these children, newest first."""
    if not child_ids:
        return []
    query = (
        sa.select(Appointment)
        .where(Appointment.child_id.in_(child_ids))
        .options(
            joinedload(Appointment.clinician),
            joinedload(Appointment.site),
            joinedload(Appointment.child),
        )
        .order_by(Appointment.scheduled_at.desc())
    )
    return list(db.session.scalars(query))


def count_appointments_between(
    clinic_id: int, start_day: date, end_day: date, zone: ZoneInfo
) -> int:
    start, _ = day_bounds_utc(start_day, zone)
    _, end = day_bounds_utc(end_day, zone)
    return (
        db.session.scalar(
            sa.select(sa.func.count(Appointment.id)).where(
                Appointment.clinic_id == clinic_id,
                Appointment.scheduled_at >= start,
                Appointment.scheduled_at < end,
            )
        )
        or 0
    )
