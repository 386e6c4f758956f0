"""Referral rows (a ServiceRequest with its Task, in FHIR terms) and their event history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, UTCDateTime, enum_column, now_utc
from app.screening.explain import CHECKIN_NEEDS

#: What a referral can be for: the family check-in's needs, and the needs a visit brings up.
REFERRAL_NEEDS = (*CHECKIN_NEEDS, "caregiver_depression", "child_development", "parenting")


class ReferralStatus(enum.StrEnum):
    """The Gravity SDOH Clinical Care referral Task states (TaskStatus minus ready and received)."""

    DRAFT = "draft"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ENTERED_IN_ERROR = "entered-in-error"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


STATUS_LABELS = {
    ReferralStatus.DRAFT: _l("Draft"),
    ReferralStatus.REQUESTED: _l("Requested"),
    ReferralStatus.ACCEPTED: _l("Accepted"),
    ReferralStatus.REJECTED: _l("Declined"),
    ReferralStatus.IN_PROGRESS: _l("In progress"),
    ReferralStatus.ON_HOLD: _l("On hold"),
    ReferralStatus.COMPLETED: _l("Completed"),
    ReferralStatus.FAILED: _l("Could not be completed"),
    ReferralStatus.CANCELLED: _l("Cancelled"),
    ReferralStatus.ENTERED_IN_ERROR: _l("Entered in error"),
}

OPEN_STATUSES = frozenset(
    {
        ReferralStatus.DRAFT,
        ReferralStatus.REQUESTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.ON_HOLD,
    }
)


class ReferralTarget(enum.StrEnum):
    """Who the referral is to: an internal team, or a partner organization."""

    HEALTHYSTEPS_SPECIALIST = "healthysteps_specialist"
    DULCE_FAMILY_SPECIALIST = "dulce_family_specialist"
    COMMUNITY_HEALTH_WORKER = "community_health_worker"
    SOCIAL_WORKER = "social_worker"
    BEHAVIORAL_HEALTH = "behavioral_health"
    PARTNER = "partner"

    @property
    def label(self) -> str:
        return str(TARGET_LABELS[self])

    @property
    def is_internal(self) -> bool:
        return self != ReferralTarget.PARTNER


TARGET_LABELS = {
    ReferralTarget.HEALTHYSTEPS_SPECIALIST: _l("HealthySteps specialist"),
    ReferralTarget.DULCE_FAMILY_SPECIALIST: _l("DULCE family specialist"),
    ReferralTarget.COMMUNITY_HEALTH_WORKER: _l("Community health worker"),
    ReferralTarget.SOCIAL_WORKER: _l("Social worker"),
    ReferralTarget.BEHAVIORAL_HEALTH: _l("Behavioral health"),
    ReferralTarget.PARTNER: _l("Partner organization"),
}


class IhelpDomain(enum.StrEnum):
    """Legal-need domains of a medical-legal partnership referral (I-HELP)."""

    INCOME = "income"
    HOUSING_UTILITIES = "housing_utilities"
    EDUCATION_EMPLOYMENT = "education_employment"
    LEGAL_STATUS = "legal_status"
    PERSONAL_FAMILY_STABILITY = "personal_family_stability"

    @property
    def label(self) -> str:
        return str(IHELP_LABELS[self])


IHELP_LABELS = {
    IhelpDomain.INCOME: _l("Income (benefits, insurance)"),
    IhelpDomain.HOUSING_UTILITIES: _l("Housing and utilities"),
    IhelpDomain.EDUCATION_EMPLOYMENT: _l("Education and employment"),
    IhelpDomain.LEGAL_STATUS: _l("Legal status (immigration)"),
    IhelpDomain.PERSONAL_FAMILY_STABILITY: _l("Personal and family stability (custody, safety)"),
}


class ReasonCode(enum.StrEnum):
    """Why a referral changed status (Gravity's business-status reasons, in the clinic's words)."""

    COULD_NOT_CONTACT = "could_not_contact"
    NO_CAPACITY = "no_capacity"
    NOT_ELIGIBLE = "not_eligible"
    FAMILY_DECLINED = "family_declined"
    NEED_RESOLVED = "need_resolved"
    SERVICE_PROVIDED = "service_provided"
    WRONG_SERVICE = "wrong_service"
    DUPLICATE = "duplicate"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self])


REASON_LABELS = {
    ReasonCode.COULD_NOT_CONTACT: _l("Could not contact the family"),
    ReasonCode.NO_CAPACITY: _l("No capacity now"),
    ReasonCode.NOT_ELIGIBLE: _l("Family not eligible"),
    ReasonCode.FAMILY_DECLINED: _l("Family declined"),
    ReasonCode.NEED_RESOLVED: _l("The need was resolved another way"),
    ReasonCode.SERVICE_PROVIDED: _l("Service provided"),
    ReasonCode.WRONG_SERVICE: _l("Not the right service for this need"),
    ReasonCode.DUPLICATE: _l("Duplicate referral"),
    ReasonCode.CONSENT_WITHDRAWN: _l("The family withdrew consent"),
    ReasonCode.OTHER: _l("Other (described in the note)"),
}


class Side(enum.StrEnum):
    """Which party made a transition: the clinic that asked, the team or partner that answers."""

    REQUESTER = "requester"
    RESPONDER = "responder"
    SYSTEM = "system"


class Referral(TimestampMixin, Base):
    """One need of one family sent to one team or organization, followed until the loop closes."""

    __tablename__ = "referrals"
    __table_args__ = (
        sa.CheckConstraint(
            "(target = 'partner') = (partner_organization_id IS NOT NULL)",
            name="partner_for_partner_target",
        ),
        sa.Index("ix_referrals_clinic_status", "clinic_id", "status"),
        sa.Index("ix_referrals_partner_status", "partner_organization_id", "status"),
        sa.Index("ix_referrals_household", "household_id", "requested_at"),
        sa.Index("ix_referrals_clinic_requested", "clinic_id", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"), index=True)
    #: The visit it was made at, when it was made at one (warm handoffs always are).
    appointment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointments.id"))
    #: Family check-in need code (food, housing, …, stress_support) or "caregiver_depression".
    need: Mapped[str] = mapped_column(sa.String(40))
    ihelp_domain: Mapped[IhelpDomain | None] = mapped_column(
        enum_column(IhelpDomain, "ihelp_domain")
    )
    target: Mapped[ReferralTarget] = mapped_column(enum_column(ReferralTarget, "referral_target"))
    partner_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_organizations.id")
    )
    #: The directory service chosen for a community referral.
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directory_services.id"))
    is_warm_handoff: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "referral_status"), default=ReferralStatus.DRAFT
    )
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: The person on the responder's side who took it on (navigator or partner user).
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The consent that lets this referral reach a partner; none is needed inside the clinic.
    consent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consents.id"))
    #: What the family wants help with, in words the recipient needs — never screening scores.
    request_note: Mapped[str | None] = mapped_column(sa.Text)
    #: What was done, reported by the responder when the loop closes.
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set once when nobody accepted a warm handoff in time and the front desk and manager were told.
    handoff_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Two people acting at once: the second is told to reload instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.id"
    )
    reasons: Mapped[list[ReferralReason]] = relationship(back_populates="referral")
    household = relationship("Household")
    child = relationship("Child")
    partner_organization = relationship("PartnerOrganization")
    service = relationship("DirectoryService")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    owner = relationship("User", foreign_keys=[owner_user_id])
    consent = relationship("Consent")

    @property
    def minutes_to_accept(self) -> float | None:
        if self.requested_at is None or self.accepted_at is None:
            return None
        return (self.accepted_at - self.requested_at).total_seconds() / 60

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id, "household_id": self.household_id}


class ReferralReason(Base):
    """A flag or a family priority that motivated the referral."""

    __tablename__ = "referral_reasons"
    __table_args__ = (
        sa.CheckConstraint("(flag_id IS NULL) <> (priority_id IS NULL)", name="flag_or_priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    flag_id: Mapped[int | None] = mapped_column(sa.ForeignKey("screening_flags.id"))
    priority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("family_priorities.id"))

    referral: Mapped[Referral] = relationship(back_populates="reasons")
    flag = relationship("Flag")
    priority = relationship("FamilyPriority")


class ReferralEvent(Base):
    """One transition: who, which side, when, from and to which status, why."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"))
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    from_status: Mapped[ReferralStatus | None] = mapped_column(
        enum_column(ReferralStatus, "referral_from_status")
    )
    to_status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "referral_to_status")
    )
    side: Mapped[Side] = mapped_column(enum_column(Side, "referral_side"))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason_code: Mapped[ReasonCode | None] = mapped_column(
        enum_column(ReasonCode, "referral_reason_code")
    )
    note: Mapped[str | None] = mapped_column(sa.Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor = relationship("User")
