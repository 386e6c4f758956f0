"""Invitation rows: one family's access to the screens due, through a random token stored hashed."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, UTCDateTime, enum_column, now_utc


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"
    QR = "qr"
    KIOSK = "kiosk"

    @property
    def label(self) -> str:
        return str(CHANNEL_LABELS[self])


CHANNEL_LABELS = {
    Channel.SMS: _l("Text message"),
    Channel.EMAIL: _l("E-mail"),
    Channel.QR: _l("QR code or link"),
    Channel.KIOSK: _l("Clinic tablet"),
}


class InvitationStatus(enum.StrEnum):
    SENT = "sent"
    OPENED = "opened"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    EXPIRED = "expired"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    InvitationStatus.SENT: _l("Sent"),
    InvitationStatus.OPENED: _l("Opened"),
    InvitationStatus.IN_PROGRESS: _l("In progress"),
    InvitationStatus.COMPLETED: _l("Completed"),
    InvitationStatus.EXPIRED: _l("Expired"),
    InvitationStatus.REVOKED: _l("Revoked"),
}


class Invitation(TimestampMixin, Base):
    """A link (or kiosk session) for one household to answer the screens due at one visit."""

    __tablename__ = "screening_invitations"
    __table_args__ = (
        sa.Index("ix_screening_invitations_clinic_created", "clinic_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointments.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"))
    caregiver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("caregivers.id"))
    #: SHA-256 of the random token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Instrument keys the family is asked to answer, in order.
    instruments: Mapped[list[str]] = mapped_column(sa.JSON)
    language: Mapped[str] = mapped_column(sa.String(16))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "invitation_channel"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    household = relationship("Household")
    child = relationship("Child")
    caregiver = relationship("Caregiver")
    appointment = relationship("Appointment")

    def status_at(self, moment: datetime) -> InvitationStatus:
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.completed_at is not None:
            return InvitationStatus.COMPLETED
        if moment >= self.expires_at:
            return InvitationStatus.EXPIRED
        if self.started_at is not None:
            return InvitationStatus.IN_PROGRESS
        if self.opened_at is not None:
            return InvitationStatus.OPENED
        return InvitationStatus.SENT

    @property
    def status(self) -> InvitationStatus:
        return self.status_at(now_utc())

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id, "household_id": self.household_id}
