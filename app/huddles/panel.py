"""The day's huddle as the board shows it: who is there, the notes so far, which ones the reader
may still edit; and one note of the clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.db import now_utc
from app.extensions import db
from app.huddles.models import Huddle, HuddleAttendee, HuddleKind, HuddleNote
from app.huddles.operations import note_is_editable


@dataclass
class HuddlePanel:
    """The day's huddle as the board shows it: who is there, the notes, who may edit which."""

    huddle: Huddle
    attendees: list[User]
    notes: list[HuddleNote]
    editable_ids: set[int]

    @property
    def team_notes(self) -> list[HuddleNote]:
        return [note for note in self.notes if note.child_id is None]

    def notes_about(self, child_id: int) -> list[HuddleNote]:
        return [note for note in self.notes if note.child_id == child_id]

    @property
    def corrected(self) -> dict[int, HuddleNote]:
        """Note id → the note it corrects, for notes of this huddle."""
        by_id = {note.id: note for note in self.notes}
        return {n.id: by_id[n.corrects_id] for n in self.notes if n.corrects_id in by_id}


def day_huddle(clinic_id: int, day: date, site_id: int | None) -> Huddle | None:
    """The day's huddle of this site (or the whole clinic), its attendees and notes loaded."""
    return db.session.scalar(
        sa.select(Huddle)
        .where(
            Huddle.clinic_id == clinic_id, Huddle.site_scope == (site_id or 0),
            Huddle.held_on == day, Huddle.kind == HuddleKind.DAILY,
        )
        .options(
            selectinload(Huddle.attendees).joinedload(HuddleAttendee.user),
            selectinload(Huddle.notes).joinedload(HuddleNote.author),
            selectinload(Huddle.notes).joinedload(HuddleNote.child),
        )
    )  # fmt: skip


def huddle_panel(huddle: Huddle, user_id: int) -> HuddlePanel:
    now = now_utc()
    notes = list(huddle.notes)
    return HuddlePanel(
        huddle=huddle,
        attendees=[attendee.user for attendee in huddle.attendees],
        notes=notes,
        editable_ids={n.id for n in notes if note_is_editable(n, user_id, now)},
    )


def note_of_clinic(note_id: int, clinic_id: int) -> HuddleNote | None:
    return db.session.scalar(
        sa.select(HuddleNote)
        .where(HuddleNote.id == note_id, HuddleNote.clinic_id == clinic_id)
        .options(joinedload(HuddleNote.huddle))
    )
