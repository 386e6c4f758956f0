"""Household, caregiver and child pages, as the front desk and the care team use them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from app.core.audit import AuditEvent
from app.core.roles import NavigatorKind, Role
from app.families.forms import ChildForm
from app.families.models import (
    Caregiver,
    Child,
    Household,
    Insurance,
    Program,
    ProgramEnrolment,
    Sex,
)
from app.families.operations import enrol_in_program
from tests.records import count, events


def caregiver_form(**fields) -> dict:
    return {
        "given_name": "Marisol",
        "family_name": "Rivera",
        "relationship_to_child": "mother",
        "preferred_language": "es",
        "needs_interpreter": "y",
        "phone": "555-0101",
        "email": "marisol@example.org",
        "is_primary_contact": "y",
        **fields,
    }


def child_form(make, **fields) -> dict:
    return {
        "given_name": "Mateo",
        "family_name": "Rivera",
        "date_of_birth": (make.today - timedelta(days=75)).isoformat(),
        "sex": "male",
        "record_number": "MRN-42",
        "insurance": "chip",
        "primary_clinician_id": "",
        **fields,
    }


@pytest.fixture
def front_desk(make, clinic):
    return make.member(clinic, Role.FRONT_DESK)


@pytest.fixture
def household(make, clinic):
    return make.household(clinic)


@pytest.fixture
def desk(login, front_desk, household):
    """The front desk signed in, after the clinic's records above exist (sign-in commits them)."""
    return login(front_desk)


# --- registering a family --------------------------------------------------------------------


def test_front_desk_registers_a_household_caregiver_and_child(make, db_session, login, clinic):
    clinician = make.member(clinic, Role.CLINICIAN)
    client = login(make.member(clinic, Role.FRONT_DESK))

    response = client.post("/families/new", data={"name": "Rivera", "address": "12 Elm St"})
    assert response.status_code == 302
    household = db_session.scalar(sa.select(Household).where(Household.clinic_id == clinic.id))
    assert response.headers["Location"].endswith(f"/families/{household.id}/caregivers/new")

    response = client.post(f"/families/{household.id}/caregivers/new", data=caregiver_form())
    assert response.status_code == 302
    response = client.post(
        f"/families/{household.id}/children/new",
        data=child_form(make, primary_clinician_id=str(clinician.user_id)),
    )
    assert response.status_code == 302
    child = db_session.scalar(sa.select(Child).where(Child.household_id == household.id))
    assert response.headers["Location"].endswith(f"/families/children/{child.id}")

    page = client.get(f"/families/children/{child.id}").text
    assert "Mateo Rivera" in page
    assert "MRN-42" in page
    assert format_date(make.today - timedelta(days=75), "medium", locale="en") in page
    assert "2 months old" in page
    assert "CHIP" in page
    assert clinician.user.full_name in page

    page = client.get(f"/families/{household.id}").text
    assert "Marisol Rivera" in page
    assert "marisol@example.org" in page
    assert "Primary contact" in page
    assert "Mateo Rivera" in page


def test_each_creation_is_audited_with_the_actor(make, db_session, desk, front_desk, household):
    desk.post(f"/families/{household.id}/caregivers/new", data=caregiver_form())
    desk.post(f"/families/{household.id}/children/new", data=child_form(make))

    created = events(db_session, "create", household_id=household.id)
    assert [e.object_type for e in created] == ["households", "caregivers", "children"]
    assert {e.actor_user_id for e in created[1:]} == {front_desk.user_id}


def test_only_one_caregiver_is_the_primary_contact(make, db_session, desk, household):
    desk.post(f"/families/{household.id}/caregivers/new", data=caregiver_form(given_name="Ana"))
    desk.post(f"/families/{household.id}/caregivers/new", data=caregiver_form(given_name="Luis"))

    primaries = db_session.scalars(
        sa.select(Caregiver.given_name).where(
            Caregiver.household_id == household.id, Caregiver.is_primary_contact
        )
    ).all()
    assert primaries == ["Luis"]
    assert desk.get(f"/families/{household.id}").text.count("Primary contact") == 1


