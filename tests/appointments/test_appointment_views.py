"""The day's schedule and the booking form, as the front desk and the care team use them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.dates import format_time

from app.appointments.models import Appointment, AppointmentStatus, VisitKind
from app.core.audit import AuditEvent
from app.core.roles import Role
from tests.records import appointments_of, events


def utc(day: date, hour: int, minute: int = 0, zone: str = "UTC") -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_time(moment: datetime, zone: str) -> str:
    return format_time(moment, "short", tzinfo=ZoneInfo(zone), locale="en")


def booking(on: date, **fields) -> dict:
    return {
        "record_number": "MRN-1",
        "day": on.isoformat(),
        "at": "09:30",
        "visit_kind": "4m",
        "clinician_id": "",
        "site_id": "",
        "status": "scheduled",
        "interpreter_language": "",
        "note": "",
        **fields,
    }


@pytest.fixture
def front_desk(make, clinic):
    return make.member(clinic, Role.FRONT_DESK)


@pytest.fixture
def mateo(make, clinic):
    return make.child(clinic=clinic, given_name="Mateo", record_number="MRN-1")


@pytest.fixture
def day(make) -> date:
    return make.today + timedelta(days=2)


# --- booking ---------------------------------------------------------------------------------


def test_booking_by_record_number_puts_the_visit_on_the_schedule(
    make, db_session, login, clinic, front_desk, mateo, day
):
    clinician = make.member(clinic, Role.CLINICIAN)
    site = make.site(clinic, "Eastside")
    client = login(front_desk)

    response = client.post(
        "/appointments/new",
        data=booking(
            day,
            clinician_id=str(clinician.user_id),
            site_id=str(site.id),
            needs_interpreter="y",
            interpreter_language="es",
            note="First visit here",
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/appointments/?day={day.isoformat()}")
    [appointment] = appointments_of(db_session, clinic)
    assert (appointment.child_id, appointment.scheduled_at) == (mateo.id, utc(day, 9, 30))
    assert (appointment.clinician_id, appointment.site_id) == (clinician.user_id, site.id)
    assert (appointment.needs_interpreter, appointment.interpreter_language) == (True, "es")
    page = client.get(response.headers["Location"]).text
    assert "The appointment for Mateo Rivera is saved." in page
    assert "Mateo Rivera" in page
    assert clinician.user.full_name in page
    assert "Eastside" in page
    assert "Interpreter: Spanish" in page


def test_the_booking_form_starts_from_the_childs_record_number(login, front_desk, mateo):
    page = login(front_desk).get("/appointments/new?record_number=MRN-1").text

    assert 'value="MRN-1"' in page


def test_an_unknown_record_number_is_refused_and_writes_nothing(
    db_session, login, clinic, front_desk, mateo, day
):
    client = login(front_desk)
    audit_before = len(db_session.scalars(sa.select(AuditEvent.id)).all())

    response = client.post("/appointments/new", data=booking(day, record_number="MRN-404"))

    assert response.status_code == 422
    assert "No child has this record number." in response.text
    assert appointments_of(db_session, clinic) == []
    assert len(db_session.scalars(sa.select(AuditEvent.id)).all()) == audit_before


def test_another_clinics_child_cannot_be_booked(make, db_session, login, front_desk, day):
    elsewhere = make.child(clinic=make.clinic(), record_number="MRN-1")
    client = login(front_desk)

    response = client.post("/appointments/new", data=booking(day))

    assert response.status_code == 422
    assert "No child has this record number." in response.text
    assert (
        db_session.scalars(sa.select(Appointment).where(Appointment.child_id == elsewhere.id)).all()
        == []
    )


def test_double_booking_a_child_is_refused_cleanly(
    make, db_session, login, clinic, front_desk, mateo, day
):
    make.appointment(mateo, at=utc(day, 9, 30))
    client = login(front_desk)

    response = client.post("/appointments/new", data=booking(day, visit_kind="6m"))

    assert response.status_code == 422
    assert "Mateo Rivera already has an appointment at this time." in response.text
    assert [a.visit_kind for a in appointments_of(db_session, clinic)] == [VisitKind.MONTH_4]


def test_a_clinician_of_another_clinic_cannot_be_chosen(
    make, db_session, login, clinic, front_desk, mateo, day
):
    outsider = make.member(make.clinic(), Role.CLINICIAN)
    client = login(front_desk)

    response = client.post(
        "/appointments/new", data=booking(day, clinician_id=str(outsider.user_id))
    )

    assert response.status_code == 422
    assert "Not a valid choice." in response.text
    assert appointments_of(db_session, clinic) == []


@pytest.mark.parametrize(
    "fields",
    [{"record_number": ""}, {"at": "half past nine"}, {"visit_kind": "checkup"}, {"day": ""}],
)
def test_an_incomplete_booking_is_refused(
    db_session, login, clinic, front_desk, mateo, day, fields
):
    response = login(front_desk).post("/appointments/new", data=booking(day, **fields))

    assert response.status_code == 422
    assert "Please correct the fields marked below." in response.text
    assert appointments_of(db_session, clinic) == []


# --- editing ---------------------------------------------------------------------------------


def test_opening_an_appointment_is_audited(make, db_session, login, clinic, front_desk, mateo):
    appointment = make.appointment(mateo)
    client = login(front_desk)

    page = client.get(f"/appointments/{appointment.id}").text

    assert "Appointment for Mateo Rivera" in page
    [event] = events(db_session, "view", clinic_id=clinic.id)
    assert (event.object_type, event.object_id) == ("appointments", str(appointment.id))
    assert event.child_id == mateo.id
    assert event.actor_user_id == front_desk.user_id


def test_rescheduling_through_the_form(make, db_session, login, clinic, front_desk, mateo, day):
    appointment = make.appointment(mateo, at=utc(day, 9, 30))
    client = login(front_desk)

    response = client.post(
        f"/appointments/{appointment.id}", data=booking(day, at="11:00", status="checked_in")
    )

    assert response.status_code == 302
    db_session.refresh(appointment)
    assert appointment.scheduled_at == utc(day, 11)
    assert appointment.status == AppointmentStatus.CHECKED_IN
    [event] = events(db_session, "update", clinic_id=clinic.id)
    assert event.details == {"fields": ["scheduled_at", "status"]}


def test_rescheduling_onto_another_visit_of_the_child_is_refused(
    make, db_session, login, clinic, front_desk, mateo, day
):
    make.appointment(mateo, at=utc(day, 9, 30))
    later = make.appointment(mateo, at=utc(day, 11))
    client = login(front_desk)

    response = client.post(f"/appointments/{later.id}", data=booking(day, at="09:30"))

    assert response.status_code == 422
    assert "Mateo Rivera already has an appointment at this time." in response.text
    assert sorted(a.scheduled_at for a in appointments_of(db_session, clinic)) == [
        utc(day, 9, 30),
        utc(day, 11),
    ]


# --- the day's schedule ----------------------------------------------------------------------


@pytest.fixture
def los_angeles(db_session, clinic):
    clinic.timezone = "America/Los_Angeles"
    return "America/Los_Angeles"


def schedule(client, day: date, **filters):
    return client.get("/appointments/", query_string={"day": day.isoformat(), **filters})


def test_the_day_shows_that_local_days_visits_of_the_clinic_only(
    make, login, clinic, front_desk, day, los_angeles
):
    household = make.household(clinic)
    for given_name, local_day, hour in [
        ("Early", day, 0),
        ("Late", day, 23),
        ("Yesterday", day - timedelta(days=1), 23),
        ("Tomorrow", day + timedelta(days=1), 0),
    ]:
        child = make.child(household, given_name=given_name)
        make.appointment(child, at=utc(local_day, hour, 30, los_angeles))
    make.appointment(make.child(clinic=make.clinic(), given_name="Elsewhere"), at=utc(day, 12))
    client = login(front_desk)

    page = schedule(client, day).text

    assert "2 visits" in page
    assert page.index("Early Rivera") < page.index("Late Rivera")
    assert local_time(utc(day, 0, 30, los_angeles), los_angeles) in page
    assert local_time(utc(day, 23, 30, los_angeles), los_angeles) in page
    for absent in ("Yesterday", "Tomorrow", "Elsewhere"):
        assert absent not in page


def test_the_day_defaults_to_the_clinics_today(make, login, clinic, front_desk, mateo):
    make.appointment(mateo, at=utc(make.today, 10))
    make.appointment(
        make.child(clinic=clinic, given_name="Later"), at=utc(make.today + timedelta(days=1), 10)
    )

    page = login(front_desk).get("/appointments/").text

    assert "Mateo Rivera" in page
    assert "Later Rivera" not in page


@pytest.fixture
def busy_day(make, clinic, day):
    """Two clinicians at two sites; returns (clinicians, sites)."""
    clinicians = [make.member(clinic, Role.CLINICIAN) for _ in range(2)]
    sites = [make.site(clinic, "North"), make.site(clinic, "South")]
    household = make.household(clinic)
    for n, (given_name, clinician, site) in enumerate(
        [
            ("Ana", clinicians[0], sites[0]),
            ("Bruno", clinicians[0], sites[1]),
            ("Carla", clinicians[1], sites[0]),
        ]
    ):
        make.appointment(
            make.child(household, given_name=given_name),
            at=utc(day, 9 + n),
            clinician_id=clinician.user_id,
            site_id=site.id,
        )
    return clinicians, sites


def test_the_day_filters_by_clinician(login, front_desk, day, busy_day):
    clinicians, _sites = busy_day

    page = schedule(login(front_desk), day, clinician_id=clinicians[0].user_id).text

    assert "2 visits" in page
    assert "Ana Rivera" in page
    assert "Bruno Rivera" in page
    assert "Carla Rivera" not in page


def test_the_day_filters_by_site_and_clinician(login, front_desk, day, busy_day):
    clinicians, sites = busy_day
    client = login(front_desk)

    by_site = schedule(client, day, site_id=sites[0].id).text
    by_both = schedule(client, day, site_id=sites[0].id, clinician_id=clinicians[1].user_id).text

    assert ("Ana Rivera" in by_site, "Bruno Rivera" in by_site, "Carla Rivera" in by_site) == (
        True,
        False,
        True,
    )
    assert "1 visit" in by_both
    assert "Carla Rivera" in by_both


def test_viewing_the_schedule_is_audited(make, db_session, login, clinic, front_desk, mateo, day):
    make.appointment(mateo, at=utc(day, 10))
    client = login(front_desk)

    schedule(client, day)

    [event] = events(db_session, "view", clinic_id=clinic.id)
    assert event.object_type == "schedule"
    assert event.details == {"day": day.isoformat(), "appointments": 1}
    assert event.actor_user_id == front_desk.user_id
    assert event.ip_address == "127.0.0.1"
    assert "Mateo" not in str(event.details)


def test_the_care_team_sees_the_schedule_without_edit_links(make, login, clinic, mateo, day):
    make.appointment(mateo, at=utc(day, 10))
    manager = make.member(clinic, Role.PRACTICE_MANAGER)

    page = schedule(login(manager), day).text

    assert "Mateo Rivera" in page
    assert "Book an appointment" not in page
