"""Forms for households, caregivers, children, enrolment and the record search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import Form
from app.core.languages import caregiver_language_choices
from app.families.models import Insurance, Program, RaceEthnicity, Relationship, Sex


def _choices(enum_cls):
    return lambda: [(member.value, member.label) for member in enum_cls]


class ChildSearchForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET search changes nothing

    # default="": a link that carries only some of the criteria still searches.
    name = StringField(
        _l("Name of child or caregiver"), default="", validators=[Optional(), Length(max=100)]
    )
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    record_number = StringField(
        _l("Record number"), default="", validators=[Optional(), Length(max=40)]
    )


class HouseholdForm(Form):
    name = StringField(
        _l("Household name"),
        description=_l("How the team refers to this family, e.g. the family name."),
        validators=[DataRequired(), Length(max=200)],
    )
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    notes = TextAreaField(_l("Notes for the team"), validators=[Optional(), Length(max=4000)])


class CaregiverForm(Form):
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=100)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=100)])
    relationship_to_child = SelectField(
        _l("Relationship to the children"),
        choices=_choices(Relationship),
        coerce=Relationship,
        validators=[DataRequired()],
    )
    preferred_language = SelectField(
        _l("Preferred language"), choices=caregiver_language_choices, validators=[DataRequired()]
    )
    needs_interpreter = BooleanField(_l("Needs an interpreter"))
    phone = TelField(_l("Mobile phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    is_primary_contact = BooleanField(_l("Primary contact for the household"))
    race_ethnicity = SelectMultipleField(
        _l("Race and ethnicity (self-reported, optional)"),
        choices=_choices(RaceEthnicity),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )


class ChildForm(Form):
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=100)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=100)])
    date_of_birth = DateField(_l("Date of birth"), validators=[DataRequired()])
    sex = SelectField(_l("Sex"), choices=_choices(Sex), coerce=Sex, validators=[DataRequired()])
    record_number = StringField(_l("Record number"), validators=[DataRequired(), Length(max=40)])
    insurance = SelectField(
        _l("Insurance"), choices=_choices(Insurance), coerce=Insurance, validators=[DataRequired()]
    )
    primary_clinician_id = SelectField(_l("Primary clinician"), coerce=str, validators=[Optional()])


class EnrolmentForm(Form):
    program = SelectField(
        _l("Program"), choices=_choices(Program), coerce=Program, validators=[DataRequired()]
    )
    enrolled_on = DateField(_l("Enrolled on"), validators=[DataRequired()])
    healthysteps_tier = IntegerField(
        _l("HealthySteps tier"),
        description=_l("1 universal, 2 short-term supports, 3 comprehensive services."),
        validators=[Optional(), NumberRange(min=1, max=3)],
    )
    family_specialist_id = SelectField(
        _l("DULCE family specialist"), coerce=str, validators=[Optional()]
    )


class EndEnrolmentForm(Form):
    ended_on = DateField(_l("Ended on"), validators=[DataRequired()])
