"""Languages caregivers commonly prefer in US pediatric practices (BCP 47 codes; names come from Babel)."""

from __future__ import annotations

from app.core.templating import language_name

CAREGIVER_LANGUAGES = (
    "en",
    "es",
    "zh",
    "vi",
    "ar",
    "ht",
    "pt",
    "fr",
    "so",
    "ru",
    "ko",
    "tl",
    "fa",
    "ne",
    "sw",
    "am",
    "ps",
    "uk",
    "bn",
    "hmn",
)


def caregiver_language_choices() -> list[tuple[str, str]]:
    """Language codes with their names in the page's language, sorted by name."""
    return sorted(((code, language_name(code)) for code in CAREGIVER_LANGUAGES), key=lambda c: c[1])
