"""Household, Caregiver, Child and ProgramEnrolment rows."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import whole_months_between
from app.db import Base, TimestampMixin, enum_column


class Relationship(enum.StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    PARENT = "parent"
    GRANDPARENT = "grandparent"
    FOSTER_PARENT = "foster_parent"
    GUARDIAN = "guardian"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(RELATIONSHIP_LABELS[self])


RELATIONSHIP_LABELS = {
    Relationship.MOTHER: _l("Mother"),
    Relationship.FATHER: _l("Father"),
    Relationship.PARENT: _l("Parent"),
    Relationship.GRANDPARENT: _l("Grandparent"),
    Relationship.FOSTER_PARENT: _l("Foster parent"),
    Relationship.GUARDIAN: _l("Legal guardian"),
    Relationship.OTHER: _l("Other caregiver"),
}


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(SEX_LABELS[self])


SEX_LABELS = {
    Sex.FEMALE: _l("Female"),
    Sex.MALE: _l("Male"),
    Sex.OTHER: _l("Other"),
    Sex.UNKNOWN: _l("Unknown"),
}


class Insurance(enum.StrEnum):
    MEDICAID = "medicaid"
    CHIP = "chip"
    PRIVATE = "private"
    NONE = "none"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(INSURANCE_LABELS[self])


INSURANCE_LABELS = {
    Insurance.MEDICAID: _l("Medicaid"),
    Insurance.CHIP: _l("CHIP"),
    Insurance.PRIVATE: _l("Private insurance"),
    Insurance.NONE: _l("No insurance"),
    Insurance.UNKNOWN: _l("Not known"),
}


class RaceEthnicity(enum.StrEnum):
    """Self-reported categories (OMB SPD 15, 2024 revision), any number, always optional."""

    AMERICAN_INDIAN_ALASKA_NATIVE = "american_indian_alaska_native"
    ASIAN = "asian"
    BLACK_AFRICAN_AMERICAN = "black_african_american"
    HISPANIC_LATINO = "hispanic_latino"
    MIDDLE_EASTERN_NORTH_AFRICAN = "middle_eastern_north_african"
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "native_hawaiian_pacific_islander"
    WHITE = "white"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(RACE_ETHNICITY_LABELS[self])


RACE_ETHNICITY_LABELS = {
    RaceEthnicity.AMERICAN_INDIAN_ALASKA_NATIVE: _l("American Indian or Alaska Native"),
    RaceEthnicity.ASIAN: _l("Asian"),
    RaceEthnicity.BLACK_AFRICAN_AMERICAN: _l("Black or African American"),
    RaceEthnicity.HISPANIC_LATINO: _l("Hispanic or Latino"),
    RaceEthnicity.MIDDLE_EASTERN_NORTH_AFRICAN: _l("Middle Eastern or North African"),
    RaceEthnicity.NATIVE_HAWAIIAN_PACIFIC_ISLANDER: _l("Native Hawaiian or Pacific Islander"),
    RaceEthnicity.WHITE: _l("White"),
    RaceEthnicity.DECLINED: _l("Prefers not to say"),
}


class Program(enum.StrEnum):
    HEALTHYSTEPS = "healthysteps"
    DULCE = "dulce"

    @property
    def label(self) -> str:
        return {Program.HEALTHYSTEPS: "HealthySteps", Program.DULCE: "DULCE"}[self]


class Household(TimestampMixin, Base):
    """A family living together: one or more caregivers and their children."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    caregivers: Mapped[list[Caregiver]] = relationship(
        back_populates="household", order_by="Caregiver.id"
    )
    children: Mapped[list[Child]] = relationship(
        back_populates="household", order_by="Child.date_of_birth"
    )

    @property
    def primary_caregiver(self) -> Caregiver | None:
        return next((c for c in self.caregivers if c.is_primary_contact), None) or next(
            iter(self.caregivers), None
        )

    def audit_refs(self) -> dict[str, Any]:
        return {"household_id": self.id}


class Caregiver(TimestampMixin, Base):
    """A parent or other adult caring for the household's children."""

    __tablename__ = "caregivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    given_name: Mapped[str] = mapped_column(sa.String(100))
    family_name: Mapped[str] = mapped_column(sa.String(100))
    relationship_to_child: Mapped[Relationship] = mapped_column(
        enum_column(Relationship, "relationship")
    )
    #: BCP 47 code of the language the caregiver prefers to read and speak.
    preferred_language: Mapped[str] = mapped_column(sa.String(16), default="en")
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    is_primary_contact: Mapped[bool] = mapped_column(default=False)
    #: Self-reported, optional, any number of RaceEthnicity values.
    race_ethnicity: Mapped[list[str] | None] = mapped_column(sa.JSON)

    household: Mapped[Household] = relationship(back_populates="caregivers")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def audit_refs(self) -> dict[str, Any]:
        return {"household_id": self.household_id}


class Child(TimestampMixin, Base):
    """A child from birth to 3 years cared for by the clinic."""

    __tablename__ = "children"
    __table_args__ = (
        sa.UniqueConstraint("clinic_id", "record_number"),
        sa.Index("ix_children_clinic_family_name", "clinic_id", "family_name"),
        sa.Index("ix_children_clinic_date_of_birth", "clinic_id", "date_of_birth"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    given_name: Mapped[str] = mapped_column(sa.String(100))
    family_name: Mapped[str] = mapped_column(sa.String(100))
    date_of_birth: Mapped[date] = mapped_column()
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    #: The clinic's medical record number; unique within the clinic.
    record_number: Mapped[str] = mapped_column(sa.String(40))
    insurance: Mapped[Insurance] = mapped_column(
        enum_column(Insurance, "insurance"), default=Insurance.UNKNOWN
    )
    primary_clinician_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    household: Mapped[Household] = relationship(back_populates="children")
    primary_clinician = relationship("User")
    enrolments: Mapped[list[ProgramEnrolment]] = relationship(
        back_populates="child", order_by="ProgramEnrolment.enrolled_on"
    )

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_in_months(self, on: date) -> int:
        return whole_months_between(self.date_of_birth, on)

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.id, "household_id": self.household_id}


class ProgramEnrolment(TimestampMixin, Base):
    """A child's time in HealthySteps (with a tier) or DULCE (with a family specialist)."""

    __tablename__ = "program_enrolments"
    __table_args__ = (
        sa.CheckConstraint(
            "(program = 'healthysteps') = (healthysteps_tier IS NOT NULL)",
            name="tier_for_healthysteps",
        ),
        # HealthySteps tiers: 1 universal, 2 short-term, 3 comprehensive (ZERO TO THREE).
        sa.CheckConstraint("healthysteps_tier BETWEEN 1 AND 3", name="tier_range"),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= enrolled_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("children.id"), index=True)
    program: Mapped[Program] = mapped_column(enum_column(Program, "program"))
    healthysteps_tier: Mapped[int | None] = mapped_column()
    family_specialist_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    enrolled_on: Mapped[date] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()

    child: Mapped[Child] = relationship(back_populates="enrolments")
    family_specialist = relationship("User")

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def audit_refs(self) -> dict[str, Any]:
        return {"child_id": self.child_id}
