"""A partner answers a referral in the portal: accept, decline with a reason, work on it, close the
loop with what was done. The status machine refuses the clinic's moves; a stale page is told to reload."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core.errors import DomainError
from app.core.roles import Role
from app.inbox.models import Notification
from app.referrals.models import ReasonCode, ReferralStatus, Side
from app.referrals.operations import transition_referral
from tests.pages import text_of
from tests.partners.sharing import refer


@pytest.fixture
def shared(make, clinic, partner, clinician):
    return refer(make, clinic, partner, clinician)


def answer(client, shared, target: str, version: int | None = None, **fields):
    data = {"target": target, "version": str(version or shared.referral.version), **fields}
    return client.post(f"/partner/referrals/{shared.referral.id}/answer", data=data)


def status_of(db_session, shared) -> ReferralStatus:
    db_session.refresh(shared.referral)
    return shared.referral.status


def move(shared, target, actor, **fields):
    transition_referral(shared.referral, target, actor_user_id=actor.user_id,
                        side=Side.RESPONDER, expected_version=None, **fields)  # fmt: skip


def test_a_partner_accepts_and_the_clinician_hears_of_it(
    shared, partner_user, clinician, login, db_session
):
    client = login(partner_user)
    page = text_of(client.get(f"/partner/referrals/{shared.referral.id}"))
    assert "Accept" in page
    assert "Decline" in page

    response = answer(client, shared, "accepted")

    assert response.status_code == 302
    assert status_of(db_session, shared) == ReferralStatus.ACCEPTED
    assert shared.referral.owner_user_id == partner_user.user_id
    assert shared.referral.events[-1].side == Side.RESPONDER
    told = db_session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == clinician.user_id)
    ).all()
    assert told == ["referral_accepted"]
    assert "The referral is now Accepted." in text_of(client.get(response.headers["Location"]))


def test_declining_needs_a_reason(shared, partner_user, login, db_session):
    client = login(partner_user)

    refused = answer(client, shared, "rejected")
    assert refused.status_code == 422
    assert "Choose a reason." in text_of(refused)
    assert status_of(db_session, shared) == ReferralStatus.REQUESTED

    unlisted = answer(client, shared, "rejected", reason_code="service_provided")
    assert unlisted.status_code == 422
    assert "Choose a reason from the list." in text_of(unlisted)

    other = answer(client, shared, "rejected", reason_code="other")
    assert other.status_code == 422
    assert "Describe the reason in the note." in text_of(other)
    assert status_of(db_session, shared) == ReferralStatus.REQUESTED

    declined = answer(client, shared, "rejected", reason_code="no_capacity", note="Full until May")
    assert declined.status_code == 302
    assert status_of(db_session, shared) == ReferralStatus.REJECTED
    event = shared.referral.events[-1]
    assert (event.reason_code, event.note) == (ReasonCode.NO_CAPACITY, "Full until May")


def test_the_partner_works_on_it_and_closes_the_loop_with_what_was_done(
    shared, partner_user, clinician, login, db_session
):
    client = login(partner_user)
    assert answer(client, shared, "accepted").status_code == 302
    db_session.refresh(shared.referral)
    assert answer(client, shared, "in-progress").status_code == 302
    db_session.refresh(shared.referral)
    held = answer(client, shared, "on-hold", reason_code="could_not_contact", note="Voicemail")
    assert held.status_code == 302
    db_session.refresh(shared.referral)
    assert "Resume" in text_of(client.get(f"/partner/referrals/{shared.referral.id}"))

    no_outcome = answer(client, shared, "completed")
    assert no_outcome.status_code == 422
    assert "Say what was done for the family to close the loop." in text_of(no_outcome)

    done = answer(client, shared, "completed", outcome="Eviction stopped; lease renewed")
    assert done.status_code == 302
    assert status_of(db_session, shared) == ReferralStatus.COMPLETED
    assert shared.referral.outcome == "Eviction stopped; lease renewed"
    client.post("/sign-out")
    clinic_page = text_of(login(clinician).get(f"/referrals/{shared.referral.id}"))
    assert "Eviction stopped; lease renewed" in clinic_page


def test_the_partner_can_say_it_could_not_be_done(shared, partner_user, login, db_session):
    move(shared, ReferralStatus.ACCEPTED, partner_user)
    client = login(partner_user)

    failed = answer(client, shared, "failed", reason_code="could_not_contact", note="3 calls")

    assert failed.status_code == 302
    assert status_of(db_session, shared) == ReferralStatus.FAILED


def test_a_stale_page_is_told_to_reload_and_changes_nothing(
    make, clinic, partner, shared, partner_user, login, db_session
):
    colleague = make.member(clinic, Role.PARTNER, partner_organization_id=partner.id)
    seen_version = shared.referral.version
    move(shared, ReferralStatus.ACCEPTED, colleague)
    events_before = len(shared.referral.events)
    client = login(partner_user)

    response = answer(client, shared, "rejected", version=seen_version, reason_code="no_capacity")

    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Someone else changed this referral" in page
    assert status_of(db_session, shared) == ReferralStatus.ACCEPTED
    assert shared.referral.owner_user_id == colleague.user_id
    assert len(shared.referral.events) == events_before


@pytest.mark.parametrize("target", ["entered-in-error", "cancelled", "requested", "nonsense"])
def test_the_portal_offers_no_move_of_the_clinic(shared, partner_user, login, db_session, target):
    response = answer(login(partner_user), shared, target, reason_code="duplicate")

    assert response.status_code == 422
    assert "That answer is not available for this referral." in text_of(response)
    assert status_of(db_session, shared) == ReferralStatus.REQUESTED


def test_a_move_the_status_machine_forbids_is_refused(shared, partner_user, login, db_session):
    move(shared, ReferralStatus.ACCEPTED, partner_user)
    client = login(partner_user)

    response = answer(client, shared, "accepted")

    assert response.status_code == 422
    assert "A referral that is Accepted cannot become Accepted." in text_of(response)


def test_the_responder_side_cannot_cancel_a_draft_or_mark_entered_in_error(
    make, clinic, partner, partner_user, clinician
):
    draft = refer(make, clinic, partner, clinician, submit=False)
    sent = refer(make, clinic, partner, clinician)

    with pytest.raises(DomainError) as cancel:
        move(draft, ReferralStatus.CANCELLED, partner_user, reason_code=ReasonCode.DUPLICATE)
    with pytest.raises(DomainError) as in_error:
        move(sent, ReferralStatus.ENTERED_IN_ERROR, partner_user, reason_code=ReasonCode.DUPLICATE)

    assert cancel.value.code == in_error.value.code == "wrong_side"
    assert draft.referral.status == ReferralStatus.DRAFT
    assert sent.referral.status == ReferralStatus.REQUESTED
