"""The visit page, as the clinician in the exam room uses it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.appointments.models import VISIT_AGE_DAYS, VisitKind
from app.clinics.models import PartnerKind
from app.consents.models import ConsentMethod, Recipient
from app.consents.operations import record_consent
from app.core.audit import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.huddles.models import HuddleKind
from app.huddles.operations import add_note, start_huddle
from app.referrals.models import ReferralStatus, ReferralTarget, Side
from app.referrals.operations import open_referral, transition_referral
from app.screening.models import Flag, FlagKind
from app.visits.models import PracticeDelivery, Visit
from tests.factories import CHECKIN_ALL_NO
from tests.pages import text_of
from tests.referrals.builders import directory_service

DEPRESSION_VISITS = {"1m", "2m", "4m", "6m"}
PHQ9_ITEM9_POSITIVE = {f"phq-{n}": "2" for n in range(1, 9)} | {"phq-9": "1"}


@pytest.fixture
def team(make, clinic):
    return {
        "clinician": make.member(clinic, Role.CLINICIAN),
        "nurse": make.member(clinic, Role.NURSE_MA),
    }


def _family(make, clinic, age_days: int = 122, **caregiver):
    household = make.household(clinic)
    caregiver = make.caregiver(household, **caregiver)
    child = make.child(household, date_of_birth=make.today - timedelta(days=age_days))
    return caregiver, child


def _visit_of(make, clinic, kind: VisitKind = VisitKind.MONTH_4, **caregiver):
    age = VISIT_AGE_DAYS.get(kind, 200)
    caregiver, child = _family(make, clinic, age, **caregiver)
    return caregiver, make.appointment(child, visit_kind=kind)


def _suggested(page: str) -> set[str]:
    return set(
        re.findall(r'class="practice practice-suggested">\s*<span class="tag">(\w+)</span>', page)
    )


def _delivered(page: str) -> set[str]:
    return set(
        re.findall(r'class="practice practice-done">\s*<span class="tag">(\w+)</span>', page)
    )


@pytest.mark.parametrize("kind", [k for k in VisitKind if k != VisitKind.OTHER])
def test_every_visit_kind_shows_due_and_done_screens_prompts_and_suggestions(
    make, clinic, team, login, kind
):
    caregiver, appointment = _visit_of(make, clinic, kind, preferred_language="en")
    make.screen(appointment, "family-checkin", {**CHECKIN_ALL_NO, "need-food": "yes"},
                caregiver=caregiver)  # fmt: skip

    page = login(team["clinician"]).get(f"/visits/{appointment.id}")

    assert page.status_code == 200
    html, text = page.get_data(as_text=True), text_of(page)
    assert "Family needs and priorities check-in : Done for this visit" in text
    assert "Hunger Vital Sign : Due, not answered yet" in text
    phq_due = "Patient Health Questionnaire-2 (PHQ-2) : Due, not answered yet" in text
    assert phq_due == (kind.value in DEPRESSION_VISITS)
    assert html.count('<div class="prompt">') >= 3
    assert "Would like help with: Food" in text
    assert _suggested(html) == {"N1", "C2", "C3"}


def test_an_other_visit_gets_the_guidance_of_the_childs_age(make, clinic, team, login):
    _caregiver, appointment = _visit_of(make, clinic, VisitKind.OTHER)

    page = login(team["clinician"]).get(f"/visits/{appointment.id}")

    assert page.get_data(as_text=True).count('<div class="prompt">') >= 3


def test_a_self_harm_answer_raises_the_banner_until_a_clinician_records_the_action(
    make, clinic, team, login
):
    caregiver, appointment = _visit_of(make, clinic, VisitKind.MONTH_2, preferred_language="en")
    make.screen(appointment, "phq-2", PHQ9_ITEM9_POSITIVE, caregiver=caregiver)
    flag = db.session.scalar(sa.select(Flag).where(Flag.kind == FlagKind.CRITICAL))
    client = login(team["clinician"])
    url = f"/visits/{appointment.id}"

    banner = "Safety protocol: 1 critical answer needs you today"
    assert banner in text_of(client.get(url))
    assert "Ask directly about thoughts of self-harm" in text_of(client.get(url))

    # Without an action the banner stays and nothing is recorded.
    refused = client.post(f"/screening/flags/{flag.id}/acknowledge",
                          data={"appointment_id": appointment.id})  # fmt: skip
    assert refused.headers["Location"].endswith(url)
    assert banner in text_of(client.get(url))

    done = client.post(f"/screening/flags/{flag.id}/acknowledge", data={
        "appointment_id": appointment.id, f"flag-{flag.id}-action": "warm_handoff",
    })  # fmt: skip
    assert done.headers["Location"].endswith(url)
    page = text_of(client.get(url))
    assert banner not in page
    assert "Warm handoff to behavioral health or a navigator, recorded by" in page


def test_the_nurse_sees_the_banner_but_is_told_to_fetch_the_clinician(make, clinic, team, login):
    caregiver, appointment = _visit_of(make, clinic, VisitKind.MONTH_1, preferred_language="en")
    make.screen(appointment, "phq-2", PHQ9_ITEM9_POSITIVE, caregiver=caregiver)

    page = login(team["nurse"]).get(f"/visits/{appointment.id}")

    text = text_of(page)
    assert "Safety protocol: 1 critical answer needs you today" in text
    assert "Tell the clinician now. Only a clinician can record the action taken." in text
    assert "/acknowledge" not in page.get_data(as_text=True)


def test_a_practice_is_recorded_once_and_can_be_undone(make, clinic, team, login):
    _caregiver, appointment = _visit_of(make, clinic)
    client = login(team["clinician"])
    url = f"/visits/{appointment.id}/practices"

    client.post(url, data={"code": "N3", "note": "Read a board book together"})
    client.post(url, data={"code": "N3", "note": "again"})  # a double tap

    page = client.get(f"/visits/{appointment.id}")
    assert _delivered(page.get_data(as_text=True)) == {"N3"}
    assert "Read a board book together" in text_of(page)
    assert db.session.scalar(sa.select(sa.func.count(PracticeDelivery.id))) == 1

    client.post(f"{url}/withdraw", data={"code": "N3"})
    assert _delivered(client.get(f"/visits/{appointment.id}").get_data(as_text=True)) == set()
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_type == "practice_deliveries")
    ).all()
    assert sorted(actions) == ["create", "delete"]


@pytest.mark.parametrize("code", ["Z9", "", "N1; DROP"])
def test_an_unknown_practice_is_refused_and_nothing_is_recorded(make, clinic, team, login, code):
    _caregiver, appointment = _visit_of(make, clinic)
    client = login(team["clinician"])

    page = client.post(f"/visits/{appointment.id}/practices", data={"code": code},
                       follow_redirects=True)  # fmt: skip

    text = text_of(page)
    assert "There is no common practice" in text or "Choose a practice" in text
    assert db.session.scalar(sa.select(sa.func.count(PracticeDelivery.id))) == 0


def test_recording_a_practice_delivered_takes_it_off_the_suggestions(make, clinic, team, login):
    caregiver, appointment = _visit_of(make, clinic, preferred_language="en")
    make.screen(appointment, "family-checkin", CHECKIN_ALL_NO, caregiver=caregiver)
    client = login(team["clinician"])
    assert "C2" in _suggested(client.get(f"/visits/{appointment.id}").get_data(as_text=True))

    client.post(f"/visits/{appointment.id}/practices", data={"code": "C2"})

    html = client.get(f"/visits/{appointment.id}").get_data(as_text=True)
    assert "C2" not in _suggested(html)
    assert "C2" in _delivered(html)


def test_notes_for_the_family_are_saved_and_a_stale_form_is_refused(make, clinic, team, login):
    _caregiver, appointment = _visit_of(make, clinic)
    client = login(team["clinician"])
    url = f"/visits/{appointment.id}/notes"

    client.post(url, data={"strength_noticed": "You calm her with your voice.", "next_steps": ""})
    visit = db.session.scalar(sa.select(Visit))
    assert visit.strength_noticed == "You calm her with your voice."

    # A colleague's form, opened before that save, carries no version: refused, not merged.
    stale = client.post(url, data={"strength_noticed": "Overwrite", "version": ""},
                        follow_redirects=True)  # fmt: skip
    assert "Someone else saved these notes" in text_of(stale)
    db.session.expire_all()
    assert db.session.scalar(sa.select(Visit)).strength_noticed == "You calm her with your voice."

    client.post(url, data={"strength_noticed": "Updated", "version": str(visit.version)})
    db.session.expire_all()
    assert db.session.scalar(sa.select(Visit)).strength_noticed == "Updated"


def test_too_long_a_note_is_refused(make, clinic, team, login):
    _caregiver, appointment = _visit_of(make, clinic)

    page = login(team["clinician"]).post(
        f"/visits/{appointment.id}/notes", data={"strength_noticed": "x" * 2001},
        follow_redirects=True,
    )  # fmt: skip

    assert "at most 2000 characters" in text_of(page)
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_opening_the_visit_page_is_audited_against_the_child(make, clinic, team, login):
    _caregiver, appointment = _visit_of(make, clinic)

    login(team["clinician"]).get(f"/visits/{appointment.id}")

    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.object_type == "appointments"
        )
    )
    assert event.child_id == appointment.child_id
    assert event.actor_user_id == team["clinician"].user_id


def test_another_clinics_visit_is_not_found(make, clinic, team, login):
    _caregiver, elsewhere = _visit_of(make, make.clinic())
    client = login(team["clinician"])

    assert client.get(f"/visits/{elsewhere.id}").status_code == 404
    assert client.post(f"/visits/{elsewhere.id}/practices", data={"code": "N1"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(PracticeDelivery.id))) == 0


def test_the_days_list_shows_my_visits_with_their_screens_and_open_critical_answers(
    make, clinic, team, login
):
    caregiver, mine = _visit_of(make, clinic, VisitKind.MONTH_2, preferred_language="en")
    mine.clinician_id = team["clinician"].user_id
    make.screen(mine, "phq-2", PHQ9_ITEM9_POSITIVE, caregiver=caregiver)
    _other_caregiver, theirs = _visit_of(make, clinic, VisitKind.MONTH_9)
    db.session.flush()

    page = login(team["clinician"]).get("/visits/")

    text = text_of(page)
    assert mine.child.full_name in text
    assert "Critical answer open" in text
    assert f"/visits/{theirs.id}" not in page.get_data(as_text=True)  # another clinician's


def test_the_visit_page_costs_the_same_queries_however_long_the_history(
    make, clinic, team, login, count_queries
):
    caregiver, appointment = _visit_of(make, clinic, VisitKind.MONTH_6, preferred_language="en")
    child, client = appointment.child, login(team["clinician"])
    specialist = make.member(clinic, Role.NAVIGATOR)
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    service = directory_service(clinic, pantry)
    record_consent(
        child.household, caregiver_id=caregiver.id, recipient=Recipient.COMMUNITY_PARTNERS,
        partner_organization_id=None, scope_needs=["food"], scope_data=["contact", "needs"],
        method=ConsentMethod.VERBAL, expires_at=None, recorded_by_id=team["clinician"].user_id,
    )  # fmt: skip

    def referrals_at(earlier) -> None:
        """A closed-loop referral to the team and an open one to a directory service."""
        common = {
            "household": child.household,
            "child": child,
            "need": "food",
            "requested_by_id": team["clinician"].user_id,
            "appointment_id": earlier.id,
        }
        done = open_referral(target=ReferralTarget.HEALTHYSTEPS_SPECIALIST, **common)
        for status, extra in (
            (ReferralStatus.ACCEPTED, {}),
            (ReferralStatus.COMPLETED, {"outcome": "Food box"}),
        ):
            transition_referral(
                done,
                status,
                actor_user_id=specialist.user_id,
                side=Side.RESPONDER,
                expected_version=None,
                **extra,
            )
        open_referral(target=ReferralTarget.PARTNER, service_id=service.id, **common)

    def earlier_visit(weeks: int) -> None:
        earlier = make.appointment(child, at=appointment.scheduled_at - timedelta(weeks=weeks))
        make.screen(earlier, "phq-2", {"phq-1": "0", "phq-2": "1"}, caregiver=caregiver)
        make.screen(earlier, "family-checkin", {**CHECKIN_ALL_NO, "need-food": "yes"},
                    caregiver=caregiver)  # fmt: skip
        make.screen(earlier, "hvs", {"hvs-1": "often", "hvs-2": "never"}, caregiver=caregiver)
        referrals_at(earlier)
        client.post(f"/visits/{earlier.id}/practices", data={"code": "N2"})

    def counted_visit_page():
        # The page seen once before each count: both counts start from the same session state.
        client.get(f"/visits/{appointment.id}")
        with count_queries() as counted:
            page = client.get(f"/visits/{appointment.id}")
        return counted, page

    earlier_visit(1)
    client.post(f"/visits/{appointment.id}/practices", data={"code": "N3"})
    short, _page = counted_visit_page()

    for weeks in range(2, 12):
        earlier_visit(weeks)
    long, page = counted_visit_page()

    assert text_of(page).count("Loop closed") == 11
    assert long.count == short.count


def test_the_visit_page_shows_the_last_huddle_note_about_the_child(make, clinic, team, login):
    _caregiver, appointment = _visit_of(make, clinic)
    huddle = start_huddle(clinic.id, day=make.today, kind=HuddleKind.DAILY,
                          user_id=team["nurse"].user_id)  # fmt: skip
    household = appointment.child.household
    for body in ("Ask about sleep", "Mother back at work next week; ask about child care"):
        add_note(huddle, author_id=team["nurse"].user_id, body=body, household=household,
                 child=appointment.child)  # fmt: skip

    page = text_of(login(team["clinician"]).get(f"/visits/{appointment.id}"))

    assert "Last huddle note" in page
    assert "Mother back at work next week; ask about child care" in page
    assert "Ask about sleep" not in page
