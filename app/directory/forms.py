"""Forms for the directory search, the import, and an organization's partner link."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.core.forms import Form
from app.core.languages import caregiver_language_choices
from app.directory.needs import need_choices


class DirectorySearchForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET search changes nothing

    need = SelectField(
        _l("Need"), choices=lambda: [("", _("— any —")), *need_choices()], default=""
    )
    language = SelectField(
        _l("Offered in"),
        choices=lambda: [("", _("— any language —")), *caregiver_language_choices()],
        default="",
    )
    q = StringField(
        _l("Words"),
        description=_l("Name or description of the service or organization"),
        default="",
        validators=[Optional(), Length(max=200)],
    )


class DirectoryImportForm(Form):
    file = FileField(
        _l("Directory file (HSDS JSON or CSV)"),
        validators=[
            FileRequired(),
            FileAllowed(["json", "csv", "txt"], _l("Choose a .json or .csv file.")),
        ],
    )


class PartnerLinkForm(Form):
    partner_organization_id = SelectField(_l("Partner portal"), coerce=str, default="")
