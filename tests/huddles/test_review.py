"""The weekly DULCE case review: open cases across the panel, notes and action items in the review,
and the legal partner who sees only what each family consented to share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clinics.models import PartnerKind
from app.consents.models import ConsentMethod, Recipient
from app.consents.operations import record_consent, revoke_consent
from app.core.audit import AuditEvent
from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.families.models import Program
from app.families.operations import end_enrolment, enrol_in_program
from app.followups.models import FollowUp, FollowUpSource
from app.huddles.models import Huddle, HuddleKind, HuddleNote
from app.huddles.operations import add_note, start_huddle
from app.huddles.review import review_monday
from app.referrals.models import IhelpDomain, ReferralEvent, ReferralTarget
from app.referrals.operations import open_referral
from tests.factories import CHECKIN_ALL_NO
from tests.pages import text_of
from tests.referrals.builders import Family, refer

PHQ9_POSITIVE_CRITICAL = {f"phq-{n}": "2" for n in range(1, 10)}


@dataclass
class Team:
    clinician: object
    specialist: object
    navigator: object


@pytest.fixture
def team(make, clinic) -> Team:
    specialist = make.member(
        clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST
    )
    return Team(
        make.member(clinic, Role.CLINICIAN), specialist, make.member(clinic, Role.NAVIGATOR)
    )


def dulce_family(make, clinic, team: Team, name: str, child_name: str, days_old: int = 40,
                 **caregiver) -> Family:  # fmt: skip
    household = make.household(clinic, name=name)
    caregiver.setdefault("given_name", f"{name} parent")
    carer = make.caregiver(household, **caregiver)
    child = make.child(
        household, given_name=child_name, date_of_birth=make.today - timedelta(days=days_old)
    )
    enrol_in_program(child, program=Program.DULCE, enrolled_on=child.date_of_birth,
                     family_specialist_id=team.specialist.user_id)  # fmt: skip
    return Family(household, carer, child, make.appointment(child))


def checkin(make, family: Family, **answers: str):
    return make.screen(family.appointment, "family-checkin", {**CHECKIN_ALL_NO, **answers})


def backdate_referral(db_session, referral, days: int) -> None:
    """As if nothing had happened to the referral for `days` days."""
    then = now_utc() - timedelta(days=days)
    referral.created_at = then
    for event in db_session.scalars(
        sa.select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    ):
        event.occurred_at = then
    db_session.flush()


def section(page, heading_id: str) -> str:
    html = page.get_data(as_text=True)
    match = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return text_of(type("Html", (), {"get_data": lambda self, as_text=True: match.group(0)})())


def case_text(page, child) -> str:
    html = page.get_data(as_text=True)
    match = re.search(rf'<article[^>]*id="case-{child.id}".*?</article>', html, re.S)
    assert match, f"no case for {child.given_name}"
    return text_of(type("Html", (), {"get_data": lambda self, as_text=True: match.group(0)})())


# --- the panel and its open issues ----------------------------------------------------------------


def test_open_cases_come_first_with_their_issues_and_quiet_cases_after(
    make, clinic, team, login, db_session
):
    screened = dulce_family(make, clinic, team, "Rivera", "Mateo")
    make.screen(screened.appointment, "phq-9", PHQ9_POSITIVE_CRITICAL)
    waiting = dulce_family(make, clinic, team, "Nguyen", "Linh", preferred_language="vi")
    stalled = refer(waiting, team.clinician.user_id, need="housing")
    backdate_referral(db_session, stalled, days=9)
    legal = dulce_family(make, clinic, team, "Okafor", "Chidi")
    checkin(make, legal, **{"need-legal": "not_now"})
    quiet = dulce_family(make, clinic, team, "Silva", "Bea")
    refer(quiet, team.clinician.user_id, need="food")  # asked today: not stalled

    page = login(team.clinician).get("/huddles/review")

    assert page.status_code == 200
    open_cases = section(page, "open-heading")
    assert "Open cases (3)" in open_cases
    mateo = case_text(page, screened.child)
    assert "PHQ-9" in mateo
    assert "a critical answer" in mateo
    assert "a positive screen" in mateo
    assert "Critical answers still open" in mateo
    assert team.specialist.user.full_name in mateo
    linh = case_text(page, waiting.child)
    assert "Referrals with no news for a week" in linh
    assert "Housing" in linh
    assert "Vietnamese" in linh
    assert "may want help later" in case_text(page, legal.child)
    quiet_section = section(page, "quiet-heading")
    assert "No open issues (1)" in quiet_section
    assert "Bea Silva" in quiet_section
    assert "Bea Silva" not in open_cases


def test_the_panel_is_dulce_infants_up_to_six_months_only(make, clinic, team, login):
    dulce_family(make, clinic, team, "Rivera", "Mateo", days_old=183)
    dulce_family(make, clinic, team, "Ortiz", "Olga", days_old=190)  # enrolled young, now too old
    ended = dulce_family(make, clinic, team, "Khan", "Zara")
    end_enrolment(ended.child.enrolments[0], make.today)
    household = make.household(clinic, name="Lee")
    make.caregiver(household)
    make.child(household, given_name="Noah")  # not enrolled in DULCE
    elsewhere = make.clinic()
    dulce_family(make, elsewhere, Team(None, make.member(
        elsewhere, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST), None),
        "Berg", "Ines")  # fmt: skip

    page = text_of(login(team.clinician).get("/huddles/review"))

    assert "Mateo Rivera" in page
    for absent in ("Olga", "Zara", "Noah", "Ines"):
        assert absent not in page


def test_a_legal_referral_counts_as_a_legal_need(make, clinic, team, login):
    family = dulce_family(make, clinic, team, "Rivera", "Mateo")
    partner = make.partner_organization(clinic)
    record_consent(
        family.household, caregiver_id=family.caregiver.id, recipient=Recipient.LEGAL_PARTNER,
        partner_organization_id=None, scope_needs=["housing"], scope_data=["contact", "needs"],
        method=ConsentMethod.VERBAL, expires_at=None, recorded_by_id=team.navigator.user_id,
    )  # fmt: skip
    open_referral(
        household=family.household, child=family.child, requested_by_id=team.clinician.user_id,
        need="housing", target=ReferralTarget.PARTNER, partner_organization_id=partner.id,
        ihelp_domain=IhelpDomain.HOUSING_UTILITIES,
    )  # fmt: skip

    mateo = case_text(login(team.clinician).get("/huddles/review"), family.child)

    assert "Legal needs" in mateo
    assert "Housing and utilities" in mateo


def _panel_of(make, clinic, team, first: int, last: int) -> None:
    for n in range(first, last):
        family = dulce_family(make, clinic, team, f"Family{n}", f"Child{n}")
        make.screen(family.appointment, "phq-9", PHQ9_POSITIVE_CRITICAL)
        checkin(make, family, **{"need-legal": "yes"})
        refer(family, team.clinician.user_id, need="food")


def test_the_review_costs_the_same_number_of_queries_for_3_or_20_children(
    make, clinic, team, login, count_queries
):
    client = login(team.clinician)
    _start(clinic, team.specialist, make.today)
    counts = []
    for first, last in ((0, 3), (3, 20)):
        _panel_of(make, clinic, team, first, last)
        client.get("/huddles/review")  # the signed-in user is loaded alike on both rounds
        with count_queries() as counted:
            page = client.get("/huddles/review")
        assert text_of(page).count("Critical answers still open") == last
        counts.append(counted.count)
    assert counts[0] == counts[1]


# --- running the review ---------------------------------------------------------------------------


def test_starting_the_review_files_it_under_this_weeks_monday_and_joins_a_running_one(
    make, clinic, team, login, db_session
):
    client = login(team.clinician)
    assert client.post("/huddles/review/start").status_code == 302
    client.post("/sign-out")
    login(team.specialist).post("/huddles/review/start")

    reviews = db_session.scalars(sa.select(Huddle).where(Huddle.clinic_id == clinic.id)).all()
    assert len(reviews) == 1
    assert reviews[0].kind == HuddleKind.CASE_REVIEW
    assert reviews[0].held_on == make.today - timedelta(days=make.today.weekday())
    assert reviews[0].held_on.weekday() == 0
    assert {a.user_id for a in reviews[0].attendees} == {
        team.clinician.user_id,
        team.specialist.user_id,
    }


def _start(clinic, member, today):
    return start_huddle(
        clinic.id, day=review_monday(today), kind=HuddleKind.CASE_REVIEW, user_id=member.user_id
    )


def test_notes_action_items_attendance_and_end_of_the_review(make, clinic, team, login, db_session):
    family = dulce_family(make, clinic, team, "Rivera", "Mateo")
    huddle = _start(clinic, team.specialist, make.today)
    client = login(team.specialist)

    note = client.post(f"/huddles/review/{huddle.id}/notes",
                       data={"child_id": family.child.id, "body": "Eviction hearing on the 12th"})  # fmt: skip
    team_note = client.post(f"/huddles/review/{huddle.id}/notes", data={"body": "Bring forms"})
    item = client.post(f"/huddles/review/{huddle.id}/action-items", data={
        "child_id": family.child.id, "title": "Call the family about the hearing",
        "assignee_id": team.navigator.user_id, "due_on": make.today.isoformat(),
    })  # fmt: skip
    attendee = client.post(f"/huddles/review/{huddle.id}/attendees",
                           data={"user_id": team.clinician.user_id})  # fmt: skip

    assert [r.status_code for r in (note, team_note, item, attendee)] == [302] * 4
    notes = db_session.scalars(sa.select(HuddleNote).where(HuddleNote.huddle_id == huddle.id)).all()
    assert {(n.child_id, n.household_id, n.body) for n in notes} == {
        (family.child.id, family.household.id, "Eviction hearing on the 12th"),
        (None, None, "Bring forms"),
    }
    action = db_session.scalar(sa.select(FollowUp).where(FollowUp.huddle_id == huddle.id))
    assert (action.source, action.assignee_id) == (FollowUpSource.HUDDLE, team.navigator.user_id)
    page = client.get("/huddles/review")
    mateo = case_text(page, family.child)
    assert "Eviction hearing on the 12th" in mateo
    assert "Call the family about the hearing" in mateo
    assert team.clinician.user.full_name in text_of(page)
    client.post("/sign-out")
    worklist = text_of(login(team.navigator).get("/followups/"))
    assert "Call the family about the hearing" in worklist

    client = login(team.specialist)
    assert client.post(f"/huddles/review/{huddle.id}/end").status_code == 302
    late = client.post(f"/huddles/review/{huddle.id}/notes",
                       data={"child_id": family.child.id, "body": "Too late"})  # fmt: skip
    assert late.status_code == 422
    assert "This case review has ended." in text_of(late)
    assert db_session.scalar(sa.select(HuddleNote).where(HuddleNote.body == "Too late")) is None


def test_a_refused_note_or_action_item_says_why_and_writes_nothing(
    make, clinic, team, login, db_session
):
    family = dulce_family(make, clinic, team, "Rivera", "Mateo")
    huddle = _start(clinic, team.specialist, make.today)
    client = login(team.specialist)

    empty = client.post(f"/huddles/review/{huddle.id}/notes",
                        data={"child_id": family.child.id, "body": "  "})  # fmt: skip
    no_owner = client.post(f"/huddles/review/{huddle.id}/action-items", data={
        "child_id": family.child.id, "title": "Call", "due_on": make.today.isoformat(),
    })  # fmt: skip
    bad_date = client.post(f"/huddles/review/{huddle.id}/action-items", data={
        "child_id": family.child.id, "title": "Call", "assignee_id": team.navigator.user_id,
        "due_on": "next week",
    })  # fmt: skip
    nobody = client.post(f"/huddles/review/{huddle.id}/action-items", data={
        "title": "Call", "assignee_id": team.navigator.user_id, "due_on": make.today.isoformat(),
    })  # fmt: skip

    assert [r.status_code for r in (empty, no_owner, bad_date, nobody)] == [422] * 4
    assert "Write the note." in text_of(empty)
    assert "Choose who does it." in text_of(no_owner)
    assert "Choose the family the action item is about." in text_of(nobody)
    assert db_session.scalar(sa.select(HuddleNote).where(HuddleNote.huddle_id == huddle.id)) is None
    assert db_session.scalar(sa.select(FollowUp).where(FollowUp.huddle_id == huddle.id)) is None


def test_another_clinics_review_or_child_does_not_exist(make, clinic, team, login):
    family = dulce_family(make, clinic, team, "Rivera", "Mateo")
    other = make.clinic()
    their_member = make.member(other, Role.CLINICIAN)
    theirs = _start(other, their_member, make.today)
    ours = _start(clinic, team.clinician, make.today)
    their_child = make.child(clinic=other)
    daily = start_huddle(clinic.id, day=make.today, kind=HuddleKind.DAILY,
                         user_id=team.clinician.user_id)  # fmt: skip
    client = login(team.clinician)

    for path in ("notes", "action-items", "attendees", "end"):
        assert client.post(f"/huddles/review/{theirs.id}/{path}").status_code == 404
        assert client.post(f"/huddles/review/{daily.id}/{path}").status_code == 404
    assert client.post(f"/huddles/review/{ours.id}/notes",
                       data={"child_id": their_child.id, "body": "x"}).status_code == 404  # fmt: skip
    assert client.post(f"/huddles/review/{ours.id}/notes", data={
        "child_id": family.child.id, "household_id": their_child.household_id, "body": "x",
    }).status_code == 404  # fmt: skip


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINIC_ADMIN])
def test_roles_outside_the_review_team_are_refused(make, clinic, login, role):
    client = login(make.member(clinic, role))
    assert client.get("/huddles/review").status_code == 403
    assert client.post("/huddles/review/start").status_code == 403


# --- the legal partner ----------------------------------------------------------------------------


def _consent(family: Family, team: Team, partner=None, needs=("legal",),
             data=("contact", "needs")):  # fmt: skip
    return record_consent(
        family.household, caregiver_id=family.caregiver.id, recipient=Recipient.LEGAL_PARTNER,
        partner_organization_id=partner.id if partner else None, scope_needs=list(needs),
        scope_data=list(data), method=ConsentMethod.VERBAL, expires_at=None,
        recorded_by_id=team.navigator.user_id,
    )  # fmt: skip


@pytest.fixture
def legal(make, clinic):
    return make.member(clinic, Role.PARTNER)  # the factory's partner is a legal-aid organization


def test_the_legal_partner_sees_only_consented_cases_and_only_what_was_consented(
    make, clinic, team, legal, login, db_session
):
    covered = dulce_family(make, clinic, team, "Rivera", "Mateo", given_name="Ana")
    make.screen(covered.appointment, "phq-9", PHQ9_POSITIVE_CRITICAL)
    checkin(make, covered, **{"need-legal": "yes", "need-food": "yes"})
    _consent(covered, team)
    referral = open_referral(
        household=covered.household, child=covered.child, requested_by_id=team.clinician.user_id,
        need="legal", target=ReferralTarget.PARTNER,
        partner_organization_id=legal.partner_organization_id,
        ihelp_domain=IhelpDomain.LEGAL_STATUS, request_note="Asylum papers",
    )  # fmt: skip
    food_only = dulce_family(make, clinic, team, "Nguyen", "Linh", given_name="Thu")
    _consent(food_only, team, needs=("food",))
    withdrawn = dulce_family(make, clinic, team, "Okafor", "Chidi", given_name="Ngozi")
    revoke_consent(_consent(withdrawn, team), user_id=team.navigator.user_id, note="By phone")
    other_partner = make.partner_organization(clinic)
    theirs = dulce_family(make, clinic, team, "Silva", "Bea", given_name="Rosa")
    _consent(theirs, team, partner=other_partner)
    huddle = _start(clinic, team.specialist, make.today)
    add_note(huddle, author_id=team.clinician.user_id, body="Mother scored high on the PHQ-9",
             household=covered.household, child=covered.child)  # fmt: skip

    page = login(legal).get("/huddles/review")

    assert page.status_code == 200
    text = text_of(page)
    assert "Cases shared with you (1)" in text
    assert "Ana Rivera" in text
    assert "Spanish" in text
    assert "The family asked for help with a legal worry." in text
    assert "Legal status (immigration)" in text
    for hidden in ("Mateo", "PHQ", "critical", "Food", "scored", "Asylum", "Thu", "Linh",
                   "Ngozi", "Chidi", "Rosa", "Bea", team.specialist.user.full_name):  # fmt: skip
        assert hidden not in text, hidden
    reads = db_session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.actor_user_id == legal.user_id, AuditEvent.object_type == "case_review_case"
        )
    ).all()
    assert [(e.action, e.child_id, e.household_id) for e in reads] == [
        ("view", covered.child.id, covered.household.id)
    ]
    assert referral.id  # the referral's note stays with the referral, where its consent governs


def test_the_child_is_shown_to_the_partner_only_when_the_consent_shares_it(
    make, clinic, team, legal, login
):
    family = dulce_family(make, clinic, team, "Rivera", "Mateo", given_name="Ana")
    _consent(family, team, data=("child",))

    text = text_of(login(legal).get("/huddles/review"))

    assert "Mateo" in text
    assert "5 weeks" in text
    assert "Ana" not in text
    assert "Rivera" not in text
    assert "Legal needs" not in text


def test_the_legal_partner_adds_notes_on_covered_cases_only_and_reads_only_its_own(
    make, clinic, team, legal, login, db_session
):
    covered = dulce_family(make, clinic, team, "Rivera", "Mateo")
    _consent(covered, team)
    not_covered = dulce_family(make, clinic, team, "Nguyen", "Linh")
    huddle = _start(clinic, team.specialist, make.today)
    add_note(huddle, author_id=team.clinician.user_id, body="Clinic-only thought",
             household=covered.household, child=covered.child)  # fmt: skip
    client = login(legal)

    ok = client.post(f"/huddles/review/{huddle.id}/notes",
                     data={"child_id": covered.child.id, "body": "Hearing moved to Friday"})  # fmt: skip
    refused = client.post(f"/huddles/review/{huddle.id}/notes",
                          data={"child_id": not_covered.child.id, "body": "x"})  # fmt: skip
    team_note = client.post(f"/huddles/review/{huddle.id}/notes", data={"body": "x"})

    assert (ok.status_code, refused.status_code, team_note.status_code) == (302, 404, 404)
    note = db_session.scalar(sa.select(HuddleNote).where(HuddleNote.author_id == legal.user_id))
    assert (note.child_id, note.household_id) == (covered.child.id, covered.household.id)
    text = text_of(client.get("/huddles/review"))
    assert "Hearing moved to Friday" in text
    assert "Clinic-only thought" not in text
    client.post("/sign-out")
    staff_view = case_text(login(team.clinician).get("/huddles/review"), covered.child)
    assert "Hearing moved to Friday" in staff_view
    for path in ("start",):
        client.post("/sign-out")
        assert login(legal).post(f"/huddles/review/{path}").status_code == 403
    assert login(legal).post(f"/huddles/review/{huddle.id}/action-items").status_code == 403
    assert login(legal).post(f"/huddles/review/{huddle.id}/end").status_code == 403


def test_a_community_partner_has_no_part_in_the_review(make, clinic, team, login):
    family = dulce_family(make, clinic, team, "Rivera", "Mateo")
    community = make.partner_organization(clinic, kind=PartnerKind.COMMUNITY)
    member = make.member(clinic, Role.PARTNER, partner_organization_id=community.id)
    record_consent(
        family.household, caregiver_id=family.caregiver.id,
        recipient=Recipient.COMMUNITY_PARTNERS, partner_organization_id=None,
        scope_needs=["legal"], scope_data=["contact", "needs"], method=ConsentMethod.VERBAL,
        expires_at=None, recorded_by_id=team.navigator.user_id,
    )  # fmt: skip
    huddle = _start(clinic, team.specialist, make.today)
    client = login(member)

    assert client.get("/huddles/review").status_code == 403
    assert client.post(f"/huddles/review/{huddle.id}/notes",
                       data={"child_id": family.child.id, "body": "x"}).status_code == 403  # fmt: skip


def test_a_legal_partner_never_sees_a_referral_sent_to_another_legal_partner(
    make, clinic, team, legal, login
):
    family = dulce_family(make, clinic, team, "Rivera", "Mateo", given_name="Ana")
    other_partner = make.partner_organization(clinic)
    _consent(family, team)  # "the clinic's legal partner": covers both organizations
    open_referral(
        household=family.household, child=family.child, requested_by_id=team.clinician.user_id,
        need="legal", target=ReferralTarget.PARTNER, partner_organization_id=other_partner.id,
        ihelp_domain=IhelpDomain.LEGAL_STATUS,
    )  # fmt: skip

    text = text_of(login(legal).get("/huddles/review"))

    assert "Ana Rivera" in text
    assert "Legal status (immigration)" not in text
