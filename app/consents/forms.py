"""Forms for recording a consent the family gave to staff, and for revoking one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.consents.labels import DATA_LABELS, STAFF_METHODS, method_label, need_choices
from app.consents.models import Recipient
from app.consents.operations import NOTE_LIMIT
from app.core.forms import Form


def _checkboxes(label, choices, **kwargs) -> SelectMultipleField:
    return SelectMultipleField(
        label, choices=choices, option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False), validators=[DataRequired()], **kwargs,
    )  # fmt: skip


class ConsentForm(Form):
    caregiver_id = SelectField(_l("Caregiver who gave consent"), validators=[DataRequired()])
    recipient = SelectField(
        _l("Who may receive it"),
        choices=lambda: [(r.value, r.label) for r in Recipient],
        validators=[DataRequired()],
    )
    partner_organization_id = SelectField(
        _l("Named partner organization"),
        description=_l(
            "Leave empty when the family agreed to every organization of this kind the clinic works with."
        ),
        validators=[Optional()],
    )
    scope_needs = _checkboxes(_l("Needs the family agrees to share"), need_choices)
    scope_data = _checkboxes(
        _l("What the recipient may see"),
        lambda: [(key, str(label)) for key, label in DATA_LABELS.items()],
        description=_l("Screening answers and scores are never shared."),
        default=["contact", "needs"],
    )
    method = SelectField(
        _l("How the family gave consent"),
        choices=lambda: [(m.value, method_label(m)) for m in STAFF_METHODS],
        validators=[DataRequired()],
    )
    expires_on = DateField(
        _l("Valid until (optional)"),
        description=_l(
            "The consent ends at the end of this day. Leave empty if it does not expire."
        ),
        validators=[Optional()],
    )


class RevokeForm(Form):
    note = TextAreaField(
        _l("How did the family withdraw consent?"),
        validators=[DataRequired(), Length(max=NOTE_LIMIT)],
    )
