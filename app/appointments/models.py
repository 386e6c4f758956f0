"""Appointment rows and the well-child visit kinds."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, UTCDateTime, enum_column


class VisitKind(enum.StrEnum):
    """Well-child visits from birth to 3 years (Bright Futures/AAP periodicity schedule)."""

    NEWBORN = "newborn"
    DAYS_3_5 = "3-5d"
    MONTH_1 = "1m"
    MONTH_2 = "2m"
    MONTH_4 = "4m"
    MONTH_6 = "6m"
    MONTH_9 = "9m"
    MONTH_12 = "12m"
    MONTH_15 = "15m"
    MONTH_18 = "18m"
    MONTH_24 = "24m"
    MONTH_30 = "30m"
    MONTH_36 = "36m"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(VISIT_KIND_LABELS[self])

    @property
    def age_in_days(self) -> int | None:
        """The child's typical age at this visit; None for visits outside the schedule."""
        return VISIT_AGE_DAYS.get(self)


VISIT_KIND_LABELS = {
    VisitKind.NEWBORN: _l("Newborn"),
    VisitKind.DAYS_3_5: _l("3–5 days"),
    VisitKind.MONTH_1: _l("1 month"),
    VisitKind.MONTH_2: _l("2 months"),
    VisitKind.MONTH_4: _l("4 months"),
    VisitKind.MONTH_6: _l("6 months"),
    VisitKind.MONTH_9: _l("9 months"),
    VisitKind.MONTH_12: _l("12 months"),
    VisitKind.MONTH_15: _l("15 months"),
    VisitKind.MONTH_18: _l("18 months"),
    VisitKind.MONTH_24: _l("24 months"),
    VisitKind.MONTH_30: _l("30 months"),
    VisitKind.MONTH_36: _l("36 months"),
    VisitKind.OTHER: _l("Other visit"),
}

VISIT_AGE_DAYS = {
    VisitKind.NEWBORN: 1,
    VisitKind.DAYS_3_5: 4,
    VisitKind.MONTH_1: 30,
    VisitKind.MONTH_2: 61,
    VisitKind.MONTH_4: 122,
    VisitKind.MONTH_6: 183,
    VisitKind.MONTH_9: 274,
    VisitKind.MONTH_12: 365,
    VisitKind.MONTH_15: 456,
    VisitKind.MONTH_18: 548,
    VisitKind.MONTH_24: 730,
    VisitKind.MONTH_30: 913,
    VisitKind.MONTH_36: 1095,
}


def nearest_visit_kind(age_in_days: int) -> VisitKind:
    """The scheduled visit whose typical age is closest to the child's (for "other" visits)."""
    return min(VISIT_AGE_DAYS, key=lambda kind: abs(VISIT_AGE_DAYS[kind] - age_in_days))


class AppointmentStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    AppointmentStatus.SCHEDULED: _l("Scheduled"),
    AppointmentStatus.CHECKED_IN: _l("Checked in"),
    AppointmentStatus.COMPLETED: _l("Completed"),
    AppointmentStatus.NO_SHOW: _l("No-show"),
    AppointmentStatus.CANCELLED: _l("Cancelled"),
}


class Appointment(TimestampMixin, Base):
    """One visit of one child at one time."""

    __tablename__ = "appointments"
    __table_args__ = (
        # The same child cannot be booked twice at the same minute: re-imports stay idempotent.
        sa.UniqueConstraint("child_id", "scheduled_at"),
        sa.Index("ix_appointments_clinic_scheduled", "clinic_id", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("children.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    clinician_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visit_kind: Mapped[VisitKind] = mapped_column(enum_column(VisitKind, "visit_kind"))
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status"), default=AppointmentStatus.SCHEDULED
    )
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    #: BCP 47 code of the interpreter's language, when one is needed.
    interpreter_language: Mapped[str | None] = mapped_column(sa.String(16))
    is_group_visit: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(sa.Text)

    child = relationship("Child")
    site = relationship("Site")
    clinician = relationship("User")

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id}
