"""The clinic admin sets how long a warm handoff may wait and how many failed contacts need review."""

from __future__ import annotations

import re

import pytest

from app.clinics.models import Clinic
from app.clinics.operations import update_clinic_settings
from app.core.errors import DomainError
from app.core.roles import Role
from tests.pages import text_of
from tests.records import events

MINUTES_ERROR = "Enter a number of minutes from 1 to 240 (4 hours)."
ATTEMPTS_ERROR = "Enter a number of attempts from 1 to 20."


@pytest.fixture
def admin(make, clinic):
    return make.member(clinic, Role.CLINIC_ADMIN)


def settings_form(clinic, **changes) -> dict:
    return {
        "name": clinic.name,
        "default_locale": clinic.default_locale,
        "timezone": "America/Chicago",
        "critical_flag_escalation_minutes": str(clinic.critical_flag_escalation_minutes),
        "on_duty_manager_id": "",
        "handoff_accept_minutes": str(clinic.handoff_accept_minutes),
        "failed_contacts_before_review": str(clinic.failed_contacts_before_review),
        **changes,
    }


def test_the_admin_sets_both_numbers_and_the_change_is_audited(db_session, login, clinic, admin):
    client = login(admin)
    response = client.post(
        "/admin/clinic/",
        data=settings_form(clinic, handoff_accept_minutes="240", failed_contacts_before_review="1"),
    )
    assert response.status_code == 302
    saved = db_session.get(Clinic, clinic.id)
    assert (saved.handoff_accept_minutes, saved.failed_contacts_before_review) == (240, 1)
    [event] = events(db_session, "update", object_type="clinics")
    assert {"handoff_accept_minutes", "failed_contacts_before_review"} <= set(
        event.details["fields"]
    )
    page = client.get("/admin/clinic/").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="handoff_accept_minutes"[^>]*>', page)
    assert field
    assert 'value="240"' in field.group(0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("handoff_accept_minutes", "0", MINUTES_ERROR),
        ("handoff_accept_minutes", "241", MINUTES_ERROR),
        ("handoff_accept_minutes", "", MINUTES_ERROR),
        ("handoff_accept_minutes", "ten", MINUTES_ERROR),
        ("failed_contacts_before_review", "0", ATTEMPTS_ERROR),
        ("failed_contacts_before_review", "21", ATTEMPTS_ERROR),
        ("failed_contacts_before_review", "2.5", ATTEMPTS_ERROR),
    ],
)
def test_numbers_out_of_range_are_refused_and_change_nothing(
    db_session, login, clinic, admin, field, value, message
):
    before = (clinic.handoff_accept_minutes, clinic.failed_contacts_before_review)
    response = login(admin).post(
        "/admin/clinic/", data=settings_form(clinic, name="Renamed", **{field: value})
    )
    assert response.status_code == 422
    assert message in text_of(response)
    saved = db_session.get(Clinic, clinic.id)
    assert (saved.handoff_accept_minutes, saved.failed_contacts_before_review) == before
    assert saved.name != "Renamed"
    assert events(db_session, "update", object_type="clinics") == []


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ({"handoff_accept_minutes": 500}, MINUTES_ERROR),
        ({"failed_contacts_before_review": -1}, ATTEMPTS_ERROR),
    ],
)
def test_the_operation_refuses_out_of_range_numbers_itself(db_session, clinic, numbers, message):
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        update_clinic_settings(
            clinic, name=clinic.name, default_locale="en", timezone="UTC",
            critical_flag_escalation_minutes=30, on_duty_manager_id=None, **numbers,
        )  # fmt: skip
