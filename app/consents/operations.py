"""State changes of consents: record one given to staff, revoke one. Flush, audit, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import Membership
from app.clinics.models import PartnerOrganization
from app.consents.labels import DATA_LABELS, STAFF_METHODS
from app.consents.models import Consent, ConsentMethod, Recipient
from app.consents.queries import RECIPIENT_FOR_PARTNER
from app.core.audit import AuditAction, record_audit
from app.core.errors import DomainError
from app.core.roles import Role
from app.db import now_utc
from app.extensions import db
from app.families.models import Caregiver, Household
from app.inbox.operations import notify
from app.referrals.models import REFERRAL_NEEDS, Referral

NOTE_LIMIT = 2000


def _caregiver(household: Household, caregiver_id: int | None) -> Caregiver:
    caregiver = db.session.get(Caregiver, caregiver_id) if caregiver_id else None
    if caregiver is None or caregiver.household_id != household.id:
        raise DomainError(_("Choose the caregiver of this household who gave consent."),
                          code="caregiver")  # fmt: skip
    return caregiver


def _partner(
    household: Household, recipient: Recipient, partner_id: int | None
) -> PartnerOrganization | None:
    if partner_id is None:
        return None
    partner = db.session.get(PartnerOrganization, partner_id)
    if partner is None or partner.clinic_id != household.clinic_id or not partner.is_active:
        raise DomainError(_("Choose one of the clinic's active partner organizations."),
                          code="partner")  # fmt: skip
    if RECIPIENT_FOR_PARTNER[partner.kind] != recipient:
        raise DomainError(
            _("%(partner)s is not a recipient of this kind.", partner=partner.name),
            code="partner",
        )
    return partner


def _scope(needs: Iterable[str], data: Iterable[str]) -> tuple[list[str], list[str]]:
    needs, data = sorted(set(needs)), sorted(set(data))
    if not needs:
        raise DomainError(_("Choose at least one need the family agrees to share."),
                          code="needs_required")  # fmt: skip
    if any(need not in REFERRAL_NEEDS for need in needs):
        raise DomainError(_("Choose needs from the list."), code="unknown_need")
    if not data or any(item not in DATA_LABELS for item in data):
        raise DomainError(_("Choose what the recipient may see."), code="data_required")
    return needs, [item for item in DATA_LABELS if item in data]


def record_consent(
    household: Household,
    *,
    caregiver_id: int | None,
    recipient: Recipient,
    partner_organization_id: int | None,
    scope_needs: Iterable[str],
    scope_data: Iterable[str],
    method: ConsentMethod,
    expires_at: datetime | None,
    recorded_by_id: int,
) -> Consent:
    """Record a consent a caregiver gave to staff (aloud or on paper); refused input writes nothing."""
    caregiver = _caregiver(household, caregiver_id)
    partner = _partner(household, recipient, partner_organization_id)
    needs, data = _scope(scope_needs, scope_data)
    if method not in STAFF_METHODS:
        raise DomainError(_("Choose how the family gave consent."), code="method")
    moment = now_utc()
    if expires_at is not None and expires_at <= moment:
        raise DomainError(_("The expiry date must be in the future."), code="expiry_past")
    consent = Consent(
        clinic_id=household.clinic_id, household_id=household.id, caregiver_id=caregiver.id,
        recipient=recipient, partner_organization_id=partner.id if partner else None,
        scope_needs=needs, scope_data=data, method=method, recorded_by_id=recorded_by_id,
        granted_at=moment, expires_at=expires_at,
    )  # fmt: skip
    db.session.add(consent)
    record_audit(AuditAction.CREATE, consent,
                 details={"recipient": recipient.value, "needs": needs, "data": data})  # fmt: skip
    return consent


def revoke_consent(consent: Consent, *, user_id: int, note: str) -> Consent:
    """Withdraw the consent now: partners lose sight of its referrals at once and are told so."""
    note = note.strip()
    if consent.revoked_at is not None:
        raise _already_revoked()
    if not note:
        raise DomainError(_("Say how the family withdrew consent."), code="note_required")
    if len(note) > NOTE_LIMIT:
        raise DomainError(_("The note is too long."), code="note_too_long")
    # A conditional UPDATE: of two people revoking at once, the second is told it is done already.
    moment = now_utc()
    claimed = db.session.execute(
        sa.update(Consent)
        .where(Consent.id == consent.id, Consent.revoked_at.is_(None))
        .values(revoked_at=moment, revoked_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise _already_revoked()
    set_committed_value(consent, "revoked_at", moment)
    set_committed_value(consent, "revoked_by_id", user_id)
    # The schema has no column for the note: the audit event of the revocation keeps it.
    record_audit(AuditAction.UPDATE, consent,
                 details={"fields": ["revoked_at", "revoked_by_id"], "note": note})  # fmt: skip
    db.session.flush()
    _tell_partners(consent)
    return consent


def _already_revoked() -> DomainError:
    return DomainError(_("This consent was already revoked."), code="already_revoked")


def _tell_partners(consent: Consent) -> None:
    """Users of each organization a referral under this consent was sent to: one notice each."""
    users = db.session.scalars(
        sa.select(Membership.user_id)
        .join(Referral, Referral.partner_organization_id == Membership.partner_organization_id)
        .where(
            Referral.consent_id == consent.id,
            Referral.requested_at.is_not(None),
            Membership.clinic_id == consent.clinic_id,
            Membership.role == Role.PARTNER,
            Membership.is_active,
        )
        .distinct()
    )
    user_ids = list(users)
    if user_ids:
        # No referral id: the notice says only that something is no longer shared.
        notify(consent.clinic_id, user_ids, "consent_revoked", link_endpoint="partners.index")
