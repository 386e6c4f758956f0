"""Who is told about a referral: the right people, after commit only, in their language, no details."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from app.clinics.models import PartnerKind
from app.core.roles import NavigatorKind, Role
from app.inbox.messages import SENTENCES
from app.inbox.models import Notification
from app.referrals.models import ReasonCode, ReferralStatus, ReferralTarget, Side
from app.referrals.present import NEED_LABELS
from tests.referrals.builders import bring_to, consent_for, family, move, refer

S = ReferralStatus


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


@pytest.fixture
def specialists(make, clinic):
    """Two HealthySteps specialists on duty."""
    return [
        make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.HEALTHYSTEPS_SPECIALIST)
        for _ in range(2)
    ]


@pytest.fixture
def rivera(make, clinic):
    return family(make, clinic)


def _told(db_session) -> set[tuple[int, str]]:
    rows = db_session.execute(sa.select(Notification.user_id, Notification.kind))
    return {(user_id, kind) for user_id, kind in rows}


def test_an_internal_referral_reaches_the_teams_active_navigators_only(
    make, db_session, outbox, clinic, rivera, clinician, specialists
):
    make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.SOCIAL_WORKER)
    make.member(clinic, Role.NAVIGATOR).is_active = False  # left the team
    make.member(clinic, Role.NAVIGATOR).user.is_active = False  # account closed
    make.member(make.clinic(), Role.NAVIGATOR)  # another clinic's

    refer(rivera, clinician.user_id)
    db_session.commit()

    assert _told(db_session) == {(s.user_id, "referral_requested") for s in specialists}
    assert sorted(m.to for m in outbox) == sorted(s.user.email for s in specialists)


def test_a_warm_handoff_says_the_family_is_waiting_now(
    db_session, outbox, rivera, clinician, specialists
):
    refer(rivera, clinician.user_id, is_warm_handoff=True, appointment_id=rivera.appointment.id)
    db_session.commit()

    assert _told(db_session) == {(s.user_id, "handoff_requested") for s in specialists}
    assert all(str(SENTENCES["handoff_requested"]) in m.body for m in outbox)


def test_a_partner_referral_reaches_that_organizations_users_only(
    make, db_session, outbox, clinic, rivera, clinician, specialists
):
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    pantry_user = make.member(clinic, Role.PARTNER, partner_organization_id=pantry.id)
    make.member(clinic, Role.PARTNER)  # another organization's user
    consent_for(rivera, pantry, clinician.user_id)

    refer(rivera, clinician.user_id, ReferralTarget.PARTNER, partner_organization_id=pantry.id)
    db_session.commit()

    assert _told(db_session) == {(pantry_user.user_id, "referral_requested")}
    assert [m.to for m in outbox] == [pantry_user.user.email]


def test_a_draft_tells_nobody_until_it_is_sent(db_session, rivera, clinician, specialists):
    draft = refer(rivera, clinician.user_id, submit=False)
    assert _told(db_session) == set()

    move(draft, S.REQUESTED, Side.REQUESTER, clinician.user_id)
    assert {kind for _user, kind in _told(db_session)} == {"referral_requested"}


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (S.ACCEPTED, "referral_accepted"),
        (S.REJECTED, "referral_declined"),
        (S.COMPLETED, "referral_completed"),
        (S.FAILED, "referral_failed"),
    ],
)
def test_the_requester_hears_each_answer(db_session, rivera, clinician, specialists, status, kind):
    bring_to(refer(rivera, clinician.user_id, submit=False), status,
             clinician.user_id, specialists[0].user_id)  # fmt: skip

    assert (clinician.user_id, kind) in _told(db_session)


def test_in_progress_and_on_hold_tell_nobody_new(db_session, rivera, clinician, specialists):
    referral = bring_to(refer(rivera, clinician.user_id, submit=False), S.ACCEPTED,
                        clinician.user_id, specialists[0].user_id)  # fmt: skip
    before = _told(db_session)

    move(referral, S.IN_PROGRESS, Side.RESPONDER, specialists[0].user_id)
    move(referral, S.ON_HOLD, Side.RESPONDER, specialists[0].user_id)

    assert _told(db_session) == before


def test_when_the_clinic_cancels_the_owner_is_told_and_the_canceller_is_not(
    make, db_session, clinic, rivera, clinician, specialists
):
    colleague = make.member(clinic, Role.NURSE_MA)
    referral = bring_to(refer(rivera, clinician.user_id, submit=False), S.ACCEPTED,
                        clinician.user_id, specialists[0].user_id)  # fmt: skip
    db_session.execute(sa.delete(Notification))

    move(referral, S.CANCELLED, Side.REQUESTER, colleague.user_id, reason_code=ReasonCode.DUPLICATE)

    assert _told(db_session) == {
        (specialists[0].user_id, "referral_cancelled"),  # the owner
        (clinician.user_id, "referral_cancelled"),  # who asked for it
    }


def test_a_request_withdrawn_before_anyone_took_it_tells_the_team(
    db_session, rivera, clinician, specialists
):
    referral = refer(rivera, clinician.user_id)
    db_session.execute(sa.delete(Notification))

    move(referral, S.CANCELLED, Side.REQUESTER, clinician.user_id, reason_code=ReasonCode.DUPLICATE)

    assert _told(db_session) == {(s.user_id, "referral_cancelled") for s in specialists}


def test_nothing_is_sent_when_the_change_is_rolled_back(
    db_session, outbox, rivera, clinician, specialists
):
    refer(rivera, clinician.user_id)
    db_session.rollback()

    assert outbox == []
    assert _told(db_session) == set()


def test_the_messages_name_no_need_and_no_person(
    db_session, outbox, rivera, clinician, specialists
):
    referral = refer(rivera, clinician.user_id, need="caregiver_depression",
                     request_note="Mother feels low since the birth")  # fmt: skip
    move(referral, S.ACCEPTED, Side.RESPONDER, specialists[0].user_id)
    move(referral, S.COMPLETED, Side.RESPONDER, specialists[0].user_id,
         outcome="Seen by the HealthySteps specialist")  # fmt: skip
    db_session.commit()

    assert len(outbox) == 4
    words = [str(label) for label in NEED_LABELS.values()]
    words += ["depress", "feels low", "HealthySteps", rivera.child.given_name,
              rivera.caregiver.given_name, rivera.household.name]  # fmt: skip
    for message in outbox:
        text = f"{message.subject}\n{message.body}".lower()
        assert [word for word in words if word.lower() in text] == []


def test_each_person_is_told_in_their_own_language(
    db_session, outbox, rivera, clinician, specialists
):
    specialists[0].user.locale = "es"
    refer(rivera, clinician.user_id)
    db_session.commit()

    by_address = {m.to: m for m in outbox}
    english = by_address[specialists[1].user.email]
    spanish = by_address[specialists[0].user.email]
    assert english.body.startswith(str(SENTENCES["referral_requested"]))
    with force_locale("es"):
        assert spanish.body.startswith(gettext("A new referral is waiting for your team."))
