"""Forms of the visit page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.core.forms import Form
from app.visits.operations import NOTE_LIMIT


class PracticeForm(Form):
    code = HiddenField(validators=[DataRequired(), Length(max=8)])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=NOTE_LIMIT)])


class WithdrawPracticeForm(Form):
    code = HiddenField(validators=[DataRequired(), Length(max=8)])


class VisitNotesForm(Form):
    strength_noticed = TextAreaField(
        _l("A strength I noticed"),
        description=_l(
            "Something the caregiver does well with the child, in words for the family. It is printed on the visit summary."
        ),
        validators=[Optional(), Length(max=NOTE_LIMIT)],
    )
    next_steps = TextAreaField(
        _l("What we arranged and whom to contact"),
        description=_l(
            "Referrals, contacts and next steps, in words for the family. Printed on the visit summary; never put scores here."
        ),
        validators=[Optional(), Length(max=NOTE_LIMIT)],
    )
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
