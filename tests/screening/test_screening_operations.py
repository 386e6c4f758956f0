"""Storing, correcting and acting on screens, and what is due at a visit, through the operations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.appointments.models import VisitKind
from app.core.errors import DomainError
from app.core.roles import Role
from app.db import now_utc
from app.screening import queries
from app.screening.models import (
    FamilyPriority,
    Flag,
    FlagAction,
    FlagKind,
    ResponseSource,
    ResponseStatus,
    ScreeningResponse,
    Subject,
    WantsHelp,
)
from app.screening.operations import (
    Submission,
    acknowledge_critical_flag,
    mark_entered_in_error,
    save_screening_setting,
    submit_response,
)
from tests.factories import CHECKIN_NEEDS
from tests.records import count, events

PHQ9_MODERATE = {  # 12 of 27, item 9 "not at all"
    "phq-1": "1",
    "phq-2": "1",
    "phq-3": "2",
    "phq-4": "2",
    "phq-5": "1",
    "phq-6": "2",
    "phq-7": "2",
    "phq-8": "1",
    "phq-9": "0",
}
PHQ9_LATER_ITEMS = {f"phq-{n}": "1" for n in range(3, 10)}


@pytest.fixture
def household(make, clinic):
    return make.household(clinic)


@pytest.fixture
def caregiver(make, household):
    return make.caregiver(household)


@pytest.fixture
def child(make, household):
    return make.child(household)


@pytest.fixture
def appointment(make, child):
    return make.appointment(child, visit_kind=VisitKind.MONTH_2)


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


def submission(visit, key: str, answers: dict[str, str], **fields) -> Submission:
    """A sitting for `visit` answered on the parent's phone in English; `fields` change any part."""
    defaults = {
        "clinic_id": visit.clinic_id,
        "household": visit.child.household,
        "language": "en",
        "source": ResponseSource.PARENT_DEVICE,
        "client_submission_id": "phone-1",
        "child": visit.child,
        "appointment": visit,
    }
    return Submission(instrument_key=key, answers=answers, **{**defaults, **fields})


def stored(db_session) -> int:
    return count(db_session, ScreeningResponse)


def due_keys(appointment, status: str = "due") -> set[str]:
    return {
        item.instrument_key
        for item in queries.due_for_appointment(appointment)
        if item.status == status
    }


def priorities_of(db_session, response: ScreeningResponse) -> list[FamilyPriority]:
    return list(
        db_session.scalars(
            sa.select(FamilyPriority).where(FamilyPriority.response_id == response.id)
        )
    )


def backdate(response: ScreeningResponse, days: int, db_session) -> None:
    response.submitted_at = now_utc() - timedelta(days=days)
    db_session.flush()


# --- storing a screen -------------------------------------------------------------------------


def test_a_screen_is_stored_as_answered_with_its_score_band_and_flags(
    db_session, appointment, caregiver, child, household
):
    response = submit_response(
        submission(
            appointment,
            "phq-9",
            PHQ9_MODERATE,
            caregiver=caregiver,
            language="es",
            source=ResponseSource.KIOSK,
            client_submission_id="kiosk-7",
        )
    )
    db_session.flush()

    assert stored(db_session) == 1
    assert (response.instrument_key, response.instrument_version) == ("phq-9", "1")
    assert response.subject == Subject.CAREGIVER
    assert (response.household_id, response.child_id) == (household.id, child.id)
    assert (response.caregiver_id, response.appointment_id) == (caregiver.id, appointment.id)
    assert (response.language, response.source) == ("es", ResponseSource.KIOSK)
    assert response.answers == PHQ9_MODERATE
    assert (response.total_score, response.band) == (12, "moderate")
    assert response.is_positive is True
    assert response.is_complete is True
    assert response.status == ResponseStatus.FINAL
    assert [(f.kind, f.code) for f in response.flags] == [(FlagKind.POSITIVE, "phq-9")]


