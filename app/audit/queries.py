"""Filtered reads of the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.audit import AuditEvent
from app.core.clock import day_bounds_utc
from app.extensions import db


@dataclass(frozen=True)
class AuditFilter:
    actor_user_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    child_id: int | None = None
    household_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def filtered_events(clinic_id: int, criteria: AuditFilter, zone: ZoneInfo) -> sa.Select:
    """The clinic's events matching every criterion, newest first."""
    query = sa.select(AuditEvent).where(AuditEvent.clinic_id == clinic_id)
    for column, value in (
        (AuditEvent.actor_user_id, criteria.actor_user_id),
        (AuditEvent.action, criteria.action),
        (AuditEvent.object_type, criteria.object_type),
        (AuditEvent.child_id, criteria.child_id),
        (AuditEvent.household_id, criteria.household_id),
    ):
        if value:
            query = query.where(column == value)
    if criteria.date_from:
        query = query.where(AuditEvent.occurred_at >= day_bounds_utc(criteria.date_from, zone)[0])
    if criteria.date_to:
        query = query.where(AuditEvent.occurred_at < day_bounds_utc(criteria.date_to, zone)[1])
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def page_of_events(query: sa.Select, page: int, size: int) -> tuple[list[AuditEvent], bool]:
    """One page of events and whether there is another after it."""
    rows = list(db.session.scalars(query.offset((page - 1) * size).limit(size + 1)))
    return rows[:size], len(rows) > size


def object_types(clinic_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.object_type)
            .where(AuditEvent.clinic_id == clinic_id, AuditEvent.object_type.is_not(None))
            .distinct()
            .order_by(AuditEvent.object_type)
        )
    )
