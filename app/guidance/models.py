"""The guidance content library: one clinic's editable copy of the shipped prompts."""

from __future__ import annotations

import enum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, TimestampMixin, enum_column


class PromptCategory(enum.StrEnum):
    STRENGTH = "strength"
    SOCIAL_EMOTIONAL = "social_emotional"
    LANGUAGE_PLAY = "language_play"
    CAREGIVER = "caregiver"
    ASK_NEXT = "ask_next"

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS[self])


CATEGORY_LABELS = {
    PromptCategory.STRENGTH: _l("A strength to notice and name"),
    PromptCategory.SOCIAL_EMOTIONAL: _l("Social-emotional guidance for this age"),
    PromptCategory.LANGUAGE_PLAY: _l("Talk, read and play"),
    PromptCategory.CAREGIVER: _l("Caring for the caregiver"),
    PromptCategory.ASK_NEXT: _l("What to ask next"),
}


class GuidancePrompt(TimestampMixin, Base):
    """One prompt for the clinician, shown at the visits and for the results it is keyed to."""

    __tablename__ = "guidance_prompts"
    __table_args__ = (sa.UniqueConstraint("clinic_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    #: Stable id from the shipped library ("2m-social-smile"); a clinic's own prompts get theirs.
    key: Mapped[str] = mapped_column(sa.String(80))
    category: Mapped[PromptCategory] = mapped_column(enum_column(PromptCategory, "prompt_category"))
    #: Visit kinds (VisitKind values) it belongs to; empty means every visit.
    visit_kinds: Mapped[list[str]] = mapped_column(sa.JSON)
    #: Shown only when the visit has one of these triggers (see app.guidance.triggers); empty = always.
    triggers: Mapped[list[str]] = mapped_column(sa.JSON)
    #: Common practice codes it serves (N1…D4).
    practice_codes: Mapped[list[str]] = mapped_column(sa.JSON)
    #: Language → {"title", "body", "why"} for the clinician.
    text: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON)
    #: Language → a tip for the family's visit summary; empty when the prompt has none.
    family_tip: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def text_in(self, language: str) -> dict[str, str]:
        """The clinician's wording in `language`, falling back to English."""
        return self.text.get(language) or self.text["en"]

    def audit_refs(self) -> dict[str, Any]:
        return {}
