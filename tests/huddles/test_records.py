"""Huddle records for managers: which clinic days had a daily huddle, who came, what was written
and decided, how much of it is done — for any month at the same cost."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.appointments.models import AppointmentStatus
from app.core.audit import AuditEvent
from app.core.roles import Role
from app.followups.operations import mark_follow_up_done
from app.huddles.models import HuddleKind
from app.huddles.operations import add_action_item, add_attendee, add_note, end_huddle, start_huddle
from tests.pages import text_of


def last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def weekday_of(month: date, weekday: int, week: int = 0) -> date:
    """The month's first (or later) Monday, Tuesday, … (0 = Monday)."""
    first = month + timedelta(days=(weekday - month.weekday()) % 7)
    return first + timedelta(weeks=week)


def at(day: date, hour: int = 14) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


def row_of(page, day: date) -> str:
    """The visible text of the day's rows in the table (from its heading to the next day's)."""
    html = page.get_data(as_text=True)
    label = f'data-day="{day.isoformat()}"'
    match = re.search(rf"<tr {label}.*?(?=<tr data-day=|</tbody>)", html, re.S)
    assert match, f"no row for {day}"
    return text_of(type("Html", (), {"get_data": lambda self, as_text=True: match.group(0)})())


def visits_on(make, clinic, day: date, count: int, **fields):
    for n in range(count):
        child = make.child(clinic=clinic)
        make.appointment(child, at=at(day, 13 + n), **fields)


def a_huddle(make, clinic, day, starter, *, people=(), notes=0, items=0, done=0, ended=True,
             kind=HuddleKind.DAILY):  # fmt: skip
    huddle = start_huddle(clinic.id, day=day, kind=kind, user_id=starter.user_id)
    for person in people:
        add_attendee(huddle, person.user_id)
    household = make.household(clinic)
    child = make.child(household)
    for n in range(notes):
        add_note(huddle, author_id=starter.user_id, body=f"Note {n}", household=household,
                 child=child)  # fmt: skip
    for n in range(items):
        item = add_action_item(
            huddle, household=household, child=child, title=f"Task {n}",
            assignee_id=starter.user_id, due_on=day, created_by_id=starter.user_id,
        )  # fmt: skip
        if n < done:
            mark_follow_up_done(item, user_id=starter.user_id, expected_version=item.version)
    if ended:
        end_huddle(huddle)
    return huddle


@pytest.fixture
def manager(make, clinic):
    return make.member(clinic, Role.PRACTICE_MANAGER)


def test_a_month_shows_huddles_and_the_clinic_days_that_had_none(make, clinic, manager, login):
    month = last_month(make.today)
    monday, tuesday = weekday_of(month, 0), weekday_of(month, 1)
    saturday, wednesday = weekday_of(month, 5), weekday_of(month, 2)
    nurse = make.member(clinic, Role.NURSE_MA)
    clinician = make.member(clinic, Role.CLINICIAN)
    visits_on(make, clinic, monday, 2)
    visits_on(make, clinic, tuesday, 1)
    visits_on(make, clinic, saturday, 1)  # a Saturday clinic: no daily huddle expected
    visits_on(make, clinic, wednesday, 1, status=AppointmentStatus.CANCELLED)
    a_huddle(make, clinic, monday, clinician, people=[nurse], notes=2, items=2, done=1)
    a_huddle(make, clinic, monday, clinician, kind=HuddleKind.CASE_REVIEW, notes=1, ended=False)

    page = login(manager).get(f"/huddles/records?month={month.isoformat()[:7]}")

    assert page.status_code == 200
    text = text_of(page)
    assert "Daily huddle held on 1 of 2 clinic days" in text
    assert "Action items opened in huddles: 2, done: 1." in text
    mon = row_of(page, monday)
    assert "Daily huddle" in mon
    assert "Weekly DULCE case review" in mon
    assert clinician.user.full_name in mon
    assert nurse.user.full_name in mon
    assert "2 opened, 1 done" in mon
    assert "not ended" in mon
    assert "No daily huddle" not in mon
    assert "No daily huddle" in row_of(page, tuesday)
    assert "No daily huddle" not in row_of(page, saturday)
    assert f'data-day="{wednesday.isoformat()}"' not in page.get_data(as_text=True)


def test_records_cost_the_same_number_of_queries_for_a_busy_month(
    make, clinic, manager, login, count_queries
):
    month = last_month(make.today)
    clinician = make.member(clinic, Role.CLINICIAN)
    client = login(manager)
    path = f"/huddles/records?month={month.isoformat()[:7]}"
    counts = []
    for week in range(4):
        day = weekday_of(month, week % 5, week=week % 4)
        visits_on(make, clinic, day, 3)
        a_huddle(make, clinic, day, clinician, people=[manager], notes=3, items=2, done=1)
        client.get(path)
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        counts.append(counted.count)
    assert len(set(counts)) == 1


def test_a_bad_month_is_explained_and_this_month_shown(make, clinic, manager, login):
    page = login(manager).get("/huddles/records?month=2026-13")
    assert page.status_code == 400
    assert "Enter the month as year and month, for example" in text_of(page)
    assert login(manager).get("/huddles/records?month=<script>").status_code == 400


def test_reading_the_records_is_audited(make, clinic, manager, login, db_session):
    login(manager).get("/huddles/records?month=2026-01")
    event = db_session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.actor_user_id == manager.user_id, AuditEvent.object_type == "huddle_records"
        )
    )
    assert event.action == "view"
    assert event.details["month"] == "2026-01"


def test_another_clinics_huddles_are_not_in_the_records(make, clinic, manager, login):
    other = make.clinic()
    theirs = make.member(other, Role.CLINICIAN)
    month = last_month(make.today)
    a_huddle(make, other, weekday_of(month, 0), theirs, people=[], notes=1)
    text = text_of(login(manager).get(f"/huddles/records?month={month.isoformat()[:7]}"))
    assert theirs.user.full_name not in text
    assert "No visits and no huddles this month." in text


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN, Role.PRACTICE_MANAGER])
def test_managers_and_admins_read_the_records(make, clinic, login, role):
    assert login(make.member(clinic, role)).get("/huddles/records").status_code == 200


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.NAVIGATOR, Role.FRONT_DESK, Role.PARTNER])
def test_other_roles_are_refused_the_records(make, clinic, login, role):
    assert login(make.member(clinic, role)).get("/huddles/records").status_code == 403
