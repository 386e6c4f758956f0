"""Which households' stored units may be out of date: every change to a row a stored metric reads
marks its household, in the same transaction as the change.

Metrics are kept per household because screens and referrals belong to the household: a sibling's
screen can make this child's visit "screened when due". The marks are made on flush, so whatever
changes a row through the session (a form, the API, a job, the demo seed) marks it. A bulk UPDATE
does not: the app's three (a critical answer escalated, a handoff alerted, a follow-up sent for
review) set columns no measure reads. `flask seed-volume` loads rows with COPY and then builds the
stored units from scratch.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.appointments.models import Appointment
from app.dashboards.models import StaleHousehold
from app.families.models import Caregiver, Child, ProgramEnrolment
from app.followups.models import FollowUp
from app.referrals.models import Referral
from app.screening.models import Flag, ScreeningResponse
from app.visits.models import PracticeDelivery

#: Rows that name their household (a caregiver's language and race are the family's groups).
HOUSEHOLD_ROWS = (ScreeningResponse, Flag, Referral, FollowUp, Child, Caregiver)
#: Rows that name only their child.
CHILD_ROWS = (Appointment, PracticeDelivery, ProgramEnrolment)
_PENDING = "wellthread_stale_households"
_ROWS_PER_INSERT = 1000

Mark = tuple[int, int]  # (clinic id, household id)


def watch() -> None:
    """Mark households on every flush of every session (once per process)."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush)):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Changed and deleted rows, as they were: a row moved to another household marks both."""
    rows = [r for r in chain(session.dirty, session.deleted) if _is_watched(r)]
    changed = [r for r in rows if r in session.deleted or session.is_modified(r)]
    session.info.setdefault(_PENDING, set()).update(_marks(session, changed))


def _after_flush(session: Session, _context: Any) -> None:
    """New and changed rows, as they are now; then every mark of this flush is written."""
    rows = [r for r in chain(session.new, session.dirty) if _is_watched(r)]
    marks = session.info.pop(_PENDING, set()) | _marks(session, rows)
    if marks:
        _insert_marks(session, sorted(marks))


def _is_watched(row: object) -> bool:
    return isinstance(row, HOUSEHOLD_ROWS + CHILD_ROWS)


def _marks(session: Session, rows: Iterable[Any]) -> set[Mark]:
    marks: set[Mark] = set()
    children: set[int] = set()
    for row in rows:
        if isinstance(row, HOUSEHOLD_ROWS):
            marks.update((row.clinic_id, h) for h in _values(row, "household_id"))
        else:
            children.update(_values(row, "child_id"))
    if children:
        found = session.execute(
            sa.select(Child.clinic_id, Child.household_id).where(Child.id.in_(children))
        )
        marks.update((clinic_id, household_id) for clinic_id, household_id in found)
    return marks


def _values(row: Any, attribute: str) -> set[int]:
    """The attribute now, and what it was before this flush if it changed."""
    history = sa.inspect(row).attrs[attribute].history
    values = {getattr(row, attribute)} | set(history.deleted or ())
    return {v for v in values if v is not None}


def _insert_marks(session: Session, marks: list[Mark]) -> None:
    """Insert the marks, leaving those already there (sorted, so that two transactions marking
    the same households take their locks in the same order)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    connection = session.connection()
    for start in range(0, len(marks), _ROWS_PER_INSERT):
        rows = [
            {"clinic_id": clinic_id, "household_id": household_id}
            for clinic_id, household_id in marks[start : start + _ROWS_PER_INSERT]
        ]
        connection.execute(insert(StaleHousehold).values(rows).on_conflict_do_nothing())
