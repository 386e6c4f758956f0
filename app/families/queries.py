"""Named reads of households, caregivers, children and enrolments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.families.models import Caregiver, Child, Household, ProgramEnrolment

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class ChildSearch:
    name: str = ""
    date_of_birth: date | None = None
    record_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.record_number.strip())


def search_children(clinic_id: int, search: ChildSearch, limit: int = SEARCH_LIMIT) -> list[Child]:
    """Children of the clinic matching every given criterion; a name also matches caregivers."""
    query = sa.select(Child).where(Child.clinic_id == clinic_id)
    for term in search.name.split():
        caregiver_households = sa.select(Caregiver.household_id).where(
            Caregiver.clinic_id == clinic_id,
            sa.or_(
                Caregiver.given_name.icontains(term, autoescape=True),
                Caregiver.family_name.icontains(term, autoescape=True),
            ),
        )
        query = query.where(
            sa.or_(
                Child.given_name.icontains(term, autoescape=True),
                Child.family_name.icontains(term, autoescape=True),
                Child.household_id.in_(caregiver_households),
            )
        )
    if search.date_of_birth:
        query = query.where(Child.date_of_birth == search.date_of_birth)
    if number := search.record_number.strip():
        query = query.where(Child.record_number.istartswith(number, autoescape=True))
    query = query.options(selectinload(Child.household).selectinload(Household.caregivers))
    return list(
        db.session.scalars(query.order_by(Child.family_name, Child.given_name).limit(limit))
    )


def household_with_members(household_id: int, clinic_id: int) -> Household | None:
    return db.session.scalar(
        sa.select(Household)
        .where(Household.id == household_id, Household.clinic_id == clinic_id)
        .options(selectinload(Household.caregivers), selectinload(Household.children))
    )


def child_by_record_number(clinic_id: int, record_number: str) -> Child | None:
    return db.session.scalar(
        sa.select(Child).where(Child.clinic_id == clinic_id, Child.record_number == record_number)
    )


def active_enrolment(child_id: int, program: str) -> ProgramEnrolment | None:
    return db.session.scalar(
        sa.select(ProgramEnrolment).where(
            ProgramEnrolment.child_id == child_id,
            ProgramEnrolment.program == program,
            ProgramEnrolment.ended_on.is_(None),
        )
    )
