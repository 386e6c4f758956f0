"""Named reads of consents: which consent, if any, lets a partner receive a family's need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.accounts.models import User
from app.clinics.models import PartnerKind, PartnerOrganization
from app.consents.models import Consent, Recipient
from app.core.audit import AuditAction, AuditEvent
from app.db import now_utc
from app.extensions import db
from app.families.models import Caregiver

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


def is_for(consent: Consent, partner: PartnerOrganization, household_id: int, need: str) -> bool:
    """Whether `consent`, active or not, is the family's word about `partner` receiving `need`."""
    return (
        consent.household_id == household_id
        and consent.clinic_id == partner.clinic_id
        and consent.recipient == RECIPIENT_FOR_PARTNER[partner.kind]
        and consent.partner_organization_id in (None, partner.id)
        and need in consent.scope_needs
    )


@dataclass(frozen=True)
class ConsentRow:
    """A consent with the names the household's consent list shows next to it."""

    consent: Consent
    caregiver: str | None
    organization: str | None
    recorded_by: str | None
    revoked_by: str | None
    revocation_note: str | None

    def status(self, moment: datetime) -> str:
        if self.consent.revoked_at is not None:
            return "revoked"
        return "active" if self.consent.is_active_at(moment) else "expired"


def consent_rows(household_id: int) -> list[ConsentRow]:
    """Every consent of the household with who gave, recorded and revoked it; newest first."""
    recorder, revoker = sa.orm.aliased(User), sa.orm.aliased(User)
    rows = db.session.execute(
        sa.select(
            Consent,
            Caregiver.given_name, Caregiver.family_name, PartnerOrganization.name,
            recorder.full_name, revoker.full_name,
        )
        .outerjoin(Caregiver, Caregiver.id == Consent.caregiver_id)
        .outerjoin(PartnerOrganization, PartnerOrganization.id == Consent.partner_organization_id)
        .outerjoin(recorder, recorder.id == Consent.recorded_by_id)
        .outerjoin(revoker, revoker.id == Consent.revoked_by_id)
        .where(Consent.household_id == household_id)
        .order_by(Consent.granted_at.desc(), Consent.id.desc())
    ).all()  # fmt: skip
    notes = _revocation_notes([row[0].id for row in rows if row[0].revoked_at is not None])
    return [
        ConsentRow(consent, f"{given} {family}" if given else None, organization, recorded_by,
                   revoked_by, notes.get(str(consent.id)))
        for consent, given, family, organization, recorded_by, revoked_by in rows
    ]  # fmt: skip


def _revocation_notes(consent_ids: list[int]) -> dict[str, str]:
    """The note given when each consent was revoked, kept in the revocation's audit event."""
    if not consent_ids:
        return {}
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.object_type == Consent.__tablename__,
            AuditEvent.object_id.in_([str(i) for i in consent_ids]),
            AuditEvent.action == AuditAction.UPDATE.value,
        )
    )
    return {
        event.object_id: event.details["note"]
        for event in events
        if event.details and "revoked_at" in event.details.get("fields", [])
    }
