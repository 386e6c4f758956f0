"""Clinic, Site and PartnerOrganization rows."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, enum_column


class Clinic(TimestampMixin, Base):
    """A practice: every family's record belongs to exactly one clinic."""

    __tablename__ = "clinics"
    __table_args__ = (
        sa.CheckConstraint(
            "critical_flag_escalation_minutes BETWEEN 1 AND 1440", name="escalation_minutes_range"
        ),
        sa.CheckConstraint(
            "handoff_accept_minutes BETWEEN 1 AND 240", name="handoff_minutes_range"
        ),
        sa.CheckConstraint(
            "failed_contacts_before_review BETWEEN 1 AND 20", name="failed_contacts_range"
        ),
        sa.CheckConstraint("small_cell_minimum BETWEEN 1 AND 100", name="small_cell_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: Language used for pages when neither the user nor the browser names one we have.
    default_locale: Mapped[str] = mapped_column(sa.String(10), default="en")
    #: IANA zone: "today", appointment times and dates on pages are in this zone.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/New_York")
    #: Minutes a critical answer may wait for a clinician before the manager on duty is told.
    critical_flag_escalation_minutes: Mapped[int] = mapped_column(
        default=30, server_default=sa.text("30")
    )
    #: Minutes a warm handoff may wait for a navigator before the front desk and manager are told.
    handoff_accept_minutes: Mapped[int] = mapped_column(default=10, server_default=sa.text("10"))
    #: Failed contact attempts on a follow-up after which it is flagged for review.
    failed_contacts_before_review: Mapped[int] = mapped_column(
        default=3, server_default=sa.text("3")
    )
    #: Minutes during which a huddle note's author may still edit it; after that it is read-only.
    huddle_note_edit_minutes: Mapped[int] = mapped_column(default=15, server_default=sa.text("15"))
    #: Breakdown cells counting fewer units than this are hidden on dashboards and reports, so no
    #: family can be singled out (11, as in the CMS cell-size suppression policy).
    small_cell_minimum: Mapped[int] = mapped_column(default=11, server_default=sa.text("11"))
    #: The practice manager told about waiting critical answers; every active manager when unset.
    on_duty_manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", use_alter=True)
    )

    sites: Mapped[list[Site]] = relationship(back_populates="clinic", order_by="Site.name")


class Site(Base):
    """A location of a clinic where visits happen."""

    __tablename__ = "sites"
    __table_args__ = (sa.UniqueConstraint("clinic_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))

    clinic: Mapped[Clinic] = relationship(back_populates="sites")


class PartnerKind(enum.StrEnum):
    LEGAL_AID = "legal_aid"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        return str(PARTNER_KIND_LABELS[self])


PARTNER_KIND_LABELS = {
    PartnerKind.LEGAL_AID: _l("Legal partner (medical-legal partnership)"),
    PartnerKind.COMMUNITY: _l("Community organization"),
}


class PartnerOrganization(TimestampMixin, Base):
    """An outside organization the clinic works with; its users see only what is sent to them."""

    __tablename__ = "partner_organizations"
    __table_args__ = (sa.UniqueConstraint("clinic_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind, "partner_kind"))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    is_active: Mapped[bool] = mapped_column(default=True)
