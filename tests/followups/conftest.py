"""Helpers for follow-up, worklist and warm-handoff tests: families, handoffs, partner referrals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.consents.models import ConsentMethod, Recipient
from app.consents.operations import record_consent
from app.core.roles import NavigatorKind, Role
from app.families.models import Program
from app.families.operations import enrol_in_program
from app.followups.operations import create_follow_up
from app.inbox.models import Notification
from app.referrals.models import IhelpDomain, ReferralTarget
from app.referrals.operations import open_referral


@pytest.fixture
def navigator(make, clinic):
    return make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.HEALTHYSTEPS_SPECIALIST)


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


@pytest.fixture
def manager(make, clinic):
    return make.member(clinic, Role.PRACTICE_MANAGER)


def family(make, clinic, name: str = "Quintero", *, child_name: str = "Tomasito", **child):
    """A household with a Spanish-speaking primary caregiver and one child; returns the child."""
    household = make.household(clinic, name=name)
    make.caregiver(household, given_name="Marisol", preferred_language="es")
    return make.child(household, given_name=child_name, **child)


def follow_up(make, child, assignee, creator, due_on: date | None = None, **fields):
    return create_follow_up(
        household=child.household, child=child, title=fields.pop("title", "Call about housing"),
        assignee_id=assignee.user_id, due_on=due_on or make.today,
        created_by_id=creator.user_id, **fields,
    )  # fmt: skip


def warm_handoff(make, child, requester, target=ReferralTarget.HEALTHYSTEPS_SPECIALIST, **fields):
    """A warm handoff asked for during today's visit of the child (requested at once)."""
    appointment = fields.pop("appointment", None) or make.appointment(child, **fields)
    return open_referral(
        household=child.household, child=child, requested_by_id=requester.user_id,
        need="parenting", target=target, is_warm_handoff=True, appointment_id=appointment.id,
        request_note=fields.pop("request_note", ""),
    )  # fmt: skip


def partner_referral(make, child, requester, partner_id: int):
    """A referral to the legal partner, under a consent the caregiver gave."""
    household = child.household
    record_consent(
        household, caregiver_id=household.caregivers[0].id, recipient=Recipient.LEGAL_PARTNER,
        partner_organization_id=partner_id, scope_needs=["legal"], scope_data=["contact"],
        method=ConsentMethod.VERBAL, expires_at=None, recorded_by_id=requester.user_id,
    )  # fmt: skip
    return open_referral(
        household=household, child=child, requested_by_id=requester.user_id, need="legal",
        target=ReferralTarget.PARTNER, partner_organization_id=partner_id,
        ihelp_domain=IhelpDomain.HOUSING_UTILITIES,
    )  # fmt: skip


def enrol(child, program: Program, *, tier: int | None = None, specialist=None):
    return enrol_in_program(
        child, program=program, enrolled_on=child.date_of_birth + timedelta(days=1),
        healthysteps_tier=tier, family_specialist_id=specialist.user_id if specialist else None,
    )  # fmt: skip


def notified(db_session, kind: str) -> list[int]:
    """Who was sent a notification of this kind, by user id, in order."""
    return list(
        db_session.scalars(
            sa.select(Notification.user_id)
            .where(Notification.kind == kind)
            .order_by(Notification.user_id)
        )
    )