@pytest.mark.parametrize(
    ("url", "data", "model"),
    [
        ("/families/new", {"name": ""}, Household),
        ("caregivers", caregiver_form(given_name=""), Caregiver),
        ("caregivers", caregiver_form(email="not-an-address"), Caregiver),
        ("caregivers", caregiver_form(relationship_to_child="neighbour"), Caregiver),
        ("children", {"given_name": "Mateo"}, Child),
    ],
)
def test_bad_form_input_is_refused_and_writes_nothing(
    make, db_session, desk, household, url, data, model
):
    if url in ("caregivers", "children"):
        url = f"/families/{household.id}/{url}/new"
    before, audit_before = count(db_session, model), count(db_session, AuditEvent)

    response = desk.post(url, data=data)

    assert response.status_code == 422
    assert "Please correct the fields marked below." in response.text
    assert count(db_session, model) == before
    assert count(db_session, AuditEvent) == audit_before


def test_an_invalid_email_is_pointed_out(desk, household):
    response = desk.post(
        f"/families/{household.id}/caregivers/new", data=caregiver_form(email="marisol@")
    )

    assert response.status_code == 422
    assert "Invalid email address." in response.text


def test_a_duplicate_record_number_is_refused_clearly(make, db_session, desk, household):
    make.child(household, record_number="MRN-42")
    db_session.commit()
    before, audit_before = count(db_session, Child), count(db_session, AuditEvent)

    response = desk.post(f"/families/{household.id}/children/new", data=child_form(make))

    assert response.status_code == 422
    assert "Another child already has record number MRN-42." in response.text
    assert count(db_session, Child) == before
    assert count(db_session, AuditEvent) == audit_before


def test_a_date_of_birth_in_the_future_is_refused(make, db_session, desk, household):
    tomorrow = (make.today + timedelta(days=1)).isoformat()

    response = desk.post(
        f"/families/{household.id}/children/new", data=child_form(make, date_of_birth=tomorrow)
    )

    assert response.status_code == 422
    assert "The date of birth cannot be in the future." in response.text
    assert count(db_session, Child) == 0


def test_a_clinician_of_another_clinic_cannot_be_chosen(make, db_session, login, clinic, household):
    outsider = make.member(make.clinic(), Role.CLINICIAN)
    client = login(make.member(clinic, Role.FRONT_DESK))

    response = client.post(
        f"/families/{household.id}/children/new",
        data=child_form(make, primary_clinician_id=str(outsider.user_id)),
    )

    assert response.status_code == 422
    assert count(db_session, Child) == 0


# --- editing ---------------------------------------------------------------------------------


def test_editing_a_child_audits_the_changed_field_names(make, db_session, login, front_desk):
    child = make.child(clinic=front_desk.clinic, given_name="Mateo", record_number="MRN-42")
    client = login(front_desk)

    response = client.post(
        f"/families/children/{child.id}/edit",
        data=child_form(
            make,
            given_name="Matías",
            date_of_birth=child.date_of_birth.isoformat(),
            sex="male",
            insurance="medicaid",
        ),
    )

    assert response.status_code == 302
    [event] = events(db_session, "update", child_id=child.id)
    assert event.details == {"fields": ["given_name"]}
    assert event.actor_user_id == front_desk.user_id
    assert "Matías" in client.get(f"/families/children/{child.id}").text


def test_editing_a_household_audits_the_changed_field_names(db_session, desk, household):
    response = desk.post(
        f"/families/{household.id}/edit", data={"name": household.name, "notes": "Twins due"}
    )

    assert response.status_code == 302
    [event] = events(db_session, "update", household_id=household.id)
    assert event.details == {"fields": ["notes"]}
    assert "Twins due" in desk.get(f"/families/{household.id}").text


# --- reading is audited ----------------------------------------------------------------------