def test_storing_a_screen_is_audited_without_its_answers(db_session, appointment):
    response = submit_response(submission(appointment, "phq-9", PHQ9_MODERATE))
    db_session.flush()

    [event] = events(db_session, "create", object_type="screening_responses")
    assert event.object_id == str(response.id)
    assert (event.child_id, event.household_id) == (response.child_id, response.household_id)
    assert event.details == {"instrument": "phq-9", "source": "parent_device"}


# --- the same submission twice ----------------------------------------------------------------


def test_the_same_submission_twice_stores_one_screen(db_session, appointment):
    first = submit_response(submission(appointment, "phq-2", {"phq-1": "0", "phq-2": "1"}))
    again = submit_response(submission(appointment, "phq-2", {"phq-1": "0", "phq-2": "1"}))

    assert again is first
    assert stored(db_session) == 1
    assert len(events(db_session, "create", object_type="screening_responses")) == 1


def test_a_submission_resent_after_it_was_committed_is_still_one_screen(db_session, appointment):
    first = submit_response(submission(appointment, "phq-9", PHQ9_MODERATE))
    db_session.commit()

    again = submit_response(submission(appointment, "phq-9", PHQ9_MODERATE))
    db_session.flush()

    assert again is first
    assert stored(db_session) == 1
    assert count(db_session, Flag) == 1


def test_a_resent_phq2_that_continued_to_phq9_returns_the_stored_phq9(db_session, appointment):
    answers = {"phq-1": "2", "phq-2": "2", **PHQ9_LATER_ITEMS}
    first = submit_response(submission(appointment, "phq-2", answers))
    db_session.commit()

    again = submit_response(submission(appointment, "phq-2", answers))

    assert again is first
    assert again.instrument_key == "phq-9"
    assert stored(db_session) == 1


def test_a_submission_id_reused_for_another_instrument_is_refused(db_session, appointment):
    submit_response(submission(appointment, "phq-2", {"phq-1": "0", "phq-2": "0"}))
    db_session.flush()

    with pytest.raises(DomainError) as error:
        submit_response(submission(appointment, "hvs", {"hvs-1": "never", "hvs-2": "never"}))

    assert error.value.code == "submission_id_reused"
    assert stored(db_session) == 1
    assert [
        r.instrument_key for r in queries.household_history(appointment.child.household_id)
    ] == ["phq-2"]


def test_a_submission_id_reused_for_another_household_is_refused(
    make, db_session, clinic, appointment
):
    submit_response(submission(appointment, "phq-2", {"phq-1": "0", "phq-2": "0"}))
    db_session.flush()
    neighbour = make.child(clinic=clinic, given_name="Lucía")
    visit = make.appointment(neighbour)

    with pytest.raises(DomainError) as error:
        submit_response(submission(visit, "phq-2", {"phq-1": "0", "phq-2": "0"}))

    assert error.value.code == "submission_id_reused"
    assert stored(db_session) == 1
    assert queries.household_history(neighbour.household_id) == []


# --- refusals ---------------------------------------------------------------------------------


def _someone_elses(make, clinic, what: str) -> dict:
    other = make.child(clinic=clinic, given_name="Lucía")
    return {
        "child": {"child": other, "appointment": None},
        "caregiver": {"caregiver": make.caregiver(other.household)},
        "appointment": {"appointment": make.appointment(other)},
    }[what]


@pytest.mark.parametrize(
    ("key", "answers", "code"),
    [
        ("phq-2", {"phq-1": "3", "hvs-1": "never"}, "unknown_item"),
        ("hvs", {"hvs-1": "never", "hvs-3": "never"}, "unknown_item"),
        ("phq-2", {"phq-1": "0", "phq-2": "4"}, "invalid_answer"),
        ("phq-2", {"phq-1": "0", "phq-2": "often"}, "invalid_answer"),
        ("hvs", {"hvs-1": "0"}, "invalid_answer"),
        ("phq-3", {"phq-1": "0"}, "unknown_instrument"),
    ],
)
def test_answers_that_are_not_part_of_the_screen_are_refused(
    db_session, appointment, key, answers, code
):
    with pytest.raises(DomainError) as error:
        submit_response(submission(appointment, key, answers))

    assert error.value.code == code
    assert stored(db_session) == 0


