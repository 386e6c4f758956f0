"""Named reads of a user's notifications."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.inbox.models import Notification


def unread_count(user_id: int, clinic_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user_id,
                Notification.clinic_id == clinic_id,
                Notification.read_at.is_(None),
            )
        )
        or 0
    )


def recent_notifications(user_id: int, clinic_id: int, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user_id, Notification.clinic_id == clinic_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )
