"""`create_<thing>` helpers with sensible defaults, built through the real operations."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.accounts.models import Membership
from app.accounts.operations import add_clinic_member
from app.appointments.models import Appointment, VisitKind
from app.appointments.operations import schedule_appointment
from app.clinics.models import Clinic, PartnerKind, PartnerOrganization
from app.clinics.operations import add_site, create_clinic, save_partner_organization
from app.core.roles import NavigatorKind, Role
from app.extensions import db
from app.families.models import Caregiver, Child, Household, Insurance, Relationship, Sex
from app.families.operations import create_household, save_caregiver, save_child
from app.screening.explain import CHECKIN_NEEDS
from app.screening.models import ResponseSource
from app.screening.operations import Submission, submit_response

_sequence = itertools.count(1)

#: A family check-in answered "no" to every need.
CHECKIN_ALL_NO = {f"need-{need}": "no" for need in CHECKIN_NEEDS}


@dataclass
class Factory:
    today: date
    password = "correct horse battery"

    def clinic(self, name: str = "Test Pediatrics", **fields: Any) -> Clinic:
        n = next(_sequence)
        clinic = create_clinic(name=f"{name} {n}", slug=f"clinic-{n}", timezone="UTC", **fields)
        db.session.flush()
        return clinic

    def partner_organization(
        self, clinic: Clinic, kind: PartnerKind = PartnerKind.LEGAL_AID
    ) -> PartnerOrganization:
        return save_partner_organization(
            clinic.id,
            None,
            name=f"Partner {next(_sequence)}",
            kind=kind,
            contact_email=None,
            contact_phone=None,
            is_active=True,
        )

    def member(self, clinic: Clinic, role: Role = Role.CLINICIAN, **fields: Any) -> Membership:
        n = next(_sequence)
        if role == Role.NAVIGATOR:
            fields.setdefault("navigator_kind", NavigatorKind.HEALTHYSTEPS_SPECIALIST)
        if role == Role.PARTNER and "partner_organization_id" not in fields:
            fields["partner_organization_id"] = self.partner_organization(clinic).id
        membership = add_clinic_member(
            clinic.id,
            email=f"{role.value}{n}@example.org",
            full_name=f"{role.label} {n}",
            password=self.password,
            role=role,
            **fields,
        )
        db.session.flush()
        return membership

    def household(self, clinic: Clinic, name: str = "Rivera") -> Household:
        return create_household(clinic.id, name=name, address=None, notes=None)

    def caregiver(self, household: Household, **fields: Any) -> Caregiver:
        defaults = {
            "given_name": "Ana",
            "family_name": household.name,
            "relationship_to_child": Relationship.MOTHER,
            "preferred_language": "es",
            "needs_interpreter": False,
            "phone": None,
            "email": None,
            "is_primary_contact": True,
            "race_ethnicity": None,
        }
        return save_caregiver(household, None, **{**defaults, **fields})

    def child(
        self, household: Household | None = None, clinic: Clinic | None = None, **fields: Any
    ) -> Child:
        household = household or self.household(clinic or self.clinic())
        defaults = {
            "given_name": "Mateo",
            "family_name": household.name,
            "date_of_birth": self.today - timedelta(days=120),
            "sex": Sex.MALE,
            "record_number": f"MRN-{next(_sequence):05d}",
            "insurance": Insurance.MEDICAID,
            "primary_clinician_id": None,
        }
        child = save_child(household, None, today=self.today, **{**defaults, **fields})
        db.session.flush()
        return child

    def appointment(self, child: Child, at: datetime | None = None, **fields: Any) -> Appointment:
        at = at or datetime.combine(self.today, datetime.min.time(), tzinfo=UTC) + timedelta(
            hours=14
        )
        fields.setdefault("visit_kind", VisitKind.MONTH_4)
        return schedule_appointment(child, scheduled_at=at, **fields)

    def screen(
        self, appointment: Appointment, key: str, answers: dict[str, str], **fields: Any
    ) -> Any:
        """A screen answered on the parent's phone for this appointment."""
        child = appointment.child
        submission = Submission(
            clinic_id=child.clinic_id,
            household=child.household,
            instrument_key=key,
            answers=answers,
            language=fields.pop("language", "en"),
            source=fields.pop("source", ResponseSource.PARENT_DEVICE),
            client_submission_id=fields.pop("client_submission_id", f"sub-{next(_sequence)}"),
            child=child,
            appointment=appointment,
            **fields,
        )
        response = submit_response(submission)
        db.session.flush()
        return response

    def site(self, clinic: Clinic, name: str = "Main") -> Any:
        return add_site(clinic.id, name)
