"""Importing a day's schedule from CSV: through `import_schedule`, and through the import page."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.appointments import operations
from app.appointments.models import Appointment, VisitKind
from app.appointments.operations import ImportContext, import_schedule
from app.core.audit import AuditEvent
from app.core.languages import CAREGIVER_LANGUAGES
from app.core.roles import Role
from app.families.models import Child, Household

HEADER = "record_number,time,visit_kind,clinician_email,site,group_visit,given_name,family_name,date_of_birth"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines, ""]).encode()


def rows_of(db_session, model, clinic) -> list:
    return list(
        db_session.scalars(sa.select(model).where(model.clinic_id == clinic.id).order_by(model.id))
    )


def import_events(db_session, clinic) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "import", AuditEvent.clinic_id == clinic.id
            )
        )
    )


def outcomes(report) -> list[tuple[int, str, str]]:
    return [(row.line, row.outcome, row.message) for row in report.rows]


@pytest.fixture
def day(make) -> date:
    return make.today + timedelta(days=1)


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


@pytest.fixture
def site(make, clinic):
    return make.site(clinic, "Main")


@pytest.fixture
def mateo(make, clinic):
    return make.child(clinic=clinic, record_number="MRN-1")


@pytest.fixture
def context(clinic, day, clinician, site, mateo) -> ImportContext:
    return ImportContext(
        clinic_id=clinic.id,
        day=day,
        zone=ZoneInfo("UTC"),
        clinicians={clinician.user.email.lower(): clinician.user_id},
        sites={"main": site.id},
        languages=frozenset(CAREGIVER_LANGUAGES),
    )


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# --- the operation ---------------------------------------------------------------------------


def mixed_file(clinician_email: str, born: date) -> bytes:
    return csv_bytes(
        f"MRN-1,09:00,4m,{clinician_email.upper()},main,no,,,",
        "MRN-404,09:30,4m,,,,,,",
        "MRN-1,25:99,4m,,,,,,",
        "MRN-1,10:00,checkup,,,,,,",
        "MRN-1,10:30,6m,nobody@example.org,,,,,",
        "MRN-1,11:00,6m,,Atlantis,,,,",
        "MRN-1,11:30,6m,,,maybe,,,",
        f"MRN-NEW,7:5x,newborn,,,,Sofía,Nuñez,{born.isoformat()}",
        f"MRN-NEW2,2:15 PM,2 months,,,yes,Luz,Ortega,{born.isoformat()}",
    )


def test_good_rows_are_added_and_each_bad_row_is_reported(
    make, db_session, clinic, context, clinician, site, mateo, day
):
    born = day - timedelta(days=60)

    report = import_schedule(context, mixed_file(clinician.user.email, born))

    assert outcomes(report) == [
        (2, "created", "Added Mateo Rivera."),
        (
            3,
            "error",
            "No child has record number MRN-404; add given_name, family_name and "
            "date_of_birth to create one.",
        ),
        (4, "error", "The time 25:99 is not a time like 09:30 or 2:15 PM."),
        (5, "error", "The visit kind checkup is not one we know."),
        (6, "error", "No clinician of this clinic has the e-mail nobody@example.org."),
        (7, "error", "The clinic has no site called Atlantis."),
        (8, "error", "group_visit must be yes or no, not maybe."),
        (9, "error", "The time 7:5x is not a time like 09:30 or 2:15 PM."),
        (10, "created", "Added Luz Ortega."),
    ]
    first, second = rows_of(db_session, Appointment, clinic)
    assert (first.child, first.scheduled_at, first.visit_kind) == (
        mateo,
        at(day, 9),
        VisitKind.MONTH_4,
    )
    assert (first.clinician_id, first.site_id, first.is_group_visit) == (
        clinician.user_id,
        site.id,
        False,
    )
    assert (second.child.full_name, second.scheduled_at, second.visit_kind) == (
        "Luz Ortega",
        at(day, 14, 15),
        VisitKind.MONTH_2,
    )
    assert second.is_group_visit
    assert second.child.date_of_birth == born


def test_a_bad_row_leaves_nothing_behind(db_session, clinic, context, day, mateo):
    households_before = rows_of(db_session, Household, clinic)
    audit_before = rows_of(db_session, AuditEvent, clinic)

    report = import_schedule(
        context,
        csv_bytes(
            "MRN-NEW,7:5x,newborn,,,,Sofía,Nuñez,2025-01-01",
            "MRN-NEW,08:00,newborn,,,,Sofía,Nuñez,31/12/2025",
            f"MRN-NEW,08:00,newborn,,,,Sofía,Nuñez,{(day + timedelta(days=1)).isoformat()}",
        ),
    )

    assert [row.outcome for row in report.rows] == ["error"] * 3
    assert report.rows[1].message == "date_of_birth must be a date like 2026-03-31, not 31/12/2025."
    assert report.rows[2].message == "The date of birth cannot be in the future."
    assert rows_of(db_session, Child, clinic) == [mateo]
    assert rows_of(db_session, Household, clinic) == households_before
    assert rows_of(db_session, Appointment, clinic) == []
    new_events = [e for e in rows_of(db_session, AuditEvent, clinic) if e not in audit_before]
    assert [e.action for e in new_events] == ["import"]


def test_a_new_child_gets_a_household_of_its_own(db_session, clinic, context, day, mateo):
    import_schedule(context, csv_bytes("MRN-NEW,08:00,newborn,,,,Sofía,Nuñez,2025-01-01"))

    child = next(c for c in rows_of(db_session, Child, clinic) if c.record_number == "MRN-NEW")
    assert child.full_name == "Sofía Nuñez"
    assert child.household.name == "Nuñez"
    assert child.date_of_birth == date(2025, 1, 1)


def test_reimporting_adds_nothing(db_session, clinic, context, clinician, day):
    content = mixed_file(clinician.user.email, day - timedelta(days=60))
    import_schedule(context, content)
    children = len(rows_of(db_session, Child, clinic))

    report = import_schedule(context, content)

    assert report.count("created") == 0
    assert [row.line for row in report.rows if row.outcome == "skipped"] == [2, 10]
    assert {row.message for row in report.rows if row.outcome == "skipped"} == {
        "Already on the schedule."
    }
    assert report.count("error") == 7
    assert len(rows_of(db_session, Appointment, clinic)) == 2
    assert len(rows_of(db_session, Child, clinic)) == children


def test_each_import_is_audited_with_its_counts(db_session, clinic, context, clinician, day):
    import_schedule(context, mixed_file(clinician.user.email, day - timedelta(days=60)))

    [event] = import_events(db_session, clinic)
    assert event.object_type == "appointments"
    assert event.details == {"created": 2, "skipped": 0, "errors": 7}


def test_the_date_column_and_interpreter_language_are_read(db_session, clinic, context, day):
    other_day = day + timedelta(days=3)
    header = "record_number,time,visit_kind,date,interpreter_language,note"

    report = import_schedule(
        context,
        csv_bytes(
            f"MRN-1,08:15,4 months,{other_day.isoformat()},ES, bring shot record ",
            "MRN-1,09:15,4m,,xx,",
            header=header,
        ),
    )

    assert [row.outcome for row in report.rows] == ["created", "error"]
    assert report.rows[1].message == "The interpreter language xx is not a language code we know."
    [appointment] = rows_of(db_session, Appointment, clinic)
    assert appointment.scheduled_at == at(other_day, 8, 15)
    assert (appointment.needs_interpreter, appointment.interpreter_language) == (True, "es")
    assert appointment.note == "bring shot record"


def test_times_are_read_in_the_clinics_time_zone(db_session, clinic, context, day):
    local = dataclasses.replace(context, zone=ZoneInfo("America/Chicago"))

    import_schedule(local, csv_bytes("MRN-1,09:00,4m,,,,,,"))

    [appointment] = rows_of(db_session, Appointment, clinic)
    assert appointment.scheduled_at.astimezone(ZoneInfo("America/Chicago")).hour == 9
    assert appointment.scheduled_at != at(day, 9)


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        (b"record_number;time;visit_kind\nMRN-1;09:00;4m\nMRN-1;10:00;6m\n", ";"),
        (b"record_number\ttime\tvisit_kind\nMRN-1\t09:00\t4m\nMRN-1\t10:00\t6m\n", "tab"),
        (
            b"\xef\xbb\xbfrecord_number,time,visit_kind\r\nMRN-1,09:00,4m\r\nMRN-1,10:00,6m\r\n",
            "bom",
        ),
        (b"Record_Number , TIME,Visit_Kind\nMRN-1,09:00,4m\nMRN-1,10:00,6m", "header case"),
    ],
)
def test_common_spreadsheet_exports_are_read(db_session, clinic, context, content, delimiter):
    report = import_schedule(context, content)

    assert report.file_error is None
    assert [row.outcome for row in report.rows] == ["created", "created"]
    assert len(rows_of(db_session, Appointment, clinic)) == 2


def test_line_numbers_count_blank_lines(db_session, context):
    report = import_schedule(
        context, b"record_number,time,visit_kind\nMRN-1,09:00,4m\n\nMRN-1,25:00,4m\n\n"
    )

    assert [(row.line, row.outcome) for row in report.rows] == [(2, "created"), (4, "error")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "record_number,time,visit_kind\nMRN-1,09:00,Reconocimiento niño\n".encode("latin-1"),
            "The file is not UTF-8 text. Save it as CSV UTF-8 and try again.",
        ),
        (
            b"mrn,time,kind\nMRN-1,09:00,4m\n",
            "The file has no column named record_number, visit_kind.",
        ),
        (b"", "The file has no column named record_number, time, visit_kind."),
        (
            b"record_number,time,visit_kind,note\nMRN-1,09:00,4m," + b"x" * 200_000 + b"\n",
            "The file is not a readable CSV.",
        ),
    ],
)
def test_an_unreadable_file_is_refused_whole(db_session, clinic, context, content, message):
    report = import_schedule(context, content)

    assert report.file_error == message
    assert report.rows == []
    assert rows_of(db_session, Appointment, clinic) == []
    assert import_events(db_session, clinic) == []


def test_a_file_over_the_row_limit_is_refused_whole(monkeypatch, db_session, clinic, context):
    monkeypatch.setattr(operations, "IMPORT_MAX_ROWS", 3)

    report = import_schedule(
        context, csv_bytes(*(f"MRN-1,0{hour}:00,4m,,,,,," for hour in range(1, 5)))
    )

    assert report.file_error == "The file has more than 3 rows."
    assert rows_of(db_session, Appointment, clinic) == []


def test_a_file_at_the_row_limit_is_imported(monkeypatch, db_session, clinic, context):
    monkeypatch.setattr(operations, "IMPORT_MAX_ROWS", 3)

    report = import_schedule(
        context, csv_bytes(*(f"MRN-1,0{hour}:00,4m,,,,,," for hour in range(1, 4)))
    )

    assert report.count("created") == 3


def test_another_clinics_child_is_not_found_by_record_number(make, db_session, clinic, context):
    make.child(clinic=make.clinic(), record_number="MRN-ELSEWHERE")

    report = import_schedule(context, csv_bytes("MRN-ELSEWHERE,09:00,4m,,,,,,"))

    assert report.rows[0].outcome == "error"
    assert rows_of(db_session, Appointment, clinic) == []


# --- the import page -------------------------------------------------------------------------


@pytest.fixture
def desk(login, make, clinic, context):
    return login(make.member(clinic, Role.FRONT_DESK))


def upload(client, day: date, content: bytes, filename: str = "schedule.csv"):
    return client.post(
        "/appointments/import",
        data={"day": day.isoformat(), "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_the_import_page_reports_each_row(db_session, desk, clinic, clinician, day):
    response = upload(desk, day, mixed_file(clinician.user.email, day - timedelta(days=60)))

    assert response.status_code == 200
    page = response.text
    assert "2 added, 0 already on the schedule, 7 with problems." in page
    assert "Rows with problems were not imported; the other rows were." in page
    assert "Added Luz Ortega." in page
    assert "<td>7</td>" in page
    assert "The clinic has no site called Atlantis." in page
    assert len(rows_of(db_session, Appointment, clinic)) == 2
    [event] = import_events(db_session, clinic)
    assert event.actor_user_id is not None
    assert event.ip_address == "127.0.0.1"


def test_importing_the_same_file_twice_through_the_page(db_session, desk, clinic, day):
    content = csv_bytes("MRN-1,09:00,4m,,,,,,", "MRN-1,10:00,6m,,,,,,")
    upload(desk, day, content)

    page = upload(desk, day, content).text

    assert "0 added, 2 already on the schedule, 0 with problems." in page
    assert page.count("Already on the schedule.") == 2
    assert len(rows_of(db_session, Appointment, clinic)) == 2


def test_the_imported_visits_appear_on_that_days_schedule(desk, day):
    upload(desk, day, csv_bytes("MRN-1,09:00,4m,,,,,,"))

    page = desk.get("/appointments/", query_string={"day": day.isoformat()}).text

    assert "Mateo Rivera" in page
    assert "1 visit" in page


def test_an_excel_csv_utf8_export_with_semicolons_is_imported(db_session, desk, clinic, day):
    content = "\ufeffrecord_number;time;visit_kind;note\r\nMRN-1;09:00;4 months;mamá llama\r\n"

    response = upload(desk, day, content.encode())

    assert response.status_code == 200
    assert "1 added, 0 already on the schedule, 0 with problems." in response.text
    [appointment] = rows_of(db_session, Appointment, clinic)
    assert appointment.note == "mamá llama"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"record_number,time,visit_kind\nMRN-1,09:00,ni\xf1o\n", "The file is not UTF-8 text."),
        (b"mrn;hora\nMRN-1;09:00\n", "The file has no column named record_number, time"),
        (b"", "The file has no column named"),
    ],
)
def test_the_import_page_refuses_an_unreadable_file(
    db_session, desk, clinic, day, content, message
):
    response = upload(desk, day, content)

    assert response.status_code == 422
    assert message in response.text
    assert rows_of(db_session, Appointment, clinic) == []
    assert import_events(db_session, clinic) == []


def test_the_import_page_refuses_a_file_over_the_row_limit(
    monkeypatch, db_session, desk, clinic, day
):
    monkeypatch.setattr(operations, "IMPORT_MAX_ROWS", 2)

    response = upload(desk, day, csv_bytes(*(f"MRN-1,0{h}:00,4m,,,,,," for h in range(1, 4))))

    assert response.status_code == 422
    assert "The file has more than 2 rows." in response.text
    assert rows_of(db_session, Appointment, clinic) == []


def test_the_import_page_wants_a_csv_file(db_session, desk, clinic, day):
    response = upload(desk, day, csv_bytes("MRN-1,09:00,4m,,,,,,"), filename="schedule.xlsx")

    assert response.status_code == 422
    assert "Choose a .csv file." in response.text
    assert rows_of(db_session, Appointment, clinic) == []


def test_the_import_page_refuses_a_file_too_large(app, monkeypatch, db_session, desk, clinic, day):
    monkeypatch.setitem(app.config, "WELLTHREAD_CSV_MAX_BYTES", 40)

    response = upload(desk, day, csv_bytes("MRN-1,09:00,4m,,,,,,", "MRN-1,10:00,4m,,,,,,"))

    assert response.status_code == 422
    assert "The file is too large for one day&#39;s schedule." in response.text
    assert rows_of(db_session, Appointment, clinic) == []
