"""Forms for clinic settings, sites and partner organizations."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from app.clinics.models import PartnerKind
from app.core.forms import Form


def _timezone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones()) if "/" in zone]


def _user_id_or_none(value: str | int | None) -> int | None:
    return None if value in ("", None) else int(value)


ESCALATION_MINUTES_MESSAGE = _l("Enter a number of minutes from 1 to 1440 (24 hours).")
HANDOFF_MINUTES_MESSAGE = _l("Enter a number of minutes from 1 to 240 (4 hours).")
FAILED_CONTACTS_MESSAGE = _l("Enter a number of attempts from 1 to 20.")
SMALL_CELL_MESSAGE = _l("Enter a number of families from 1 to 100.")


def _kept_when_absent(_form: Form, field: IntegerField) -> None:
    """A form sent without this field (a page opened before it existed) keeps the saved number."""
    if not field.raw_data:
        raise StopValidation()


def _whole_number(message: str, low: int, high: int) -> list:
    return [
        _kept_when_absent,
        InputRequired(message=message),
        NumberRange(min=low, max=high, message=message),
    ]


class ClinicSettingsForm(Form):
    name = StringField(_l("Clinic name"), validators=[DataRequired(), Length(max=200)])
    default_locale = SelectField(_l("Default language for pages"), validators=[DataRequired()])
    timezone = SelectField(_l("Time zone"), choices=_timezone_choices, validators=[DataRequired()])
    critical_flag_escalation_minutes = IntegerField(
        _l("Minutes a critical answer may wait for a clinician"),
        validators=[
            InputRequired(message=ESCALATION_MINUTES_MESSAGE),
            NumberRange(min=1, max=1440, message=ESCALATION_MINUTES_MESSAGE),
        ],
        description=_l(
            "After this long without a clinician recording the action taken, the practice "
            "manager on duty is told by e-mail."
        ),
    )
    handoff_accept_minutes = IntegerField(
        _l("Minutes a warm handoff may wait for a navigator"),
        validators=_whole_number(HANDOFF_MINUTES_MESSAGE, 1, 240),
        description=_l(
            "After this long with no navigator accepting, the front desk and the practice "
            "managers are told, once."
        ),
    )
    failed_contacts_before_review = IntegerField(
        _l("Failed contact attempts before a follow-up needs review"),
        validators=_whole_number(FAILED_CONTACTS_MESSAGE, 1, 20),
        description=_l(
            "After this many attempts in a row that do not reach the family, the follow-up is "
            "marked for review and the person who asked for it and the practice managers are told."
        ),
    )
    small_cell_minimum = IntegerField(
        _l("Smallest group shown on metrics"),
        validators=_whole_number(SMALL_CELL_MESSAGE, 1, 100),
        description=_l(
            "Breakdown figures counting fewer than this many are hidden on the metrics pages and "
            "reports, and their families are not listed, so that no family can be singled out. "
            "11 is the usual public-health rule."
        ),
    )
    # Choices are the clinic's active practice managers (set by the view); the operation refuses
    # anyone else with its own message, so the field does not check them twice.
    on_duty_manager_id = SelectField(
        _l("Practice manager on duty"), coerce=_user_id_or_none, validate_choice=False
    )


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