def test_viewing_a_child_is_audited(make, db_session, login, front_desk):
    child = make.child(clinic=front_desk.clinic)
    client = login(front_desk)

    assert client.get(f"/families/children/{child.id}").status_code == 200

    [event] = events(db_session, "view", child_id=child.id)
    assert event.household_id == child.household_id
    assert event.actor_user_id == front_desk.user_id
    assert event.clinic_id == front_desk.clinic_id
    assert event.ip_address == "127.0.0.1"


def test_viewing_a_household_is_audited(db_session, desk, front_desk, household):
    assert desk.get(f"/families/{household.id}").status_code == 200

    [event] = events(db_session, "view", household_id=household.id)
    assert event.object_type == "households"
    assert event.actor_user_id == front_desk.user_id
    assert event.clinic_id == front_desk.clinic_id
    assert event.ip_address == "127.0.0.1"


# --- search ----------------------------------------------------------------------------------


@pytest.fixture
def mateo(make, household):
    make.caregiver(household, given_name="Marisol", family_name="Rivera")
    return make.child(household, given_name="Mateo", record_number="AB-1234")


@pytest.fixture
def searcher(login, front_desk, mateo, make):
    elsewhere = make.household(make.clinic(), name="Rivera")
    make.caregiver(elsewhere, given_name="Marisol")
    make.child(elsewhere, given_name="Mateo", record_number="AB-9999")
    return login(front_desk)


def search(client, **criteria):
    return client.get(
        "/families/", query_string={"name": "", "date_of_birth": "", "record_number": ""} | criteria
    )


@pytest.mark.parametrize(
    "criteria",
    [{"name": "mate"}, {"name": "ariso"}, {"name": "rivera"}, {"record_number": "ab-"}],
)
def test_search_finds_the_child_by_partial_name_or_record_number(searcher, criteria):
    page = search(searcher, **criteria).text

    assert "1 child found" in page
    assert "AB-1234" in page
    assert "AB-9999" not in page


def test_search_by_date_of_birth(make, searcher, mateo):
    page = search(searcher, date_of_birth=mateo.date_of_birth.isoformat()).text

    assert "1 child found" in page
    assert "AB-1234" in page


@pytest.mark.parametrize("criterion", ["name", "date_of_birth", "record_number"])
def test_a_search_link_with_one_criterion_works(mateo, searcher, criterion):
    value = {
        "name": "Mateo",
        "date_of_birth": mateo.date_of_birth.isoformat(),
        "record_number": "AB-12",
    }[criterion]

    response = searcher.get("/families/", query_string={criterion: value})

    assert response.status_code == 200
    assert "AB-1234" in response.text


def test_a_malformed_date_is_pointed_out_and_nothing_is_searched(db_session, searcher):
    response = search(searcher, date_of_birth="31/12/2025")

    assert response.status_code == 200
    assert "Not a valid date value." in response.text
    assert "found" not in response.text
    assert events(db_session, "search") == []


def test_a_search_with_no_match_says_so(searcher):
    page = search(searcher, name="Nakamura").text

    assert "0 children found" in page
    assert "No child matches." in page


def test_searching_is_audited_without_names(db_session, searcher, front_desk):
    search(searcher, name="Mateo", record_number="AB")

    [event] = events(db_session, "search")
    assert event.object_type == "children"
    assert event.actor_user_id == front_desk.user_id
    assert event.clinic_id == front_desk.clinic_id
    assert event.details == {"criteria": ["name", "record_number"], "results": 1}
    assert "Mateo" not in json.dumps(event.details)


def test_opening_the_search_page_is_not_a_search(db_session, searcher):
    assert searcher.get("/families/").status_code == 200
    search(searcher)

    assert events(db_session, "search") == []


# --- enrolment -------------------------------------------------------------------------------


@pytest.fixture
def infant(make, household):
    return make.child(household, date_of_birth=make.today - timedelta(days=40))


@pytest.fixture
def specialist(make, clinic):
    return make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST)