@pytest.mark.parametrize("whose", ["child", "caregiver", "appointment"])
def test_people_of_another_household_are_refused(make, db_session, clinic, appointment, whose):
    fields = _someone_elses(make, clinic, whose)

    with pytest.raises(DomainError) as error:
        submit_response(submission(appointment, "phq-2", {"phq-1": "0", "phq-2": "0"}, **fields))

    assert error.value.code == "mismatch"
    assert stored(db_session) == 0


def test_a_household_of_another_clinic_is_refused(make, db_session, appointment):
    elsewhere = make.child(clinic=make.clinic())

    with pytest.raises(DomainError) as error:
        submit_response(
            submission(
                appointment,
                "phq-2",
                {"phq-1": "0"},
                household=elsewhere.household,
                child=elsewhere,
                appointment=None,
            )
        )

    assert error.value.code == "mismatch"
    assert stored(db_session) == 0


@pytest.mark.parametrize(
    ("key", "language", "answers"),
    [
        ("hvs", "es", {"hvs-1": "never", "hvs-2": "never"}),
        ("phq-2", "vi", {"phq-1": "0", "phq-2": "0"}),
        ("epds", "en", {"epds-1": "a"}),  # no clinic has loaded the licensed text
    ],
)
def test_a_screen_in_a_language_it_is_not_offered_in_is_refused(
    db_session, appointment, key, language, answers
):
    with pytest.raises(DomainError) as error:
        submit_response(submission(appointment, key, answers, language=language))

    assert error.value.code == "language_not_offered"
    assert stored(db_session) == 0


@pytest.mark.parametrize("submission_id", ["", "x" * 65])
def test_a_submission_needs_a_usable_id(db_session, appointment, submission_id):
    with pytest.raises(DomainError) as error:
        submit_response(
            submission(appointment, "phq-2", {"phq-1": "0"}, client_submission_id=submission_id)
        )

    assert error.value.code == "submission_id"
    assert stored(db_session) == 0


# --- PHQ-2 continuing to PHQ-9 ----------------------------------------------------------------


def test_a_negative_phq2_is_stored_as_a_phq2(db_session, appointment):
    response = submit_response(submission(appointment, "phq-2", {"phq-1": "1", "phq-2": "1"}))

    assert response.instrument_key == "phq-2"
    assert (response.total_score, response.band, response.is_positive) == (2, "negative", False)
    assert response.flags == []


def test_a_positive_phq2_continued_in_the_same_sitting_is_one_phq9(db_session, appointment):
    answers = {"phq-1": "2", "phq-2": "1", **PHQ9_LATER_ITEMS}

    response = submit_response(submission(appointment, "phq-2", answers))
    db_session.flush()

    assert stored(db_session) == 1
    assert response.instrument_key == "phq-9"
    assert response.answers == answers
    assert len(response.answers) == 9
    assert (response.total_score, response.band) == (10, "moderate")
    assert {f.code for f in response.flags} == {"phq-9", "phq-9:phq-9"}


def test_phq9_questions_after_a_negative_phq2_are_refused(db_session, appointment):
    answers = {"phq-1": "1", "phq-2": "1", **PHQ9_LATER_ITEMS}

    with pytest.raises(DomainError) as error:
        submit_response(submission(appointment, "phq-2", answers))

    assert error.value.code == "not_continued"
    assert stored(db_session) == 0


def test_phq9_questions_after_an_unfinished_negative_phq2_are_refused(db_session, appointment):
    with pytest.raises(DomainError) as error:
        submit_response(submission(appointment, "phq-2", {"phq-1": "1", "phq-3": "3"}))

    assert error.value.code == "not_continued"
    assert stored(db_session) == 0


