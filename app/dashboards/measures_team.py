"""Care-team measures: daily huddles held on visit days, huddle action items closed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.appointments.models import Appointment
from app.dashboards.periods import Scope
from app.dashboards.registry import flag, measure
from app.dashboards.sqlfn import local_date
from app.dashboards.units import COUNTED, at_site, attended_in_period, no_id, no_visit_kind
from app.followups.models import FollowUp, FollowUpSource
from app.huddles.models import Huddle, HuddleKind


def visit_days(scope: Scope) -> sa.Subquery:
    """(site, local day) pairs with at least one attended visit; visits without a site make a
    day of their own (site None)."""
    day = local_date(Appointment.scheduled_at, scope.utc_offset_minutes)
    stmt = (
        sa.select(Appointment.site_id.label("site_id"), day.label("day"))
        .where(*attended_in_period(scope))
        .group_by(Appointment.site_id, day)
    )
    return at_site(stmt, scope).subquery("visit_days")


def _daily_huddle_on(scope: Scope, days: sa.Subquery) -> sa.Exists:
    """A daily huddle that day for the site, or for the whole clinic (site_scope 0), which covers
    every site and the visits booked without one."""
    return sa.exists().where(
        Huddle.clinic_id == scope.clinic_id,
        Huddle.kind == HuddleKind.DAILY,
        Huddle.held_on == days.c.day,
        Huddle.site_scope.in_([0, days.c.site_id]),
    )


@measure("huddles-held", at_is_date=True, is_stored=False)
def huddles_held(scope: Scope) -> sa.Select[Any]:
    days = visit_days(scope)
    return sa.select(
        days.c.day.label("at"),
        no_id("child_id"),
        no_id("household_id"),
        days.c.site_id.label("site_id"),
        no_id("clinician_id"),
        no_visit_kind(),
        COUNTED.label("in_0"),
        flag(_daily_huddle_on(scope, days)).label("hit_0"),
    )


@measure("action-items-closed", is_stored=False)
def action_items_closed(scope: Scope) -> sa.Select[Any]:
    stmt = (
        sa.select(
            FollowUp.created_at.label("at"),
            FollowUp.child_id.label("child_id"),
            FollowUp.household_id.label("household_id"),
            Huddle.site_id.label("site_id"),
            no_id("clinician_id"),
            no_visit_kind(),
            COUNTED.label("in_0"),
            flag(FollowUp.done_at.is_not(None)).label("hit_0"),
        )
        .outerjoin(Huddle, Huddle.id == FollowUp.huddle_id)
        .where(
            FollowUp.clinic_id == scope.clinic_id,
            FollowUp.source == FollowUpSource.HUDDLE,
            scope.in_period(FollowUp.created_at),
        )
    )
    if scope.site_id is not None:
        stmt = stmt.where(Huddle.site_id == scope.site_id)
    return stmt
