"""Columns and conditions the measures' units share (the contract is in registry.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from app.appointments.models import Appointment, AppointmentStatus
from app.dashboards.periods import Scope
from app.families.models import Child

#: A visit happened: the child came (checked in, or the visit was completed).
ATTENDED = (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)
#: Every unit of a measure without its own denominator rule is in the denominator.
COUNTED = sa.literal_column("1")


def no_id(name: str) -> sa.Label[Any]:
    """A NULL id, typed: PostgreSQL reads an untyped NULL in a subquery as text."""
    return sa.cast(sa.null(), sa.Integer).label(name)


def no_visit_kind() -> ColumnElement[Any]:
    return sa.null().label("visit_kind")


def visit_columns() -> tuple[ColumnElement[Any], ...]:
    """The breakdown columns of the visit a unit belongs to (None when it has none)."""
    return (
        Appointment.site_id.label("site_id"),
        Appointment.clinician_id.label("clinician_id"),
        Appointment.visit_kind.label("visit_kind"),
    )


def at_site(stmt: sa.Select[Any], scope: Scope) -> sa.Select[Any]:
    """Only the scope's site, when one is chosen: units without a visit then drop out."""
    return stmt if scope.site_id is None else stmt.where(Appointment.site_id == scope.site_id)


def attended_in_period(scope: Scope) -> list[ColumnElement[bool]]:
    return [
        Appointment.clinic_id == scope.clinic_id,
        Appointment.status.in_(ATTENDED),
        scope.in_period(Appointment.scheduled_at),
    ]


def of_households_by_child(scope: Scope, child_id: ColumnElement[Any]) -> list[Any]:
    """`Scope.of_households` for rows that name only their child."""
    if scope.households is None:
        return []
    of_households = sa.select(Child.id).where(*scope.of_households(Child.household_id))
    return [child_id.in_(of_households)]


def attended_visits(scope: Scope) -> sa.Select[Any]:
    """The attended visits of the scope, with the columns every visit measure shares."""
    stmt = (
        sa.select(
            Appointment.id.label("unit_id"),
            Appointment.scheduled_at.label("at"),
            Appointment.child_id.label("child_id"),
            Child.household_id.label("household_id"),
            *visit_columns(),
        )
        .join(Child, Child.id == Appointment.child_id)
        .where(*attended_in_period(scope), *scope.of_households(Child.household_id))
    )
    return at_site(stmt, scope)
