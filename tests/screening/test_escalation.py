"""Critical answers nobody acted on in time reach the practice manager on duty, once, in their language."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from app.appointments.models import VisitKind
from app.core.roles import Role
from app.db import now_utc
from app.screening import escalation
from app.screening.escalation import escalate_waiting_critical_flags
from app.screening.models import Flag, FlagAction, FlagKind
from app.screening.operations import acknowledge_critical_flag, mark_entered_in_error
from tests.records import events

#: PHQ-9 item 9 answered "more than half the days": critical (same-day safety assessment).
PHQ9_ITEM_9 = {**{f"phq-{n}": "1" for n in range(1, 9)}, "phq-9": "2"}
#: 12 of 27 with item 9 "not at all": positive, not critical.
PHQ9_POSITIVE = {f"phq-{n}": code for n, code in enumerate("112212210", start=1)}
SUBJECT = "Wellthread: an answer needs a clinician"
#: Words that would tell a reader of the e-mail something about a family's health.
HEALTH_WORDS = ("PHQ", "Patient Health", "depress", "self-harm", "harm", "suicid", "safety", "EPDS")


@pytest.fixture
def household(make, clinic):
    return make.household(clinic, name="Quintero")


@pytest.fixture
def caregiver(make, household):
    return make.caregiver(household, given_name="Marisol")


@pytest.fixture
def appointment(make, household):
    child = make.child(household, given_name="Tomasito")
    return make.appointment(child, visit_kind=VisitKind.MONTH_2)


@pytest.fixture
def manager(make, clinic):
    return make.member(clinic, Role.PRACTICE_MANAGER)


@pytest.fixture
def critical(make, appointment, caregiver) -> Flag:
    response = make.screen(appointment, "phq-9", PHQ9_ITEM_9, caregiver=caregiver)
    return next(f for f in response.flags if f.kind == FlagKind.CRITICAL)


def due_at(flag: Flag, clinic) -> object:
    return flag.raised_at + timedelta(minutes=clinic.critical_flag_escalation_minutes)


def escalate_and_commit(db_session, now) -> list[Flag]:
    escalated = escalate_waiting_critical_flags(now)
    db_session.commit()
    return escalated


@pytest.mark.parametrize("minutes", [30, 90])
def test_the_manager_is_told_once_the_clinics_limit_has_passed_and_not_a_minute_before(
    db_session, outbox, clinic, manager, critical, minutes
):
    clinic.critical_flag_escalation_minutes = minutes
    due = due_at(critical, clinic)

    assert escalate_and_commit(db_session, due - timedelta(minutes=1)) == []
    assert outbox == []

    assert escalate_and_commit(db_session, due) == [critical]
    [message] = outbox
    assert message.channel == "email"
    assert message.to == manager.user.email
    assert message.subject == SUBJECT
    assert f"{clinic.name} that needs a clinician today has waited more than {minutes} minutes" in (
        message.body
    )
    assert message.body.endswith("Sign in to Wellthread to see who and act: http://127.0.0.1:5000/")
    assert db_session.get(Flag, critical.id).escalated_at == due


def test_running_the_job_again_sends_nothing_more(db_session, outbox, clinic, manager, critical):
    due = due_at(critical, clinic)
    escalate_and_commit(db_session, due)
    assert escalate_and_commit(db_session, due + timedelta(minutes=5)) == []
    assert escalate_and_commit(db_session, due + timedelta(hours=6)) == []
    assert len(outbox) == 1


def test_each_waiting_answer_is_escalated_on_its_own(
    make, db_session, outbox, clinic, manager, critical, appointment
):
    later = make.screen(appointment, "phq-9", PHQ9_ITEM_9)
    second = next(f for f in later.flags if f.kind == FlagKind.CRITICAL)
    now = max(due_at(critical, clinic), due_at(second, clinic))

    assert escalate_and_commit(db_session, now) == [critical, second]
    assert [m.to for m in outbox] == [manager.user.email] * 2


def test_each_escalation_is_audited_with_how_many_were_told(
    make, db_session, outbox, clinic, manager, critical
):
    make.member(clinic, Role.PRACTICE_MANAGER)
    escalate_and_commit(db_session, due_at(critical, clinic))
    [event] = events(
        db_session, "update", object_type="screening_flags", object_id=str(critical.id)
    )
    assert event.details == {"fields": ["escalated_at"], "notified": 2}
    assert event.actor_user_id is None
    assert event.clinic_id == clinic.id
    assert event.child_id == critical.child_id


def test_an_acknowledged_answer_is_never_escalated(
    make, db_session, outbox, clinic, manager, critical
):
    clinician = make.member(clinic, Role.CLINICIAN)
    acknowledge_critical_flag(critical, user_id=clinician.user_id, action=FlagAction.ASSESSED)
    assert escalate_and_commit(db_session, due_at(critical, clinic) + timedelta(days=1)) == []
    assert outbox == []
    assert db_session.get(Flag, critical.id).escalated_at is None


def test_a_positive_screen_without_a_critical_answer_is_never_escalated(
    make, db_session, outbox, clinic, manager, appointment
):
    response = make.screen(appointment, "phq-9", PHQ9_POSITIVE)
    assert [f.kind for f in response.flags] == [FlagKind.POSITIVE]
    later = response.submitted_at + timedelta(days=1)
    assert escalate_and_commit(db_session, later) == []
    assert outbox == []


def test_a_screen_entered_in_error_is_never_escalated(
    make, db_session, outbox, clinic, manager, critical
):
    nurse = make.member(clinic, Role.NURSE_MA)
    mark_entered_in_error(critical.response, reason="Wrong family", user_id=nurse.user_id)
    assert escalate_and_commit(db_session, due_at(critical, clinic) + timedelta(days=1)) == []
    assert outbox == []


@pytest.mark.parametrize("meanwhile", ["another process escalated it", "a clinician acted"])
def test_a_flag_taken_care_of_between_reading_and_claiming_is_left_alone(
    make, monkeypatch, db_session, outbox, clinic, manager, critical, meanwhile
):
    clinician = make.member(clinic, Role.CLINICIAN)
    read = escalation._waiting_too_long

    def read_then_someone_else_acts(now):
        found = read(now)
        change = (
            {"escalated_at": now}
            if meanwhile == "another process escalated it"
            else {
                "acknowledged_at": now,
                "acknowledged_by_id": clinician.user_id,
                "action": "assessed",
            }
        )
        # Straight to the database, as the other transaction would: this session's objects keep
        # what it read.
        db_session.connection().execute(
            sa.update(Flag.__table__).where(Flag.__table__.c.id == critical.id).values(**change)
        )
        return found

    monkeypatch.setattr(escalation, "_waiting_too_long", read_then_someone_else_acts)
    assert escalate_and_commit(db_session, due_at(critical, clinic)) == []
    assert outbox == []
    assert (
        events(db_session, "update", object_type="screening_flags", object_id=str(critical.id))
        == []
    )


def test_only_the_manager_on_duty_is_told_when_the_clinic_names_one(
    make, db_session, outbox, clinic, manager, critical
):
    on_duty = make.member(clinic, Role.PRACTICE_MANAGER)
    clinic.on_duty_manager_id = on_duty.user_id
    escalate_and_commit(db_session, due_at(critical, clinic))
    assert [m.to for m in outbox] == [on_duty.user.email]


def test_without_a_manager_on_duty_every_active_manager_of_the_clinic_is_told(
    make, db_session, outbox, clinic, manager, critical
):
    second = make.member(clinic, Role.PRACTICE_MANAGER)
    make.member(clinic, Role.PRACTICE_MANAGER).is_active = False
    make.member(clinic, Role.PRACTICE_MANAGER).user.is_active = False
    make.member(clinic, Role.CLINICIAN)
    make.member(clinic, Role.CLINIC_ADMIN)
    make.member(make.clinic(), Role.PRACTICE_MANAGER)

    escalate_and_commit(db_session, due_at(critical, clinic))

    assert sorted(m.to for m in outbox) == sorted([manager.user.email, second.user.email])


def test_a_manager_on_duty_who_left_the_role_is_replaced_by_every_active_manager(
    make, db_session, outbox, clinic, manager, critical
):
    gone = make.member(clinic, Role.PRACTICE_MANAGER)
    clinic.on_duty_manager_id = gone.user_id
    gone.is_active = False
    escalate_and_commit(db_session, due_at(critical, clinic))
    assert [m.to for m in outbox] == [manager.user.email]


def test_a_clinic_without_a_manager_still_marks_and_audits_the_escalation(
    make, db_session, outbox, clinic, critical, caplog
):
    make.member(clinic, Role.CLINICIAN)
    with caplog.at_level(logging.WARNING, logger="wellthread.escalation"):
        assert escalate_and_commit(db_session, due_at(critical, clinic)) == [critical]
    assert outbox == []
    assert db_session.get(Flag, critical.id).escalated_at is not None
    [event] = events(
        db_session, "update", object_type="screening_flags", object_id=str(critical.id)
    )
    assert event.details["notified"] == 0
    assert "no active practice manager" in caplog.text


def test_the_message_names_no_one_and_no_health_detail(
    db_session, outbox, clinic, manager, critical, caregiver, appointment
):
    escalate_and_commit(db_session, due_at(critical, clinic))
    [message] = outbox
    child = appointment.child
    text = f"{message.subject}\n{message.body}"
    for word in (*HEALTH_WORDS, child.given_name, child.family_name, caregiver.given_name):
        assert word.lower() not in text.lower()


def test_each_manager_is_told_in_their_own_language(
    make, db_session, outbox, clinic, manager, critical
):
    spanish_speaker = make.member(clinic, Role.PRACTICE_MANAGER)
    spanish_speaker.user.locale = "es"
    escalate_and_commit(db_session, due_at(critical, clinic))

    by_address = {m.to: m for m in outbox}
    english, spanish = by_address[manager.user.email], by_address[spanish_speaker.user.email]
    assert "more than 30 minutes" in english.body
    assert "30 minutos" in spanish.body
    assert "minutes" not in spanish.body
    with force_locale("es"):
        assert spanish.subject == gettext(SUBJECT)


def test_a_manager_without_a_language_of_their_own_gets_the_clinics(
    make, db_session, outbox, clinic, manager, critical
):
    clinic.default_locale = "es"
    escalate_and_commit(db_session, due_at(critical, clinic))
    [message] = outbox
    assert "30 minutos" in message.body


def test_the_link_points_at_the_configured_address(
    app, monkeypatch, db_session, outbox, clinic, manager, critical
):
    monkeypatch.setitem(app.config, "WELLTHREAD_BASE_URL", "https://care.example.org/wellthread")
    escalate_and_commit(db_session, due_at(critical, clinic))
    [message] = outbox
    assert message.body.endswith("act: https://care.example.org/wellthread/")


def test_a_rolled_back_run_sends_nothing_and_leaves_the_answer_to_the_next_run(
    db_session, outbox, clinic, manager, critical
):
    db_session.commit()
    due = due_at(critical, clinic)
    escalate_waiting_critical_flags(due)
    db_session.rollback()
    db_session.commit()
    assert outbox == []
    assert db_session.get(Flag, critical.id).escalated_at is None

    assert escalate_and_commit(db_session, due + timedelta(minutes=1)) == [critical]
    assert len(outbox) == 1


def test_flask_jobs_run_once_escalates_what_is_waiting_now(
    app, make, db_session, outbox, clinic, manager, appointment
):
    earlier = now_utc() - timedelta(minutes=45)
    response = make.screen(appointment, "phq-9", PHQ9_ITEM_9, submitted_at=earlier)
    db_session.commit()

    result = app.test_cli_runner().invoke(args=["jobs", "run-once"])

    assert result.exit_code == 0, result.output
    assert "escalate-critical-flags: done" in result.output
    assert [m.to for m in outbox] == [manager.user.email]
    flag = next(f for f in response.flags if f.kind == FlagKind.CRITICAL)
    db_session.refresh(flag)
    assert flag.escalated_at is not None
