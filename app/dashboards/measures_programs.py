"""Program measures: common practices at visits, HealthySteps reach, DULCE visits on time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.appointments.models import VISIT_AGE_DAYS, Appointment, VisitKind
from app.dashboards.periods import Scope
from app.dashboards.registry import UntilToday, Variant, flag, measure
from app.dashboards.sqlfn import local_date, plus_days
from app.dashboards.units import (
    ATTENDED,
    COUNTED,
    attended_in_period,
    attended_visits,
    no_visit_kind,
    of_households_by_child,
)
from app.families.models import Child, Program, ProgramEnrolment
from app.practices.queries import practices_of
from app.visits.models import PracticeDelivery

HEALTHYSTEPS_VARIANTS = (
    Variant("any", _l("Any tier")),
    # Tier 2 is short-term support, tier 3 comprehensive (ZERO TO THREE tiers).
    Variant("tier-2-3", _l("Tiers 2–3")),
)

#: A child "reaches 7 months" on this day of life (7 × 30.4 days).
SEVEN_MONTHS_DAYS = 213
#: DULCE's schedule to 6 months; the first-week visit may be the newborn or the 3–5-day one.
DULCE_VISITS = (
    (VisitKind.NEWBORN, VisitKind.DAYS_3_5),
    (VisitKind.MONTH_1,),
    (VisitKind.MONTH_2,),
    (VisitKind.MONTH_4,),
    (VisitKind.MONTH_6,),
)
#: "No later than a month after the age it is for".
DULCE_GRACE_DAYS = 30
#: The columns every unit has (registry.py), besides its figures.
UNIT_COLUMNS = (
    "unit_id",
    "at",
    "child_id",
    "household_id",
    "site_id",
    "clinician_id",
    "visit_kind",
)


def practices_recorded(codes: list[str]) -> sa.ScalarSelect[Any]:
    """Which practices were recorded at the visit, as bits: code i adds 2**i (a code is recorded
    once per visit, so the sum is exact). One index lookup per visit; a grouped join instead
    reads every delivery ever recorded, which grows with the clinic's history."""
    bit = sa.case(
        *((PracticeDelivery.practice_code == code, 1 << i) for i, code in enumerate(codes)),
        else_=0,
    )
    return (
        sa.select(sa.func.sum(bit))
        .where(PracticeDelivery.appointment_id == Appointment.id)
        .scalar_subquery()
    )


@measure("practices-per-visit")
def practices_per_visit(scope: Scope) -> sa.Select[Any]:
    recorded = (
        sa.select(sa.func.count())
        .where(PracticeDelivery.appointment_id == Appointment.id)
        .scalar_subquery()
    )
    return attended_visits(scope).add_columns(
        COUNTED.label("in_0"), COUNTED.label("hit_0"), recorded.label("value")
    )


def practice_variants(scope: Scope) -> tuple[Variant, ...]:
    locale = str(get_locale())
    return tuple(
        Variant(p.code, f"{p.code} · {p.title_in(locale)}") for p in practices_of(scope.clinic_id)
    )


@measure("practice-delivered", variants=practice_variants)
def practice_delivered(scope: Scope) -> sa.Select[Any]:
    codes = [p.code for p in practices_of(scope.clinic_id)]
    visits = (
        attended_visits(scope)
        .add_columns(practices_recorded(codes).label("recorded"))
        # OFFSET 0 keeps PostgreSQL from inlining this subquery, which would copy the lookup into
        # each practice's column below and run it 14 times per visit.
        .offset(0)
        .subquery("visits")
    )
    columns = []
    for i in range(len(codes)):
        columns += [
            COUNTED.label(f"in_{i}"),
            flag(visits.c.recorded.op("&")(1 << i) > 0).label(f"hit_{i}"),
        ]
    return sa.select(*(visits.c[name] for name in UNIT_COLUMNS), *columns)


