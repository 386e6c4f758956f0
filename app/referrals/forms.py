"""Forms of the referral pages: a new referral, one move of the status machine, the list filter."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from app.core.forms import Form
from app.referrals.models import (
    REFERRAL_NEEDS,
    IhelpDomain,
    ReasonCode,
    ReferralTarget,
)
from app.referrals.operations import NOTE_LIMIT
from app.referrals.present import need_label


def need_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(need, need_label(need)) for need in REFERRAL_NEEDS]


def target_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(t.value, t.label) for t in ReferralTarget]


class ReferralForm(Form):
    need = SelectField(
        _l("What the family wants help with"),
        choices=lambda: need_choices(_("— choose a need —")),
        validators=[DataRequired(message=_l("Choose the need this referral is for."))],
    )
    reasons = SelectMultipleField(
        _l("Why: the family's own words and screens"),
        description=_l("Tick what led to this referral. Only the clinic sees these."),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    target = SelectField(
        _l("Refer to"),
        choices=lambda: target_choices(_("— choose a team or a partner —")),
        validators=[DataRequired(message=_l("Choose a team or a partner organization."))],
    )
    partner_organization_id = SelectField(
        _l("Partner organization"),
        description=_l("Only when referring to a partner organization."),
        validators=[Optional()],
    )
    ihelp_domain = SelectField(
        _l("Legal domain (I-HELP)"),
        description=_l("Only for a referral to the legal partner."),
        choices=lambda: (
            [("", _("— not a legal referral —"))] + [(d.value, d.label) for d in IhelpDomain]
        ),
        validators=[Optional()],
    )
    service_id = SelectField(
        _l("Service from the clinic's directory (optional)"), validators=[Optional()]
    )
    request_note = TextAreaField(
        _l("Note for the team or partner"),
        description=_l(
            "What the family wants help with, in words the recipient needs — no screening scores."
        ),
        validators=[Optional(), Length(max=NOTE_LIMIT)],
    )
    is_warm_handoff = BooleanField(
        _l("Warm handoff now: the family is in clinic and a colleague comes to meet them"),
        description=_l("Only during a visit, and only to a team inside the clinic."),
    )


class TransitionForm(Form):
    """One move; the page shows one per move the user's side may make, each with its own prefix."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    reason_code = SelectField(
        _l("Reason"),
        choices=lambda: [("", _("— choose a reason —"))] + [(r.value, r.label) for r in ReasonCode],
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_LIMIT)])
    outcome = TextAreaField(
        _l("What was done for the family"),
        description=_l("The outcome the clinician will see: it closes the loop."),
        validators=[Optional(), Length(max=NOTE_LIMIT)],
    )


class ReferralFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # filtering changes nothing

    status = SelectField(
        _l("Status"),
        choices=lambda: [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))],
        default="open",
        validators=[Optional()],
    )
    target = SelectField(
        _l("Referred to"), choices=lambda: target_choices(_("Any")), validators=[Optional()]
    )
    need = SelectField(_l("Need"), choices=lambda: need_choices(_("Any")), validators=[Optional()])
