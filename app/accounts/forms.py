"""Forms for signing in, one's own account and clinic membership administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.core.forms import Form
from app.core.roles import NavigatorKind, Role


class SignInForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class AccountForm(Form):
    locale = SelectField(_l("Language for pages"), validators=[Optional()])


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=12, max=1024)]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role]


def _navigator_choices() -> list[tuple[str, str]]:
    return [("", _l("— not a navigator —"))] + [(k.value, k.label) for k in NavigatorKind]


class MembershipForm(Form):
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
    navigator_kind = SelectField(
        _l("Navigator kind"), choices=_navigator_choices, validators=[Optional()]
    )
    partner_organization_id = SelectField(
        _l("Partner organization"), coerce=str, validators=[Optional()]
    )
    is_active = BooleanField(_l("Active"), default=True)


class NewMemberForm(MembershipForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("First password"),
        description=_l("At least 12 characters. Share it privately; they can change it later."),
        validators=[Optional(), Length(min=12, max=1024)],
    )
