"""Reading back what the database holds after an action: row counts, audit events, appointments."""

from __future__ import annotations

import sqlalchemy as sa

from app.appointments.models import Appointment
from app.core.audit import AuditEvent


def count(db_session, model) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(model))


def events(db_session, action: str, **where) -> list[AuditEvent]:
    """Audit events with this action (and these column values), oldest first."""
    query = sa.select(AuditEvent).where(AuditEvent.action == action)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db_session.scalars(query.order_by(AuditEvent.id)))


def appointments_of(db_session, clinic) -> list[Appointment]:
    return list(
        db_session.scalars(
            sa.select(Appointment)
            .where(Appointment.clinic_id == clinic.id)
            .order_by(Appointment.id)
        )
    )