# --- incomplete screens -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "answers", "answered_total", "is_positive"),
    [
        ("phq-2", {"phq-1": "2"}, 2, None),
        ("phq-2", {"phq-1": "3"}, 3, True),
        ("phq-9", {f"phq-{n}": "1" for n in range(1, 6)}, 5, None),
        ("phq-9", {f"phq-{n}": "0" for n in range(1, 9)}, 0, None),
        ("phq-9", {f"phq-{n}": "3" for n in range(1, 5)}, 12, True),
        ("hvs", {"hvs-1": "never"}, None, None),
        ("hvs", {"hvs-2": "sometimes"}, None, True),
        ("family-checkin", {"need-food": "no", "need-housing": "not_now"}, None, None),
        ("family-checkin", {"need-food": "yes"}, None, True),
    ],
)
def test_an_unfinished_screen_is_incomplete_and_never_negative(
    db_session, appointment, key, answers, answered_total, is_positive
):
    response = submit_response(submission(appointment, key, answers))
    db_session.flush()

    assert response.is_complete is False
    assert response.total_score is None
    assert response.answered_total == answered_total
    assert response.is_positive is is_positive
    assert response.answers == answers


# --- critical answers and family needs --------------------------------------------------------


@pytest.mark.parametrize("item_9", ["1", "2", "3"])
def test_phq9_item_9_above_zero_opens_a_critical_flag(db_session, appointment, item_9):
    response = submit_response(submission(appointment, "phq-9", {**PHQ9_MODERATE, "phq-9": item_9}))
    db_session.flush()

    [critical] = [f for f in response.flags if f.kind == FlagKind.CRITICAL]
    assert (critical.code, critical.item_id) == ("phq-9:phq-9", "phq-9")
    assert critical.is_open
    assert queries.open_critical_flags(appointment.clinic_id) == [critical]


def test_phq9_item_9_at_zero_opens_no_critical_flag(db_session, appointment):
    response = submit_response(submission(appointment, "phq-9", PHQ9_MODERATE))
    db_session.flush()

    assert [f.kind for f in response.flags] == [FlagKind.POSITIVE]
    assert queries.open_critical_flags(appointment.clinic_id) == []


def test_an_unfinished_phq9_with_item_9_answered_still_opens_a_critical_flag(
    db_session, appointment
):
    response = submit_response(submission(appointment, "phq-9", {"phq-9": "1"}))
    db_session.flush()

    assert response.is_complete is False
    assert [f.code for f in response.flags if f.kind == FlagKind.CRITICAL] == ["phq-9:phq-9"]


def test_a_family_checkin_records_each_answered_need_and_safety_at_home_is_critical(
    db_session, appointment
):
    answers = {f"need-{need}": "no" for need in CHECKIN_NEEDS}
    answers |= {"need-food": "yes", "need-housing": "not_now", "need-safety_home": "yes"}

    response = submit_response(submission(appointment, "family-checkin", answers))
    db_session.flush()

    wanted = {p.need: p.wants_help for p in priorities_of(db_session, response)}
    assert set(wanted) == set(CHECKIN_NEEDS)
    assert wanted["food"] == WantsHelp.YES
    assert wanted["housing"] == WantsHelp.NOT_NOW
    assert wanted["legal"] == WantsHelp.NO
    assert sorted((f.kind.value, f.need) for f in response.flags) == [
        ("critical", "safety_home"),
        ("positive", "food"),
        ("positive", "safety_home"),
    ]
    assert response.is_complete
    assert response.is_positive


def test_a_partial_family_checkin_records_only_the_needs_answered(db_session, appointment):
    response = submit_response(
        submission(appointment, "family-checkin", {"need-food": "not_now", "need-legal": "no"})
    )
    db_session.flush()

    wanted = {p.need: p.wants_help for p in priorities_of(db_session, response)}
    assert wanted == {"food": WantsHelp.NOT_NOW, "legal": WantsHelp.NO}
    assert response.flags == []


# --- entered in error -------------------------------------------------------------------------


