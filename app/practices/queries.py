"""Named reads of the practice catalogue."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.practices.models import CommonPractice


def practices_of(clinic_id: int) -> list[CommonPractice]:
    return list(
        db.session.scalars(
            sa.select(CommonPractice)
            .where(CommonPractice.clinic_id == clinic_id)
            .order_by(CommonPractice.position)
        )
    )
