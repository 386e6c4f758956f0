"""Huddle rows: a huddle (daily or weekly case review), who attended, and its notes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, UTCDateTime, enum_column, now_utc


class HuddleKind(enum.StrEnum):
    DAILY = "daily"
    CASE_REVIEW = "case_review"

    @property
    def label(self) -> str:
        return str(HUDDLE_KIND_LABELS[self])


HUDDLE_KIND_LABELS = {
    HuddleKind.DAILY: _l("Daily huddle"),
    HuddleKind.CASE_REVIEW: _l("Weekly DULCE case review"),
}


class Huddle(TimestampMixin, Base):
    """One meeting of the care team about the day's families (or the week's open cases)."""

    __tablename__ = "huddles"
    __table_args__ = (
        # One daily huddle per clinic, site and day (site-less = whole clinic): a second "start"
        # joins the one already running instead of splitting the notes.
        sa.UniqueConstraint("clinic_id", "site_scope", "held_on", "kind"),
        sa.Index("ix_huddles_clinic_held_on", "clinic_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"))
    #: site_id, or 0 for a whole-clinic huddle: part of the uniqueness above (NULLs never collide).
    site_scope: Mapped[int] = mapped_column(default=0)
    kind: Mapped[HuddleKind] = mapped_column(enum_column(HuddleKind, "huddle_kind"))
    #: The clinic's local day the huddle is about.
    held_on: Mapped[date] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    started_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attendees: Mapped[list[HuddleAttendee]] = relationship(
        back_populates="huddle", order_by="HuddleAttendee.id"
    )
    notes: Mapped[list[HuddleNote]] = relationship(
        back_populates="huddle", order_by="HuddleNote.created_at"
    )
    site = relationship("Site")
    started_by = relationship("User")

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    def audit_refs(self) -> dict[str, Any]:
        return {}


class HuddleAttendee(Base):
    __tablename__ = "huddle_attendees"
    __table_args__ = (sa.UniqueConstraint("huddle_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    huddle_id: Mapped[int] = mapped_column(sa.ForeignKey("huddles.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    huddle: Mapped[Huddle] = relationship(back_populates="attendees")
    user = relationship("User")


class HuddleNote(Base):
    """A note about one child (or the team, when no family is named). Its author may edit it for
    the clinic's short window; after that it is read-only, and a correction is a new note."""

    __tablename__ = "huddle_notes"
    __table_args__ = (sa.Index("ix_huddle_notes_household_created", "household_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    huddle_id: Mapped[int] = mapped_column(sa.ForeignKey("huddles.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    #: The earlier note this one corrects (append-only: the earlier one stays as it was).
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("huddle_notes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    huddle: Mapped[Huddle] = relationship(back_populates="notes")
    author = relationship("User")
    child = relationship("Child")

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id, "household_id": self.household_id}
