"""Signing in as each role opens the page that role starts from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.roles import NavigatorKind, Role
from app.families.models import Program
from app.families.operations import enrol_in_program
from tests.pages import text_of

EXPECTED_HEADINGS = {
    Role.CLINICIAN: "Your visits today",
    Role.NURSE_MA: "Today's visits",
    Role.FRONT_DESK: "Today's visits",
    Role.NAVIGATOR: "Families in HealthySteps",
    Role.PRACTICE_MANAGER: "Clinic overview",
    Role.CLINIC_ADMIN: "Clinic administration",
    Role.PARTNER: "Referrals sent to you",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_home_page(login, make, role):
    page = text_of(login(make.member(make.clinic(), role)).get("/"))
    assert EXPECTED_HEADINGS[role] in page


def test_a_clinician_sees_only_their_own_visits_today(login, make):
    clinic = make.clinic()
    mine, theirs = make.member(clinic), make.member(clinic)
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    make.appointment(make.child(clinic=clinic, given_name="Amara"), noon, clinician_id=mine.user_id)
    make.appointment(make.child(clinic=clinic, given_name="Bao"), noon, clinician_id=theirs.user_id)
    make.appointment(
        make.child(clinic=clinic, given_name="Cyrus"),
        noon + timedelta(days=1),
        clinician_id=mine.user_id,
    )
    page = text_of(login(mine).get("/"))
    assert "Amara" in page
    assert "Bao" not in page
    assert "Cyrus" not in page
    assert "1 visit" in page


def test_a_dulce_family_specialist_sees_their_families(login, make):
    clinic = make.clinic()
    specialist = make.member(
        clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST
    )
    infant = make.child(
        clinic=clinic, given_name="Noor", date_of_birth=make.today - timedelta(days=20)
    )
    enrol_in_program(
        infant,
        program=Program.DULCE,
        enrolled_on=make.today,
        family_specialist_id=specialist.user_id,
    )
    page = text_of(login(specialist).get("/"))
    assert "Your DULCE families" in page
    assert "Noor" in page


def test_the_manager_overview_counts_the_clinics_own_visits(login, make):
    clinic, elsewhere = make.clinic(), make.clinic()
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    for n in range(3):
        make.appointment(make.child(clinic=clinic), noon + timedelta(minutes=n))
    make.appointment(make.child(clinic=elsewhere), noon)
    page = text_of(login(make.member(clinic, Role.PRACTICE_MANAGER)).get("/"))
    assert "3 visits today" in page


def test_the_health_check_answers_without_signing_in(client):
    assert client.get("/healthz").json == {"status": "ok"}
