"""Forms of the partner portal: the status filter, and one answer to a referral."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.core.forms import Form
from app.referrals.models import ReasonCode, ReferralStatus
from app.referrals.operations import NOTE_LIMIT

R = ReasonCode
S = ReferralStatus


class StatusFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET filter changes nothing

    status = SelectField(
        _l("Show"),
        choices=lambda: [
            ("", _l("All referrals")),
            ("new", _l("New")),
            ("in_progress", _l("In progress")),
            ("closed", _l("Closed")),
        ],
        default="",
        validators=[Optional()],
    )


@dataclass(frozen=True)
class Action:
    """One answer the portal offers: the status it moves to and what it asks for (worded by
    app.referrals.present.action_label, as on the clinic's pages)."""

    target: ReferralStatus
    reasons: tuple[ReasonCode, ...] = ()
    needs_outcome: bool = False


#: The answers a partner gives, in the order offered; the status machine decides which apply now.
ACTIONS = (
    Action(S.ACCEPTED),
    Action(S.REJECTED, (R.NO_CAPACITY, R.NOT_ELIGIBLE, R.WRONG_SERVICE, R.DUPLICATE, R.OTHER)),
    Action(S.IN_PROGRESS),
    Action(S.ON_HOLD, (R.COULD_NOT_CONTACT, R.FAMILY_DECLINED, R.NO_CAPACITY, R.OTHER)),
    Action(S.COMPLETED, needs_outcome=True),
    Action(S.FAILED, (R.COULD_NOT_CONTACT, R.FAMILY_DECLINED, R.NOT_ELIGIBLE, R.NEED_RESOLVED,
                      R.NO_CAPACITY, R.OTHER)),
)  # fmt: skip
ACTION_FOR = {action.target: action for action in ACTIONS}


class AnswerForm(Form):
    target = HiddenField(validators=[DataRequired(), AnyOf([a.target.value for a in ACTIONS])])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason_code = SelectField(
        _l("Reason"),
        choices=lambda: [("", _l("— choose —"))] + [(r.value, r.label) for r in ReasonCode],
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_LIMIT)])
    outcome = TextAreaField(
        _l("What was done for the family"), validators=[Optional(), Length(max=NOTE_LIMIT)]
    )
