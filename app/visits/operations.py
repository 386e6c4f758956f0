"""State changes of a visit: practices delivered and the notes the family takes home."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.appointments.models import Appointment
from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.errors import DomainError
from app.extensions import db
from app.practices.models import CommonPractice
from app.visits.models import PracticeDelivery, Visit

NOTE_LIMIT = 2000


def _practice_code(appointment: Appointment, code: str) -> str:
    exists = db.session.scalar(
        sa.select(CommonPractice.id).where(
            CommonPractice.clinic_id == appointment.clinic_id, CommonPractice.code == code
        )
    )
    if exists is None:
        raise DomainError(_("There is no common practice %(code)s.", code=code), code="no_practice")
    return code


def record_practice(
    appointment: Appointment, code: str, *, user_id: int, note: str = ""
) -> PracticeDelivery:
    """Record one common practice as delivered at this visit; recording it again changes nothing."""
    code = _practice_code(appointment, code)
    if len(note) > NOTE_LIMIT:
        raise DomainError(_("The note is too long."), code="note_too_long")
    existing = _delivery(appointment.id, code)
    if existing is not None:
        return existing
    delivery = PracticeDelivery(
        clinic_id=appointment.clinic_id, appointment_id=appointment.id,
        child_id=appointment.child_id, practice_code=code, delivered_by_id=user_id,
        note=note.strip() or None,
    )  # fmt: skip
    try:
        # A second tap racing the first meets the unique constraint; it is the same delivery.
        with db.session.begin_nested():
            db.session.add(delivery)
    except IntegrityError:
        return _delivery(appointment.id, code)
    record_audit(AuditAction.CREATE, delivery, details={"practice": code})
    return delivery


def withdraw_practice(appointment: Appointment, code: str) -> None:
    """Take back a practice recorded by mistake; the audit log keeps that it was recorded."""
    delivery = _delivery(appointment.id, code)
    if delivery is None:
        raise DomainError(_("That practice is not recorded for this visit."), code="not_recorded")
    record_audit(AuditAction.DELETE, delivery, details={"practice": code})
    db.session.delete(delivery)
    db.session.flush()


def _delivery(appointment_id: int, code: str) -> PracticeDelivery | None:
    return db.session.scalar(
        sa.select(PracticeDelivery).where(
            PracticeDelivery.appointment_id == appointment_id,
            PracticeDelivery.practice_code == code,
        )
    )


def save_visit_notes(
    appointment: Appointment,
    *,
    strength_noticed: str,
    next_steps: str,
    version: int | None,
    user_id: int,
) -> Visit:
    """Save the strength noticed and the next steps; a stale form is refused, never merged."""
    if len(strength_noticed) > NOTE_LIMIT or len(next_steps) > NOTE_LIMIT:
        raise DomainError(_("The note is too long."), code="note_too_long")
    visit = db.session.scalar(sa.select(Visit).where(Visit.appointment_id == appointment.id))
    if visit is None:
        visit = _new_visit(appointment)
    elif version != visit.version:
        raise _stale_notes()
    visit.strength_noticed = strength_noticed.strip() or None
    visit.next_steps = next_steps.strip() or None
    visit.updated_by_id = user_id
    fields = changed_fields(visit)
    stale = _stale_notes()  # worded now: a failed flush leaves nothing loadable for translation
    try:
        db.session.flush()
    except StaleDataError:
        # Another save bumped the version between our read and our write.
        raise stale from None
    record_audit(AuditAction.UPDATE, visit, details={"fields": fields})
    return visit


def _new_visit(appointment: Appointment) -> Visit:
    visit = Visit(
        clinic_id=appointment.clinic_id, appointment_id=appointment.id,
        child_id=appointment.child_id,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(visit)
    except IntegrityError:
        raise _stale_notes() from None
    return visit


def _stale_notes() -> DomainError:
    return DomainError(
        _("Someone else saved these notes while you were writing. Reload the page to see them, then add yours."),
        code="stale",
    )  # fmt: skip