def test_a_screen_marked_entered_in_error_stays_on_record_and_is_audited(
    db_session, appointment, clinician
):
    response = submit_response(submission(appointment, "phq-9", PHQ9_MODERATE))

    mark_entered_in_error(response, reason="  Wrong family's form  ", user_id=clinician.user_id)
    db_session.flush()

    assert stored(db_session) == 1
    assert response.status == ResponseStatus.ENTERED_IN_ERROR
    assert response.is_in_error
    assert response.error_reason == "Wrong family's form"
    assert response.marked_in_error_by_id == clinician.user_id
    assert response.marked_in_error_at is not None
    assert response.answers == PHQ9_MODERATE
    assert response.total_score == 12
    [event] = events(db_session, "update", object_type="screening_responses")
    assert event.details == {"fields": ["status"]}


@pytest.mark.parametrize("reason", ["", "   "])
def test_marking_in_error_needs_a_reason(db_session, appointment, clinician, reason):
    response = submit_response(submission(appointment, "phq-9", PHQ9_MODERATE))

    with pytest.raises(DomainError) as error:
        mark_entered_in_error(response, reason=reason, user_id=clinician.user_id)

    assert error.value.code == "reason_required"
    assert response.status == ResponseStatus.FINAL


def test_a_screen_cannot_be_marked_in_error_twice(db_session, appointment, clinician):
    response = submit_response(submission(appointment, "phq-9", PHQ9_MODERATE))
    mark_entered_in_error(response, reason="Duplicate", user_id=clinician.user_id)

    with pytest.raises(DomainError) as error:
        mark_entered_in_error(response, reason="Again", user_id=clinician.user_id)

    assert error.value.code == "already_in_error"
    assert response.error_reason == "Duplicate"


def test_a_screen_in_error_no_longer_raises_its_critical_flag(db_session, appointment, clinician):
    response = submit_response(submission(appointment, "phq-9", {**PHQ9_MODERATE, "phq-9": "2"}))
    db_session.flush()
    assert len(queries.open_critical_flags(appointment.clinic_id)) == 1

    mark_entered_in_error(response, reason="Another patient's form", user_id=clinician.user_id)
    db_session.flush()

    assert queries.open_critical_flags(appointment.clinic_id) == []
    assert count(db_session, Flag) == 2  # kept with the response, not deleted


def test_a_screen_in_error_no_longer_counts_as_done(db_session, appointment, clinician):
    response = submit_response(submission(appointment, "phq-2", {"phq-1": "0", "phq-2": "0"}))
    db_session.flush()
    assert "phq-2" in due_keys(appointment, "done")

    mark_entered_in_error(
        response, reason="Answered for the wrong visit", user_id=clinician.user_id
    )
    db_session.flush()

    assert "phq-2" in due_keys(appointment, "due")


# --- acknowledging a critical answer ----------------------------------------------------------


@pytest.fixture
def critical_flag(db_session, appointment) -> Flag:
    response = submit_response(submission(appointment, "phq-9", {**PHQ9_MODERATE, "phq-9": "1"}))
    db_session.flush()
    return next(f for f in response.flags if f.kind == FlagKind.CRITICAL)


def test_a_clinician_acknowledges_a_critical_answer_with_the_action_taken(
    db_session, appointment, clinician, critical_flag
):
    before = datetime.now(UTC)

    acknowledge_critical_flag(
        critical_flag, user_id=clinician.user_id, action=FlagAction.WARM_HANDOFF, note=" BH seen "
    )
    db_session.flush()

    assert critical_flag.action == FlagAction.WARM_HANDOFF
    assert critical_flag.acknowledged_by_id == clinician.user_id
    assert critical_flag.acknowledged_at >= before
    assert critical_flag.note == "BH seen"
    assert not critical_flag.is_open
    assert queries.open_critical_flags(appointment.clinic_id) == []
    [event] = events(db_session, "update", object_type="screening_flags")
    assert event.object_id == str(critical_flag.id)
    assert event.child_id == appointment.child_id


def test_the_action_other_needs_a_note(db_session, clinician, critical_flag):
    with pytest.raises(DomainError) as error:
        acknowledge_critical_flag(
            critical_flag, user_id=clinician.user_id, action=FlagAction.OTHER, note="  "
        )

    assert error.value.code == "note_required"
    assert critical_flag.is_open

    acknowledge_critical_flag(
        critical_flag, user_id=clinician.user_id, action=FlagAction.OTHER, note="Safety plan"
    )
    assert (critical_flag.action, critical_flag.note) == (FlagAction.OTHER, "Safety plan")


