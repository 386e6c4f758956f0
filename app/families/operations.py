"""State changes for households, caregivers, children and program enrolment."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.queries import has_role_in_clinic
from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.errors import DomainError
from app.core.roles import NavigatorKind, Role
from app.extensions import db
from app.families import queries
from app.families.models import Caregiver, Child, Household, Program, ProgramEnrolment

#: DULCE serves families with infants from birth to 6 months (CSSP; domain-research §4.2).
DULCE_LAST_ENROLMENT_AGE_MONTHS = 6


def _apply(obj: Any, fields: dict[str, Any]) -> Any:
    for key, value in fields.items():
        # `type(...) is str`: a StrEnum member (Sex.MALE) is a str too, and .strip() would unwrap it.
        setattr(obj, key, value.strip() if type(value) is str else value)
    return obj


def _audit_change(obj: Any) -> None:
    fields = changed_fields(obj)
    if fields:
        record_audit(AuditAction.UPDATE, obj, details={"fields": fields})


def create_household(clinic_id: int, **fields: Any) -> Household:
    """Open a household record."""
    household = _apply(Household(clinic_id=clinic_id), fields)
    db.session.add(household)
    record_audit(AuditAction.CREATE, household)
    return household


def update_household(household: Household, **fields: Any) -> Household:
    _audit_change(_apply(household, fields))
    return household


def save_caregiver(household: Household, caregiver: Caregiver | None, **fields: Any) -> Caregiver:
    """Add a caregiver to the household or change one; one primary contact per household."""
    if caregiver is None:
        caregiver = Caregiver(clinic_id=household.clinic_id, household=household)
        db.session.add(caregiver)
        is_new = True
    else:
        is_new = False
    _apply(caregiver, fields)
    if caregiver.is_primary_contact:
        for other in household.caregivers:
            if other is not caregiver:
                other.is_primary_contact = False
                _audit_change(other)
    if is_new:
        record_audit(AuditAction.CREATE, caregiver)
    else:
        _audit_change(caregiver)
    return caregiver


def _check_child(clinic_id: int, child: Child | None, fields: dict[str, Any], today: date) -> None:
    born = fields["date_of_birth"]
    if born > today:
        raise DomainError(_("The date of birth cannot be in the future."), code="dob_future")
    if (today - born).days > 18 * 366:
        raise DomainError(_("The date of birth is more than 18 years ago."), code="dob_past")
    number = fields["record_number"].strip()
    clash = sa.select(Child.id).where(Child.clinic_id == clinic_id, Child.record_number == number)
    if child is not None:
        clash = clash.where(Child.id != child.id)
    if db.session.scalar(clash):
        raise DomainError(
            _("Another child already has record number %(number)s.", number=number),
            code="duplicate_record_number",
        )


def save_child(household: Household, child: Child | None, *, today: date, **fields: Any) -> Child:
    """Add a child to the household or correct one; record numbers are unique in the clinic."""
    _check_child(household.clinic_id, child, fields, today)
    clinician_id = fields.get("primary_clinician_id")
    if clinician_id and not has_role_in_clinic(clinician_id, household.clinic_id, Role.CLINICIAN):
        raise DomainError(_("Choose a clinician of this clinic."), code="clinician")
    if child is None:
        child = _apply(Child(clinic_id=household.clinic_id, household=household), fields)
        db.session.add(child)
        record_audit(AuditAction.CREATE, child)
        return child
    _audit_change(_apply(child, fields))
    return child


def _check_dulce(child: Child, enrolled_on: date, family_specialist_id: int | None) -> None:
    if child.age_in_months(enrolled_on) >= DULCE_LAST_ENROLMENT_AGE_MONTHS:
        raise DomainError(_("DULCE enrols infants from birth to 6 months."), code="dulce_age")
    is_specialist = family_specialist_id is not None and has_role_in_clinic(
        family_specialist_id, child.clinic_id, Role.NAVIGATOR, NavigatorKind.DULCE_FAMILY_SPECIALIST
    )
    if not is_specialist:
        raise DomainError(_("Choose the DULCE family specialist."), code="specialist")


def _check_enrolment(
    child: Child, program: Program, enrolled_on: date, tier: int | None, specialist_id: int | None
) -> None:
    if queries.active_enrolment(child.id, program) is not None:
        message = _(
            "%(name)s is already enrolled in %(program)s.",
            name=child.full_name,
            program=program.label,
        )
        raise DomainError(message, code="already_enrolled")
    if enrolled_on < child.date_of_birth:
        raise DomainError(
            _("Enrolment cannot start before the child was born."), code="before_birth"
        )
    if program == Program.HEALTHYSTEPS and tier not in (1, 2, 3):
        raise DomainError(_("Choose the HealthySteps tier (1, 2 or 3)."), code="tier")
    if program == Program.DULCE:
        _check_dulce(child, enrolled_on, specialist_id)


def enrol_in_program(
    child: Child,
    *,
    program: Program,
    enrolled_on: date,
    healthysteps_tier: int | None = None,
    family_specialist_id: int | None = None,
) -> ProgramEnrolment:
    """Enrol a child in HealthySteps (with a tier) or DULCE (birth to 6 months, with a specialist)."""
    _check_enrolment(child, program, enrolled_on, healthysteps_tier, family_specialist_id)
    enrolment = ProgramEnrolment(
        clinic_id=child.clinic_id,
        child=child,
        program=program,
        enrolled_on=enrolled_on,
        healthysteps_tier=healthysteps_tier if program == Program.HEALTHYSTEPS else None,
        family_specialist_id=family_specialist_id if program == Program.DULCE else None,
    )
    db.session.add(enrolment)
    record_audit(AuditAction.CREATE, enrolment, details={"program": str(program)})
    return enrolment


def end_enrolment(enrolment: ProgramEnrolment, ended_on: date) -> ProgramEnrolment:
    """Close an enrolment on the given date."""
    if enrolment.ended_on is not None:
        raise DomainError(_("This enrolment has already ended."), code="already_ended")
    if ended_on < enrolment.enrolled_on:
        raise DomainError(_("An enrolment cannot end before it started."), code="end_before_start")
    enrolment.ended_on = ended_on
    record_audit(AuditAction.UPDATE, enrolment, details={"fields": ["ended_on"]})
    return enrolment
