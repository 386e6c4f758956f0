"""The clinic's referral pages, as the people who use them: new referral, one referral, the list."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.clinics.models import PartnerKind
from app.core.roles import NavigatorKind, Role
from app.inbox.models import Notification
from app.referrals.models import Referral, ReferralEvent, ReferralStatus, ReferralTarget, Side
from app.screening.models import Flag
from tests.factories import CHECKIN_ALL_NO
from tests.pages import text_of
from tests.records import count, events
from tests.referrals.builders import bring_to, consent_for, directory_service, family, move, refer

S = ReferralStatus


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


@pytest.fixture
def specialist(make, clinic):
    return make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.HEALTHYSTEPS_SPECIALIST)


@pytest.fixture
def rivera(make, clinic):
    household = family(make, clinic)
    make.screen(household.appointment, "family-checkin",
                {**CHECKIN_ALL_NO, "need-food": "yes", "need-housing": "not_now"},
                caregiver=household.caregiver)  # fmt: skip
    make.screen(household.appointment, "hvs", {"hvs-1": "sometimes", "hvs-2": "never"},
                caregiver=household.caregiver)  # fmt: skip
    return household


@pytest.fixture
def pantry(make, clinic):
    return make.partner_organization(clinic, PartnerKind.COMMUNITY)


def _new_url(rivera, **extra) -> str:
    query = "&".join(f"{key}={value}" for key, value in extra.items())
    return (f"/referrals/new?child_id={rivera.child.id}&appointment_id={rivera.appointment.id}"
            f"{'&' if query else ''}{query}")  # fmt: skip


def _checked(html: str) -> set[str]:
    return set(
        re.findall(
            r'<input checked id="reasons-\d+" name="reasons" type="checkbox" value="([\w-]+)"', html
        )
    )


# A new referral -------------------------------------------------------------------------------


def test_the_form_lists_the_familys_priorities_and_screens_and_ticks_those_of_the_need(
    login, clinician, rivera
):
    page = login(clinician).get(_new_url(rivera, need="food"))

    text, html = text_of(page), page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Check-in: wants help with Food" in text
    assert "Check-in: maybe later, help with Housing" in text
    assert "Hunger Vital Sign" in text
    assert "a positive screen" in text
    ticked = _checked(html)
    assert len(ticked) == 2  # the food priority and the Hunger Vital Sign
    assert all(value.startswith(("priority-", "flag-")) for value in ticked)
    assert 'option selected value="food"' in html


def test_a_partner_without_the_familys_consent_is_marked_and_the_consent_page_linked(
    login, clinician, rivera, pantry
):
    page = login(clinician).get(_new_url(rivera, need="food"))

    text = text_of(page)
    assert f"{pantry.name} (no consent for this need yet)" in text
    assert f"The family has not agreed to share “Food” with: {pantry.name}." in text
    assert f"/families/households/{rivera.household.id}/consents" in page.get_data(as_text=True)


def test_sending_to_a_partner_without_consent_is_refused_and_writes_nothing(
    db_session, login, clinician, rivera, pantry
):
    page = login(clinician).post(_new_url(rivera), data={
        "need": "food", "target": "partner", "partner_organization_id": str(pantry.id),
        "request_note": "Needs food this week", "send": "1",
    })  # fmt: skip

    assert page.status_code == 422
    assert "The family has not agreed to share this need with" in text_of(page)
    assert "Record the family's consent" in text_of(page)
    assert count(db_session, Referral) == 0


def test_a_referral_to_a_directory_service_of_a_partner_with_consent_is_sent(
    db_session, login, clinic, clinician, rivera, pantry
):
    consent_for(rivera, pantry, clinician.user_id)
    service = directory_service(clinic, pantry)
    client = login(clinician)
    form = client.get(_new_url(rivera, need="food"))
    assert f"{pantry.name} (consent on record for this need)" in text_of(form)
    assert "Saturday food pantry" in text_of(form)

    sent = client.post(_new_url(rivera), data={
        "need": "food", "target": "partner", "service_id": str(service.id),
        "request_note": "Two adults, a baby; no car", "send": "1",
    })  # fmt: skip

    referral = db_session.scalar(sa.select(Referral))
    assert sent.headers["Location"].endswith(f"/referrals/{referral.id}")
    assert (referral.status, referral.partner_organization_id) == (S.REQUESTED, pantry.id)
    assert referral.appointment_id == rivera.appointment.id
    assert "The referral is sent." in text_of(client.get(sent.headers["Location"]))


def test_a_warm_handoff_from_the_visit_goes_to_the_team_now(
    db_session, login, clinician, specialist, rivera
):
    client = login(clinician)
    form = client.get(_new_url(rivera, handoff="1"))
    assert 'checked id="is_warm_handoff"' in form.get_data(as_text=True)

    client.post(_new_url(rivera), data={
        "need": "stress_support", "target": "healthysteps_specialist", "is_warm_handoff": "y",
        "send": "1",
    })  # fmt: skip

    referral = db_session.scalar(sa.select(Referral))
    assert referral.is_warm_handoff
    assert db_session.scalar(sa.select(Notification.kind)) == "handoff_requested"


def test_a_warm_handoff_to_a_partner_is_refused(db_session, login, clinician, rivera, pantry):
    consent_for(rivera, pantry, clinician.user_id)

    page = login(clinician).post(_new_url(rivera), data={
        "need": "food", "target": "partner", "partner_organization_id": str(pantry.id),
        "is_warm_handoff": "y", "send": "1",
    })  # fmt: skip

    assert page.status_code == 422
    assert "A warm handoff is made to a team inside the clinic." in text_of(page)
    assert count(db_session, Referral) == 0


def test_a_draft_is_saved_without_telling_anyone(db_session, login, clinician, specialist, rivera):
    login(clinician).post(_new_url(rivera), data={
        "need": "food", "target": "healthysteps_specialist", "draft": "1",
    })  # fmt: skip

    assert db_session.scalar(sa.select(Referral.status)) == S.DRAFT
    assert count(db_session, Notification) == 0


@pytest.mark.parametrize(
    "data",
    [
        {"need": "", "target": "social_worker"},
        {"need": "food", "target": ""},
        {"need": "spaceships", "target": "social_worker"},
        {"need": "food", "target": "social_worker", "reasons": "flag-999999"},
        {"need": "food", "target": "partner", "partner_organization_id": "abc"},
        {"need": "food", "target": "social_worker", "request_note": "x" * 2001},
    ],
)
def test_bad_input_is_refused_with_a_message_and_writes_nothing(
    db_session, login, clinician, rivera, data
):
    page = login(clinician).post(_new_url(rivera), data={**data, "send": "1"})

    assert page.status_code == 422
    assert "Please correct the fields marked below." in text_of(page)
    assert count(db_session, Referral) == 0


def test_another_clinics_child_cannot_be_referred(make, login, clinician):
    elsewhere = family(make, make.clinic())
    assert login(clinician).get(f"/referrals/new?child_id={elsewhere.child.id}").status_code == 404


def test_without_a_family_the_form_says_where_to_start(login, clinician):
    page = login(clinician).get("/referrals/new")
    assert "start it from the visit page or from the child's record" in text_of(page)


# One referral ---------------------------------------------------------------------------------


def _moves(page) -> list[str]:
    return re.findall(r'name="to" value="([\w-]+)"', page.get_data(as_text=True))


def test_the_page_shows_reasons_consent_history_and_minutes_to_accept(
    db_session, login, clinic, clinician, rivera, pantry
):
    consent_for(rivera, pantry, clinician.user_id, needs=("food", "housing"))
    hvs = db_session.scalar(sa.select(Flag).where(Flag.code == "hvs"))
    referral = refer(rivera, clinician.user_id, ReferralTarget.PARTNER, flag_ids=[hvs.id],
                     partner_organization_id=pantry.id, request_note="Needs food this week")  # fmt: skip
    client = login(clinician)

    text = text_of(client.get(f"/referrals/{referral.id}"))
    assert "Referral: Food" in text
    assert "Hunger Vital Sign: a positive screen" in text
    assert "Community organizations the clinic works with (any of them)" in text
    assert "Needs it covers Food, Housing" in text
    assert "Expires No end date" in text
    assert "Needs food this week" in text
    assert "Draft → Requested" in text
    assert "Taken on by Nobody yet" in text
    assert "Time to accept" not in text

    move(referral, S.ACCEPTED, Side.RESPONDER, clinician.user_id)  # as the partner would
    text = text_of(client.get(f"/referrals/{referral.id}"))
    assert "Time to accept 0 minutes" in text
    assert "Requested → Accepted" in text


def test_the_requester_sees_only_the_requesters_moves(login, clinician, specialist, rivera):
    referral = refer(rivera, clinician.user_id)

    page = login(clinician).get(f"/referrals/{referral.id}")

    assert _moves(page) == ["cancelled", "entered-in-error"]


def test_the_team_sees_accept_decline_and_cancel(login, clinician, specialist, rivera):
    referral = refer(rivera, clinician.user_id)

    page = login(specialist).get(f"/referrals/{referral.id}")

    assert _moves(page) == ["accepted", "rejected", "cancelled"]


def test_the_front_desk_may_read_but_not_move_a_referral(
    make, db_session, clinic, login, clinician, rivera
):
    referral = refer(rivera, clinician.user_id)
    client = login(make.member(clinic, Role.FRONT_DESK))

    assert _moves(client.get(f"/referrals/{referral.id}")) == []
    refused = client.post(f"/referrals/{referral.id}/move", data={
        "to": "cancelled", "to-cancelled-version": str(referral.version),
        "to-cancelled-reason_code": "duplicate",
    })  # fmt: skip
    assert refused.status_code == 403
    assert db_session.get(Referral, referral.id).status == S.REQUESTED


def test_accepting_then_completing_with_an_outcome(
    db_session, login, clinician, specialist, rivera
):
    referral = refer(rivera, clinician.user_id)
    client = login(specialist)

    client.post(f"/referrals/{referral.id}/move",
                data={"to": "accepted", "to-accepted-version": "2"})  # fmt: skip
    page = client.post(f"/referrals/{referral.id}/move", data={
        "to": "completed", "to-completed-version": "3",
        "to-completed-outcome": "Signed up for the Saturday pantry",
    }, follow_redirects=True)  # fmt: skip

    text = text_of(page)
    assert "The referral is now: Completed." in text
    assert "Loop closed" in text
    assert "Signed up for the Saturday pantry" in text
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).owner_user_id == specialist.user_id


def test_declining_without_a_reason_is_refused_next_to_the_field(
    db_session, login, clinician, specialist, rivera
):
    referral = refer(rivera, clinician.user_id)

    page = login(specialist).post(f"/referrals/{referral.id}/move", data={
        "to": "rejected", "to-rejected-version": str(referral.version),
        "to-rejected-note": "We are full",
    })  # fmt: skip

    assert page.status_code == 422
    assert "Choose a reason." in text_of(page)
    assert "We are full" in page.get_data(as_text=True)  # what was typed is kept
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).status == S.REQUESTED
    assert count(db_session, ReferralEvent) == 2


def test_two_people_with_the_same_form_the_second_is_told_to_reload(
    db_session, login, clinician, specialist, rivera
):
    referral = refer(rivera, clinician.user_id)
    opened = str(referral.version)
    client = login(specialist)
    client.post(f"/referrals/{referral.id}/move",
                data={"to": "accepted", "to-accepted-version": opened})  # fmt: skip
    client.post("/sign-out")
    client = login(clinician)

    page = client.post(f"/referrals/{referral.id}/move", data={
        "to": "cancelled", "to-cancelled-version": opened,
        "to-cancelled-reason_code": "duplicate",
    }, follow_redirects=True)  # fmt: skip

    assert "Reload the page and try again." in text_of(page)
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).status == S.ACCEPTED
    assert count(db_session, ReferralEvent) == 3


def test_a_move_without_a_version_is_refused_as_stale(db_session, login, clinician, rivera):
    referral = refer(rivera, clinician.user_id)

    page = login(clinician).post(f"/referrals/{referral.id}/move", data={
        "to": "cancelled", "to-cancelled-reason_code": "duplicate",
    }, follow_redirects=True)  # fmt: skip

    assert "Reload the page" in text_of(page)
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).status == S.REQUESTED


@pytest.mark.parametrize("to", ["", "accepted", "done", "completed"])
def test_a_move_the_side_may_not_make_is_refused(db_session, login, clinician, rivera, to):
    referral = refer(rivera, clinician.user_id)

    page = login(clinician).post(f"/referrals/{referral.id}/move", data={
        "to": to, f"to-{to}-version": str(referral.version), f"to-{to}-outcome": "Done",
    }, follow_redirects=True)  # fmt: skip

    assert page.status_code == 200
    assert "notice-error" in page.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).status == S.REQUESTED


def test_opening_a_referral_is_audited_and_reads_its_notifications(
    db_session, login, clinician, specialist, rivera
):
    referral = refer(rivera, clinician.user_id)

    login(specialist).get(f"/referrals/{referral.id}")

    [event] = events(db_session, "view", object_type="referrals")
    assert (event.actor_user_id, event.child_id) == (specialist.user_id, rivera.child.id)
    assert db_session.scalar(sa.select(Notification.read_at)) is not None


def test_partner_users_never_use_the_clinic_pages(make, clinic, login, clinician, rivera, pantry):
    referral = refer(rivera, clinician.user_id)
    client = login(make.member(clinic, Role.PARTNER, partner_organization_id=pantry.id))

    for url in ("/referrals/", f"/referrals/{referral.id}", _new_url(rivera)):
        assert client.get(url).status_code == 403


# The list and the household -------------------------------------------------------------------


def test_the_list_filters_by_status_team_and_need(make, clinic, login, clinician, specialist):
    food = family(make, clinic, name="Rivera")
    housing = family(make, clinic, name="Okafor")
    food_referral = refer(food, clinician.user_id)
    bring_to(refer(housing, clinician.user_id, ReferralTarget.SOCIAL_WORKER, need="housing",
                   submit=False), S.CANCELLED, clinician.user_id, specialist.user_id)  # fmt: skip
    client = login(clinician)

    def rows(query: str) -> str:
        return text_of(client.get(f"/referrals/?{query}"))

    assert "1 referral" in rows("")
    assert "Rivera" in rows("")
    assert "Okafor" not in rows("")
    assert "Okafor" in rows("status=closed")
    assert "Rivera" not in rows("status=closed")
    assert "2 referrals" in rows("status=all")
    assert "Okafor" in rows("status=all&target=social_worker")
    assert "Rivera" not in rows("status=all&target=social_worker")
    assert "Rivera" in rows("status=all&need=food")
    assert "Okafor" not in rows("status=all&need=food")
    assert "1 referral" in rows("status=nonsense&need=spaceships")
    assert f"/referrals/{food_referral.id}" in client.get("/referrals/").get_data(as_text=True)


def test_the_household_page_lists_its_referrals(db_session, login, clinician, specialist, rivera):
    referral = bring_to(refer(rivera, clinician.user_id, submit=False), S.COMPLETED,
                        clinician.user_id, specialist.user_id)  # fmt: skip

    page = login(clinician).get(f"/families/{rivera.household.id}")

    text = text_of(page)
    assert "Referrals" in text
    assert "Food HealthySteps specialist Completed Loop closed" in text
    assert "Food box picked up on Saturday" in text
    assert f"/referrals/{referral.id}" in page.get_data(as_text=True)


def test_a_contact_attempt_is_recorded_from_the_referral_page_and_listed_there(
    make, clinic, login, clinician, specialist, rivera
):
    referral = refer(rivera, clinician.user_id)
    client = login(specialist)
    page = f"/referrals/{referral.id}"

    response = client.post(f"{page}/attempts", data={
        "method": "call", "outcome": "not_reached", "note": "Voicemail full", "next": page,
    })  # fmt: skip

    assert response.headers["Location"].endswith(page)
    text = text_of(client.get(page))
    assert "Contact attempts" in text
    assert "Phone call · Not reached" in text
    assert "Voicemail full" in text
