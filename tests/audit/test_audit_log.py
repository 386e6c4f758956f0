"""The audit log: append-only, readable and filterable by clinic admins, exportable as CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.core.audit import AuditAction, AuditEvent, record_audit
from app.core.roles import Role
from app.extensions import db
from tests.pages import text_of


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))


def test_the_orm_refuses_to_change_or_delete_an_event(make):
    event = record_audit(AuditAction.VIEW, object_type="test", clinic_id=make.clinic().id)
    db.session.flush()
    event.action = "update"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"],
)
def test_the_database_refuses_to_rewrite_the_log(make, statement):
    record_audit(AuditAction.VIEW, object_type="test", clinic_id=make.clinic().id)
    db.session.flush()
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.text(statement))
    assert _count() >= 1


def test_viewing_a_child_records_who_what_where_and_when(login, make):
    clinic = make.clinic()
    clinician = make.member(clinic, Role.CLINICIAN)
    child = make.child(clinic=clinic)
    login(clinician).get(f"/families/children/{child.id}")
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.child_id == child.id)
    ).one()
    assert event.actor_user_id == clinician.user_id
    assert event.clinic_id == clinic.id
    assert event.household_id == child.household_id
    assert event.object_type == "children"
    assert event.object_id == str(child.id)
    assert event.ip_address == "127.0.0.1"
    assert event.occurred_at.tzinfo is not None


def _admin_with_history(login, make):
    clinic = make.clinic()
    admin = make.member(clinic, Role.CLINIC_ADMIN)
    nurse = make.member(clinic, Role.NURSE_MA)
    first, second = make.child(clinic=clinic), make.child(clinic=clinic, given_name="Lucía")
    nurse_client = login(nurse)
    for child in (first, second):
        nurse_client.get(f"/families/children/{child.id}")
    nurse_client.post("/sign-out")
    return clinic, login(admin), nurse, first, second


def test_admins_filter_the_log_by_child_and_person(login, make):
    _clinic, admin_client, nurse, first, second = _admin_with_history(login, make)
    page = text_of(admin_client.get(f"/admin/audit/?child_id={first.id}"))
    assert re.search(rf"#{first.id}(?!\d)", page)
    assert not re.search(rf"#{second.id}(?!\d)", page)
    by_nurse = text_of(admin_client.get(f"/admin/audit/?actor_user_id={nurse.user_id}&action=view"))
    assert by_nurse.count(nurse.user.full_name) >= 2


def test_the_log_never_shows_another_clinics_events(login, make):
    _clinic, admin_client, _nurse, _first, _second = _admin_with_history(login, make)
    elsewhere = make.clinic()
    stranger = make.child(clinic=elsewhere)
    record_audit(AuditAction.VIEW, stranger)
    db.session.flush()
    page = text_of(admin_client.get(f"/admin/audit/?child_id={stranger.id}"))
    assert "No entries match." in page


def test_export_is_csv_of_the_filtered_entries_and_is_itself_audited(login, make):
    _clinic, admin_client, _nurse, first, _second = _admin_with_history(login, make)
    response = admin_client.get(f"/admin/audit/export.csv?child_id={first.id}")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows
    assert {row["child_id"] for row in rows} == {str(first.id)}
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "export")
        )
        == 1
    )


def test_exported_cells_cannot_run_as_spreadsheet_formulas(login, make):
    clinic = make.clinic()
    admin = make.member(clinic, Role.CLINIC_ADMIN)
    record_audit(AuditAction.SEARCH, object_type='=HYPERLINK("x")', clinic_id=clinic.id)
    db.session.flush()
    body = login(admin).get("/admin/audit/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_a_bad_filter_is_a_clear_400_not_a_crash(login, make):
    admin = make.member(make.clinic(), Role.CLINIC_ADMIN)
    response = login(admin).get("/admin/audit/?date_from=yesterday")
    assert response.status_code == 400


def test_a_long_log_pages_newest_first(app, login, make):
    clinic = make.clinic()
    admin = make.member(clinic, Role.CLINIC_ADMIN)
    size = app.config["WELLTHREAD_PAGE_SIZE"]
    for n in range(size + 5):
        record_audit(AuditAction.SEARCH, object_type=f"probe-{n:03d}", clinic_id=clinic.id)
    db.session.flush()
    client = login(admin)
    first = text_of(client.get("/admin/audit/?action=search"))
    second = text_of(client.get("/admin/audit/?action=search&page=2"))
    assert "Older" in first
    assert "Newer" in second
    # Each record type is also an option of the filter, so a row on the page adds one more mention.
    assert first.count("probe-000") == 1
    assert second.count("probe-000") == 2
    assert first.count(f"probe-{size + 4:03d}") == 2
