"""Build the Riverside demo clinic through the operations, so it obeys every rule real data does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.accounts.models import Membership
from app.accounts.operations import add_clinic_member
from app.appointments.models import VISIT_AGE_DAYS, VisitKind
from app.appointments.queries import count_appointments_between
from app.clinics.models import Clinic, PartnerKind, PartnerOrganization
from app.clinics.operations import add_site, create_clinic, save_partner_organization
from app.core.roles import NavigatorKind, Role
from app.demo import directory, people
from app.demo.huddles import seed_huddle
from app.demo.referrals import seed_referrals
from app.demo.schedule import DUE_KINDS, WEEK_RADIUS, DemoSchedule, age_drift
from app.demo.screens import seed_screens
from app.extensions import db
from app.families.models import Caregiver, Child, Household, Insurance, Program, Relationship, Sex
from app.families.operations import (
    DULCE_LAST_ENROLMENT_AGE_MONTHS,
    create_household,
    enrol_in_program,
    save_caregiver,
    save_child,
)

DEMO_NAME = "Riverside Family Pediatrics"
DEMO_SLUG = "riverside"
DEMO_TIMEZONE = "America/New_York"
EMAIL_DOMAIN = "riverside.example"
SITE_NAMES = ("Main Street", "Eastside")
HOUSEHOLD_COUNT = 66


@dataclass(frozen=True)
class StaffMember:
    """One demo account: `mailbox`@riverside.example."""

    mailbox: str
    full_name: str
    role: Role
    navigator_kind: NavigatorKind | None = None


STAFF = (
    StaffMember("admin", "Morgan Ellis", Role.CLINIC_ADMIN),
    StaffMember("manager", "Priya Raman", Role.PRACTICE_MANAGER),
    StaffMember("dr.ramirez", "Elena Ramirez", Role.CLINICIAN),
    StaffMember("dr.okafor", "Chidi Okafor", Role.CLINICIAN),
    StaffMember("nurse", "Grace Kim", Role.NURSE_MA),
    StaffMember("frontdesk", "Tomás Rivera", Role.FRONT_DESK),
    StaffMember(
        "healthysteps", "Aisha Bello", Role.NAVIGATOR, NavigatorKind.HEALTHYSTEPS_SPECIALIST
    ),
    StaffMember("dulce", "Lucía Fernández", Role.NAVIGATOR, NavigatorKind.DULCE_FAMILY_SPECIALIST),
    StaffMember("chw", "Marisol Ortega", Role.NAVIGATOR, NavigatorKind.COMMUNITY_HEALTH_WORKER),
    StaffMember("socialwork", "Daniel Cohen", Role.NAVIGATOR, NavigatorKind.SOCIAL_WORKER),
    StaffMember("legal", "Rebecca Hart", Role.PARTNER),
)

PRIMARY_RELATIONSHIPS = {
    Relationship.MOTHER: 70,
    Relationship.FATHER: 12,
    Relationship.GRANDPARENT: 8,
    Relationship.FOSTER_PARENT: 5,
    Relationship.GUARDIAN: 5,
}
SECOND_RELATIONSHIPS = {
    Relationship.FATHER: 65,
    Relationship.PARENT: 15,
    Relationship.GRANDPARENT: 12,
    Relationship.OTHER: 8,
}
INSURANCE_WEIGHTS = {
    Insurance.MEDICAID: 45,
    Insurance.PRIVATE: 35,
    Insurance.CHIP: 12,
    Insurance.NONE: 8,
}
HEALTHYSTEPS_TIERS = {1: 5, 2: 3, 3: 2}


@dataclass(frozen=True)
class DemoSummary:
    """What was built, for the command to print."""

    clinic: Clinic
    households: int
    children: int
    appointments_today: int
    appointments_week: int
    #: (role label, e-mail) of every demo account, in the order of STAFF.
    accounts: list[tuple[str, str]]


@dataclass
class _Seeding:
    """What the helpers share while one demo clinic is being built."""

    clinic: Clinic
    rng: Random
    schedule: DemoSchedule
    dulce_specialist_id: int
    households: int = 0
    children: int = 0

    @property
    def today(self) -> date:
        return self.schedule.today


def demo_clinic() -> Clinic | None:
    """The demo clinic, when it has already been seeded."""
    return db.session.scalar(sa.select(Clinic).where(Clinic.slug == DEMO_SLUG))


def seed_demo_clinic(today: date, *, password: str, rng_seed: int = 2026) -> DemoSummary:
    """Build the demo clinic around its local date `today`, through operations; the caller commits."""
    clinic = create_clinic(
        name=DEMO_NAME, slug=DEMO_SLUG, default_locale="en", timezone=DEMO_TIMEZONE
    )
    sites = tuple(add_site(clinic.id, name) for name in SITE_NAMES)
    members = _add_staff(clinic.id, password, _add_partners(clinic.id))
    rng = Random(rng_seed)  # noqa: S311 — synthetic data, reproducible on purpose
    clinician_ids = tuple(m.user.id for m in members if m.role == Role.CLINICIAN)
    seeding = _Seeding(
        clinic=clinic,
        rng=rng,
        schedule=DemoSchedule(today, ZoneInfo(clinic.timezone), rng, sites, clinician_ids),
        dulce_specialist_id=next(
            m.user.id for m in members if m.navigator_kind == NavigatorKind.DULCE_FAMILY_SPECIALIST
        ),
    )
    for index in range(HOUSEHOLD_COUNT):
        _seed_household(seeding, index)
    db.session.flush()
    seed_screens(clinic.id, today, ZoneInfo(clinic.timezone), rng)
    directory.seed_directory(clinic.id)
    seed_referrals(clinic.id, today, ZoneInfo(clinic.timezone))
    seed_huddle(clinic.id, today, ZoneInfo(clinic.timezone))
    return _summary(seeding, members)


def _add_partners(clinic_id: int) -> PartnerOrganization:
    """The legal-aid partner (returned: its staff get an account) and a community partner."""
    save_partner_organization(
        clinic_id,
        None,
        name="Northside Family Resource Center",
        kind=PartnerKind.COMMUNITY,
        contact_email="hello@northside.example",
        contact_phone="555-0181",
    )
    return save_partner_organization(
        clinic_id,
        None,
        name="Community Legal Aid",
        kind=PartnerKind.LEGAL_AID,
        contact_email="intake@legalaid.example",
        contact_phone="555-0180",
    )


def _add_staff(clinic_id: int, password: str, legal_aid: PartnerOrganization) -> list[Membership]:
    """An account for every role; the partner works for the legal-aid organization."""
    return [
        add_clinic_member(
            clinic_id,
            email=f"{member.mailbox}@{EMAIL_DOMAIN}",
            full_name=member.full_name,
            password=password,
            role=member.role,
            navigator_kind=member.navigator_kind,
            partner_organization_id=legal_aid.id if member.role == Role.PARTNER else None,
        )
        for member in STAFF
    ]


def _summary(seeding: _Seeding, members: list[Membership]) -> DemoSummary:
    """Appointment counts are read back from the database, so they match the schedule pages."""
    clinic, today, zone = seeding.clinic, seeding.today, seeding.schedule.zone
    return DemoSummary(
        clinic=clinic,
        households=seeding.households,
        children=seeding.children,
        appointments_today=count_appointments_between(clinic.id, today, today, zone),
        appointments_week=count_appointments_between(
            clinic.id, today - WEEK_RADIUS, today + WEEK_RADIUS, zone
        ),
        accounts=[(m.role_label, m.user.email) for m in members],
    )


# --- families -----------------------------------------------------------------------------------


def _seed_household(seeding: _Seeding, index: int) -> Household:
    """One family: one or two caregivers and one or two children with their visits."""
    rng = seeding.rng
    language = people.household_language(rng, index)
    family = people.family_name(rng, language)
    household = create_household(seeding.clinic.id, name=family, address=people.address(rng))
    contact = _add_caregiver(seeding, household, language, is_primary=True)
    if rng.random() < 0.5:
        # Many partners of caregivers who prefer another language are comfortable in English.
        second_language = "en" if rng.random() < 0.3 else language
        _add_caregiver(seeding, household, second_language, is_primary=False)
    for kind in _kinds_due(rng, index):
        _seed_child(seeding, household, contact, language, kind)
    seeding.households += 1
    return household


def _add_caregiver(
    seeding: _Seeding, household: Household, language: str, *, is_primary: bool
) -> Caregiver:
    rng = seeding.rng
    relationship = people.draw(rng, PRIMARY_RELATIONSHIPS if is_primary else SECOND_RELATIONSHIPS)
    is_female = _is_female(rng, relationship)
    given = people.given_name(rng, language, is_female=is_female, taken=_names_in(household))
    family = household.name if rng.random() < 0.7 else people.family_name(rng, language)
    return save_caregiver(
        household,
        None,
        given_name=given,
        family_name=family,
        relationship_to_child=relationship,
        preferred_language=language,
        needs_interpreter=_needs_interpreter(rng, language),
        phone=f"555-01{rng.randint(0, 99):02d}",
        email=people.email_for(given, family) if rng.random() < 0.4 else None,
        is_primary_contact=is_primary,
        race_ethnicity=people.background(rng, language),
    )


def _is_female(rng: Random, relationship: Relationship) -> bool:
    if relationship in (Relationship.MOTHER, Relationship.FATHER):
        return relationship == Relationship.MOTHER
    return rng.random() < 0.6


def _needs_interpreter(rng: Random, language: str) -> bool:
    if language == "en":
        return False
    return rng.random() < (0.4 if language == "es" else 0.7)


def _kinds_due(rng: Random, index: int) -> list[VisitKind]:
    """The visit each child is due for this week; household i's first child cycles through all."""
    first = DUE_KINDS[index % len(DUE_KINDS)]
    if rng.random() >= 0.35:
        return [first]
    spaced = [k for k in DUE_KINDS if abs(VISIT_AGE_DAYS[k] - VISIT_AGE_DAYS[first]) >= 365]
    return [first, rng.choice(spaced)]


