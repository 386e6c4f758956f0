"""What a partner organization may read of the referrals sent to it: the consent decides, at read time."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.clinics.models import PartnerOrganization
from app.consents.queries import is_for
from app.db import now_utc
from app.extensions import db
from app.families.models import Caregiver, Household
from app.referrals.models import Referral, ReferralStatus

S = ReferralStatus

#: The portal's status filter: what is new to the partner, what it is working on, what is over.
STATUS_GROUPS: dict[str, frozenset[ReferralStatus]] = {
    "new": frozenset({S.REQUESTED}),
    "in_progress": frozenset({S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD}),
    "closed": frozenset({S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED, S.ENTERED_IN_ERROR}),
}


class Sharing(enum.StrEnum):
    """Whether the family's consent still lets the partner see a referral's details."""

    SHARED = "shared"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PartnerReferral:
    """A referral as its partner sees it: the details only while the consent covers them."""

    referral: Referral
    sharing: Sharing
    #: The caregiver the partner may contact (the one who consented), when "contact" is shared.
    caregiver: Caregiver | None

    @property
    def is_shared(self) -> bool:
        return self.sharing == Sharing.SHARED

    @property
    def scope(self) -> frozenset[str]:
        """What the consent lets the partner see: "contact", "child", "needs" — nothing when hidden."""
        return frozenset(self.referral.consent.scope_data) if self.is_shared else frozenset()

    def shows(self, item: str) -> bool:
        return item in self.scope


def _sharing(referral: Referral, partner: PartnerOrganization, moment: datetime) -> Sharing | None:
    """None when the referral's consent never covered this partner and need: it is not theirs to see."""
    consent = referral.consent
    if consent is None or not is_for(consent, partner, referral.household_id, referral.need):
        return None
    if consent.revoked_at is not None:
        return Sharing.WITHDRAWN
    return Sharing.SHARED if consent.is_active_at(moment) else Sharing.EXPIRED


def _contact(referral: Referral) -> Caregiver | None:
    household = referral.household
    chosen = referral.consent.caregiver_id
    return next((c for c in household.caregivers if c.id == chosen), household.primary_caregiver)


def _as_seen(referral: Referral, partner: PartnerOrganization, moment: datetime):
    sharing = _sharing(referral, partner, moment)
    if sharing is None:
        return None
    shares_contact = sharing == Sharing.SHARED and "contact" in referral.consent.scope_data
    return PartnerReferral(referral, sharing, _contact(referral) if shares_contact else None)


def _sent_to(partner: PartnerOrganization) -> sa.Select:
    # A draft has not been sent: the partner never sees one, even if it is later marked in error.
    return (
        sa.select(Referral)
        .where(
            Referral.partner_organization_id == partner.id,
            Referral.clinic_id == partner.clinic_id,
            Referral.requested_at.is_not(None),
        )
        .options(
            joinedload(Referral.consent),
            joinedload(Referral.child),
            selectinload(Referral.household).selectinload(Household.caregivers),
        )
    )


def referrals_for_partner(
    partner: PartnerOrganization, group: str | None = None, moment: datetime | None = None
) -> list[PartnerReferral]:
    """The partner's referrals (newest first) its consent ever covered; hidden ones say so."""
    moment = moment or now_utc()
    query = _sent_to(partner).order_by(Referral.requested_at.desc(), Referral.id.desc())
    if group is not None:
        query = query.where(Referral.status.in_(STATUS_GROUPS[group]))
    seen = (_as_seen(referral, partner, moment) for referral in db.session.scalars(query).unique())
    return [row for row in seen if row is not None]


def referral_for_partner(
    partner: PartnerOrganization, referral_id: int, moment: datetime | None = None
) -> PartnerReferral | None:
    """One referral as the partner sees it, with its history; None if it is not theirs to see."""
    referral = db.session.scalars(
        _sent_to(partner)
        .where(Referral.id == referral_id)
        .options(selectinload(Referral.events))
    ).first()  # fmt: skip
    return _as_seen(referral, partner, moment or now_utc()) if referral is not None else None


def open_counts(partner: PartnerOrganization, moment: datetime | None = None) -> dict[str, int]:
    """How many new and in-progress referrals the partner may currently see."""
    moment = moment or now_utc()
    open_statuses = STATUS_GROUPS["new"] | STATUS_GROUPS["in_progress"]
    referrals = db.session.scalars(
        sa.select(Referral)
        .where(
            Referral.partner_organization_id == partner.id,
            Referral.clinic_id == partner.clinic_id,
            Referral.status.in_(open_statuses),
        )
        .options(joinedload(Referral.consent))
    )
    counted = Counter(
        next(name for name, statuses in STATUS_GROUPS.items() if referral.status in statuses)
        for referral in referrals
        if _sharing(referral, partner, moment) == Sharing.SHARED
    )
    return {"new": counted["new"], "in_progress": counted["in_progress"]}
