"""Connecting measures: referrals after positive screens, loops closed, warm handoffs, follow-ups."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from app.appointments.models import Appointment
from app.dashboards.measures_screening import screens_answered
from app.dashboards.periods import Scope
from app.dashboards.registry import UntilToday, flag, measure
from app.dashboards.sqlfn import days_between, local_date, plus_days
from app.dashboards.units import COUNTED, at_site, visit_columns
from app.followups.models import FollowUp
from app.referrals.models import Referral, ReferralStatus
from app.screening.models import ScreeningResponse

#: AAP developmental-screening quality collaborative: referred within 7 days of a positive screen.
REFERRAL_WINDOW_DAYS = 7
#: How a loop closes with an outcome reported back (a cancellation reports none).
LOOP_CLOSED = (ReferralStatus.COMPLETED, ReferralStatus.FAILED, ReferralStatus.REJECTED)
NOT_SENT = (ReferralStatus.DRAFT, ReferralStatus.ENTERED_IN_ERROR)
MINUTES_PER_DAY = 1440


def _referred_within_window(scope: Scope) -> ColumnElement[bool]:
    """A referral for the family requested from the screen's local day to 7 days after it."""
    offset = scope.utc_offset_minutes
    return sa.exists().where(
        Referral.household_id == ScreeningResponse.household_id,
        Referral.status != ReferralStatus.ENTERED_IN_ERROR,
        # The index narrows by instant; the screen's local day then decides where the window opens.
        Referral.requested_at >= plus_days(ScreeningResponse.submitted_at, -1),
        Referral.requested_at <= plus_days(ScreeningResponse.submitted_at, REFERRAL_WINDOW_DAYS),
        local_date(Referral.requested_at, offset)
        >= local_date(ScreeningResponse.submitted_at, offset),
    )


@measure("referred-within-7-days")
def referred_within_7_days(scope: Scope) -> sa.Select[Any]:
    return (
        screens_answered(scope)
        .where(ScreeningResponse.is_positive.is_(True))
        .add_columns(COUNTED.label("in_0"), flag(_referred_within_window(scope)).label("hit_0"))
    )


def referrals_sent(scope: Scope) -> sa.Select[Any]:
    """Referrals requested in the scope (drafts and entries in error left out), with their visit's
    site, clinician and kind when they were made at one."""
    stmt = (
        sa.select(
            Referral.id.label("unit_id"),
            Referral.requested_at.label("at"),
            Referral.child_id.label("child_id"),
            Referral.household_id.label("household_id"),
            *visit_columns(),
        )
        .outerjoin(Appointment, Appointment.id == Referral.appointment_id)
        .where(
            Referral.clinic_id == scope.clinic_id,
            Referral.status.not_in(NOT_SENT),
            scope.in_period(Referral.requested_at),
            *scope.of_households(Referral.household_id),
        )
    )
    return at_site(stmt, scope)


@measure("loops-closed")
def loops_closed(scope: Scope) -> sa.Select[Any]:
    return referrals_sent(scope).add_columns(
        COUNTED.label("in_0"),
        flag(Referral.status.in_(LOOP_CLOSED)).label("hit_0"),
        days_between(Referral.requested_at, Referral.closed_at).label("value"),
    )


@measure("warm-handoffs")
def warm_handoffs(scope: Scope) -> sa.Select[Any]:
    waited = days_between(Referral.requested_at, Referral.accepted_at) * MINUTES_PER_DAY
    return (
        referrals_sent(scope)
        .where(Referral.is_warm_handoff)
        .add_columns(
            COUNTED.label("in_0"),
            flag(Referral.accepted_at.is_not(None)).label("hit_0"),
            waited.label("value"),
        )
    )


@measure("overdue-follow-ups", at_is_date=True, until_today=UntilToday.BEFORE)
def overdue_follow_ups(scope: Scope) -> sa.Select[Any]:
    """Follow-ups (counted once due, before today), late when not done by the end of their due
    day."""
    done_late = local_date(FollowUp.done_at, scope.utc_offset_minutes) > FollowUp.due_on
    stmt = (
        sa.select(
            FollowUp.id.label("unit_id"),
            FollowUp.due_on.label("at"),
            FollowUp.child_id.label("child_id"),
            FollowUp.household_id.label("household_id"),
            *visit_columns(),
            COUNTED.label("in_0"),
            flag(sa.or_(FollowUp.done_at.is_(None), done_late)).label("hit_0"),
        )
        .outerjoin(Referral, Referral.id == FollowUp.referral_id)
        .outerjoin(Appointment, Appointment.id == Referral.appointment_id)
        .where(
            FollowUp.clinic_id == scope.clinic_id,
            scope.in_period(FollowUp.due_on, is_date=True),
            *scope.of_households(FollowUp.household_id),
        )
    )
    return at_site(stmt, scope)
