"""Forms of the huddle board: the day's filter, starting a huddle, attendees, notes, action items."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.appointments.forms import DayFilterForm
from app.core.forms import Form
from app.followups.operations import TITLE_LIMIT
from app.huddles.operations import NOTE_LIMIT


def _id_or_none(value: str | int | None) -> int | None:
    try:
        return int(value) if value not in ("", None) else None
    except (TypeError, ValueError):
        return None


class BoardFilterForm(DayFilterForm):
    attention = BooleanField(_l("Only families who need attention"))


def _hidden_id() -> IntegerField:
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


class StartHuddleForm(Form):
    day = DateField(validators=[InputRequired()])
    site_id = _hidden_id()


class AttendeeForm(Form):
    # Choices (the clinic's care team) are set by the page; the operation refuses anyone else.
    user_id = SelectField(
        _l("Who is here"), coerce=_id_or_none, validate_choice=False,
        validators=[DataRequired(message=_l("Choose who joined."))],
    )  # fmt: skip
    next = HiddenField()


class _About(Form):
    """The family a note or an action item is about (none for a team note)."""

    household_id = _hidden_id()
    child_id = _hidden_id()
    next = HiddenField()


class NoteForm(_About):
    body = TextAreaField(
        _l("Note"),
        validators=[DataRequired(message=_l("Write the note.")), Length(max=NOTE_LIMIT)],
    )
    corrects_id = _hidden_id()


class EditNoteForm(Form):
    body = TextAreaField(
        _l("Note"),
        validators=[DataRequired(message=_l("Write the note.")), Length(max=NOTE_LIMIT)],
    )
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    next = HiddenField()


class ActionItemForm(_About):
    title = StringField(
        _l("Action item"),
        validators=[DataRequired(message=_l("Say what needs doing.")), Length(max=TITLE_LIMIT)],
    )
    assignee_id = SelectField(
        _l("Who does it"), coerce=_id_or_none, validate_choice=False,
        validators=[DataRequired(message=_l("Choose who does it."))],
    )  # fmt: skip
    due_on = DateField(
        _l("Due date"), validators=[InputRequired(message=_l("Enter the date it is due by."))]
    )


class EndHuddleForm(Form):
    next = HiddenField()
