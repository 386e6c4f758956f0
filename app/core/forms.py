"""Base form: CSRF from Flask-WTF, built-in validator messages in the page's language."""

from __future__ import annotations

from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import get_translations


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            # WTForms ships its own catalogues for "This field is required." and friends.
            return get_translations([str(get_locale()), "en"])