def _seed_child(
    seeding: _Seeding, household: Household, contact: Caregiver, language: str, kind: VisitKind
) -> Child:
    """A child born so that `kind` is due this week, with programs and earlier visits."""
    age_at_visit = VISIT_AGE_DAYS[kind] + age_drift(seeding.rng, kind)
    # Every fourth child is seen today, so today's schedule is full whatever the date.
    day = seeding.schedule.visit_day(age_at_visit, is_today=seeding.children % 4 == 0)
    child = _save_child(seeding, household, language, born=day - timedelta(days=age_at_visit))
    _enrol_in_dulce(seeding, child)
    _enrol_in_healthysteps(seeding, child)
    seeding.schedule.book_visits(child, kind, day, contact)
    return child


def _save_child(seeding: _Seeding, household: Household, language: str, *, born: date) -> Child:
    rng = seeding.rng
    is_female = rng.random() < 0.5
    seeding.children += 1
    return save_child(
        household,
        None,
        today=seeding.today,
        given_name=people.given_name(
            rng, language, is_female=is_female, taken=_names_in(household)
        ),
        family_name=household.name,
        date_of_birth=born,
        sex=Sex.FEMALE if is_female else Sex.MALE,
        record_number=f"RV-{10000 + seeding.children}",
        insurance=people.draw(rng, INSURANCE_WEIGHTS),
        primary_clinician_id=rng.choice(seeding.schedule.clinician_ids),
    )


