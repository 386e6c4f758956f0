"""Follow-up tasks (action items) with an owner and a due date, and contact attempts with families."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, UTCDateTime, enum_column, now_utc


class FollowUpSource(enum.StrEnum):
    REFERRAL = "referral"
    HUDDLE = "huddle"
    MANUAL = "manual"
    REVIEW = "review"


class FollowUp(TimestampMixin, Base):
    """A task about one family: who does it, by when, done or not."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        sa.Index("ix_follow_ups_assignee_open", "assignee_id", "done_at", "due_on"),
        sa.Index("ix_follow_ups_clinic_open", "clinic_id", "done_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"))
    referral_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    #: The huddle whose action item this is.
    huddle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("huddles.id"), index=True)
    source: Mapped[FollowUpSource] = mapped_column(
        enum_column(FollowUpSource, "follow_up_source"), default=FollowUpSource.MANUAL
    )
    #: What to do, in staff words; never more health detail than the task needs.
    title: Mapped[str] = mapped_column(sa.String(300))
    assignee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Set when the clinic's rule (e.g. three failed contact attempts) asks for a review.
    needs_review_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assignee = relationship("User", foreign_keys=[assignee_id])
    household = relationship("Household")
    child = relationship("Child")
    referral = relationship("Referral")
    attempts: Mapped[list[ContactAttempt]] = relationship(
        back_populates="follow_up", order_by="ContactAttempt.attempted_at"
    )

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id, "household_id": self.household_id}


class ContactMethod(enum.StrEnum):
    CALL = "call"
    TEXT = "text"
    IN_PERSON = "in_person"
    HOME_VISIT = "home_visit"

    @property
    def label(self) -> str:
        return str(CONTACT_METHOD_LABELS[self])


CONTACT_METHOD_LABELS = {
    ContactMethod.CALL: _l("Phone call"),
    ContactMethod.TEXT: _l("Text message"),
    ContactMethod.IN_PERSON: _l("In person"),
    ContactMethod.HOME_VISIT: _l("Home visit"),
}


class ContactAttempt(Base):
    """One try at reaching a family, reached or not (practice C4: contact between visits)."""

    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    follow_up_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_ups.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    method: Mapped[ContactMethod] = mapped_column(enum_column(ContactMethod, "contact_method"))
    is_reached: Mapped[bool] = mapped_column()
    note: Mapped[str | None] = mapped_column(sa.Text)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    attempted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    follow_up: Mapped[FollowUp | None] = relationship(back_populates="attempts")
    attempted_by = relationship("User")

    def audit_refs(self) -> dict[str, Any]:
        return {"household_id": self.household_id}
