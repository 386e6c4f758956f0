"""Forms for the day's schedule, one appointment, and the schedule import."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional

from app.accounts.queries import staff_with_role
from app.appointments.models import AppointmentStatus, VisitKind
from app.clinics.queries import sites_of
from app.core.forms import Form
from app.core.languages import caregiver_language_choices
from app.core.roles import Role


class DayFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET filter changes nothing

    day = DateField(_l("Day"), validators=[Optional()])
    site_id = SelectField(_l("Site"), coerce=str, validators=[Optional()])
    clinician_id = SelectField(_l("Clinician"), coerce=str, validators=[Optional()])


def fill_people_choices(form: Any, clinic_id: int) -> None:
    """The clinic's clinicians and sites for a filter ("any") or an appointment ("none")."""
    everyone = [("", _("— any —") if isinstance(form, DayFilterForm) else _("— none —"))]
    form.clinician_id.choices = everyone + [
        (str(u.id), u.full_name) for u in staff_with_role(clinic_id, Role.CLINICIAN)
    ]
    form.site_id.choices = everyone + [(str(s.id), s.name) for s in sites_of(clinic_id)]


class AppointmentForm(Form):
    record_number = StringField(
        _l("Child's record number"), validators=[DataRequired(), Length(max=40)]
    )
    day = DateField(_l("Date"), validators=[DataRequired()])
    at = TimeField(_l("Time"), validators=[DataRequired()])
    visit_kind = SelectField(
        _l("Visit"),
        choices=lambda: [(kind.value, kind.label) for kind in VisitKind],
        validators=[DataRequired()],
    )
    clinician_id = SelectField(_l("Clinician"), coerce=str, validators=[Optional()])
    site_id = SelectField(_l("Site"), coerce=str, validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=lambda: [(status.value, status.label) for status in AppointmentStatus],
        default=AppointmentStatus.SCHEDULED.value,
    )
    needs_interpreter = BooleanField(_l("Interpreter needed"))
    interpreter_language = SelectField(
        _l("Interpreter language"),
        choices=lambda: [("", "—"), *caregiver_language_choices()],
        validators=[Optional()],
    )
    is_group_visit = BooleanField(_l("Group well-child visit"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ScheduleImportForm(Form):
    day = DateField(
        _l("Day of this schedule"),
        description=_l("Used for rows that have no date column."),
        validators=[DataRequired()],
    )
    file = FileField(
        _l("Schedule file (CSV)"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
    )
