"""Which family needs a directory service meets: the codes, their names, and how HSDS taxonomy terms
map onto them (HSDS has no need field of its own)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.referrals.models import REFERRAL_NEEDS
from app.referrals.present import need_label

#: The family check-in's needs and the needs a visit brings up: what a referral can be for.
DIRECTORY_NEEDS = REFERRAL_NEEDS


def need_choices() -> list[tuple[str, str]]:
    return [(need, need_label(need)) for need in DIRECTORY_NEEDS]


# A taxonomy term (its name or code) meets a need when one of the need's keywords starts a word of
# it: "Food Pantries" → food, "Rent Payment Assistance" → housing. Terms that match nothing are
# ignored, since a taxonomy describes far more than the needs a pediatric clinic refers for. AIRS /
# 211 taxonomy codes are matched on their top-level prefix (BD Food, BH Housing/Shelter, BT
# Transportation, BV Utilities, FT Legal Services, NL Public Assistance Programs).
TAXONOMY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "food": ("food", "pantry", "pantries", "meal", "grocer", "nutrition", "wic", "snap", "hunger"),
    "housing": ("housing", "shelter", "rent", "homeless", "tenant", "eviction"),
    "utilities": ("utilit", "electric", "heating", "energy assistance", "water bill", "liheap"),
    "transportation": ("transport", "transit", "bus pass", "ride", "taxi"),
    "child_care": ("child care", "childcare", "day care", "daycare", "preschool", "head start"),
    "income_benefits": (
        "benefit",
        "cash assistance",
        "tanf",
        "income",
        "financial",
        "tax prep",
        "employment",
        "job",
        "diaper",
    ),
    "legal": ("legal", "lawyer", "attorney", "immigration", "eviction defense"),
    "safety_home": ("domestic violence", "intimate partner", "family violence", "victim"),
    "stress_support": ("support group", "mental health", "stress", "crisis", "warmline", "therapy"),
    "caregiver_depression": ("postpartum", "perinatal", "maternal depression", "depression"),
    "child_development": ("early intervention", "developmental", "child development", "speech"),
    "parenting": ("parent", "fatherhood", "playgroup", "play group", "home visiting"),
}
TAXONOMY_CODE_PREFIXES = {
    "BD": "food",
    "BH": "housing",
    "BT": "transportation",
    "BV": "utilities",
    "FT": "legal",
    "NL": "income_benefits",
}
_KEYWORD_PATTERNS = {
    need: re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + ")", re.IGNORECASE)
    for need, words in TAXONOMY_KEYWORDS.items()
}
_AIRS_CODE = re.compile(r"^([A-Z]{2})(?:-|$)")


def needs_from_terms(terms: Iterable[str]) -> list[str]:
    """The needs that taxonomy terms (names or codes) point to, in DIRECTORY_NEEDS order."""
    found: set[str] = set()
    for term in terms:
        term = term.strip()
        if term.lower() in DIRECTORY_NEEDS:
            found.add(term.lower())
        if (code := _AIRS_CODE.match(term)) and code.group(1) in TAXONOMY_CODE_PREFIXES:
            found.add(TAXONOMY_CODE_PREFIXES[code.group(1)])
        found.update(need for need, pattern in _KEYWORD_PATTERNS.items() if pattern.search(term))
    return [need for need in DIRECTORY_NEEDS if need in found]
