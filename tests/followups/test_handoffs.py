"""Live warm handoffs: the navigator sees their team's, accepts one (once), and nobody waits unseen."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import jobs
from app.core.roles import NavigatorKind, Role
from app.referrals.handoffs import alert_waiting_handoffs
from app.referrals.models import Referral, ReferralStatus, ReferralTarget
from tests.followups.conftest import family, notified, partner_referral, warm_handoff
from tests.pages import text_of
from tests.records import events

#: PHQ-9 at 12 of 27: a positive screen with a score that must never reach the live panel.
PHQ9_POSITIVE = {f"phq-{n}": code for n, code in enumerate("112212210", start=1)}


@pytest.fixture
def front_desk(make, clinic):
    return make.member(clinic, Role.FRONT_DESK)


@pytest.fixture
def dulce_specialist(make, clinic):
    return make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST)


def live(client) -> list[dict]:
    response = client.get("/handoffs/live")
    assert response.status_code == 200
    return response.get_json()["handoffs"]


def test_the_live_list_holds_only_my_teams_handoffs_still_requested(
    db_session, login, make, clinic, navigator, clinician
):
    site = make.site(clinic, "Eastside")
    child = family(make, clinic)
    mine = warm_handoff(make, child, clinician, site_id=site.id)
    warm_handoff(make, family(make, clinic, "Okafor", child_name="Chidi"), clinician,
                 target=ReferralTarget.DULCE_FAMILY_SPECIALIST)  # fmt: skip
    taken = warm_handoff(make, family(make, clinic, "Nguyen", child_name="Bao"), clinician)
    taken.status = ReferralStatus.ACCEPTED
    partner_referral(make, family(make, clinic, "Haddad", child_name="Omar"), clinician,
                     make.partner_organization(clinic).id)  # fmt: skip
    mine.requested_at -= timedelta(minutes=6)
    db_session.flush()

    [shown] = live(login(navigator))
    assert shown["id"] == mine.id
    assert shown["version"] == mine.version
    assert shown["minutes_waiting"] == 6
    assert shown["waiting"] == "Waiting 6 minutes"
    assert (shown["location"], shown["language"], shown["language_name"]) == (
        "Eastside", "es", "Spanish",
    )  # fmt: skip
    assert (shown["need"], shown["child_first_name"]) == ("Parenting support", "Tomasito")
    assert shown["accept_url"] == f"/handoffs/{mine.id}/accept"


def test_the_live_list_carries_no_names_but_the_childs_first_and_no_scores(
    login, make, clinic, navigator, clinician
):
    child = family(make, clinic)
    appointment = make.appointment(child)
    make.screen(appointment, "phq-9", PHQ9_POSITIVE)
    warm_handoff(make, child, clinician, appointment=appointment,
                 request_note="Marisol fears eviction; PHQ-9 was 12")  # fmt: skip
    [shown] = live(login(navigator))
    assert set(shown) == {
        "id", "version", "minutes_waiting", "waiting", "location", "language", "language_name",
        "need", "team", "child_first_name", "accept_url",
    }  # fmt: skip
    body = json.dumps(shown)
    assert "Tomasito" in body
    for secret in ("Quintero", "Marisol", "eviction", "PHQ", "score", clinician.user.full_name):
        assert secret not in body


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.FRONT_DESK, Role.PRACTICE_MANAGER])
def test_only_navigators_open_the_live_list(login, make, clinic, role):
    assert login(make.member(clinic, role)).get("/handoffs/live").status_code == 403


def test_each_live_handoff_is_audited_once_not_at_every_poll(
    db_session, login, make, clinic, navigator, clinician
):
    handoff = warm_handoff(make, family(make, clinic), clinician)
    client = login(navigator)
    for _poll in range(3):
        live(client)
    seen = events(db_session, "view", object_type="referrals", actor_user_id=navigator.user_id)
    assert [(e.object_id, e.details["page"]) for e in seen] == [(str(handoff.id), "live_handoffs")]


def test_the_navigators_home_shows_the_panel_with_a_script_the_csp_allows(
    login, make, clinic, navigator, clinician
):
    handoff = warm_handoff(make, family(make, clinic), clinician)
    response = login(navigator).get("/")
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "Warm handoffs waiting for your team" in page
    assert "Parenting support" in page
    assert "Tomasito" in page
    assert f'action="/handoffs/{handoff.id}/accept"' in html
    assert '<script src="/static/js/handoffs.js" defer></script>' in html
    assert "<script>" not in html  # no inline script: the CSP allows only 'self'
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src" not in csp
    script = login(navigator).get("/static/js/handoffs.js")
    assert script.status_code == 200
    script.close()


def test_accepting_records_the_minutes_and_a_second_navigator_is_told_who_has_it(
    db_session, login, make, clinic, navigator, clinician
):
    colleague = make.member(clinic, Role.NAVIGATOR)
    handoff = warm_handoff(make, family(make, clinic), clinician)
    handoff.requested_at -= timedelta(minutes=4)
    db_session.flush()
    version = handoff.version
    json_headers = {"Accept": "application/json"}

    first = login(navigator).post(
        f"/handoffs/{handoff.id}/accept", data={"version": version}, headers=json_headers
    )
    assert first.status_code == 200
    assert first.get_json()["accepted"] == {"id": handoff.id, "minutes_to_accept": 4}
    saved = db_session.get(Referral, handoff.id)
    assert (saved.status, saved.owner_user_id) == (ReferralStatus.ACCEPTED, navigator.user_id)
    accepted_at = saved.accepted_at

    second = login(colleague).post(
        f"/handoffs/{handoff.id}/accept", data={"version": version}, headers=json_headers
    )
    assert second.status_code == 409
    assert second.get_json()["error"]["message"] == (
        f"Already accepted by {navigator.user.full_name}."
    )
    saved = db_session.get(Referral, handoff.id)
    assert (saved.owner_user_id, saved.accepted_at) == (navigator.user_id, accepted_at)
    assert [e.to_status for e in saved.events].count(ReferralStatus.ACCEPTED) == 1
    assert notified(db_session, "referral_accepted") == [clinician.user_id]


def test_two_navigators_pressing_accept_at_the_same_moment(
    db_session, login, make, clinic, navigator, clinician
):
    """The second one's page still shows the handoff as waiting: their write finds the version
    changed under it and they are told who took the family, with nothing changed."""
    colleague = make.member(clinic, Role.NAVIGATOR)
    handoff = warm_handoff(make, family(make, clinic), clinician)
    version = handoff.version
    db_session.execute(  # the first accept lands between the second's read and write
        sa.update(Referral)
        .where(Referral.id == handoff.id)
        .values(
            status=ReferralStatus.ACCEPTED, owner_user_id=navigator.user_id, version=version + 1
        )
        .execution_options(synchronize_session=False)
    )
    response = login(colleague).post(
        f"/handoffs/{handoff.id}/accept", data={"version": version},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        f"Already accepted by {navigator.user.full_name}."
    )
    saved = db_session.get(Referral, handoff.id, populate_existing=True)
    assert (saved.owner_user_id, saved.version) == (navigator.user_id, version + 1)


def test_accepting_without_script_flashes_who_has_it(
    db_session, login, make, clinic, navigator, clinician
):
    colleague = make.member(clinic, Role.NAVIGATOR)
    handoff = warm_handoff(make, family(make, clinic), clinician)
    version = handoff.version
    login(navigator).post(f"/handoffs/{handoff.id}/accept", data={"version": version})
    response = login(colleague).post(
        f"/handoffs/{handoff.id}/accept", data={"version": version}, follow_redirects=True
    )
    assert f"Already accepted by {navigator.user.full_name}." in text_of(response)


def test_another_teams_navigator_cannot_accept(
    db_session, login, make, clinic, dulce_specialist, clinician
):
    handoff = warm_handoff(make, family(make, clinic), clinician)
    response = login(dulce_specialist).post(
        f"/handoffs/{handoff.id}/accept", data={"version": handoff.version},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "This handoff is for another team."
    assert db_session.get(Referral, handoff.id).status == ReferralStatus.REQUESTED


def test_a_referral_that_is_not_a_warm_handoff_is_not_accepted_here(
    db_session, login, make, clinic, navigator, clinician
):
    referral = partner_referral(
        make, family(make, clinic), clinician, make.partner_organization(clinic).id
    )
    response = login(navigator).post(
        f"/handoffs/{referral.id}/accept", data={"version": referral.version},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 409
    assert db_session.get(Referral, referral.id).status == ReferralStatus.REQUESTED


def test_another_clinics_handoff_does_not_exist(login, make, clinic, navigator):
    elsewhere = make.clinic()
    theirs = warm_handoff(make, family(make, elsewhere), make.member(elsewhere, Role.CLINICIAN))
    response = login(navigator).post(
        f"/handoffs/{theirs.id}/accept", data={"version": theirs.version}
    )
    assert response.status_code == 404
    assert live(login(navigator)) == []


def test_the_alert_fires_once_after_the_clinics_minutes_and_not_before(
    db_session, outbox, make, clinic, clinician, front_desk, manager
):
    clinic.handoff_accept_minutes = 15
    handoff = warm_handoff(make, family(make, clinic), clinician)
    other_clinic_desk = make.member(make.clinic(), Role.FRONT_DESK)
    due = handoff.requested_at + timedelta(minutes=15)

    assert alert_waiting_handoffs(due - timedelta(minutes=1)) == []
    db_session.commit()
    assert notified(db_session, "handoff_waiting") == []

    assert alert_waiting_handoffs(due) == [handoff]
    db_session.commit()
    assert notified(db_session, "handoff_waiting") == sorted([front_desk.user_id, manager.user_id])
    assert other_clinic_desk.user_id not in notified(db_session, "handoff_waiting")
    assert {m.to for m in outbox} >= {front_desk.user.email, manager.user.email}
    assert db_session.get(Referral, handoff.id).handoff_alerted_at == due

    assert alert_waiting_handoffs(due + timedelta(minutes=30)) == []
    db_session.commit()
    assert len(notified(db_session, "handoff_waiting")) == 2


def test_no_alert_once_a_navigator_accepted(
    db_session, login, make, clinic, navigator, clinician, front_desk
):
    handoff = warm_handoff(make, family(make, clinic), clinician)
    login(navigator).post(f"/handoffs/{handoff.id}/accept", data={"version": handoff.version})
    later = handoff.requested_at + timedelta(minutes=clinic.handoff_accept_minutes + 5)
    assert alert_waiting_handoffs(later) == []


def test_the_alert_job_is_registered(app):
    assert "alert-waiting-handoffs" in jobs.registered(app)


def test_front_desk_and_manager_homes_list_waiting_handoffs(
    db_session, login, make, clinic, clinician, front_desk, manager
):
    site = make.site(clinic, "Eastside")
    handoff = warm_handoff(make, family(make, clinic), clinician, site_id=site.id)
    handoff.requested_at -= timedelta(minutes=12)
    db_session.flush()
    for member in (front_desk, manager):
        page = text_of(login(member).get("/"))
        assert "Families waiting for a warm handoff" in page
        for shown in ("Tomasito", "HealthySteps specialist", "Eastside", "Spanish", "12 minutes"):
            assert shown in page
        assert "front desk and managers told" not in page
    alert_waiting_handoffs(handoff.requested_at + timedelta(minutes=clinic.handoff_accept_minutes))
    assert "front desk and managers told" in text_of(login(manager).get("/"))
