"""Rows a clinician writes during a visit: the visit's own notes and the practices delivered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, UTCDateTime, now_utc


class Visit(TimestampMixin, Base):
    """What the clinician records for the family about one appointment (one row per appointment)."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointments.id"), unique=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("children.id"), index=True)
    #: A nurturing moment the clinician noticed and named (practice N3); printed for the family.
    strength_noticed: Mapped[str | None] = mapped_column(sa.Text)
    #: What was arranged and whom to contact, in words for the family; printed on the summary.
    next_steps: Mapped[str | None] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Two clinicians saving at once: the second is told to reload instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id}


class PracticeDelivery(Base):
    """One of the 14 common practices delivered at one visit, by whom, with an optional note."""

    __tablename__ = "practice_deliveries"
    __table_args__ = (sa.UniqueConstraint("appointment_id", "practice_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointments.id"))
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("children.id"), index=True)
    #: The practice's stable code (N1…D4), as in the clinic's catalogue.
    practice_code: Mapped[str] = mapped_column(sa.String(8))
    delivered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    note: Mapped[str | None] = mapped_column(sa.Text)

    delivered_by = relationship("User")

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id}