def test_a_critical_answer_is_acknowledged_once(db_session, make, clinician, critical_flag):
    acknowledge_critical_flag(critical_flag, user_id=clinician.user_id, action=FlagAction.ASSESSED)
    colleague = make.member(clinician.clinic, Role.CLINICIAN)

    with pytest.raises(DomainError) as error:
        acknowledge_critical_flag(
            critical_flag, user_id=colleague.user_id, action=FlagAction.EMERGENCY_SERVICES
        )

    assert error.value.code == "already_acknowledged"
    assert (critical_flag.acknowledged_by_id, critical_flag.action) == (
        clinician.user_id,
        FlagAction.ASSESSED,
    )


def test_a_positive_screen_is_not_acknowledged_like_a_critical_answer(
    db_session, appointment, clinician
):
    response = submit_response(submission(appointment, "phq-9", PHQ9_MODERATE))
    db_session.flush()
    [positive] = response.flags

    with pytest.raises(DomainError) as error:
        acknowledge_critical_flag(positive, user_id=clinician.user_id, action=FlagAction.ASSESSED)

    assert error.value.code == "not_critical"
    assert positive.acknowledged_at is None
    assert events(db_session, "update", object_type="screening_flags") == []


# --- what is due at a visit -------------------------------------------------------------------

DEPRESSION_VISITS = {VisitKind.MONTH_1, VisitKind.MONTH_2, VisitKind.MONTH_4, VisitKind.MONTH_6}


@pytest.mark.parametrize("visit_kind", list(VisitKind))
def test_a_household_never_screened_is_due_what_the_schedule_says(make, child, visit_kind):
    visit = make.appointment(child, visit_kind=visit_kind)

    due = queries.due_for_appointment(visit)

    expected = {"family-checkin", "hvs"} | ({"phq-2"} if visit_kind in DEPRESSION_VISITS else set())
    assert {item.instrument_key: item.status for item in due} == dict.fromkeys(expected, "due")


def test_screens_done_for_this_visit_are_done(make, db_session, appointment):
    make.screen(appointment, "phq-2", {"phq-1": "2", "phq-2": "2", **PHQ9_LATER_ITEMS})
    make.screen(appointment, "hvs", {"hvs-1": "never", "hvs-2": "never"})

    due = {item.instrument_key: item for item in queries.due_for_appointment(appointment)}

    assert (due["phq-2"].status, due["phq-2"].reason) == ("done", "this_visit")
    assert (due["hvs"].status, due["hvs"].reason) == ("done", "this_visit")
    assert due["family-checkin"].status == "due"


def test_a_siblings_recent_family_checkin_counts_for_this_child(
    make, db_session, household, appointment
):
    sibling = make.child(
        household, given_name="Sofía", date_of_birth=make.today - timedelta(days=900)
    )
    earlier = make.appointment(
        sibling,
        at=datetime.combine(make.today, datetime.min.time(), tzinfo=UTC) - timedelta(days=100),
        visit_kind=VisitKind.MONTH_24,
    )
    response = make.screen(earlier, "family-checkin", {f"need-{n}": "no" for n in CHECKIN_NEEDS})
    backdate(response, 100, db_session)

    due = {item.instrument_key: item for item in queries.due_for_appointment(appointment)}

    assert (due["family-checkin"].status, due["family-checkin"].reason) == ("done", "recent")
    assert due["family-checkin"].done_on == response.submitted_at.date()
    assert due["hvs"].status == "due"


def test_a_siblings_family_checkin_older_than_a_year_no_longer_counts(
    make, db_session, household, appointment
):
    sibling = make.child(household, given_name="Sofía")
    response = make.screen(
        make.appointment(sibling), "family-checkin", {f"need-{n}": "no" for n in CHECKIN_NEEDS}
    )
    backdate(response, 366, db_session)

    assert "family-checkin" in due_keys(appointment, "due")


