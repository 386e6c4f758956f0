"""Forms of the worklist: a new follow-up, a contact attempt, marking done, choosing whose list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.core.forms import Form
from app.followups.models import ContactMethod
from app.followups.operations import NOTE_LIMIT, TITLE_LIMIT


def _id_or_none(value: str | int | None) -> int | None:
    try:
        return int(value) if value not in ("", None) else None
    except (TypeError, ValueError):
        return None


class FollowUpForm(Form):
    # Choices (the clinic's care team, the household's children and open referrals) are set by
    # the view; the operation refuses anything else with its own message.
    title = StringField(
        _l("What needs doing"),
        validators=[DataRequired(message=_l("Say what needs doing.")), Length(max=TITLE_LIMIT)],
        description=_l("In staff words, with no more health detail than the task needs."),
    )
    assignee_id = SelectField(
        _l("Who does it"),
        coerce=_id_or_none,
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose who does it."))],
    )
    due_on = DateField(
        _l("Due date"), validators=[InputRequired(message=_l("Enter the date it is due by."))]
    )
    child_id = SelectField(_l("Child"), coerce=_id_or_none, validate_choice=False)
    referral_id = SelectField(_l("Referral"), coerce=_id_or_none, validate_choice=False)


class ContactAttemptForm(Form):
    method = SelectField(
        _l("How"),
        choices=lambda: [(m.value, m.label) for m in ContactMethod],
        validators=[DataRequired(message=_l("Choose how you tried to reach the family."))],
    )
    outcome = SelectField(
        _l("Did you reach the family?"),
        choices=lambda: [
            ("", _l("— choose —")),
            ("reached", _l("Reached")),
            ("not_reached", _l("Not reached")),
        ],
        validators=[DataRequired(message=_l("Say whether you reached the family."))],
    )
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=NOTE_LIMIT)])
    next = HiddenField()


class DoneForm(Form):
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class WhoseListForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET filter changes nothing

    user_id = SelectField(_l("Whose worklist"), coerce=_id_or_none, validate_choice=False)


class FamilySearchForm(Form):
    class Meta(Form.Meta):
        csrf = False

    q = StringField(_l("Child or caregiver name, or record number"), validators=[Optional()])
