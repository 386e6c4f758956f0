"""Households, caregivers, children and program enrolment, through the operations."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.errors import DomainError
from app.core.roles import NavigatorKind, Role
from app.families.models import Caregiver, Child, Insurance, Program, ProgramEnrolment, Sex
from app.families.operations import (
    end_enrolment,
    enrol_in_program,
    save_caregiver,
    save_child,
    update_household,
)
from app.families.queries import ChildSearch, search_children
from tests.records import count, events


def child_fields(make, **fields):
    return {
        "given_name": "Lucía",
        "family_name": "Rivera",
        "date_of_birth": make.today - timedelta(days=30),
        "sex": "female",
        "record_number": "MRN-NEW",
        "insurance": "medicaid",
        "primary_clinician_id": None,
        **fields,
    }


@pytest.fixture
def household(make, clinic):
    return make.household(clinic)


# --- households and caregivers ---------------------------------------------------------------


def test_updating_a_household_records_which_fields_changed(make, db_session, household):
    update_household(household, name="Rivera-Lopez", address="12 Elm St", notes=None)
    db_session.flush()

    [event] = events(db_session, "update", household_id=household.id)
    assert event.details == {"fields": ["address", "name"]}
    assert "Rivera-Lopez" not in str(event.details)


def test_saving_a_household_unchanged_records_no_update(make, db_session, household):
    update_household(household, name=household.name, address=None, notes=None)
    db_session.flush()

    assert events(db_session, "update", household_id=household.id) == []


def test_a_household_has_one_primary_contact(make, db_session, household):
    first = make.caregiver(household, given_name="Ana", is_primary_contact=True)
    second = make.caregiver(household, given_name="Luis", is_primary_contact=True)
    db_session.flush()

    primaries = db_session.scalars(
        sa.select(Caregiver).where(
            Caregiver.household_id == household.id, Caregiver.is_primary_contact
        )
    ).all()
    assert primaries == [second]
    assert first.is_primary_contact is False
    assert household.primary_caregiver is second


def test_demoting_a_primary_contact_is_audited_on_that_caregiver(make, db_session, household):
    first = make.caregiver(household, given_name="Ana", is_primary_contact=True)
    make.caregiver(household, given_name="Luis", is_primary_contact=True)
    db_session.flush()

    [event] = events(db_session, "update", object_type="caregivers", object_id=str(first.id))
    assert event.details == {"fields": ["is_primary_contact"]}


def test_editing_a_caregiver_keeps_them_primary(make, db_session, household):
    caregiver = make.caregiver(household, is_primary_contact=True)
    fields = {
        "given_name": "Ana María",
        "family_name": caregiver.family_name,
        "relationship_to_child": caregiver.relationship_to_child,
        "preferred_language": "es",
        "needs_interpreter": True,
        "phone": None,
        "email": None,
        "is_primary_contact": True,
        "race_ethnicity": None,
    }
    save_caregiver(household, caregiver, **fields)
    db_session.flush()

    assert caregiver.is_primary_contact
    [event] = events(db_session, "update", object_type="caregivers", object_id=str(caregiver.id))
    assert event.details == {"fields": ["given_name", "needs_interpreter"]}


# --- children --------------------------------------------------------------------------------


def test_a_new_child_is_created_and_audited(make, db_session, household):
    child = save_child(household, None, today=make.today, **child_fields(make))
    db_session.flush()

    assert child.clinic_id == household.clinic_id
    assert [c.record_number for c in household.children] == ["MRN-NEW"]
    [event] = events(db_session, "create", child_id=child.id)
    assert event.household_id == household.id


def test_a_saved_child_keeps_its_coded_values(make, household):
    child = save_child(
        household,
        None,
        today=make.today,
        **child_fields(make, sex=Sex.FEMALE, insurance=Insurance.CHIP, given_name=" Lucía "),
    )

    assert (child.given_name, child.sex.label, child.insurance.label) == ("Lucía", "Female", "CHIP")


def test_record_numbers_are_unique_within_a_clinic(make, db_session, clinic, household):
    make.child(household, record_number="MRN-1")
    before = count(db_session, Child)

    with pytest.raises(DomainError, match="Another child already has record number MRN-1"):
        save_child(household, None, today=make.today, **child_fields(make, record_number=" MRN-1 "))

    assert count(db_session, Child) == before


def test_another_clinic_may_use_the_same_record_number(make, db_session, household):
    make.child(household, record_number="MRN-1")
    elsewhere = make.household(make.clinic())

    child = save_child(
        elsewhere, None, today=make.today, **child_fields(make, record_number="MRN-1")
    )

    assert child.record_number == "MRN-1"


def test_a_child_keeps_its_own_record_number_when_edited(make, db_session, household):
    child = make.child(household, record_number="MRN-7")

    save_child(household, child, today=make.today, **child_fields(make, record_number="MRN-7"))
    db_session.flush()

    assert child.given_name == "Lucía"
    [event] = events(db_session, "update", child_id=child.id)
    assert set(event.details["fields"]) >= {"given_name", "date_of_birth", "sex"}


def test_a_date_of_birth_in_the_future_is_refused(make, db_session, household):
    with pytest.raises(DomainError, match="cannot be in the future") as error:
        save_child(
            household,
            None,
            today=make.today,
            **child_fields(make, date_of_birth=make.today + timedelta(days=1)),
        )
    assert error.value.code == "dob_future"


def test_a_primary_clinician_from_another_clinic_is_refused(make, household):
    outsider = make.member(make.clinic(), Role.CLINICIAN)

    with pytest.raises(DomainError) as error:
        save_child(
            household,
            None,
            today=make.today,
            **child_fields(make, primary_clinician_id=outsider.user_id),
        )
    assert error.value.code == "clinician"


# --- search ----------------------------------------------------------------------------------


@pytest.fixture
def riveras(make, clinic, household):
    make.caregiver(household, given_name="Marisol", family_name="Rivera")
    return make.child(household, given_name="Mateo", record_number="AB-1234")


@pytest.mark.parametrize(
    "search",
    [
        ChildSearch(name="mate"),
        ChildSearch(name="RIVER"),
        ChildSearch(name="mariso"),
        ChildSearch(name="Marisol Mateo"),
        ChildSearch(record_number="ab-12"),
    ],
)
def test_search_finds_a_child_by_partial_names_and_record_number(clinic, riveras, search):
    assert search_children(clinic.id, search) == [riveras]


def test_search_by_date_of_birth(make, clinic, riveras):
    make.child(clinic=clinic, date_of_birth=riveras.date_of_birth - timedelta(days=1))

    assert search_children(clinic.id, ChildSearch(date_of_birth=riveras.date_of_birth)) == [riveras]


def test_search_matches_record_number_from_the_start_only(clinic, riveras):
    assert search_children(clinic.id, ChildSearch(record_number="1234")) == []


def test_search_never_returns_another_clinics_children(make, clinic, riveras):
    other_household = make.household(make.clinic(), name="Rivera")
    make.caregiver(other_household, given_name="Marisol")
    make.child(other_household, given_name="Mateo", record_number="AB-1235")

    assert search_children(clinic.id, ChildSearch(name="Rivera")) == [riveras]
    assert search_children(clinic.id, ChildSearch(name="Marisol")) == [riveras]
    assert search_children(clinic.id, ChildSearch(record_number="AB")) == [riveras]


def test_search_treats_wildcards_literally(clinic, riveras):
    assert search_children(clinic.id, ChildSearch(name="%")) == []


# --- program enrolment -----------------------------------------------------------------------


@pytest.fixture
def infant(make, household):
    return make.child(household, date_of_birth=make.today - timedelta(days=40))


@pytest.fixture
def dulce_specialist(make, clinic):
    return make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST)


@pytest.mark.parametrize("tier", [None, 0, 4])
def test_healthysteps_needs_a_tier_from_1_to_3(make, db_session, infant, tier):
    with pytest.raises(DomainError) as error:
        enrol_in_program(
            infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=tier
        )
    assert error.value.code == "tier"
    assert count(db_session, ProgramEnrolment) == 0


def test_healthysteps_enrolment_keeps_its_tier(make, db_session, infant):
    enrolment = enrol_in_program(
        infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=2
    )
    db_session.flush()

    assert enrolment.healthysteps_tier == 2
    assert enrolment.is_active
    [event] = events(db_session, "create", object_type="program_enrolments")
    assert event.child_id == infant.id
    assert event.details == {"program": "healthysteps"}


def test_dulce_enrols_an_infant_with_a_specialist_of_the_clinic(
    make, db_session, infant, dulce_specialist
):
    enrolment = enrol_in_program(
        infant,
        program=Program.DULCE,
        enrolled_on=make.today,
        family_specialist_id=dulce_specialist.user_id,
    )
    db_session.flush()

    assert enrolment.family_specialist_id == dulce_specialist.user_id
    assert enrolment.healthysteps_tier is None


def test_dulce_refuses_a_child_of_six_months(make, household, dulce_specialist):
    older = make.child(household, date_of_birth=make.today - timedelta(days=200))

    with pytest.raises(DomainError) as error:
        enrol_in_program(
            older,
            program=Program.DULCE,
            enrolled_on=make.today,
            family_specialist_id=dulce_specialist.user_id,
        )
    assert error.value.code == "dulce_age"


@pytest.mark.parametrize(
    "specialist",
    ["none", "healthysteps_specialist", "other_clinic_dulce", "clinician"],
)
def test_dulce_needs_a_dulce_family_specialist_of_the_same_clinic(
    make, db_session, clinic, infant, specialist
):
    candidates = {
        "none": lambda: None,
        "healthysteps_specialist": lambda: make.member(clinic, Role.NAVIGATOR).user_id,
        "other_clinic_dulce": lambda: (
            make.member(
                make.clinic(), Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST
            ).user_id
        ),
        "clinician": lambda: make.member(clinic, Role.CLINICIAN).user_id,
    }
    with pytest.raises(DomainError) as error:
        enrol_in_program(
            infant,
            program=Program.DULCE,
            enrolled_on=make.today,
            family_specialist_id=candidates[specialist](),
        )
    assert error.value.code == "specialist"
    assert count(db_session, ProgramEnrolment) == 0


def test_a_child_cannot_be_enrolled_twice_in_the_same_program(make, db_session, infant):
    enrol_in_program(
        infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=1
    )

    with pytest.raises(DomainError, match="already enrolled in HealthySteps"):
        enrol_in_program(
            infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=3
        )
    assert count(db_session, ProgramEnrolment) == 1


def test_a_child_may_be_enrolled_again_after_the_enrolment_ended(make, db_session, infant):
    first = enrol_in_program(
        infant,
        program=Program.HEALTHYSTEPS,
        enrolled_on=make.today - timedelta(days=10),
        healthysteps_tier=1,
    )
    end_enrolment(first, make.today - timedelta(days=5))

    enrol_in_program(
        infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=3
    )
    assert count(db_session, ProgramEnrolment) == 2


def test_enrolment_cannot_start_before_birth(make, infant):
    with pytest.raises(DomainError) as error:
        enrol_in_program(
            infant,
            program=Program.HEALTHYSTEPS,
            enrolled_on=infant.date_of_birth - timedelta(days=1),
            healthysteps_tier=1,
        )
    assert error.value.code == "before_birth"


def test_an_enrolment_cannot_end_before_it_started(make, db_session, infant):
    enrolment = enrol_in_program(
        infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=1
    )

    with pytest.raises(DomainError) as error:
        end_enrolment(enrolment, make.today - timedelta(days=1))

    assert error.value.code == "end_before_start"
    assert enrolment.ended_on is None


def test_ending_an_enrolment_is_audited_and_cannot_happen_twice(make, db_session, infant):
    enrolment = enrol_in_program(
        infant, program=Program.HEALTHYSTEPS, enrolled_on=make.today, healthysteps_tier=1
    )
    end_enrolment(enrolment, make.today)
    db_session.flush()

    assert not enrolment.is_active
    [event] = events(db_session, "update", object_type="program_enrolments")
    assert event.details == {"fields": ["ended_on"]}
    with pytest.raises(DomainError) as error:
        end_enrolment(enrolment, make.today)
    assert error.value.code == "already_ended"