def _names_in(household: Household) -> set[str]:
    return {person.given_name for person in (*household.caregivers, *household.children)}


def _enrol_in_dulce(seeding: _Seeding, child: Child) -> None:
    """Most infants under 6 months, enrolled in their first weeks with the family specialist."""
    if child.age_in_months(seeding.today) >= DULCE_LAST_ENROLMENT_AGE_MONTHS:
        return
    if seeding.rng.random() < 0.8:
        age_days = (seeding.today - child.date_of_birth).days
        enrolled_on = child.date_of_birth + timedelta(
            days=seeding.rng.randint(0, min(age_days, 21))
        )
        enrol_in_program(
            child,
            program=Program.DULCE,
            enrolled_on=enrolled_on,
            family_specialist_id=seeding.dulce_specialist_id,
        )


def _enrol_in_healthysteps(seeding: _Seeding, child: Child) -> None:
    """About a third of children, mostly in the universal tier."""
    rng = seeding.rng
    if rng.random() < 0.33:
        age_days = (seeding.today - child.date_of_birth).days
        enrolled_on = child.date_of_birth + timedelta(days=rng.randint(0, min(age_days, 90)))
        enrol_in_program(
            child,
            program=Program.HEALTHYSTEPS,
            enrolled_on=enrolled_on,
            healthysteps_tier=people.draw(rng, HEALTHYSTEPS_TIERS),
        )
