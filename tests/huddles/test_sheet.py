"""The one-page huddle sheet: a 30-visit day on one landscape page, in the reader's language,
with initials and age instead of names and nothing sensitive spelled out."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.appointments.models import VisitKind
from app.core.audit import AuditEvent
from app.core.roles import NavigatorKind, Role
from app.extensions import db
from app.families.models import Program
from app.families.operations import enrol_in_program
from app.referrals.models import ReferralTarget
from app.referrals.operations import open_referral
from tests.factories import CHECKIN_ALL_NO
from tests.pdfs import pdf_text

KINDS = [VisitKind.NEWBORN, VisitKind.MONTH_2, VisitKind.MONTH_4, VisitKind.MONTH_12,
         VisitKind.MONTH_18, VisitKind.MONTH_30]  # fmt: skip


def at(day, minutes: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=8, minutes=minutes
    )


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


def a_busy_day(make, clinic, clinician, visits: int = 30):
    """`visits` visits today, most of them carrying everything the sheet prints."""
    specialist = make.member(
        clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST
    )
    families = []
    for n in range(visits):
        household = make.household(clinic, name=f"Family{n:02d}")
        make.caregiver(household, given_name=f"Parent{n:02d}", needs_interpreter=n % 3 == 0)
        child = make.child(household, given_name=f"Kid{n:02d}",
                           date_of_birth=make.today - timedelta(days=40 + 20 * n))  # fmt: skip
        appointment = make.appointment(child, at=at(make.today, 15 * n), visit_kind=KINDS[n % 6],
                                       needs_interpreter=n % 3 == 0,
                                       interpreter_language="es" if n % 3 == 0 else None)  # fmt: skip
        if n % 2 == 0:
            make.screen(appointment, "phq-9", {f"phq-{i}": "2" for i in range(1, 10)})
            make.screen(appointment, "hvs", {"hvs-1": "often", "hvs-2": "often"})
            make.screen(appointment, "family-checkin", {
                **CHECKIN_ALL_NO, "need-food": "yes", "need-housing": "yes",
                "need-legal": "yes", "need-safety_home": "yes" if n == 4 else "no",
            })  # fmt: skip
            open_referral(household=household, child=child, requested_by_id=clinician.user_id,
                          need="food", target=ReferralTarget.COMMUNITY_HEALTH_WORKER)  # fmt: skip
        if child.age_in_months(make.today) < 6:
            enrol_in_program(child, program=Program.DULCE, enrolled_on=make.today,
                             family_specialist_id=specialist.user_id)  # fmt: skip
        else:
            enrol_in_program(child, program=Program.HEALTHYSTEPS, enrolled_on=make.today,
                             healthysteps_tier=2)  # fmt: skip
        families.append((household, child))
    return families


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_a_30_visit_day_fits_on_one_page_in_english(make, clinic, clinician, login):
    a_busy_day(make, clinic, clinician)

    response = login(clinician).get(f"/huddles/sheet.pdf?day={make.today.isoformat()}")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert page_count(response.data) == 1
    text = pdf_text(response.data)
    assert "Huddle sheet" in text
    assert "30 visits" in text
    for heading in ("Time", "Child", "Screens due", "Priorities", "Program"):
        assert heading in text
    assert "4 months" in text
    assert "Newborn" in text
    assert "KF" in text  # Kid04 Family04: initials only
    assert "PHQ-9+" in text
    assert "HVS+" in text
    assert "DULCE" in text
    assert "HS 2" in text


def test_the_sheet_is_in_the_readers_language(make, clinic, clinician, login, db_session):
    a_busy_day(make, clinic, clinician)
    clinician.user.locale = "es"
    db.session.flush()

    response = login(clinician).get(f"/huddles/sheet.pdf?day={make.today.isoformat()}")

    assert page_count(response.data) == 1
    text = pdf_text(response.data)
    assert "Hoja de la reunión del equipo" in text
    assert "30 consultas" in text
    assert "4 meses" in text
    assert "Recién nacido" in text
    assert "Huddle sheet" not in text


def test_the_sheet_names_nobody_and_keeps_safety_at_home_private(make, clinic, clinician, login):
    families = a_busy_day(make, clinic, clinician, visits=6)

    text = pdf_text(login(clinician).get("/huddles/sheet.pdf").data)

    for household, child in families:
        assert child.given_name not in text
        assert household.name not in text
        assert child.record_number not in text
    assert "Safety at home" not in text
    assert "private: ask the clinician" in text
    assert "Food" in text
    assert "A legal worry" in text


def test_an_empty_day_says_so(make, clinic, clinician, login):
    text = pdf_text(login(clinician).get("/huddles/sheet.pdf?day=2030-01-07").data)
    assert "No visits on this day." in text


def test_one_sites_sheet_lists_only_its_visits(make, clinic, clinician, login):
    north, south = make.site(clinic, "North"), make.site(clinic, "South")
    for site, name in ((north, "Nadia Norte"), (south, "Sami Sur")):
        household = make.household(clinic, name=name.split()[1])
        make.caregiver(household)
        child = make.child(household, given_name=name.split()[0])
        make.appointment(child, site_id=site.id)

    text = pdf_text(login(clinician).get(f"/huddles/sheet.pdf?site_id={north.id}").data)

    assert "North" in text
    assert "1 visit" in text
    assert "NN" in text
    assert "SS" not in text


def test_printing_the_sheet_is_audited_as_an_export(make, clinic, clinician, login, db_session):
    a_busy_day(make, clinic, clinician, visits=3)
    login(clinician).get(f"/huddles/sheet.pdf?day={make.today.isoformat()}")
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "huddle_sheet"))
    assert (event.action, event.actor_user_id) == ("export", clinician.user_id)
    assert event.details["day"] == make.today.isoformat()
    assert event.details["count"] == 3


def test_bad_input_is_explained_and_other_clinics_sites_do_not_exist(
    make, clinic, clinician, login
):
    other_site = make.site(make.clinic(), "Elsewhere")
    client = login(clinician)

    bad_day = client.get("/huddles/sheet.pdf?day=tomorrow")
    assert bad_day.status_code == 400
    assert "Enter the day as a date" in bad_day.get_data(as_text=True)
    assert client.get(f"/huddles/sheet.pdf?site_id={other_site.id}").status_code == 404
    assert client.get("/huddles/sheet.pdf?site_id=north").status_code == 404


@pytest.mark.parametrize("role", [Role.CLINIC_ADMIN, Role.PARTNER])
def test_roles_outside_the_care_team_are_refused(make, clinic, login, role):
    assert login(make.member(clinic, role)).get("/huddles/sheet.pdf").status_code == 403
