"""Forms for inviting a family to the screens due, and for filtering today's invitations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from app.core.forms import Form
from app.invitations.models import Channel, InvitationStatus

#: Channels staff choose on the invitation page; the kiosk has its own button.
CHOSEN_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.QR)


class KioskForm(Form):
    """Who answers and in which language; choices depend on the family and what is due."""

    caregiver_id = SelectField(_l("Caregiver who answers"), coerce=str, validators=[Optional()])
    language = SelectField(
        _l("Language of the questions"),
        description=_l("Only languages in which at least one of the screens due is offered."),
        validators=[DataRequired()],
    )


class InvitationForm(KioskForm):
    channel = SelectField(
        _l("Send by"),
        choices=lambda: [(c.value, c.label) for c in CHOSEN_CHANNELS],
        validators=[DataRequired()],
    )


class StatusFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET filter changes nothing

    status = SelectField(
        _l("Status"),
        choices=lambda: [("", _l("— any —")), *((s.value, s.label) for s in InvitationStatus)],
        validators=[Optional()],
    )
