"""Forms for clinic settings, sites and partner organizations."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.clinics.models import PartnerKind
from app.core.forms import Form


def _timezone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones()) if "/" in zone]


class ClinicSettingsForm(Form):
    name = StringField(_l("Clinic name"), validators=[DataRequired(), Length(max=200)])
    default_locale = SelectField(_l("Default language for pages"), validators=[DataRequired()])
    timezone = SelectField(_l("Time zone"), choices=_timezone_choices, validators=[DataRequired()])


class SiteForm(Form):
    name = StringField(_l("New site name"), validators=[DataRequired(), Length(max=120)])


class PartnerOrganizationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=lambda: [(k.value, k.label) for k in PartnerKind],
        validators=[DataRequired()],
    )
    contact_email = EmailField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)]
    )
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    is_active = BooleanField(_l("Active"), default=True)
