"""The demo clinic's referrals, made through the operations a care team uses: a warm handoff waiting
now, a legal referral new in the legal partner's portal, a community referral to a directory
service, a loop closed by the community health worker, and an overdue follow-up."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from app.accounts.queries import staff_with_role
from app.appointments.models import Appointment
from app.appointments.queries import appointments_on_day
from app.clinics.models import PartnerKind
from app.clinics.queries import partner_organizations_of
from app.consents.models import ConsentMethod
from app.consents.operations import record_consent
from app.consents.queries import RECIPIENT_FOR_PARTNER
from app.core.roles import NavigatorKind, Role
from app.directory.queries import services_for_need
from app.extensions import db
from app.families.models import Household
from app.followups.models import ContactMethod
from app.followups.operations import create_follow_up, record_contact_attempt
from app.referrals.models import IhelpDomain, ReferralStatus, ReferralTarget, Side
from app.referrals.operations import open_referral, transition_referral


def _families(clinic_id: int, today: date, zone: ZoneInfo) -> list[Appointment]:
    """Today's visits of distinct households, in time order."""
    seen, visits = set(), []
    for appointment in appointments_on_day(clinic_id, today, zone):
        if appointment.child.household_id not in seen:
            seen.add(appointment.child.household_id)
            visits.append(appointment)
    return visits


def seed_referrals(clinic_id: int, today: date, zone: ZoneInfo) -> int:
    """Referrals and a follow-up for five of today's families; returns the referrals made."""
    visits = _families(clinic_id, today, zone)[:5]
    clinician = staff_with_role(clinic_id, Role.CLINICIAN)[0].id
    chw = staff_with_role(clinic_id, Role.NAVIGATOR, NavigatorKind.COMMUNITY_HEALTH_WORKER)[0].id
    partners = {p.kind: p for p in partner_organizations_of(clinic_id)}
    handoff, legal, food, transport, follow = visits
    open_referral(
        household=handoff.child.household, child=handoff.child, requested_by_id=clinician,
        need="stress_support", target=ReferralTarget.HEALTHYSTEPS_SPECIALIST,
        is_warm_handoff=True, appointment_id=handoff.id,
        request_note="First-time parent, feeling overwhelmed; would like to talk today.",
    )  # fmt: skip
    _to_partner(legal.child.household, partners[PartnerKind.LEGAL_AID], clinician, "legal",
                "Landlord has not fixed the heat; the family wants advice on their rights.",
                IhelpDomain.HOUSING_UTILITIES, legal)  # fmt: skip
    _to_partner(food.child.household, partners[PartnerKind.COMMUNITY], clinician, "food",
                "Would like a food pantry close to home, open on Saturdays.", None, food)  # fmt: skip
    closed = open_referral(
        household=transport.child.household, child=transport.child, requested_by_id=clinician,
        need="transportation", target=ReferralTarget.COMMUNITY_HEALTH_WORKER,
    )  # fmt: skip
    for status, outcome in ((ReferralStatus.ACCEPTED, ""),
                            (ReferralStatus.COMPLETED, "Gave bus passes for the next three visits.")):  # fmt: skip
        transition_referral(closed, status, actor_user_id=chw, side=Side.RESPONDER,
                            expected_version=closed.version, outcome=outcome)  # fmt: skip
    _overdue_follow_up(follow, chw, clinician, today)
    return 4


def _to_partner(household: Household, partner, clinician: int, need: str, note: str,
                domain: IhelpDomain | None, visit: Appointment) -> None:  # fmt: skip
    record_consent(
        household, caregiver_id=household.primary_caregiver.id,
        recipient=RECIPIENT_FOR_PARTNER[partner.kind],
        partner_organization_id=partner.id, scope_needs=[need], scope_data=["contact", "needs"],
        method=ConsentMethod.VERBAL, expires_at=None, recorded_by_id=clinician,
    )  # fmt: skip
    service = next(
        (s for s in services_for_need(household.clinic_id, need)
         if s.organization.partner_organization_id == partner.id), None,
    )  # fmt: skip
    open_referral(
        household=household, child=visit.child, requested_by_id=clinician, need=need,
        target=ReferralTarget.PARTNER, partner_organization_id=partner.id,
        service_id=service.id if service else None, ihelp_domain=domain, request_note=note,
        appointment_id=visit.id,
    )  # fmt: skip


def _overdue_follow_up(visit: Appointment, chw: int, clinician: int, today: date) -> None:
    follow_up = create_follow_up(
        household=visit.child.household, child=visit.child,
        title="Call about the diaper bank and the WIC appointment", assignee_id=chw,
        due_on=today - timedelta(days=2), created_by_id=clinician,
    )  # fmt: skip
    for _ in range(2):
        record_contact_attempt(follow_up, method=ContactMethod.CALL, is_reached=False,
                               note="No answer; left a voicemail.", user_id=chw)  # fmt: skip
    db.session.flush()
