"""Words printed for families on the visit summary, in the `family` catalogue (en, es, ar)."""

from __future__ import annotations

from app.core.i18n import family_domain

_s = family_domain.lazy_gettext

#: The family check-in's needs, as the family reads them on their summary.
NEED_WORDS = {
    "food": _s("Food"),
    "housing": _s("Housing"),
    "utilities": _s("Utilities such as power, heat or water"),
    "transportation": _s("Transportation"),
    "child_care": _s("Child care"),
    "income_benefits": _s("Money, work or benefits"),
    "legal": _s("A legal worry"),
    "safety_home": _s("Safety at home"),
    "stress_support": _s("Stress and support"),
    "child_development": _s("Your child's development"),
    "parenting": _s("Support for parents"),
}

#: Whom a referral went to, when it is a team of the clinic.
TEAM_WORDS = {
    "healthysteps_specialist": _s("Our HealthySteps specialist"),
    "dulce_family_specialist": _s("Our DULCE family specialist"),
    "community_health_worker": _s("Our community health worker"),
    "social_worker": _s("Our social worker"),
    "behavioral_health": _s("Our care team"),
}


def need_words(needs: frozenset[str] | set[str]) -> list[str]:
    """The needs in the check-in's order, in the current language."""
    return [str(words) for need, words in NEED_WORDS.items() if need in needs]
