"""Screening rows: responses, flags, family priorities, licensed instrument texts, clinic settings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, UTCDateTime, enum_column, now_utc


class ResponseSource(enum.StrEnum):
    PARENT_DEVICE = "parent_device"
    KIOSK = "kiosk"
    STAFF_ENTERED = "staff_entered"

    @property
    def label(self) -> str:
        return str(SOURCE_LABELS[self])


SOURCE_LABELS = {
    ResponseSource.PARENT_DEVICE: _l("Parent's phone"),
    ResponseSource.KIOSK: _l("Clinic tablet"),
    ResponseSource.STAFF_ENTERED: _l("Entered by staff from paper"),
}


class ResponseStatus(enum.StrEnum):
    FINAL = "final"
    ENTERED_IN_ERROR = "entered_in_error"


class Subject(enum.StrEnum):
    CHILD = "child"
    CAREGIVER = "caregiver"
    HOUSEHOLD = "household"


class ScreeningResponse(TimestampMixin, Base):
    """One completed (or partly completed) instrument, scored when it was submitted."""

    __tablename__ = "screening_responses"
    __table_args__ = (
        # The client's submission id makes a repeated or re-sent submission a no-op.
        sa.UniqueConstraint("clinic_id", "client_submission_id"),
        sa.Index("ix_screening_responses_household_submitted", "household_id", "submitted_at"),
        # The dashboards read a clinic's screens by month.
        sa.Index("ix_screening_responses_clinic_submitted", "clinic_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    #: The child whose visit the screen belongs to (caregiver and household screens too).
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"), index=True)
    #: The caregiver who answered (and, for caregiver instruments, who is screened).
    caregiver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("caregivers.id"))
    appointment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointments.id"), index=True)
    #: The link or kiosk session it was answered through, if any.
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("screening_invitations.id"), index=True
    )
    instrument_key: Mapped[str] = mapped_column(sa.String(40))
    instrument_version: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[Subject] = mapped_column(enum_column(Subject, "subject"))
    language: Mapped[str] = mapped_column(sa.String(16))
    #: Item id → answer code, exactly as answered; unanswered items are absent.
    answers: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    total_score: Mapped[int | None] = mapped_column()
    answered_total: Mapped[int | None] = mapped_column()
    band: Mapped[str | None] = mapped_column(sa.String(40))
    is_positive: Mapped[bool | None] = mapped_column()
    is_complete: Mapped[bool] = mapped_column()
    source: Mapped[ResponseSource] = mapped_column(enum_column(ResponseSource, "response_source"))
    status: Mapped[ResponseStatus] = mapped_column(
        enum_column(ResponseStatus, "response_status"), default=ResponseStatus.FINAL
    )
    client_submission_id: Mapped[str] = mapped_column(sa.String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    error_reason: Mapped[str | None] = mapped_column(sa.Text)
    marked_in_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    marked_in_error_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    flags: Mapped[list[Flag]] = relationship(back_populates="response", order_by="Flag.id")
    caregiver = relationship("Caregiver")
    child = relationship("Child")
    appointment = relationship("Appointment")
    entered_by = relationship("User", foreign_keys=[entered_by_id])

    @property
    def is_in_error(self) -> bool:
        return self.status == ResponseStatus.ENTERED_IN_ERROR

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id, "household_id": self.household_id}


class FlagKind(enum.StrEnum):
    POSITIVE = "positive"
    CRITICAL = "critical"


class FlagAction(enum.StrEnum):
    """What the clinician did about a critical answer."""

    ASSESSED = "assessed"
    WARM_HANDOFF = "warm_handoff"
    EMERGENCY_SERVICES = "emergency_services"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(FLAG_ACTION_LABELS[self])


FLAG_ACTION_LABELS = {
    FlagAction.ASSESSED: _l("Assessed safety with the caregiver today"),
    FlagAction.WARM_HANDOFF: _l("Warm handoff to behavioral health or a navigator"),
    FlagAction.EMERGENCY_SERVICES: _l("Called emergency services or crisis line"),
    FlagAction.OTHER: _l("Other (described in the note)"),
}


class Flag(Base):
    """A positive screen or a critical answer; a critical one stays open until a clinician acts."""

    __tablename__ = "screening_flags"
    __table_args__ = (
        sa.CheckConstraint(
            "(acknowledged_at IS NULL) = (action IS NULL)", name="acknowledged_with_action"
        ),
        sa.Index("ix_screening_flags_clinic_open", "clinic_id", "kind", "acknowledged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("screening_responses.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"), index=True)
    kind: Mapped[FlagKind] = mapped_column(enum_column(FlagKind, "flag_kind"))
    #: "phq-9", "phq-9:phq-9" (item 9), "family-checkin:food", …
    code: Mapped[str] = mapped_column(sa.String(80))
    item_id: Mapped[str | None] = mapped_column(sa.String(40))
    need: Mapped[str | None] = mapped_column(sa.String(40))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[FlagAction | None] = mapped_column(enum_column(FlagAction, "flag_action"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: When the manager on duty was told that a critical answer was still waiting (once per flag).
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[ScreeningResponse] = relationship(back_populates="flags")
    acknowledged_by = relationship("User")

    @property
    def is_open(self) -> bool:
        return self.kind == FlagKind.CRITICAL and self.acknowledged_at is None

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id, "household_id": self.household_id}


class WantsHelp(enum.StrEnum):
    YES = "yes"
    NOT_NOW = "not_now"
    NO = "no"


class FamilyPriority(Base):
    """What a family said it wants help with, need by need, in one check-in."""

    __tablename__ = "family_priorities"
    __table_args__ = (sa.UniqueConstraint("response_id", "need"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("screening_responses.id"))
    need: Mapped[str] = mapped_column(sa.String(40))
    wants_help: Mapped[WantsHelp] = mapped_column(enum_column(WantsHelp, "wants_help"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    response: Mapped[ScreeningResponse] = relationship()


class InstrumentText(Base):
    """A licensed instrument's wording in one language, loaded by a clinic that holds permission."""

    __tablename__ = "instrument_texts"
    __table_args__ = (
        sa.UniqueConstraint("clinic_id", "instrument_key", "instrument_version", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    instrument_key: Mapped[str] = mapped_column(sa.String(40))
    instrument_version: Mapped[str] = mapped_column(sa.String(16))
    language: Mapped[str] = mapped_column(sa.String(16))
    #: Where the wording comes from, and the permission held (e.g. "RCPsych licence 2026-114").
    source: Mapped[str] = mapped_column(sa.Text)
    #: {"title": …, "stem": …, "items": {item id: {"text": …, "options": {code: text}}}}
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class ScreeningSetting(TimestampMixin, Base):
    """A clinic's choice for one instrument: offered or not, at which visits, how long a screen counts."""

    __tablename__ = "screening_settings"
    __table_args__ = (
        sa.UniqueConstraint("clinic_id", "instrument_key"),
        sa.CheckConstraint("validity_days BETWEEN 0 AND 730", name="validity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    instrument_key: Mapped[str] = mapped_column(sa.String(40))
    is_enabled: Mapped[bool] = mapped_column()
    #: Visit kinds at which it is due; an empty list means "at any visit once the last one has expired".
    visit_kinds: Mapped[list[str]] = mapped_column(sa.JSON)
    #: A screen of the household this recent counts, for this child and for siblings.
    validity_days: Mapped[int] = mapped_column()
