"""The practice manager's home: critical answers still waiting for a clinician, and whether they were told."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.appointments.models import VisitKind
from app.clinics.models import Clinic
from app.core.roles import Role
from app.db import now_utc
from app.screening.escalation import escalate_waiting_critical_flags
from app.screening.models import Flag, FlagAction, FlagKind
from app.screening.operations import acknowledge_critical_flag, mark_entered_in_error
from tests.pages import text_of
from tests.records import events

PHQ9_ITEM_9 = {**{f"phq-{n}": "1" for n in range(1, 9)}, "phq-9": "2"}
PHQ9_POSITIVE = {f"phq-{n}": code for n, code in enumerate("112212210", start=1)}


@pytest.fixture
def manager(make, clinic):
    return make.member(clinic, Role.PRACTICE_MANAGER)


def critical_answer(make, clinic, given_name: str, *, minutes_ago: int = 5) -> Flag:
    """A PHQ-9 with item 9 above 0 at a child's 2-month visit, answered `minutes_ago`."""
    child = make.child(make.household(clinic, name=f"Family {given_name}"), given_name=given_name)
    appointment = make.appointment(child, visit_kind=VisitKind.MONTH_2)
    response = make.screen(
        appointment, "phq-9", PHQ9_ITEM_9, submitted_at=now_utc() - timedelta(minutes=minutes_ago)
    )
    return next(f for f in response.flags if f.kind == FlagKind.CRITICAL)


def test_the_manager_sees_how_long_each_answer_has_waited_and_whether_they_were_told(
    make, db_session, login, clinic, manager
):
    told = critical_answer(make, clinic, "Amara", minutes_ago=120)
    critical_answer(make, clinic, "Bao", minutes_ago=10)
    escalate_waiting_critical_flags(now_utc())
    assert told.escalated_at is not None

    page = text_of(login(manager).get("/"))

    assert "2 critical answers need a clinician today" in page
    assert "told by e-mail when an answer waits more than 30 minutes" in page
    assert re.search(r"Amara Family Amara [^|]*? 2 hours Yes, at ", page)
    assert re.search(r"Bao Family Bao [^|]*? 10 minutes Not yet", page)
    assert page.index("Amara") < page.index("Bao")  # the longest wait first


def test_only_open_critical_answers_of_the_managers_clinic_are_listed(
    make, db_session, login, clinic, manager
):
    clinician = make.member(clinic, Role.CLINICIAN)
    acknowledge_critical_flag(
        critical_answer(make, clinic, "Acted"),
        user_id=clinician.user_id,
        action=FlagAction.ASSESSED,
    )
    mistaken = critical_answer(make, clinic, "Mistaken")
    mark_entered_in_error(mistaken.response, reason="Wrong family", user_id=clinician.user_id)
    positive_child = make.child(make.household(clinic), given_name="Positive")
    make.screen(make.appointment(positive_child), "phq-9", PHQ9_POSITIVE)
    critical_answer(make, make.clinic(), "Elsewhere")
    critical_answer(make, clinic, "Waiting")

    page = text_of(login(manager).get("/"))

    assert "1 critical answer needs a clinician today" in page
    assert "Waiting" in page
    for not_listed in ("Acted", "Mistaken", "Positive", "Elsewhere"):
        assert not_listed not in page


def test_with_nothing_waiting_the_manager_is_told_so(login, manager):
    page = text_of(login(manager).get("/"))
    assert "No critical answer is waiting for a clinician." in page
    assert "Clinic overview" in page


def test_the_manager_sees_the_answer_but_cannot_record_the_action(
    make, db_session, login, clinic, manager
):
    flag = critical_answer(make, clinic, "Amara")
    client = login(manager)

    home = client.get("/").get_data(as_text=True)
    assert f"/screening/children/{flag.child_id}" in home
    assert "acknowledge" not in home
    history = text_of(client.get(f"/screening/children/{flag.child_id}"))
    assert "Only a clinician can record the action taken." in history

    refused = client.post(
        f"/screening/flags/{flag.id}/acknowledge", data={f"flag-{flag.id}-action": "assessed"}
    )
    assert refused.status_code == 403
    assert db_session.get(Flag, flag.id).acknowledged_at is None


def test_the_managers_view_of_waiting_answers_is_audited(make, db_session, login, clinic, manager):
    critical_answer(make, clinic, "Amara")
    login(manager).get("/")
    [event] = events(db_session, "view", object_type="waiting_critical_answers")
    assert event.actor_user_id == manager.user_id
    assert event.clinic_id == clinic.id
    assert event.details == {"answers": 1}


def test_the_manager_home_costs_the_same_queries_for_1_or_4_waiting_answers(
    make, db_session, login, count_queries, clinic, manager
):
    critical_answer(make, clinic, "First")
    client = login(manager)
    client.get("/")  # the first request warms caches that are not per page
    counts = []
    for more in (0, 3):
        clinic = db_session.get(Clinic, clinic.id)  # loaded again after expunge_all
        for n in range(more):
            critical_answer(make, clinic, f"Later{n}")
        db_session.commit()  # the set-up's own statements are not the page's
        db_session.expunge_all()  # as in production, the request starts with nothing loaded
        with count_queries() as counted:
            response = client.get("/")
        assert response.status_code == 200
        counts.append(counted.count)

    assert "4 critical answers need a clinician today" in text_of(response)
    assert counts[0] == counts[1]
