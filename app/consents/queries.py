"""Named reads of consents: which consent, if any, lets a partner receive a family's need."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.clinics.models import PartnerKind, PartnerOrganization
from app.consents.models import Consent, Recipient
from app.db import now_utc
from app.extensions import db

#: The consent recipient that stands for each kind of partner organization.
RECIPIENT_FOR_PARTNER = {
    PartnerKind.LEGAL_AID: Recipient.LEGAL_PARTNER,
    PartnerKind.COMMUNITY: Recipient.COMMUNITY_PARTNERS,
}


def _covering(partner: PartnerOrganization, household_id: int, need: str, moment: datetime):
    return sa.select(Consent).where(
        Consent.household_id == household_id,
        Consent.clinic_id == partner.clinic_id,
        Consent.recipient == RECIPIENT_FOR_PARTNER[partner.kind],
        sa.or_(
            Consent.partner_organization_id.is_(None),
            Consent.partner_organization_id == partner.id,
        ),
        Consent.revoked_at.is_(None),
        sa.or_(Consent.expires_at.is_(None), Consent.expires_at > moment),
    )


def covering_consent(
    partner: PartnerOrganization, household_id: int, need: str, moment: datetime | None = None
) -> Consent | None:
    """The newest active consent letting `partner` receive this household's `need`, or None."""
    moment = moment or now_utc()
    rows = db.session.scalars(
        _covering(partner, household_id, need, moment).order_by(Consent.granted_at.desc())
    )
    # scope_needs is a JSON list: matched here, portably, among the household's few consents.
    return next((consent for consent in rows if need in consent.scope_needs), None)


def consents_of_household(household_id: int) -> list[Consent]:
    """Every consent of the household, newest first, revoked and expired ones included."""
    return list(
        db.session.scalars(
            sa.select(Consent)
            .where(Consent.household_id == household_id)
            .order_by(Consent.granted_at.desc(), Consent.id.desc())
        )
    )
