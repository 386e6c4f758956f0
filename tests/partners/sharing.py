"""A family, its consent to a partner organization, and a referral sent under it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.clinics.models import PartnerKind, PartnerOrganization
from app.consents.models import Consent, ConsentMethod
from app.consents.operations import record_consent
from app.consents.queries import RECIPIENT_FOR_PARTNER
from app.families.models import Caregiver, Child, Household
from app.referrals.models import IhelpDomain, Referral, ReferralTarget
from app.referrals.operations import open_referral

EVERYTHING = ("contact", "child", "needs")


@dataclass
class Shared:
    household: Household
    caregiver: Caregiver
    child: Child
    consent: Consent
    referral: Referral


def consent_to(
    household: Household,
    partner: PartnerOrganization,
    caregiver: Caregiver,
    recorded_by_id: int,
    needs: tuple[str, ...] = ("legal",),
    data: tuple[str, ...] = EVERYTHING,
    **fields: Any,
) -> Consent:
    fields.setdefault("partner_organization_id", partner.id)
    fields.setdefault("expires_at", None)
    return record_consent(
        household, caregiver_id=caregiver.id, recipient=RECIPIENT_FOR_PARTNER[partner.kind],
        scope_needs=needs, scope_data=data, method=ConsentMethod.VERBAL,
        recorded_by_id=recorded_by_id, **fields,
    )  # fmt: skip


def refer(
    make,
    clinic,
    partner: PartnerOrganization,
    requester,
    *,
    need: str = "legal",
    data: tuple[str, ...] = EVERYTHING,
    consent_needs: tuple[str, ...] | None = None,
    family: str = "Rivera",
    caregiver_name: str = "Ana",
    child_name: str = "Mateo",
    phone: str = "+1 555 0100",
    note: str = "Eviction notice on the door",
    submit: bool = True,
    **referral: Any,
) -> Shared:
    """A new household referred to `partner` for `need`, its consent sharing `data`."""
    household = make.household(clinic, name=family)
    caregiver = make.caregiver(household, given_name=caregiver_name, phone=phone)
    child = make.child(household, given_name=child_name)
    consent = consent_to(household, partner, caregiver, requester.user_id,
                         needs=consent_needs or (need,), data=data)  # fmt: skip
    if partner.kind == PartnerKind.LEGAL_AID:
        referral.setdefault("ihelp_domain", IhelpDomain.HOUSING_UTILITIES)
    sent = open_referral(
        household=household, child=child, requested_by_id=requester.user_id, need=need,
        target=ReferralTarget.PARTNER, partner_organization_id=partner.id, request_note=note,
        submit=submit, **referral,
    )  # fmt: skip
    return Shared(household, caregiver, child, consent, sent)