def enrol(client, child, **fields):
    return client.post(
        f"/families/children/{child.id}/enrolments",
        data={"enrolled_on": child.date_of_birth.isoformat(), **fields},
    )


def test_enrolling_in_dulce_shows_on_the_child_page(
    db_session, login, front_desk, infant, specialist
):
    client = login(front_desk)

    response = enrol(client, infant, program="dulce", family_specialist_id=str(specialist.user_id))

    assert response.status_code == 302
    page = client.get(f"/families/children/{infant.id}").text
    assert f"Family specialist: {specialist.user.full_name}" in page
    assert count(db_session, ProgramEnrolment) == 1


def test_healthysteps_without_a_valid_tier_is_refused(db_session, login, front_desk, infant):
    client = login(front_desk)

    for tier in ("", "4"):
        response = enrol(client, infant, program="healthysteps", healthysteps_tier=tier)
        assert response.status_code == 422
    assert (
        "Choose the HealthySteps tier (1, 2 or 3)."
        in enrol(client, infant, program="healthysteps").text
    )
    assert count(db_session, ProgramEnrolment) == 0


def test_dulce_with_another_kind_of_navigator_is_refused(make, db_session, login, clinic, infant):
    navigator = make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.SOCIAL_WORKER)
    client = login(make.member(clinic, Role.FRONT_DESK))

    response = enrol(client, infant, program="dulce", family_specialist_id=str(navigator.user_id))

    assert response.status_code == 422
    assert count(db_session, ProgramEnrolment) == 0


def test_dulce_for_an_older_infant_is_refused(
    make, db_session, login, front_desk, household, specialist
):
    older = make.child(household, date_of_birth=make.today - timedelta(days=220))
    client = login(front_desk)

    response = client.post(
        f"/families/children/{older.id}/enrolments",
        data={
            "program": "dulce",
            "enrolled_on": make.today.isoformat(),
            "family_specialist_id": str(specialist.user_id),
        },
    )

    assert response.status_code == 422
    assert "DULCE enrols infants from birth to 6 months." in response.text
    assert count(db_session, ProgramEnrolment) == 0


def test_a_second_active_enrolment_is_refused(make, db_session, login, front_desk, infant):
    enrol_in_program(
        infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=1
    )
    client = login(front_desk)

    response = enrol(client, infant, program="healthysteps", healthysteps_tier="2")

    assert response.status_code == 422
    assert f"{infant.full_name} is already enrolled in HealthySteps." in response.text
    assert count(db_session, ProgramEnrolment) == 1


def test_ending_an_enrolment_before_it_started_is_refused(
    make, db_session, login, front_desk, infant
):
    enrolment = enrol_in_program(
        infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=1
    )
    client = login(front_desk)

    response = client.post(
        f"/families/enrolments/{enrolment.id}/end",
        data={"ended_on": (make.today - timedelta(days=1)).isoformat()},
        follow_redirects=True,
    )

    assert "An enrolment cannot end before it started." in response.text
    db_session.refresh(enrolment)
    assert enrolment.ended_on is None


def test_ending_an_enrolment_shows_it_ended(make, db_session, login, front_desk, infant):
    enrolment = enrol_in_program(
        infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=1
    )
    client = login(front_desk)

    response = client.post(
        f"/families/enrolments/{enrolment.id}/end",
        data={"ended_on": make.today.isoformat()},
        follow_redirects=True,
    )

    assert "The enrolment is ended." in response.text
    db_session.refresh(enrolment)
    assert enrolment.ended_on == make.today


def test_forms_hand_operations_coded_values_not_bare_strings(app):
    data = {"given_name": "Iris", "family_name": "Okafor", "date_of_birth": "2026-05-01",
            "sex": "female", "record_number": "RV-1", "insurance": "chip"}  # fmt: skip
    with app.test_request_context(method="POST", data=data):
        form = ChildForm()
        form.primary_clinician_id.choices = [("", "")]
        assert form.validate(), form.errors
        assert form.sex.data is Sex.FEMALE
        assert form.insurance.data is Insurance.CHIP
