"""Form for correcting a practice's wording."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.forms import Form


class PracticeWordingForm(Form):
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=300)])
    description_en = TextAreaField(
        _l("Description in English"), validators=[DataRequired(), Length(max=2000)]
    )
    title_es = StringField(_l("Title in Spanish"), validators=[DataRequired(), Length(max=300)])
    description_es = TextAreaField(
        _l("Description in Spanish"), validators=[DataRequired(), Length(max=2000)]
    )
