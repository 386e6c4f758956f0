"""Reads behind the role home pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import Membership, User
from app.appointments.models import Appointment, AppointmentStatus
from app.appointments.queries import count_appointments_between
from app.core.clock import day_bounds_utc
from app.extensions import db
from app.families.models import Child, Household, Program, ProgramEnrolment


@dataclass(frozen=True)
class ClinicOverview:
    appointments_today: int
    appointments_week: int
    no_shows_last_30_days: int
    children: int
    households: int
    healthysteps_active: int
    dulce_active: int
    active_members: int


def _count(query: sa.Select) -> int:
    return db.session.scalar(query) or 0


def clinic_overview(clinic_id: int, today: date, zone: ZoneInfo) -> ClinicOverview:
    """Headline numbers for the practice manager and the clinic admin."""
    month_ago = today - timedelta(days=30)
    enrolled = sa.select(sa.func.count(ProgramEnrolment.id)).where(
        ProgramEnrolment.clinic_id == clinic_id, ProgramEnrolment.ended_on.is_(None)
    )
    return ClinicOverview(
        appointments_today=count_appointments_between(clinic_id, today, today, zone),
        appointments_week=count_appointments_between(
            clinic_id, today, today + timedelta(days=6), zone
        ),
        no_shows_last_30_days=_count(
            sa.select(sa.func.count(Appointment.id)).where(
                Appointment.clinic_id == clinic_id,
                Appointment.status == AppointmentStatus.NO_SHOW,
                Appointment.scheduled_at >= day_bounds_utc(month_ago, zone)[0],
                Appointment.scheduled_at < day_bounds_utc(today, zone)[1],
            )
        ),
        children=_count(sa.select(sa.func.count(Child.id)).where(Child.clinic_id == clinic_id)),
        households=_count(
            sa.select(sa.func.count(Household.id)).where(Household.clinic_id == clinic_id)
        ),
        healthysteps_active=_count(
            enrolled.where(ProgramEnrolment.program == Program.HEALTHYSTEPS)
        ),
        dulce_active=_count(enrolled.where(ProgramEnrolment.program == Program.DULCE)),
        active_members=_count(
            sa.select(sa.func.count(Membership.id)).where(
                Membership.clinic_id == clinic_id, Membership.is_active
            )
        ),
    )


def families_of_specialist(user: User) -> list[ProgramEnrolment]:
    """Active DULCE enrolments this family specialist is assigned to, youngest infants first."""
    return list(
        db.session.scalars(
            sa.select(ProgramEnrolment)
            .join(ProgramEnrolment.child)
            .where(
                ProgramEnrolment.family_specialist_id == user.id,
                ProgramEnrolment.ended_on.is_(None),
            )
            .options(
                joinedload(ProgramEnrolment.child)
                .joinedload(Child.household)
                .selectinload(Household.caregivers)
            )
            .order_by(Child.date_of_birth.desc())
        )
    )


def active_enrolments(clinic_id: int, program: Program) -> list[ProgramEnrolment]:
    return list(
        db.session.scalars(
            sa.select(ProgramEnrolment)
            .join(ProgramEnrolment.child)
            .where(
                ProgramEnrolment.clinic_id == clinic_id,
                ProgramEnrolment.program == program,
                ProgramEnrolment.ended_on.is_(None),
            )
            .options(
                joinedload(ProgramEnrolment.child)
                .joinedload(Child.household)
                .selectinload(Household.caregivers),
                joinedload(ProgramEnrolment.family_specialist),
            )
            .order_by(Child.family_name, Child.given_name)
        )
    )
