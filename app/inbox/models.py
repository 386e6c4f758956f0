"""In-app notifications. A row names what happened to which object; the words are built when shown,
in the reader's language, and never carry health details."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, now_utc


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: What happened: "referral_requested", "handoff_waiting", "referral_accepted", …
    kind: Mapped[str] = mapped_column(sa.String(40))
    referral_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referrals.id"))
    follow_up_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_ups.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