def test_an_unfinished_screen_that_rules_nothing_out_is_still_due(
    make, db_session, household, appointment
):
    sibling = make.child(household, given_name="Sofía")
    sibling_visit = make.appointment(sibling)
    make.screen(sibling_visit, "family-checkin", {"need-food": "no"})
    make.screen(appointment, "hvs", {"hvs-1": "never"})

    assert due_keys(appointment) == {"phq-2", "family-checkin", "hvs"}


def test_an_unfinished_screen_that_is_already_positive_counts_as_done(db_session, appointment):
    submit_response(submission(appointment, "phq-2", {"phq-1": "3"}))
    submit_response(
        submission(appointment, "hvs", {"hvs-1": "often"}, client_submission_id="phone-2")
    )
    db_session.flush()

    assert due_keys(appointment, "done") == {"phq-2", "hvs"}


def test_a_siblings_caregiver_depression_screen_counts_only_for_two_weeks(
    make, db_session, household, appointment
):
    twin = make.child(household, given_name="Sofía")
    response = make.screen(make.appointment(twin), "phq-2", {"phq-1": "0", "phq-2": "0"})

    backdate(response, 14, db_session)
    assert "phq-2" in due_keys(appointment, "done")
    backdate(response, 15, db_session)
    assert "phq-2" in due_keys(appointment, "due")


def test_a_clinics_own_schedule_replaces_the_default(make, db_session, clinic, child, appointment):
    nine_months = make.appointment(
        child, at=appointment.scheduled_at + timedelta(days=1), visit_kind=VisitKind.MONTH_9
    )

    save_screening_setting(
        clinic.id, "phq-2", is_enabled=True, visit_kinds=["9m"], validity_days=14
    )
    save_screening_setting(
        clinic.id, "family-checkin", is_enabled=False, visit_kinds=[], validity_days=365
    )
    db_session.flush()

    assert due_keys(appointment) == {"hvs"}
    assert due_keys(nine_months) == {"phq-2", "hvs"}
    other_clinic_visit = make.appointment(
        make.child(clinic=make.clinic()), visit_kind=VisitKind.MONTH_2
    )
    assert due_keys(other_clinic_visit) == {"phq-2", "family-checkin", "hvs"}


def test_epds_turned_on_without_its_text_is_listed_as_not_offered(db_session, clinic, appointment):
    save_screening_setting(clinic.id, "epds", is_enabled=True, visit_kinds=["2m"], validity_days=14)
    db_session.flush()

    [epds] = [
        item for item in queries.due_for_appointment(appointment) if item.instrument_key == "epds"
    ]

    assert (epds.status, epds.reason) == ("unavailable", "licensed_text_missing")


@pytest.mark.parametrize(
    ("key", "fields", "code"),
    [
        ("phq-9", {}, "not_schedulable"),
        ("phq-2", {"visit_kinds": ["10m"]}, "visit_kind"),
        ("phq-2", {"validity_days": 731}, "validity_days"),
        ("phq-2", {"validity_days": -1}, "validity_days"),
    ],
)
def test_a_clinic_setting_out_of_range_is_refused(db_session, clinic, key, fields, code):
    values = {"is_enabled": True, "visit_kinds": ["2m"], "validity_days": 14, **fields}

    with pytest.raises(DomainError) as error:
        save_screening_setting(clinic.id, key, **values)

    assert error.value.code == code
    assert queries.settings_of(clinic.id) == {}


def test_a_submission_id_reused_for_a_sibling_is_refused(make):
    clinic = make.clinic()
    household = make.household(clinic)
    first, second = make.child(household), make.child(household, given_name="Sofía")
    answers = {"phq-1": "0", "phq-2": "0"}
    make.screen(make.appointment(first), "phq-2", answers, client_submission_id="shared")
    with pytest.raises(DomainError) as refused:
        make.screen(make.appointment(second), "phq-2", answers, client_submission_id="shared")
    assert refused.value.code == "submission_id_reused"
