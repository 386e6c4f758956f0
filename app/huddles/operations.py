"""State changes of huddles: start, attend, write notes (editable briefly, then append-only), add
action items, end. Flush and audit, never commit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.clinics.models import Clinic, Site
from app.core.audit import AuditAction, record_audit
from app.core.errors import DomainError
from app.db import now_utc
from app.extensions import db
from app.families.models import Child, Household
from app.followups.models import FollowUp, FollowUpSource
from app.followups.operations import create_follow_up, is_care_team_member
from app.huddles.models import Huddle, HuddleAttendee, HuddleKind, HuddleNote

NOTE_LIMIT = 2000


def _huddle_of_day(clinic_id: int, site_id: int | None, day: date, kind: HuddleKind):
    return db.session.scalar(
        sa.select(Huddle).where(
            Huddle.clinic_id == clinic_id, Huddle.site_scope == (site_id or 0),
            Huddle.held_on == day, Huddle.kind == kind,
        )
    )  # fmt: skip


def start_huddle(
    clinic_id: int, *, day: date, kind: HuddleKind, user_id: int, site_id: int | None = None
) -> Huddle:
    """The day's huddle (of this site, or the whole clinic): started now, or the one already
    started — two people pressing "start" at once join the same huddle. The starter attends."""
    if site_id is not None:
        site = db.session.get(Site, site_id)
        if site is None or site.clinic_id != clinic_id:
            raise DomainError(_("Choose one of the clinic's sites."), code="no_site")
    huddle = _huddle_of_day(clinic_id, site_id, day, kind)
    if huddle is None:
        huddle = Huddle(clinic_id=clinic_id, site_id=site_id, site_scope=site_id or 0,
                        kind=kind, held_on=day, started_by_id=user_id)  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(huddle)
        except IntegrityError:
            huddle = _huddle_of_day(clinic_id, site_id, day, kind)
        else:
            record_audit(
                AuditAction.CREATE, huddle, details={"kind": kind.value, "day": day.isoformat()}
            )
    add_attendee(huddle, user_id)
    return huddle


def _running(huddle: Huddle) -> None:
    if huddle.ended_at is not None:
        raise DomainError(_("This huddle has already ended."), code="ended")


def add_attendee(huddle: Huddle, user_id: int) -> None:
    """Mark a care-team member as present; marking them again changes nothing."""
    _running(huddle)
    if not is_care_team_member(huddle.clinic_id, user_id):
        raise DomainError(
            _("Choose an active member of the clinic's care team."), code="not_care_team"
        )
    exists = db.session.scalar(
        sa.select(HuddleAttendee.id).where(
            HuddleAttendee.huddle_id == huddle.id, HuddleAttendee.user_id == user_id
        )
    )
    if exists is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(HuddleAttendee(huddle_id=huddle.id, user_id=user_id))
    except IntegrityError:
        return
    record_audit(AuditAction.UPDATE, huddle, details={"attendee_added": user_id})


def end_huddle(huddle: Huddle) -> Huddle:
    _running(huddle)
    huddle.ended_at = now_utc()
    record_audit(AuditAction.UPDATE, huddle, details={"fields": ["ended_at"]})
    return huddle


def _family(huddle: Huddle, household: Household | None, child: Child | None) -> None:
    if household is not None and household.clinic_id != huddle.clinic_id:
        raise DomainError(_("That family is not one of the clinic's."), code="mismatch")
    if child is not None and (household is None or child.household_id != household.id):
        raise DomainError(_("The child is not in this household."), code="mismatch")


def _body(body: str) -> str:
    body = body.strip()
    if not body:
        raise DomainError(_("Write the note."), code="body_required")
    if len(body) > NOTE_LIMIT:
        raise DomainError(_("The note is too long."), code="note_too_long")
    return body


def add_note(
    huddle: Huddle,
    *,
    author_id: int,
    body: str,
    household: Household | None = None,
    child: Child | None = None,
    corrects: HuddleNote | None = None,
) -> HuddleNote:
    """A note about a child (household and child given) or for the team (neither); once the
    huddle has ended, only a correction of one of its notes."""
    if corrects is None:
        _running(huddle)
    _family(huddle, household, child)
    if corrects is not None and (corrects.clinic_id != huddle.clinic_id
                                 or corrects.child_id != (child.id if child else None)):  # fmt: skip
        raise DomainError(_("A correction is about the same child as the note it corrects."),
                          code="mismatch")  # fmt: skip
    note = HuddleNote(
        clinic_id=huddle.clinic_id, huddle_id=huddle.id, author_id=author_id, body=_body(body),
        household_id=household.id if household else None, child_id=child.id if child else None,
        corrects_id=corrects.id if corrects else None,
    )  # fmt: skip
    db.session.add(note)
    record_audit(AuditAction.CREATE, note, details={"corrects": corrects.id if corrects else None})
    db.session.flush()
    return note


def note_is_editable(note: HuddleNote, user_id: int, now: datetime | None = None) -> bool:
    """Only its author, and only within the clinic's window after writing it."""
    window = timedelta(minutes=db.session.get(Clinic, note.clinic_id).huddle_note_edit_minutes)
    return note.author_id == user_id and (now or now_utc()) < note.created_at + window


def edit_note(
    note: HuddleNote, *, user_id: int, body: str, expected_version: int | None
) -> HuddleNote:
    """Change a note within its window; later, a correction is written as a new note instead."""
    if not note_is_editable(note, user_id):
        raise DomainError(
            _("This note can no longer be changed. Add a correction as a new note."),
            code="read_only",
        )  # fmt: skip
    stale = DomainError(
        _("Someone changed this note while you were editing it. Reload the page."), code="stale"
    )
    if expected_version is None or expected_version != note.version:
        raise stale
    note.body, note.edited_at = _body(body), now_utc()
    try:
        db.session.flush()
    except StaleDataError:
        raise stale from None
    record_audit(AuditAction.UPDATE, note, details={"fields": ["body"]})
    return note


def add_action_item(
    huddle: Huddle,
    *,
    household: Household,
    child: Child | None,
    title: str,
    assignee_id: int,
    due_on: date,
    created_by_id: int,
) -> FollowUp:
    """An action item decided in the huddle: a follow-up on its owner's worklist."""
    _running(huddle)
    _family(huddle, household, child)
    return create_follow_up(
        household=household, child=child, title=title, assignee_id=assignee_id, due_on=due_on,
        created_by_id=created_by_id, source=FollowUpSource.HUDDLE, huddle_id=huddle.id,
    )  # fmt: skip
