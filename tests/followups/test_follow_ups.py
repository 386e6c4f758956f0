"""Follow-ups as the care team uses them: create, hand to someone, try to reach the family, close."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.errors import DomainError
from app.core.roles import Role
from app.db import now_utc
from app.followups.models import ContactAttempt, ContactMethod, FollowUp
from app.followups.operations import record_contact_attempt
from tests.followups.conftest import family, follow_up, notified, partner_referral
from tests.pages import text_of
from tests.records import count, events


def attempt(task, member, *, reached: bool, minutes: int, method=ContactMethod.CALL):
    """A contact attempt `minutes` after a fixed start, so their order is certain."""
    return record_contact_attempt(
        task, method=method, is_reached=reached, note="", user_id=member.user_id,
        attempted_at=now_utc().replace(microsecond=0) + timedelta(minutes=minutes),
    )  # fmt: skip


def test_a_new_follow_up_is_audited_and_tells_its_assignee(
    db_session, login, make, clinic, navigator, clinician
):
    child = family(make, clinic)
    client = login(clinician)
    response = client.post(
        f"/followups/new?child_id={child.id}",
        data={
            "title": "Call about the food pantry",
            "assignee_id": str(navigator.user_id),
            "due_on": make.today.isoformat(),
            "child_id": str(child.id),
            "referral_id": "",
        },
    )
    assert response.status_code == 302
    [task] = db_session.query(FollowUp).all()
    assert (task.title, task.assignee_id, task.child_id) == (
        "Call about the food pantry", navigator.user_id, child.id,
    )  # fmt: skip
    assert task.created_by_id == clinician.user_id
    assert events(db_session, "create", object_type="follow_ups")[0].household_id == (
        child.household_id
    )
    assert notified(db_session, "follow_up_assigned") == [navigator.user_id]
    page = text_of(client.get(response.headers["Location"]))
    assert "Call about the food pantry" in page
    assert "The follow-up is saved." in page


def test_giving_a_follow_up_to_yourself_sends_no_notification(db_session, make, clinic, navigator):
    follow_up(make, family(make, clinic), navigator, navigator)
    assert notified(db_session, "follow_up_assigned") == []


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN, Role.PARTNER])
def test_only_the_care_team_can_be_given_a_follow_up(db_session, make, clinic, navigator, role):
    outsider = make.member(clinic, role)
    with pytest.raises(DomainError, match="active member of the clinic's care team"):
        follow_up(make, family(make, clinic), outsider, navigator)


def test_someone_of_another_clinic_cannot_be_given_a_follow_up(
    login, make, clinic, navigator, db_session
):
    elsewhere = make.member(make.clinic(), Role.NAVIGATOR)
    child = family(make, clinic)
    response = login(navigator).post(
        f"/followups/new?child_id={child.id}",
        data={"title": "Call", "assignee_id": str(elsewhere.user_id),
              "due_on": make.today.isoformat()},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Choose an active member of the clinic's care team." in text_of(response)
    assert count(db_session, FollowUp) == 0


def test_a_follow_up_needs_a_title_and_a_due_date(login, make, clinic, navigator, db_session):
    child = family(make, clinic)
    response = login(navigator).post(
        f"/followups/new?child_id={child.id}",
        data={"title": " ", "assignee_id": str(navigator.user_id), "due_on": "not a date"},
    )
    page = text_of(response)
    assert response.status_code == 422
    assert "Say what needs doing." in page
    assert count(db_session, FollowUp) == 0


def test_the_review_rule_fires_once_at_the_nth_failed_attempt_and_tells_creator_and_managers(
    db_session, make, clinic, navigator, clinician, manager
):
    clinic.failed_contacts_before_review = 3
    task = follow_up(make, family(make, clinic), navigator, clinician)
    attempt(task, navigator, reached=False, minutes=1)
    attempt(task, navigator, reached=False, minutes=2)
    assert task.needs_review_since is None
    assert notified(db_session, "follow_up_needs_review") == []

    attempt(task, navigator, reached=False, minutes=3)
    flagged_at = task.needs_review_since
    assert flagged_at is not None
    assert notified(db_session, "follow_up_needs_review") == sorted(
        [clinician.user_id, manager.user_id]
    )

    attempt(task, navigator, reached=False, minutes=4)
    assert task.needs_review_since == flagged_at
    assert len(notified(db_session, "follow_up_needs_review")) == 2


def test_a_reached_attempt_stops_the_count(db_session, make, clinic, navigator, clinician):
    clinic.failed_contacts_before_review = 2
    task = follow_up(make, family(make, clinic), navigator, clinician)
    attempt(task, navigator, reached=False, minutes=1)
    attempt(task, navigator, reached=True, minutes=2, method=ContactMethod.TEXT)
    attempt(task, navigator, reached=False, minutes=3)
    assert task.needs_review_since is None

    attempt(task, navigator, reached=False, minutes=4)
    assert task.needs_review_since is not None
    attempt(task, navigator, reached=True, minutes=5)
    assert task.needs_review_since is not None  # nothing is cleared retroactively


def test_recording_an_attempt_through_the_page(db_session, login, make, clinic, navigator):
    task = follow_up(make, family(make, clinic), navigator, navigator)
    client = login(navigator)
    response = client.post(
        f"/followups/{task.id}/attempts",
        data={"method": "home_visit", "outcome": "not_reached", "note": "Nobody home"},
        follow_redirects=True,
    )
    page = text_of(response)
    assert "The contact attempt is recorded." in page
    for shown in ("Home visit", "Not reached", "Nobody home"):
        assert shown in page
    assert "1 attempt in a row has not reached the family" in page
    [saved] = db_session.query(ContactAttempt).all()
    assert (saved.follow_up_id, saved.is_reached, saved.household_id) == (
        task.id, False, task.household_id,
    )  # fmt: skip

    refused = client.post(f"/followups/{task.id}/attempts", data={"method": "fax"})
    assert refused.status_code == 422
    assert "Say whether you reached the family." in text_of(refused)
    assert count(db_session, ContactAttempt) == 1


def test_a_contact_attempt_on_a_referral(db_session, login, make, clinic, navigator, clinician):
    child = family(make, clinic)
    referral = partner_referral(make, child, clinician, make.partner_organization(clinic).id)
    response = login(navigator).post(
        f"/referrals/{referral.id}/attempts",
        data={"method": "call", "outcome": "reached", "next": f"/referrals/{referral.id}"},
    )
    assert response.headers["Location"] == f"/referrals/{referral.id}"
    [saved] = db_session.query(ContactAttempt).all()
    assert (saved.referral_id, saved.follow_up_id, saved.is_reached) == (referral.id, None, True)
    assert events(db_session, "create", object_type="contact_attempts")


def test_a_referral_attempt_never_redirects_off_site(login, make, clinic, navigator, clinician):
    referral = partner_referral(
        make, family(make, clinic), clinician, make.partner_organization(clinic).id
    )
    response = login(navigator).post(
        f"/referrals/{referral.id}/attempts",
        data={"method": "call", "outcome": "reached", "next": "//evil.example/"},
    )
    assert response.headers["Location"] == "/followups/"


def test_marking_done_with_a_stale_form_is_refused(db_session, login, make, clinic, navigator):
    task = follow_up(make, family(make, clinic), navigator, navigator)
    seen_version = task.version
    attempt(task, navigator, reached=False, minutes=1)
    task.title = "Call about housing, and the crib"  # someone else edits in the meantime
    db_session.flush()

    client = login(navigator)
    response = client.post(f"/followups/{task.id}/done", data={"version": str(seen_version)})
    assert response.status_code == 409
    assert "Someone else changed this follow-up" in text_of(response)
    assert db_session.get(FollowUp, task.id).done_at is None

    response = client.post(f"/followups/{task.id}/done", data={"version": str(task.version)})
    assert response.status_code == 302
    assert db_session.get(FollowUp, task.id).done_by_id == navigator.user_id


def test_a_done_follow_up_takes_no_more_attempts(db_session, login, make, clinic, navigator):
    task = follow_up(make, family(make, clinic), navigator, navigator)
    client = login(navigator)
    client.post(f"/followups/{task.id}/done", data={"version": str(task.version)})
    response = client.post(
        f"/followups/{task.id}/attempts", data={"method": "call", "outcome": "reached"}
    )
    assert response.status_code == 422
    assert "This follow-up is done." in text_of(response)
    assert count(db_session, ContactAttempt) == 0


def test_another_clinics_families_and_follow_ups_do_not_exist(
    login, make, clinic, navigator, clinician
):
    elsewhere = make.clinic()
    their_child = family(make, elsewhere, "Okafor", child_name="Chidi")
    their_member = make.member(elsewhere, Role.NAVIGATOR)
    theirs = follow_up(make, their_child, their_member, their_member)
    their_referral = partner_referral(
        make, their_child, make.member(elsewhere, Role.CLINICIAN),
        make.partner_organization(elsewhere).id,
    )  # fmt: skip
    client = login(navigator)
    for url in (
        f"/followups/new?child_id={their_child.id}",
        f"/followups/new?household_id={their_child.household_id}",
        f"/followups/new?referral_id={their_referral.id}",
        f"/followups/{theirs.id}",
    ):
        assert client.get(url).status_code == 404, url
    new = {"title": "x", "assignee_id": str(navigator.user_id), "due_on": "2030-01-01"}
    assert client.post(f"/followups/new?child_id={their_child.id}", data=new).status_code == 404
    attempt_form = {"method": "call", "outcome": "reached"}
    for url in (f"/followups/{theirs.id}/attempts", f"/referrals/{their_referral.id}/attempts"):
        assert client.post(url, data=attempt_form).status_code == 404, url
    assert client.post(f"/followups/{theirs.id}/done", data={"version": "1"}).status_code == 404


def test_a_child_of_one_household_cannot_ride_on_another(login, make, clinic, navigator):
    mine, other = family(make, clinic), family(make, clinic, "Okafor", child_name="Chidi")
    response = login(navigator).get(
        f"/followups/new?household_id={mine.household_id}&child_id={other.id}"
    )
    assert response.status_code == 404


def test_the_new_follow_up_page_finds_the_family_first(login, make, clinic, navigator):
    child = family(make, clinic)
    page = login(navigator).get("/followups/new?q=Tomasito")
    assert "Tomasito Quintero" in text_of(page)
    assert f"/followups/new?child_id={child.id}" in page.get_data(as_text=True)
    form = text_of(login(navigator).get(f"/followups/new?child_id={child.id}"))
    assert "New follow-up for the Quintero family" in form


def test_marking_done_while_someone_else_saves_is_refused(
    db_session, login, make, clinic, navigator
):
    """The version changes between the page's read and its write: refused, not merged."""
    task = follow_up(make, family(make, clinic), navigator, navigator)
    version = task.version
    db_session.execute(
        sa.update(FollowUp)
        .where(FollowUp.id == task.id)
        .values(title="Changed elsewhere", version=version + 1)
        .execution_options(synchronize_session=False)
    )
    response = login(navigator).post(f"/followups/{task.id}/done", data={"version": version})
    assert response.status_code == 409
    assert "Someone else changed this follow-up" in text_of(response)
    assert db_session.get(FollowUp, task.id, populate_existing=True).done_at is None
