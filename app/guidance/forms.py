"""Forms for the guidance library: filtering the list, writing and editing a prompt."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.appointments.models import VisitKind
from app.core.forms import Form
from app.guidance.labels import trigger_label
from app.guidance.library import (
    BODY_MAX,
    TEXT_LANGUAGES,
    TIP_LANGUAGES,
    TIP_MAX,
    TITLE_MAX,
    VISIT_KINDS,
    WHY_MAX,
)
from app.guidance.models import GuidancePrompt, PromptCategory
from app.guidance.triggers import TRIGGER_VOCABULARY


def _visit_choices() -> list[tuple[str, str]]:
    return [(k.value, k.label) for k in VisitKind if k != VisitKind.OTHER]


def _category_choices() -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in PromptCategory]


def _checkboxes(label: Any, **kwargs: Any) -> SelectMultipleField:
    return SelectMultipleField(
        label, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False), **kwargs
    )


def _words(label: Any, max_length: int, *, required: bool = False, area: bool = True) -> Any:
    validators = [DataRequired() if required else Optional(), Length(max=max_length)]
    return (TextAreaField if area else StringField)(label, validators=validators)


class PromptFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # filtering a list changes nothing

    visit_kind = SelectField(
        _l("Visit"), choices=lambda: [("", _l("All visits")), *_visit_choices()], default=""
    )
    category = SelectField(
        _l("Category"),
        choices=lambda: [("", _l("All categories")), *_category_choices()],
        default="",
    )

    def chosen(self) -> tuple[str | None, PromptCategory | None]:
        """The visit and category to show; a value the list does not offer means "all"."""
        visit_kind, category = self.visit_kind.data, self.category.data
        if visit_kind not in VISIT_KINDS:
            visit_kind = self.visit_kind.data = None
        if category not in {c.value for c in PromptCategory}:
            category = self.category.data = None
        return visit_kind, PromptCategory(category) if category else None


class PromptForm(Form):
    category = SelectField(_l("Category"), choices=_category_choices, validators=[DataRequired()])
    title_en = _words(_l("Title in English"), TITLE_MAX, required=True, area=False)
    body_en = _words(_l("What to say or do, in English"), BODY_MAX, required=True)
    why_en = _words(_l("Why it matters, in English"), WHY_MAX)
    title_es = _words(_l("Title in Spanish"), TITLE_MAX, area=False)
    body_es = _words(_l("What to say or do, in Spanish"), BODY_MAX)
    why_es = _words(_l("Why it matters, in Spanish"), WHY_MAX)
    tip_en = _words(_l("Tip for the family in English"), TIP_MAX)
    tip_es = _words(_l("Tip for the family in Spanish"), TIP_MAX)
    tip_ar = _words(_l("Tip for the family in Arabic"), TIP_MAX)
    visit_kinds = _checkboxes(
        _l("Visits"),
        description=_l("Choose none to show the prompt at every visit."),
        choices=_visit_choices,
        validators=[Optional()],
    )
    triggers = _checkboxes(
        _l("Show only when"),
        description=_l("Choose none to show the prompt whenever the visit fits."),
        choices=lambda: [(t, trigger_label(t)) for t in TRIGGER_VOCABULARY],
        validators=[Optional()],
    )
    practice_codes = _checkboxes(
        _l("Common practices it serves"),
        validators=[DataRequired(message=_l("Choose at least one common practice."))],
    )
    is_active = BooleanField(_l("Show this prompt at visits"))

    @staticmethod
    def data_of(prompt: GuidancePrompt) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: getattr(prompt, name) for name in ("visit_kinds", "triggers", "practice_codes")
        }
        data.update(category=prompt.category.value, is_active=prompt.is_active)
        for language in TEXT_LANGUAGES:
            words = prompt.text.get(language, {})
            for part in ("title", "body", "why"):
                data[f"{part}_{language}"] = words.get(part, "")
        data.update(
            {f"tip_{lang}": (prompt.family_tip or {}).get(lang, "") for lang in TIP_LANGUAGES}
        )
        return data

    def prompt_fields(self) -> dict[str, Any]:
        """What the admin wrote, in the shape of `create_prompt` / `update_prompt`."""
        text = {
            language: {
                part: self[f"{part}_{language}"].data or "" for part in ("title", "body", "why")
            }
            for language in TEXT_LANGUAGES
        }
        return {
            "category": self.category.data,
            "text": text,
            "family_tip": {lang: self[f"tip_{lang}"].data or "" for lang in TIP_LANGUAGES},
            "visit_kinds": self.visit_kinds.data or [],
            "triggers": self.triggers.data or [],
            "practice_codes": self.practice_codes.data or [],
            "is_active": self.is_active.data,
        }
