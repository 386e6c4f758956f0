"""Screening measures: screened when due, positive rate, critical answers, same-day discussion."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement

from app.appointments.models import Appointment
from app.clinics.models import Clinic
from app.dashboards.periods import Scope
from app.dashboards.registry import Variant, flag, measure
from app.dashboards.sqlfn import local_date, plus_days, plus_minutes
from app.dashboards.units import COUNTED, at_site, attended_visits, visit_columns
from app.extensions import db
from app.families.models import Child
from app.referrals.models import Referral, ReferralStatus
from app.screening import schedule
from app.screening.models import Flag, FlagKind, ResponseStatus, ScreeningResponse
from app.screening.queries import clinic_rules, instrument, offered_languages
from app.visits.models import PracticeDelivery


def instrument_title(key: str) -> str:
    inst = instrument(key)
    return inst.title_in(str(get_locale())) if inst else key


def _offered_rules(scope: Scope) -> list[schedule.Rule]:
    offered = offered_languages(scope.clinic_id)
    return [
        r for r in clinic_rules(scope.clinic_id) if r.is_enabled and offered.get(r.instrument_key)
    ]


def due_variants(scope: Scope) -> tuple[Variant, ...]:
    return tuple(
        Variant(r.instrument_key, instrument_title(r.instrument_key)) for r in _offered_rules(scope)
    )


def _counting_screen(rule: schedule.Rule, scope: Scope) -> sa.ColumnElement[bool]:
    """A screen of the household that counts for this visit, exactly as on the visit page: answered
    for this visit, or between `validity_days` before the visit day and the visit day (siblings'
    screens included; an unfinished screen counts only when it is already positive)."""
    keys = [rule.instrument_key]
    keys += [k for k, v in schedule.COUNTS_FOR.items() if v == rule.instrument_key]

    def counting(screen: type[ScreeningResponse], *where: sa.ColumnElement[bool]) -> sa.Exists:
        return sa.exists().where(
            screen.instrument_key.in_(keys),
            screen.status == ResponseStatus.FINAL,
            sa.or_(screen.is_complete, screen.is_positive.is_(True)),
            *where,
        )

    # Two EXISTS rather than one OR: each is served by its own index (appointment; household+time).
    for_visit = aliased(ScreeningResponse)
    recent = aliased(ScreeningResponse)
    visit_day = local_date(Appointment.scheduled_at, scope.utc_offset_minutes)
    answered_on = local_date(recent.submitted_at, scope.utc_offset_minutes)
    return sa.or_(
        counting(for_visit, for_visit.appointment_id == Appointment.id),
        counting(
            recent,
            recent.household_id == Child.household_id,
            # The index narrows by instant; the calendar days then decide exactly.
            recent.submitted_at >= plus_days(Appointment.scheduled_at, -(rule.validity_days + 1)),
            recent.submitted_at < plus_days(Appointment.scheduled_at, 1),
            answered_on >= plus_days(visit_day, -rule.validity_days),
            answered_on <= visit_day,
        ),
    )


def _due_settings(scope: Scope) -> tuple[tuple[str, tuple[str, ...], int], ...]:
    return tuple(
        (r.instrument_key, tuple(sorted(r.visit_kinds)), r.validity_days)
        for r in _offered_rules(scope)
    )


@measure("screened-when-due", variants=due_variants, settings=_due_settings)
def screened_when_due(scope: Scope) -> sa.Select[Any]:
    columns = []
    for i, rule in enumerate(_offered_rules(scope)):
        is_due = Appointment.visit_kind.in_(rule.visit_kinds) if rule.visit_kinds else sa.true()
        columns += [
            flag(is_due).label(f"in_{i}"),
            flag(sa.and_(is_due, _counting_screen(rule, scope))).label(f"hit_{i}"),
        ]
    return attended_visits(scope).add_columns(*columns)


def _screen_variants(scope: Scope) -> tuple[Variant, ...]:
    offered = offered_languages(scope.clinic_id)
    return tuple(Variant(key, instrument_title(key)) for key, langs in offered.items() if langs)


def screens_answered(scope: Scope) -> sa.Select[Any]:
    """Final screens answered in the scope, with their visit's site, clinician and kind if any."""
    stmt = (
        sa.select(
            ScreeningResponse.id.label("unit_id"),
            ScreeningResponse.submitted_at.label("at"),
            ScreeningResponse.child_id.label("child_id"),
            ScreeningResponse.household_id.label("household_id"),
            *visit_columns(),
        )
        .outerjoin(Appointment, Appointment.id == ScreeningResponse.appointment_id)
        .where(
            ScreeningResponse.clinic_id == scope.clinic_id,
            ScreeningResponse.status == ResponseStatus.FINAL,
            scope.in_period(ScreeningResponse.submitted_at),
            *scope.of_households(ScreeningResponse.household_id),
        )
    )
    return at_site(stmt, scope)


