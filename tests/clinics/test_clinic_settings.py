"""Clinic settings as the clinic admin uses them: who is told of waiting critical answers, and when."""

from __future__ import annotations

import pytest

from app.clinics.models import Clinic
from app.clinics.operations import update_clinic_settings
from app.core.errors import DomainError
from app.core.roles import Role
from tests.pages import text_of
from tests.records import events

MINUTES_ERROR = "Enter a number of minutes from 1 to 1440 (24 hours)."
MANAGER_ERROR = "Choose an active practice manager of this clinic, or every practice manager."


@pytest.fixture
def admin(make, clinic):
    return make.member(clinic, Role.CLINIC_ADMIN)


@pytest.fixture
def manager(make, clinic):
    return make.member(clinic, Role.PRACTICE_MANAGER)


def settings_form(clinic, **changes) -> dict:
    return {
        "name": clinic.name,
        "default_locale": clinic.default_locale,
        "timezone": "America/Chicago",
        "critical_flag_escalation_minutes": str(clinic.critical_flag_escalation_minutes),
        "on_duty_manager_id": str(clinic.on_duty_manager_id or ""),
        **changes,
    }


def test_the_admin_sets_the_minutes_and_the_manager_on_duty(
    db_session, login, clinic, admin, manager
):
    client = login(admin)
    response = client.post(
        "/admin/clinic/",
        data=settings_form(
            clinic, critical_flag_escalation_minutes="45", on_duty_manager_id=str(manager.user_id)
        ),
    )
    assert response.status_code == 302

    saved = db_session.get(Clinic, clinic.id)
    assert (saved.critical_flag_escalation_minutes, saved.on_duty_manager_id) == (
        45,
        manager.user_id,
    )
    [event] = events(db_session, "update", object_type="clinics")
    assert {"critical_flag_escalation_minutes", "on_duty_manager_id"} <= set(
        event.details["fields"]
    )
    page = client.get("/admin/clinic/").get_data(as_text=True)
    assert f'<option selected value="{manager.user_id}">' in page


def test_every_practice_manager_can_be_chosen_again(db_session, login, clinic, admin, manager):
    clinic.on_duty_manager_id = manager.user_id
    response = login(admin).post(
        "/admin/clinic/", data=settings_form(clinic, on_duty_manager_id="")
    )
    assert response.status_code == 302
    assert db_session.get(Clinic, clinic.id).on_duty_manager_id is None


def test_the_choice_lists_only_the_clinics_active_practice_managers(
    make, login, clinic, admin, manager
):
    left = make.member(clinic, Role.PRACTICE_MANAGER)
    left.is_active = False
    others = [left, make.member(clinic, Role.CLINICIAN)]
    others.append(make.member(make.clinic(), Role.PRACTICE_MANAGER))

    page = text_of(login(admin).get("/admin/clinic/"))

    assert f"Practice manager on duty Every practice manager {manager.user.full_name} Save" in page
    for someone_else in others:
        assert someone_else.user.full_name not in page


@pytest.mark.parametrize("minutes", ["0", "2000", "-5", "", "half an hour"])
def test_minutes_outside_1_to_1440_are_refused_and_nothing_changes(
    db_session, login, clinic, admin, minutes
):
    response = login(admin).post(
        "/admin/clinic/",
        data=settings_form(
            clinic, name="Renamed Pediatrics", critical_flag_escalation_minutes=minutes
        ),
    )

    assert response.status_code == 422
    assert MINUTES_ERROR in text_of(response)
    saved = db_session.get(Clinic, clinic.id)
    assert (saved.name, saved.critical_flag_escalation_minutes) == (clinic.name, 30)
    assert events(db_session, "update", object_type="clinics") == []


@pytest.mark.parametrize("who", ["clinician", "inactive manager", "other clinic's manager"])
def test_someone_who_is_not_an_active_manager_here_is_refused_and_nothing_changes(
    make, db_session, login, clinic, admin, who
):
    if who == "clinician":
        user_id = make.member(clinic, Role.CLINICIAN).user_id
    elif who == "inactive manager":
        gone = make.member(clinic, Role.PRACTICE_MANAGER)
        gone.is_active = False
        user_id = gone.user_id
    else:
        user_id = make.member(make.clinic(), Role.PRACTICE_MANAGER).user_id

    response = login(admin).post(
        "/admin/clinic/",
        data=settings_form(
            clinic,
            name="Renamed Pediatrics",
            critical_flag_escalation_minutes="60",
            on_duty_manager_id=str(user_id),
        ),
    )

    assert response.status_code == 422
    assert MANAGER_ERROR in text_of(response)
    saved = db_session.get(Clinic, clinic.id)
    assert (saved.name, saved.critical_flag_escalation_minutes, saved.on_duty_manager_id) == (
        clinic.name,
        30,
        None,
    )
    assert events(db_session, "update", object_type="clinics") == []


def test_the_operation_refuses_what_the_form_would_not_offer(make, clinic):
    clinician = make.member(clinic, Role.CLINICIAN)
    common = {"name": clinic.name, "default_locale": "en", "timezone": "UTC"}
    with pytest.raises(DomainError) as refused:
        update_clinic_settings(
            clinic,
            **common,
            critical_flag_escalation_minutes=30,
            on_duty_manager_id=clinician.user_id,
        )
    assert refused.value.code == "not_a_manager"
    with pytest.raises(DomainError) as refused:
        update_clinic_settings(
            clinic, **common, critical_flag_escalation_minutes=1441, on_duty_manager_id=None
        )
    assert refused.value.code == "escalation_minutes"
    assert (clinic.critical_flag_escalation_minutes, clinic.on_duty_manager_id) == (30, None)


def test_only_the_clinic_admin_changes_the_settings(db_session, login, clinic, manager):
    response = login(manager).post(
        "/admin/clinic/", data=settings_form(clinic, critical_flag_escalation_minutes="5")
    )
    assert response.status_code == 403
    assert db_session.get(Clinic, clinic.id).critical_flag_escalation_minutes == 30
