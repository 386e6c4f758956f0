"""Consent rows: one recipient and scope per row, with method, expiry and revocation."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, enum_column, now_utc


class Recipient(enum.StrEnum):
    """Whom a family may choose to get help from (DESIGN §5)."""

    CLINIC_TEAM = "clinic_team"
    NAVIGATOR = "navigator"
    LEGAL_PARTNER = "legal_partner"
    COMMUNITY_PARTNERS = "community_partners"

    @property
    def label(self) -> str:
        return str(RECIPIENT_LABELS[self])


RECIPIENT_LABELS = {
    Recipient.CLINIC_TEAM: _l("The clinic team"),
    Recipient.NAVIGATOR: _l("A HealthySteps or DULCE specialist or community health worker"),
    Recipient.LEGAL_PARTNER: _l("The clinic's legal partner"),
    Recipient.COMMUNITY_PARTNERS: _l("Community organizations the clinic works with"),
}


class ConsentMethod(enum.StrEnum):
    PARENT_DEVICE = "parent_device"
    KIOSK = "kiosk"
    VERBAL = "verbal"
    SIGNED_PAPER = "signed_paper"


class Consent(Base):
    """A caregiver's permission for one recipient to receive what the scope names."""

    __tablename__ = "consents"
    __table_args__ = (
        sa.Index("ix_consents_household_recipient", "household_id", "recipient"),
        # One consent per recipient per invitation: a resent screener submission changes nothing.
        sa.UniqueConstraint("invitation_id", "recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    caregiver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("caregivers.id"))
    recipient: Mapped[Recipient] = mapped_column(enum_column(Recipient, "consent_recipient"))
    #: One named partner organization; when unset the consent covers every organization of the
    #: recipient kind (the family said "the clinic's legal partner", not which one).
    partner_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_organizations.id")
    )
    #: The needs (family check-in need codes) this consent covers.
    scope_needs: Mapped[list[str]] = mapped_column(sa.JSON)
    #: What the recipient may see: "contact" (caregiver's name, phone, language), "child" (child's
    #: name and age), "needs" (the needs in scope and the request note). Never screening results.
    scope_data: Mapped[list[str]] = mapped_column(
        sa.JSON,
        default=lambda: ["contact", "needs"],
        server_default=sa.text('\'["contact", "needs"]\''),
    )
    method: Mapped[ConsentMethod] = mapped_column(enum_column(ConsentMethod, "consent_method"))
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("screening_invitations.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    def is_active_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or moment < self.expires_at)

    def audit_refs(self) -> dict[str, Any]:
        return {"household_id": self.household_id}
