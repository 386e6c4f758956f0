"""The navigator's worklist: what is due on the clinic's today, what waits on partners, at a fixed cost."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app.core import clock
from app.core.roles import NavigatorKind, Role
from app.families.models import Program
from app.followups.models import ContactMethod
from app.followups.operations import record_contact_attempt
from app.referrals.models import ReasonCode, ReferralStatus, Side
from app.referrals.operations import transition_referral
from tests.followups.conftest import (
    enrol,
    family,
    follow_up,
    partner_referral,
    warm_handoff,
)
from tests.pages import text_of

#: 20:00 UTC on 10 March is already 11 March on Kiritimati (UTC+14): the clinic's today.
NOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
LOCAL_TODAY = date(2026, 3, 11)


@pytest.fixture
def frozen(monkeypatch, clinic):
    clinic.timezone = "Pacific/Kiritimati"
    monkeypatch.setattr(clock, "now_utc", lambda: NOW)


def section(page: str, heading: str, following: str | None = None) -> str:
    """The text of the worklist between one section heading and the next (or the end)."""
    end = re.escape(following) if following else "$"
    match = re.search(re.escape(heading) + r" \(\d+\)(.*?)" + end, page)
    assert match, f"no section {heading!r}"
    return match.group(1)


def test_sections_follow_the_clinics_own_today(frozen, login, make, clinic, navigator, clinician):
    due = {
        "Call on the clinic's today": LOCAL_TODAY,
        "Call UTC's today (already yesterday here)": LOCAL_TODAY - timedelta(days=1),
        "Call next week": LOCAL_TODAY + timedelta(days=7),
    }
    for n, (title, day) in enumerate(due.items()):
        follow_up(make, family(make, clinic, f"Family{n}"), navigator, clinician, day, title=title)
    unreachable = follow_up(
        make, family(make, clinic, "Okafor"), navigator, clinician, LOCAL_TODAY - timedelta(2),
        title="Reach the Okafor family",
    )  # fmt: skip
    clinic.failed_contacts_before_review = 1
    record_contact_attempt(
        unreachable, method=ContactMethod.CALL, is_reached=False, note="", user_id=navigator.user_id
    )
    theirs = make.member(clinic, Role.NAVIGATOR)
    follow_up(
        make, family(make, clinic, "Nguyen"), theirs, clinician, LOCAL_TODAY, title="Not mine"
    )

    page = text_of(login(navigator).get("/followups/"))
    assert "Call on the clinic's today" in section(page, "Due today", "Overdue")
    assert "Call UTC's today" in section(page, "Overdue", "Needs review")
    assert "Reach the Okafor family" in section(page, "Needs review", "Upcoming")
    assert "Reach the Okafor family" not in section(page, "Overdue", "Needs review")
    assert "Call next week" in section(page, "Upcoming", "Warm handoffs accepted")
    assert "Not mine" not in page


def test_each_row_shows_language_age_programs_and_last_contact(
    login, make, clinic, navigator, clinician
):
    specialist = make.member(
        clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST
    )
    child = family(make, clinic, date_of_birth=make.today - timedelta(days=45))
    enrol(child, Program.HEALTHYSTEPS, tier=2)
    enrol(child, Program.DULCE, specialist=specialist)
    task = follow_up(make, child, navigator, clinician)
    record_contact_attempt(
        task, method=ContactMethod.TEXT, is_reached=True, note="", user_id=navigator.user_id
    )
    row = section(text_of(login(navigator).get("/followups/")), "Due today", "Overdue")
    for shown in ("Quintero", "Spanish", "Tomasito", "6 weeks", "HealthySteps tier 2", "DULCE",
                  "Text message", "Reached"):  # fmt: skip
        assert shown in row


def test_waiting_on_partner_lists_my_open_partner_referrals_with_days_since_the_last_event(
    db_session, login, make, clinic, navigator, clinician
):
    partner = make.partner_organization(clinic)
    mine = partner_referral(make, family(make, clinic, "Quintero"), navigator, partner.id)
    closed = partner_referral(make, family(make, clinic, "Okafor"), navigator, partner.id)
    transition_referral(
        closed, ReferralStatus.CANCELLED, actor_user_id=navigator.user_id, side=Side.REQUESTER,
        expected_version=closed.version, reason_code=ReasonCode.DUPLICATE,
    )  # fmt: skip
    partner_referral(make, family(make, clinic, "Nguyen"), clinician, partner.id)
    for event in mine.events:
        event.occurred_at = event.occurred_at - timedelta(days=4)
    db_session.flush()

    waiting = section(text_of(login(navigator).get("/followups/")), "Waiting on partner")
    for shown in ("Quintero", partner.name, "Requested", "4 days"):
        assert shown in waiting
    assert "Okafor" not in waiting  # closed
    assert "Nguyen" not in waiting  # someone else's


def test_an_accepted_warm_handoff_shows_its_minutes_to_accept(
    db_session, login, make, clinic, navigator, clinician
):
    handoff = warm_handoff(make, family(make, clinic), clinician)
    handoff.requested_at = handoff.requested_at - timedelta(minutes=7)
    db_session.flush()
    login(navigator).post(f"/handoffs/{handoff.id}/accept", data={"version": handoff.version})
    taken = section(
        text_of(login(navigator).get("/followups/")), "Warm handoffs accepted, still open",
        "Waiting on partner",
    )  # fmt: skip
    for shown in ("Parenting", "7 min", "Accepted"):
        assert shown in taken


def test_a_practice_manager_can_open_anyones_worklist(login, make, clinic, navigator, manager):
    follow_up(make, family(make, clinic), navigator, manager, title="Bring the car seat form")
    client = login(manager)
    assert "Bring the car seat form" not in text_of(client.get("/followups/"))
    page = text_of(client.get(f"/followups/?user_id={navigator.user_id}"))
    assert "Bring the car seat form" in page


def test_others_cannot_open_someone_elses_worklist(login, make, clinic, navigator, clinician):
    follow_up(make, family(make, clinic), navigator, navigator, title="Bring the car seat form")
    page = text_of(login(clinician).get(f"/followups/?user_id={navigator.user_id}"))
    assert "Bring the car seat form" not in page


def _fill(make, clinic, navigator, clinician, partner, n: int) -> None:
    """n rows of every kind: due today, overdue, upcoming, reviewed, on partners, handoffs taken."""
    clinic.failed_contacts_before_review = 1
    for i in range(n):
        child = family(make, clinic, f"Family{i}")
        enrol(child, Program.HEALTHYSTEPS, tier=1 + i % 3)
        day = make.today + timedelta(days=(i % 3) - 1)
        task = follow_up(make, child, navigator, clinician, day)
        record_contact_attempt(
            task, method=ContactMethod.CALL, is_reached=i % 2 == 0, note="",
            user_id=navigator.user_id,
        )  # fmt: skip
        partner_referral(make, child, navigator, partner.id)
        handoff = warm_handoff(make, child, clinician)
        transition_referral(
            handoff, ReferralStatus.ACCEPTED, actor_user_id=navigator.user_id,
            side=Side.RESPONDER, expected_version=handoff.version,
        )  # fmt: skip


def test_the_worklist_costs_the_same_number_of_queries_whatever_its_length(
    make, login, count_queries
):
    def queries_for(n: int) -> int:
        clinic = make.clinic()
        navigator = make.member(clinic, Role.NAVIGATOR)
        clinician = make.member(clinic, Role.CLINICIAN)
        _fill(make, clinic, navigator, clinician, make.partner_organization(clinic), n)
        client = login(navigator)
        with count_queries() as counted:
            response = client.get("/followups/")
        assert response.status_code == 200
        page = text_of(response)
        assert page.count("Family") >= 3 * n
        client.post("/sign-out")
        return counted.count

    assert queries_for(30) == queries_for(3)


def test_the_navigators_home_counts_the_worklist(frozen, login, make, clinic, navigator, clinician):
    for name, days_late in (("Quintero", 0), ("Okafor", 1), ("Nguyen", 3)):
        due = LOCAL_TODAY - timedelta(days=days_late)
        follow_up(make, family(make, clinic, name), navigator, clinician, due)
    page = text_of(login(navigator).get("/"))
    assert "1 follow-ups due today" in page
    assert "2 overdue follow-ups" in page
    assert "0 follow-ups needing review" in page
