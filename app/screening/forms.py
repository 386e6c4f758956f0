"""Forms for acknowledging critical answers, correcting responses, and the clinic's schedule."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.appointments.models import VisitKind
from app.core.forms import Form
from app.screening.models import FlagAction


class AcknowledgeFlagForm(Form):
    action = SelectField(
        _l("Action taken"),
        # No action is preselected: recording one must be the clinician's deliberate choice.
        choices=lambda: (
            [("", _("— choose the action you took —"))] + [(a.value, a.label) for a in FlagAction]
        ),
        coerce=lambda value: FlagAction(value) if value else None,
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class EnteredInErrorForm(Form):
    reason = TextAreaField(
        _l("Why is this screen wrong?"), validators=[DataRequired(), Length(max=2000)]
    )


class ScreeningSettingForm(Form):
    is_enabled = BooleanField(_l("Offer this screen"))
    visit_kinds = SelectMultipleField(
        _l("Due at these visits"),
        description=_l("Choose none to make it due at any visit once the last screen has expired."),
        choices=lambda: [(k.value, k.label) for k in VisitKind if k != VisitKind.OTHER],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    validity_days = IntegerField(
        _l("A screen counts for (days)"),
        description=_l("A screen of the household this recent counts for this child and siblings."),
        validators=[
            InputRequired(message=_l("Enter a number of days.")),
            NumberRange(min=0, max=730),
        ],
    )


class PaperEntryStartForm(Form):
    class Meta(Form.Meta):
        csrf = False  # choosing what to enter changes nothing

    instrument = SelectField(_l("Screen"), validators=[DataRequired()])
    language = SelectField(_l("Language of the paper form"), validators=[DataRequired()])
