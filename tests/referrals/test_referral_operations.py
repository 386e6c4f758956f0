"""Opening referrals and moving them: refusals write nothing, stale forms write nothing, consent first."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clinics.models import PartnerKind
from app.consents.operations import revoke_consent
from app.core.audit import AuditEvent
from app.core.errors import DomainError
from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.inbox.models import Notification
from app.referrals.models import (
    IhelpDomain,
    ReasonCode,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferralTarget,
    Side,
)
from app.referrals.operations import side_of, transition_referral
from app.referrals.rules import TRANSITIONS
from app.screening.models import FamilyPriority, Flag
from tests.factories import CHECKIN_ALL_NO
from tests.records import count
from tests.referrals.builders import (
    bring_to,
    consent_for,
    directory_service,
    family,
    move,
    refer,
)

S = ReferralStatus


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


@pytest.fixture
def specialist(make, clinic):
    return make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.HEALTHYSTEPS_SPECIALIST)


@pytest.fixture
def rivera(make, clinic):
    return family(make, clinic)


def _written(db_session) -> tuple[int, int, int, int]:
    """What a change would leave behind: referrals, events, audit events, notifications."""
    db_session.flush()
    return (count(db_session, Referral), count(db_session, ReferralEvent),
            count(db_session, AuditEvent), count(db_session, Notification))  # fmt: skip


@pytest.mark.parametrize("current", list(S))
def test_every_forbidden_move_is_refused_and_changes_nothing(
    db_session, rivera, clinician, specialist, current
):
    referral = bring_to(refer(rivera, clinician.user_id, submit=False), current,
                        clinician.user_id, specialist.user_id)  # fmt: skip
    before, version = _written(db_session), referral.version

    refused = 0
    for target in S:
        for side in Side:
            if side in TRANSITIONS.get((current, target), frozenset()):
                continue
            with pytest.raises(DomainError) as error:
                transition_referral(
                    referral, target, actor_user_id=clinician.user_id, side=side,
                    expected_version=referral.version, reason_code=ReasonCode.OTHER,
                    note="Tried anyway", outcome="Nothing",
                )  # fmt: skip
            assert error.value.code in {"not_allowed", "wrong_side"}
            refused += 1

    assert refused > 0
    assert referral.status == current
    assert referral.version == version
    assert _written(db_session) == before


def test_each_move_is_an_event_with_who_which_side_why_and_the_note(
    db_session, rivera, clinician, specialist
):
    referral = refer(rivera, clinician.user_id)
    move(referral, S.ACCEPTED, Side.RESPONDER, specialist.user_id)
    move(referral, S.IN_PROGRESS, Side.RESPONDER, specialist.user_id)
    move(referral, S.ON_HOLD, Side.RESPONDER, specialist.user_id,
         reason_code=ReasonCode.COULD_NOT_CONTACT, note="Phone off, will try Monday")  # fmt: skip

    steps = [(e.from_status, e.to_status, e.side, e.actor_user_id) for e in referral.events]
    assert steps == [
        (None, S.DRAFT, Side.REQUESTER, clinician.user_id),
        (S.DRAFT, S.REQUESTED, Side.REQUESTER, clinician.user_id),
        (S.REQUESTED, S.ACCEPTED, Side.RESPONDER, specialist.user_id),
        (S.ACCEPTED, S.IN_PROGRESS, Side.RESPONDER, specialist.user_id),
        (S.IN_PROGRESS, S.ON_HOLD, Side.RESPONDER, specialist.user_id),
    ]
    last = referral.events[-1]
    assert (last.reason_code, last.note) == (ReasonCode.COULD_NOT_CONTACT,
                                             "Phone off, will try Monday")  # fmt: skip
    assert referral.owner_user_id == specialist.user_id
    assert referral.minutes_to_accept is not None


def test_completing_records_the_outcome_and_closes_the_loop(rivera, clinician, specialist):
    referral = bring_to(refer(rivera, clinician.user_id, submit=False), S.ACCEPTED,
                        clinician.user_id, specialist.user_id)  # fmt: skip

    move(referral, S.COMPLETED, Side.RESPONDER, specialist.user_id,
         outcome="Enrolled in the Saturday pantry")  # fmt: skip

    assert referral.status == S.COMPLETED
    assert referral.outcome == "Enrolled in the Saturday pantry"
    assert referral.closed_at is not None


def test_a_form_with_an_older_version_is_refused_as_stale_and_writes_nothing(
    db_session, rivera, clinician, specialist
):
    referral = refer(rivera, clinician.user_id)
    opened_at = referral.version  # two people open the page
    move(referral, S.ACCEPTED, Side.RESPONDER, specialist.user_id)  # the first one accepts
    before = _written(db_session)

    with pytest.raises(DomainError) as error:
        transition_referral(
            referral, S.CANCELLED, actor_user_id=clinician.user_id, side=Side.REQUESTER,
            expected_version=opened_at, reason_code=ReasonCode.DUPLICATE,
        )  # fmt: skip

    assert error.value.code == "stale"
    assert referral.status == S.ACCEPTED
    assert _written(db_session) == before


def test_a_change_made_underneath_is_caught_by_the_database_and_writes_nothing(
    db_session, rivera, clinician, specialist
):
    referral = refer(rivera, clinician.user_id)
    db_session.commit()
    before = _written(db_session)
    # Another process accepts it between our read and our write: only the row's version moves.
    db_session.execute(
        sa.update(Referral).where(Referral.id == referral.id)
        .values(version=Referral.version + 1, status=S.ACCEPTED)
        .execution_options(synchronize_session=False)
    )  # fmt: skip

    with pytest.raises(DomainError) as error:
        transition_referral(
            referral, S.CANCELLED, actor_user_id=clinician.user_id, side=Side.REQUESTER,
            expected_version=referral.version, reason_code=ReasonCode.DUPLICATE,
        )  # fmt: skip
    db_session.rollback()

    assert error.value.code == "stale"
    stored = db_session.get(Referral, referral.id, populate_existing=True)
    assert stored.status == S.REQUESTED
    assert _written(db_session) == before


def test_a_partner_referral_needs_a_consent_naming_the_partner_kind_and_the_need(
    make, db_session, clinic, rivera, clinician
):
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    before = _written(db_session)

    with pytest.raises(DomainError) as error:
        refer(rivera, clinician.user_id, ReferralTarget.PARTNER, partner_organization_id=pantry.id)
    assert error.value.code == "consent_required"
    assert pantry.name in error.value.message

    consent_for(rivera, pantry, clinician.user_id, needs=("housing",))
    with pytest.raises(DomainError):
        refer(rivera, clinician.user_id, ReferralTarget.PARTNER, partner_organization_id=pantry.id)
    assert count(db_session, Referral) == before[0]

    consent = consent_for(rivera, pantry, clinician.user_id, needs=("food",))
    referral = refer(rivera, clinician.user_id, ReferralTarget.PARTNER,
                     partner_organization_id=pantry.id)  # fmt: skip
    assert referral.consent_id == consent.id
    assert referral.status == S.REQUESTED


def test_an_expired_or_revoked_consent_covers_nothing(make, db_session, clinic, rivera, clinician):
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    expired = consent_for(
        rivera, pantry, clinician.user_id, expires_at=now_utc() + timedelta(days=1)
    )
    expired.expires_at = now_utc() - timedelta(minutes=1)  # a day later
    revoked = consent_for(rivera, pantry, clinician.user_id)
    revoke_consent(revoked, user_id=clinician.user_id, note="Asked us to stop")

    with pytest.raises(DomainError) as error:
        refer(rivera, clinician.user_id, ReferralTarget.PARTNER, partner_organization_id=pantry.id)
    assert error.value.code == "consent_required"


def test_a_draft_to_a_partner_is_not_sent_once_the_consent_is_withdrawn(
    make, db_session, clinic, rivera, clinician
):
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    consent = consent_for(rivera, pantry, clinician.user_id)
    draft = refer(rivera, clinician.user_id, ReferralTarget.PARTNER,
                  partner_organization_id=pantry.id, submit=False)  # fmt: skip
    revoke_consent(consent, user_id=clinician.user_id, note="Changed their mind")

    with pytest.raises(DomainError) as error:
        move(draft, S.REQUESTED, Side.REQUESTER, clinician.user_id)
    assert error.value.code == "consent_required"
    assert draft.status == S.DRAFT


def test_a_legal_referral_needs_its_ihelp_domain(make, clinic, rivera, clinician):
    legal = make.partner_organization(clinic, PartnerKind.LEGAL_AID)
    consent_for(rivera, legal, clinician.user_id, needs=("legal",))

    with pytest.raises(DomainError) as error:
        refer(rivera, clinician.user_id, ReferralTarget.PARTNER, need="legal",
              partner_organization_id=legal.id)  # fmt: skip
    assert error.value.code == "ihelp_required"

    referral = refer(rivera, clinician.user_id, ReferralTarget.PARTNER, need="legal",
                     partner_organization_id=legal.id, ihelp_domain=IhelpDomain.INCOME)  # fmt: skip
    assert referral.ihelp_domain == IhelpDomain.INCOME


def test_a_directory_service_linked_to_a_partner_sends_the_referral_there(
    make, clinic, rivera, clinician
):
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    elsewhere = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    service = directory_service(clinic, pantry)
    consent_for(rivera, pantry, clinician.user_id)
    consent_for(rivera, elsewhere, clinician.user_id)

    with pytest.raises(DomainError) as error:
        refer(rivera, clinician.user_id, ReferralTarget.PARTNER, service_id=service.id,
              partner_organization_id=elsewhere.id)  # fmt: skip
    assert error.value.code == "service_mismatch"

    referral = refer(rivera, clinician.user_id, ReferralTarget.PARTNER, service_id=service.id)
    assert (referral.partner_organization_id, referral.service_id) == (pantry.id, service.id)


def test_reasons_must_be_the_familys_own(make, db_session, clinic, rivera, clinician):
    other = family(make, clinic, name="Okafor")
    theirs = make.screen(other.appointment, "family-checkin", {**CHECKIN_ALL_NO, "need-food": "yes"},
                         caregiver=other.caregiver)  # fmt: skip
    ours = make.screen(rivera.appointment, "hvs", {"hvs-1": "often", "hvs-2": "never"},
                       caregiver=rivera.caregiver)  # fmt: skip
    their_priority = db_session.scalar(
        sa.select(FamilyPriority).where(FamilyPriority.response_id == theirs.id,
                                        FamilyPriority.need == "food")
    )  # fmt: skip
    before = _written(db_session)

    for reasons in ({"priority_ids": [their_priority.id]}, {"flag_ids": [theirs.flags[0].id]},
                    {"flag_ids": [ours.flags[0].id, 10**9]}):  # fmt: skip
        with pytest.raises(DomainError) as error:
            refer(rivera, clinician.user_id, **reasons)
        assert error.value.code == "mismatch"
    assert _written(db_session) == before

    referral = refer(rivera, clinician.user_id, flag_ids=[ours.flags[0].id])
    assert [reason.flag for reason in referral.reasons] == [db_session.get(Flag, ours.flags[0].id)]


def test_a_warm_handoff_is_made_at_this_familys_visit_to_a_team_inside_the_clinic(
    make, db_session, clinic, rivera, clinician
):
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    consent_for(rivera, pantry, clinician.user_id)
    other = family(make, clinic, name="Okafor")
    before = _written(db_session)

    attempts = {
        "no_visit": {},
        "handoff_internal": {"target": ReferralTarget.PARTNER, "partner_organization_id": pantry.id,
                             "appointment_id": rivera.appointment.id},
        "mismatch": {"appointment_id": other.appointment.id},
    }  # fmt: skip
    for code, fields in attempts.items():
        with pytest.raises(DomainError) as error:
            refer(rivera, clinician.user_id, is_warm_handoff=True, **fields)
        assert error.value.code == code
    assert _written(db_session) == before

    handoff = refer(rivera, clinician.user_id, is_warm_handoff=True,
                    appointment_id=rivera.appointment.id)  # fmt: skip
    assert handoff.is_warm_handoff
    assert handoff.status == S.REQUESTED


def test_who_acts_on_which_side(make, clinic, rivera, clinician, specialist):
    internal = refer(rivera, clinician.user_id)
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    consent_for(rivera, pantry, clinician.user_id)
    external = refer(rivera, clinician.user_id, ReferralTarget.PARTNER,
                     partner_organization_id=pantry.id)  # fmt: skip
    pantry_user = make.member(clinic, Role.PARTNER, partner_organization_id=pantry.id)
    other_partner = make.member(clinic, Role.PARTNER)
    social_worker = make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.SOCIAL_WORKER)

    assert side_of(internal, specialist) == Side.RESPONDER
    assert side_of(internal, social_worker) == Side.REQUESTER
    assert side_of(internal, make.member(clinic, Role.FRONT_DESK)) is None
    assert side_of(external, pantry_user) == Side.RESPONDER
    assert side_of(external, other_partner) is None
    assert side_of(external, clinician) == Side.REQUESTER
    assert side_of(internal, make.member(make.clinic(), Role.CLINICIAN)) is None
