"""Booking and changing one appointment, through the operations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.appointments.models import AppointmentStatus, VisitKind
from app.appointments.operations import schedule_appointment, update_appointment
from app.core.errors import DomainError
from app.core.roles import Role
from tests.records import appointments_of, events


@pytest.fixture
def child(make, clinic):
    return make.child(clinic=clinic)


@pytest.fixture
def nine_thirty(make):
    return datetime.combine(make.today, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=9, minutes=30
    )


def test_booking_a_visit_is_audited_on_the_child(db_session, clinic, child, nine_thirty):
    appointment = schedule_appointment(
        child, scheduled_at=nine_thirty, visit_kind=VisitKind.MONTH_4
    )
    db_session.flush()

    assert appointments_of(db_session, clinic) == [appointment]
    assert appointment.status == AppointmentStatus.SCHEDULED
    [event] = events(db_session, "create", object_type="appointments")
    assert event.child_id == child.id
    assert event.clinic_id == clinic.id


def test_the_same_child_cannot_be_booked_twice_at_the_same_minute(
    make, db_session, clinic, child, nine_thirty
):
    make.appointment(child, at=nine_thirty)

    with pytest.raises(DomainError, match="already has an appointment at this time") as error:
        schedule_appointment(child, scheduled_at=nine_thirty, visit_kind=VisitKind.OTHER)

    assert error.value.code == "double_booking"
    # The refusal left the session usable and the first booking in place.
    assert [a.visit_kind for a in appointments_of(db_session, clinic)] == [VisitKind.MONTH_4]


def test_two_children_may_share_a_time(make, db_session, clinic, child, nine_thirty):
    sibling = make.child(child.household, given_name="Sofía")
    make.appointment(child, at=nine_thirty)

    make.appointment(sibling, at=nine_thirty)

    assert len(appointments_of(db_session, clinic)) == 2


@pytest.mark.parametrize(
    "who",
    ["clinician_of_another_clinic", "front_desk_of_this_clinic", "inactive_clinician"],
)
def test_only_an_active_clinician_of_the_clinic_can_be_chosen(
    make, db_session, clinic, child, nine_thirty, who
):
    if who == "clinician_of_another_clinic":
        user_id = make.member(make.clinic(), Role.CLINICIAN).user_id
    elif who == "front_desk_of_this_clinic":
        user_id = make.member(clinic, Role.FRONT_DESK).user_id
    else:
        membership = make.member(clinic, Role.CLINICIAN)
        membership.is_active = False
        user_id = membership.user_id

    with pytest.raises(DomainError) as error:
        schedule_appointment(
            child, scheduled_at=nine_thirty, visit_kind=VisitKind.MONTH_4, clinician_id=user_id
        )

    assert error.value.code == "clinician"
    assert appointments_of(db_session, clinic) == []


def test_a_site_of_another_clinic_cannot_be_chosen(make, db_session, clinic, child, nine_thirty):
    elsewhere = make.site(make.clinic(), "Downtown")
    db_session.flush()

    with pytest.raises(DomainError) as error:
        schedule_appointment(
            child, scheduled_at=nine_thirty, visit_kind=VisitKind.MONTH_4, site_id=elsewhere.id
        )

    assert error.value.code == "site"
    assert appointments_of(db_session, clinic) == []


def test_the_clinics_own_clinician_and_site_are_kept(make, db_session, clinic, child, nine_thirty):
    clinician = make.member(clinic, Role.CLINICIAN)
    site = make.site(clinic, "Eastside")
    db_session.flush()

    appointment = schedule_appointment(
        child,
        scheduled_at=nine_thirty,
        visit_kind=VisitKind.MONTH_4,
        clinician_id=clinician.user_id,
        site_id=site.id,
    )

    assert (appointment.clinician_id, appointment.site_id) == (clinician.user_id, site.id)


def test_no_interpreter_means_no_interpreter_language(db_session, child, nine_thirty):
    appointment = schedule_appointment(
        child,
        scheduled_at=nine_thirty,
        visit_kind=VisitKind.MONTH_4,
        needs_interpreter=False,
        interpreter_language="es",
    )

    assert appointment.interpreter_language is None


def test_rescheduling_is_audited_with_the_changed_fields(make, db_session, child, nine_thirty):
    appointment = make.appointment(child, at=nine_thirty)

    update_appointment(
        appointment,
        scheduled_at=nine_thirty + timedelta(hours=1),
        visit_kind=VisitKind.MONTH_4,
        status=AppointmentStatus.CHECKED_IN,
    )
    db_session.flush()

    [event] = events(db_session, "update", object_id=str(appointment.id))
    assert event.details == {"fields": ["scheduled_at", "status"]}


def test_rescheduling_onto_another_booking_of_the_child_is_refused(
    make, db_session, clinic, child, nine_thirty
):
    make.appointment(child, at=nine_thirty)
    later = make.appointment(child, at=nine_thirty + timedelta(hours=2))

    with pytest.raises(DomainError) as error:
        update_appointment(later, scheduled_at=nine_thirty)

    assert error.value.code == "double_booking"
    assert later.scheduled_at == nine_thirty + timedelta(hours=2)
    assert events(db_session, "update", object_id=str(later.id)) == []


def test_an_unknown_field_is_a_programming_error(child, nine_thirty):
    with pytest.raises(TypeError, match="colour"):
        schedule_appointment(
            child, scheduled_at=nine_thirty, visit_kind=VisitKind.MONTH_4, colour="red"
        )
