"""A family at a visit, its consent, a directory service, and referrals moved through the machine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.appointments.models import Appointment
from app.clinics.models import Clinic, PartnerOrganization
from app.consents.models import Consent, ConsentMethod
from app.consents.operations import record_consent
from app.consents.queries import RECIPIENT_FOR_PARTNER
from app.directory.models import DirectoryOrganization, DirectoryService
from app.extensions import db
from app.families.models import Caregiver, Child, Household
from app.referrals.models import ReasonCode, Referral, ReferralStatus, ReferralTarget, Side
from app.referrals.operations import open_referral, transition_referral
from app.referrals.rules import NEEDS_OUTCOME, NEEDS_REASON

S = ReferralStatus

#: How to reach each status from a new draft: the moves, each made by the side allowed to.
PATHS: dict[ReferralStatus, tuple[tuple[ReferralStatus, Side], ...]] = {
    S.DRAFT: (),
    S.REQUESTED: ((S.REQUESTED, Side.REQUESTER),),
    S.ACCEPTED: ((S.REQUESTED, Side.REQUESTER), (S.ACCEPTED, Side.RESPONDER)),
    S.REJECTED: ((S.REQUESTED, Side.REQUESTER), (S.REJECTED, Side.RESPONDER)),
    S.IN_PROGRESS: (
        (S.REQUESTED, Side.REQUESTER), (S.ACCEPTED, Side.RESPONDER),
        (S.IN_PROGRESS, Side.RESPONDER),
    ),
    S.ON_HOLD: (
        (S.REQUESTED, Side.REQUESTER), (S.ACCEPTED, Side.RESPONDER),
        (S.IN_PROGRESS, Side.RESPONDER), (S.ON_HOLD, Side.RESPONDER),
    ),
    S.COMPLETED: ((S.REQUESTED, Side.REQUESTER), (S.ACCEPTED, Side.RESPONDER),
                  (S.COMPLETED, Side.RESPONDER)),
    S.FAILED: ((S.REQUESTED, Side.REQUESTER), (S.ACCEPTED, Side.RESPONDER),
               (S.FAILED, Side.RESPONDER)),
    S.CANCELLED: ((S.REQUESTED, Side.REQUESTER), (S.CANCELLED, Side.REQUESTER)),
    S.ENTERED_IN_ERROR: ((S.ENTERED_IN_ERROR, Side.REQUESTER),),
}  # fmt: skip


@dataclass
class Family:
    household: Household
    caregiver: Caregiver
    child: Child
    appointment: Appointment


def family(make, clinic: Clinic, name: str = "Rivera", **caregiver: Any) -> Family:
    household = make.household(clinic, name=name)
    caregiver.setdefault("given_name", "Ana")
    carer = make.caregiver(household, **caregiver)
    child = make.child(household, given_name="Mateo")
    return Family(household, carer, child, make.appointment(child))


def consent_for(
    family: Family, partner: PartnerOrganization, recorded_by_id: int, needs=("food",), **fields
) -> Consent:
    fields.setdefault("expires_at", None)
    fields.setdefault("partner_organization_id", None)
    return record_consent(
        family.household, caregiver_id=family.caregiver.id,
        recipient=RECIPIENT_FOR_PARTNER[partner.kind], scope_needs=needs,
        scope_data=("contact", "needs"), method=ConsentMethod.VERBAL,
        recorded_by_id=recorded_by_id, **fields,
    )  # fmt: skip


def directory_service(
    clinic: Clinic,
    partner: PartnerOrganization | None = None,
    name: str = "Saturday food pantry",
    needs=("food",),
) -> DirectoryService:
    organization = DirectoryOrganization(
        clinic_id=clinic.id, external_id=f"org-{name}", name=f"{name} organization",
        partner_organization_id=partner.id if partner else None,
    )  # fmt: skip
    service = DirectoryService(
        clinic_id=clinic.id, organization=organization, external_id=f"svc-{name}", name=name,
        need_domains=list(needs), languages=["en", "es"], phone="+1 555 0199",
    )  # fmt: skip
    db.session.add_all([organization, service])
    db.session.flush()
    return service


def refer(
    family: Family,
    requester_id: int,
    target: ReferralTarget = ReferralTarget.HEALTHYSTEPS_SPECIALIST,
    need: str = "food",
    **fields: Any,
) -> Referral:
    return open_referral(
        household=family.household, child=family.child, requested_by_id=requester_id, need=need,
        target=target, **fields,
    )  # fmt: skip


def move(
    referral: Referral, target: ReferralStatus, side: Side, actor_id: int, **fields: Any
) -> Referral:
    """One move with what it needs: a reason where one is required, an outcome to complete."""
    if target in NEEDS_REASON:
        fields.setdefault("reason_code", ReasonCode.FAMILY_DECLINED)
    if target in NEEDS_OUTCOME:
        fields.setdefault("outcome", "Food box picked up on Saturday")
    return transition_referral(
        referral, target, actor_user_id=actor_id, side=side,
        expected_version=referral.version, **fields,
    )  # fmt: skip


def bring_to(
    referral: Referral, status: ReferralStatus, requester_id: int, responder_id: int
) -> Referral:
    """Walk a new draft to `status`."""
    for target, side in PATHS[status]:
        actor = requester_id if side == Side.REQUESTER else responder_id
        move(referral, target, side, actor)
    return referral