@measure("positive-rate", variants=_screen_variants)
def positive_rate(scope: Scope) -> sa.Select[Any]:
    columns = []
    for i, variant in enumerate(_screen_variants(scope)):
        counted = sa.and_(
            ScreeningResponse.instrument_key == variant.key, ScreeningResponse.is_complete
        )
        columns += [
            flag(counted).label(f"in_{i}"),
            flag(sa.and_(counted, ScreeningResponse.is_positive.is_(True))).label(f"hit_{i}"),
        ]
    return screens_answered(scope).add_columns(*columns)


#: The practice that records a positive screen acted on at the visit: C3 (linking the family to
#: supports, which the visit page suggests for every positive screen). C2 only says a screen was
#: given, so it would make every screened visit look discussed.
DISCUSSION_PRACTICES = ("C3",)


def _escalation_minutes(clinic_id: int) -> int:
    return db.session.scalar(
        sa.select(Clinic.critical_flag_escalation_minutes).where(Clinic.id == clinic_id)
    )


@measure("critical-acknowledged", settings=lambda scope: _escalation_minutes(scope.clinic_id))
def critical_acknowledged(scope: Scope) -> sa.Select[Any]:
    deadline = plus_minutes(Flag.raised_at, _escalation_minutes(scope.clinic_id))
    in_time = sa.and_(Flag.acknowledged_at.is_not(None), Flag.acknowledged_at <= deadline)
    stmt = (
        sa.select(
            Flag.id.label("unit_id"),
            Flag.raised_at.label("at"),
            Flag.child_id.label("child_id"),
            Flag.household_id.label("household_id"),
            *visit_columns(),
            COUNTED.label("in_0"),
            flag(in_time).label("hit_0"),
        )
        .join(ScreeningResponse, ScreeningResponse.id == Flag.response_id)
        .outerjoin(Appointment, Appointment.id == ScreeningResponse.appointment_id)
        .where(
            Flag.clinic_id == scope.clinic_id,
            Flag.kind == FlagKind.CRITICAL,
            ScreeningResponse.status == ResponseStatus.FINAL,
            scope.in_period(Flag.raised_at),
            *scope.of_households(Flag.household_id),
        )
    )
    return at_site(stmt, scope)


def _discussed_on_visit_day(scope: Scope) -> ColumnElement[bool]:
    """C3 recorded at the visit, a referral for the family started or sent that day, or the
    screen's critical answer acted on that day (days local to the clinic)."""
    offset = scope.utc_offset_minutes
    visit_day = local_date(Appointment.scheduled_at, offset)
    practice = sa.exists().where(
        PracticeDelivery.appointment_id == Appointment.id,
        PracticeDelivery.practice_code.in_(DISCUSSION_PRACTICES),
    )
    referral = sa.exists().where(
        Referral.household_id == ScreeningResponse.household_id,
        Referral.status != ReferralStatus.ENTERED_IN_ERROR,
        sa.or_(
            local_date(Referral.requested_at, offset) == visit_day,
            # A draft started during the visit shows the talk happened, sent or not.
            local_date(Referral.created_at, offset) == visit_day,
        ),
    )
    acted = sa.exists().where(
        Flag.response_id == ScreeningResponse.id,
        Flag.kind == FlagKind.CRITICAL,
        local_date(Flag.acknowledged_at, offset) == visit_day,
    )
    return sa.or_(practice, referral, acted)


@measure("same-day-discussion")
def same_day_discussion(scope: Scope) -> sa.Select[Any]:
    stmt = (
        sa.select(
            ScreeningResponse.id.label("unit_id"),
            Appointment.scheduled_at.label("at"),
            ScreeningResponse.child_id.label("child_id"),
            ScreeningResponse.household_id.label("household_id"),
            *visit_columns(),
            COUNTED.label("in_0"),
            flag(_discussed_on_visit_day(scope)).label("hit_0"),
        )
        .join(ScreeningResponse, ScreeningResponse.appointment_id == Appointment.id)
        .where(
            Appointment.clinic_id == scope.clinic_id,
            scope.in_period(Appointment.scheduled_at),
            ScreeningResponse.status == ResponseStatus.FINAL,
            ScreeningResponse.is_positive.is_(True),
            *scope.of_households(ScreeningResponse.household_id),
        )
    )
    return at_site(stmt, scope)
