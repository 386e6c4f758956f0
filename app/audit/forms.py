"""The audit log's filter form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from app.core.audit import AuditAction
from app.core.forms import Form

ACTION_LABELS = {
    AuditAction.VIEW: _l("Viewed"),
    AuditAction.SEARCH: _l("Searched"),
    AuditAction.CREATE: _l("Created"),
    AuditAction.UPDATE: _l("Changed"),
    AuditAction.DELETE: _l("Removed"),
    AuditAction.IMPORT: _l("Imported"),
    AuditAction.EXPORT: _l("Exported"),
    AuditAction.SIGN_IN: _l("Signed in"),
    AuditAction.SIGN_IN_FAILED: _l("Failed sign-in"),
    AuditAction.SIGN_OUT: _l("Signed out"),
}


class AuditFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET filter changes nothing

    actor_user_id = SelectField(_l("Person"), coerce=str, validators=[Optional()])
    action = SelectField(
        _l("Action"),
        choices=lambda: [("", _l("— any —"))] + [(a.value, ACTION_LABELS[a]) for a in AuditAction],
        validators=[Optional()],
    )
    object_type = SelectField(_l("Record type"), coerce=str, validators=[Optional()])
    child_id = IntegerField(_l("Child id"), validators=[Optional(), NumberRange(min=1)])
    household_id = IntegerField(_l("Household id"), validators=[Optional(), NumberRange(min=1)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
