"""Done when: a family's needs become referrals the partners answer, and the clinician sees the loop
close on the visit page — a food referral completed, a legal one declined, re-routed and completed."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.clinics.models import PartnerKind
from app.consents.models import ConsentMethod, Recipient
from app.consents.operations import record_consent
from app.core.roles import NavigatorKind, Role
from app.inbox.models import Notification
from app.referrals.models import Referral, ReferralStatus
from tests.factories import CHECKIN_ALL_NO
from tests.pages import text_of
from tests.referrals.builders import directory_service, family

S = ReferralStatus


@pytest.fixture
def people(make, clinic):
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    legal = make.partner_organization(clinic, PartnerKind.LEGAL_AID)
    return {
        "clinician": make.member(clinic, Role.CLINICIAN),
        "pantry": pantry,
        "pantry_user": make.member(clinic, Role.PARTNER, partner_organization_id=pantry.id),
        "legal": legal,
        "lawyer": make.member(clinic, Role.PARTNER, partner_organization_id=legal.id),
        "social_worker": make.member(clinic, Role.NAVIGATOR,
                                     navigator_kind=NavigatorKind.SOCIAL_WORKER),
    }  # fmt: skip


def _as(client, login, member):
    client.post("/sign-out")
    return login(member)


def _reason_values(page) -> list[str]:
    return re.findall(
        r'name="reasons" type="checkbox" value="([\w-]+)"', page.get_data(as_text=True)
    )


def _refer(client, rivera, **data) -> Referral:
    url = f"/referrals/new?child_id={rivera.child.id}&appointment_id={rivera.appointment.id}"
    form = client.get(f"{url}&need={data['need']}")
    assert form.status_code == 200
    sent = client.post(url, data={"reasons": _reason_values(form), "send": "1", **data})
    assert sent.status_code == 302, text_of(sent)
    referral_id = int(sent.headers["Location"].rsplit("/", 1)[1])
    return sa.orm.object_session(rivera.household).get(Referral, referral_id)


def _answer(client, referral_id: int, version: int, target: str, **fields) -> None:
    page = client.post(f"/partner/referrals/{referral_id}/answer",
                       data={"target": target, "version": str(version), **fields})  # fmt: skip
    assert page.status_code == 302, text_of(page)


def _visit_page(client, rivera) -> str:
    return text_of(client.get(f"/visits/{rivera.appointment.id}"))


def _status(db_session, referral_id: int) -> ReferralStatus:
    db_session.expire_all()
    return db_session.get(Referral, referral_id).status


def test_food_referral_through_a_partner_closes_the_loop_on_the_visit_page(
    make, db_session, clinic, login, people
):
    # The family says it ran short of food (Hunger Vital Sign positive) and wants help with food.
    rivera = family(make, clinic)
    make.screen(rivera.appointment, "hvs", {"hvs-1": "often", "hvs-2": "sometimes"},
                caregiver=rivera.caregiver)  # fmt: skip
    make.screen(rivera.appointment, "family-checkin", {**CHECKIN_ALL_NO, "need-food": "yes"},
                caregiver=rivera.caregiver)  # fmt: skip
    # The caregiver agrees that community organizations may help with food.
    record_consent(
        rivera.household, caregiver_id=rivera.caregiver.id,
        recipient=Recipient.COMMUNITY_PARTNERS, partner_organization_id=None,
        scope_needs=["food"], scope_data=["contact", "needs"], method=ConsentMethod.VERBAL,
        expires_at=None, recorded_by_id=people["clinician"].user_id,
    )  # fmt: skip
    pantry_service = directory_service(clinic, people["pantry"], name="Saturday food pantry")

    # The clinician refers the family to the pantry's service, with the reasons ticked.
    client = login(people["clinician"])
    referral = _refer(client, rivera, need="food", target="partner",
                      service_id=str(pantry_service.id),
                      request_note="Family of three, no car; Saturdays are best")  # fmt: skip
    assert referral.partner_organization_id == people["pantry"].id
    assert {r.flag.code if r.flag else r.priority.need for r in referral.reasons} == {"hvs", "food"}

    # The pantry's user is told, accepts, and reports what was done.
    client = _as(client, login, people["pantry_user"])
    assert "A new referral is waiting for your team." in text_of(client.get("/inbox/"))
    _answer(client, referral.id, referral.version, "accepted")
    assert _status(db_session, referral.id) == S.ACCEPTED
    _answer(client, referral.id, referral.version, "completed",
            outcome="Picked up a food box; signed up for weekly deliveries")  # fmt: skip
    assert _status(db_session, referral.id) == S.COMPLETED

    # The clinician is told, and sees the closed loop with its outcome on the visit page.
    client = _as(client, login, people["clinician"])
    inbox = text_of(client.get("/inbox/"))
    assert "A referral you made was accepted." in inbox
    assert "A referral you made was completed: the loop is closed." in inbox
    section = _visit_page(client, rivera).split("Referrals and warm handoffs", 1)[1]
    assert "Food → " in section
    assert "Completed Loop closed" in section
    assert "Outcome: Picked up a food box; signed up for weekly deliveries" in section


def test_a_declined_legal_referral_is_re_routed_and_completed(
    make, db_session, clinic, login, people
):
    rivera = family(make, clinic)
    make.screen(rivera.appointment, "family-checkin", {**CHECKIN_ALL_NO, "need-legal": "yes"},
                caregiver=rivera.caregiver)  # fmt: skip
    record_consent(
        rivera.household, caregiver_id=rivera.caregiver.id, recipient=Recipient.LEGAL_PARTNER,
        partner_organization_id=people["legal"].id, scope_needs=["legal"],
        scope_data=["contact", "needs"], method=ConsentMethod.SIGNED_PAPER, expires_at=None,
        recorded_by_id=people["clinician"].user_id,
    )  # fmt: skip

    client = login(people["clinician"])
    legal = _refer(client, rivera, need="legal", target="partner",
                   partner_organization_id=str(people["legal"].id),
                   ihelp_domain="housing_utilities",
                   request_note="Landlord will not fix the heating")  # fmt: skip

    # The legal partner has no capacity now and declines with that reason.
    client = _as(client, login, people["lawyer"])
    _answer(client, legal.id, legal.version, "rejected", reason_code="no_capacity",
            note="Full until next month")  # fmt: skip
    assert _status(db_session, legal.id) == S.REJECTED

    # The clinician sees the refusal and re-routes the need to the clinic's social worker.
    client = _as(client, login, people["clinician"])
    assert "A referral you made was declined." in text_of(client.get("/inbox/"))
    detail = text_of(client.get(f"/referrals/{legal.id}"))
    assert "Requested → Declined No capacity now Full until next month" in detail
    rerouted = _refer(client, rivera, need="legal", target="social_worker",
                      request_note="Legal aid is full: help with the landlord letter")  # fmt: skip
    assert rerouted.status == S.REQUESTED

    # The social worker takes it on and closes the loop on the clinic's referral page.
    client = _as(client, login, people["social_worker"])
    assert "A new referral is waiting for your team." in text_of(client.get("/inbox/"))
    for target, fields in (
        ("accepted", {}),
        ("in-progress", {}),
        ("completed", {"outcome": "Wrote to the landlord; heating repaired"}),
    ):
        version = db_session.get(Referral, rerouted.id).version
        moved = client.post(f"/referrals/{rerouted.id}/move", data={
            "to": target, f"to-{target}-version": str(version),
            **{f"to-{target}-{name}": value for name, value in fields.items()},
        })  # fmt: skip
        assert moved.status_code == 302
        assert _status(db_session, rerouted.id) == ReferralStatus(target)

    client = _as(client, login, people["clinician"])
    section = _visit_page(client, rivera).split("Referrals and warm handoffs", 1)[1]
    assert f"A legal worry → {people['legal'].name} Declined" in section
    assert "A legal worry → Social worker Completed Loop closed" in section
    assert "Outcome: Wrote to the landlord; heating repaired" in section
    told = set(db_session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == people["clinician"].user_id)
    ))  # fmt: skip
    assert told == {"referral_declined", "referral_accepted", "referral_completed"}