def healthysteps_tiers(scope: Scope) -> sa.Subquery:
    """Per attended visit of the period by a child then in HealthySteps: the highest tier."""
    visit_day = local_date(Appointment.scheduled_at, scope.utc_offset_minutes)
    return (
        sa.select(
            Appointment.id.label("appointment_id"),
            sa.func.max(ProgramEnrolment.healthysteps_tier).label("tier"),
        )
        .join(ProgramEnrolment, ProgramEnrolment.child_id == Appointment.child_id)
        .where(
            *attended_in_period(scope),
            *of_households_by_child(scope, Appointment.child_id),
            ProgramEnrolment.program == Program.HEALTHYSTEPS,
            ProgramEnrolment.enrolled_on <= visit_day,
            sa.or_(ProgramEnrolment.ended_on.is_(None), ProgramEnrolment.ended_on >= visit_day),
        )
        .group_by(Appointment.id)
        .subquery("healthysteps_tiers")
    )


@measure("healthysteps-reach", variants=lambda _scope: HEALTHYSTEPS_VARIANTS)
def healthysteps_reach(scope: Scope) -> sa.Select[Any]:
    tiers = healthysteps_tiers(scope)
    return (
        attended_visits(scope)
        .outerjoin(tiers, tiers.c.appointment_id == Appointment.id)
        .add_columns(
            COUNTED.label("in_0"),
            flag(tiers.c.tier >= 1).label("hit_0"),
            COUNTED.label("in_1"),
            flag(tiers.c.tier >= 2).label("hit_1"),
        )
    )


def _seven_months() -> sa.ColumnElement[Any]:
    return plus_days(Child.date_of_birth, SEVEN_MONTHS_DAYS)


def _on_time(kinds: tuple[VisitKind, ...], scope: Scope) -> sa.Exists:
    """An attended visit of one of `kinds` no later than a month after the age it is for."""
    visit_day = local_date(Appointment.scheduled_at, scope.utc_offset_minutes)
    in_time = [
        sa.and_(
            Appointment.visit_kind == kind,
            visit_day <= plus_days(Child.date_of_birth, VISIT_AGE_DAYS[kind] + DULCE_GRACE_DAYS),
        )
        for kind in kinds
    ]
    return sa.exists().where(
        Appointment.child_id == Child.id, Appointment.status.in_(ATTENDED), sa.or_(*in_time)
    )


def _site_at_seven_months(scope: Scope) -> sa.ScalarSelect[Any]:
    """The site of the child's latest attended visit up to 7 months: where the care was given
    (a later move to another site does not rewrite last year's figures)."""
    visit_day = local_date(Appointment.scheduled_at, scope.utc_offset_minutes)
    return (
        sa.select(Appointment.site_id)
        .where(
            Appointment.child_id == Child.id,
            Appointment.status.in_(ATTENDED),
            visit_day <= _seven_months(),
        )
        .order_by(Appointment.scheduled_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def dulce_children(scope: Scope) -> sa.Subquery:
    """Children ever enrolled in DULCE who reach 7 months in the period."""
    reached = _seven_months()
    enrolled = sa.exists().where(
        ProgramEnrolment.child_id == Child.id, ProgramEnrolment.program == Program.DULCE
    )
    stmt = sa.select(
        Child.id.label("unit_id"),
        reached.label("at"),
        Child.id.label("child_id"),
        Child.household_id.label("household_id"),
        _site_at_seven_months(scope).label("site_id"),
        Child.primary_clinician_id.label("clinician_id"),
        no_visit_kind(),
        COUNTED.label("in_0"),
        flag(sa.and_(*(_on_time(kinds, scope) for kinds in DULCE_VISITS))).label("hit_0"),
    ).where(
        Child.clinic_id == scope.clinic_id,
        *_born_to_reach_seven_months(scope),
        *scope.of_households(Child.household_id),
        enrolled,
    )
    return stmt.subquery("dulce_children")


def _born_to_reach_seven_months(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """Birth dates whose 7-month day falls in the period, as bounds on the date of birth itself
    (which the clinic's birth-date index serves)."""
    if scope.all_time:
        return []
    seven_months = timedelta(days=SEVEN_MONTHS_DAYS)
    return [
        Child.date_of_birth >= scope.first_day - seven_months,
        Child.date_of_birth < scope.end_day - seven_months,
    ]


@measure("dulce-on-time", at_is_date=True, until_today=UntilToday.THROUGH)
def dulce_on_time(scope: Scope) -> sa.Select[Any]:
    children = dulce_children(scope)
    stmt = sa.select(*children.c)
    if scope.site_id is not None:
        stmt = stmt.where(children.c.site_id == scope.site_id)
    return stmt
