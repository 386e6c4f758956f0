"""Which guidance prompts fit a visit: its triggers from the visit's facts, then the selection.

Pure: no Flask, no database. The input is `VisitFacts`; prompts are any objects with `key`,
`category`, `visit_kinds`, `triggers`, `position` and `is_active` (rows or plain records).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

from app.screening.explain import CHECKIN_NEEDS
from app.visits.facts import VisitFacts

#: Display and selection order of the categories (PromptCategory values).
CATEGORY_ORDER = ("strength", "social_emotional", "language_play", "caregiver", "ask_next")

#: Instruments whose positive result can key a prompt (app/screening/instruments).
SCREEN_KEYS = ("phq-2", "phq-9", "epds", "hvs", "family-checkin")
#: Instruments the default schedule can call for (PHQ-9 only ever continues a PHQ-2 sitting).
DUE_KEYS = ("phq-2", "epds", "family-checkin", "hvs")
#: The needs of the family check-in, in its order.
NEEDS = CHECKIN_NEEDS
#: Programs a child can be enrolled in (app.families.models.Program values).
PROGRAMS = ("healthysteps", "dulce")

#: Every trigger a prompt may name, in the order the admin sees them.
TRIGGER_VOCABULARY: tuple[str, ...] = (
    *(f"positive:{key}" for key in SCREEN_KEYS),
    "critical",
    *(f"help:{need}" for need in NEEDS),
    *(f"later:{need}" for need in NEEDS),
    *(f"program:{program}" for program in PROGRAMS),
    *(f"due:{key}" for key in DUE_KEYS),
    "first_visit",
    "group_visit",
)


class Candidate(Protocol):
    key: str
    category: Any
    visit_kinds: Sequence[str]
    triggers: Sequence[str]
    position: int
    is_active: bool


P = TypeVar("P", bound=Candidate)


def visit_triggers(facts: VisitFacts) -> frozenset[str]:
    """The triggers this visit raises, in the words of TRIGGER_VOCABULARY."""
    triggers = {f"positive:{s.instrument_key}" for s in facts.screens if s.is_positive}
    triggers |= {f"help:{need}" for need in facts.needs_yes}
    triggers |= {f"later:{need}" for need in facts.needs_later}
    triggers |= {f"program:{program}" for program in facts.programs}
    triggers |= {f"due:{key}" for key in facts.due}
    flags = {
        "critical": bool(facts.critical_codes),
        "first_visit": facts.is_first_visit,
        "group_visit": facts.is_group_visit,
    }
    triggers |= {name for name, raised in flags.items() if raised}
    return frozenset(triggers)


def _fits(prompt: Candidate, visit_kind: str, raised: frozenset[str]) -> bool:
    return (
        prompt.is_active
        and (not prompt.visit_kinds or visit_kind in prompt.visit_kinds)
        and (not prompt.triggers or not raised.isdisjoint(prompt.triggers))
    )


def _category_rank(prompt: Candidate) -> int:
    category = str(prompt.category)
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)


def select_prompts(prompts: Iterable[P], facts: VisitFacts, *, per_category: int = 2) -> list[P]:
    """The prompts for this visit, by category; triggered ones first and never cut.

    A triggered prompt answers something the family told us (a positive screen, a need, a safety
    answer), so all of them are kept; only general, age-keyed prompts are capped per category.
    """
    raised = visit_triggers(facts)
    fitting = sorted(
        (p for p in prompts if _fits(p, facts.visit_kind, raised)),
        key=lambda p: (_category_rank(p), not p.triggers, p.position, p.key),
    )
    chosen: list[P] = []
    general_taken: dict[int, int] = {}
    for prompt in fitting:
        rank = _category_rank(prompt)
        if not prompt.triggers:
            if general_taken.get(rank, 0) >= per_category:
                continue
            general_taken[rank] = general_taken.get(rank, 0) + 1
        chosen.append(prompt)
    return chosen


def _tip_in(tip: dict[str, str], language: str) -> str:
    base = language.replace("_", "-").split("-")[0]
    return tip.get(language) or tip.get(base) or tip.get("en") or ""


def family_tips(chosen: Iterable[Any], language: str) -> list[str]:
    """The chosen prompts' tips for the family's visit summary, in the family's language.

    Shipped tips exist in every family language; English stands in only where a clinic's own
    prompt has no tip in that language yet.
    """
    tips: list[str] = []
    for prompt in chosen:
        tip = _tip_in(prompt.family_tip or {}, language)
        if tip and tip not in tips:
            tips.append(tip)
    return tips
