"""The common practices a visit's data implies, offered for a one-tap record (DESIGN §2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.visits.billing import CAREGIVER_DEPRESSION, CHILD_BEHAVIORAL, DEVELOPMENTAL, FAMILY_NEEDS
from app.visits.facts import VisitFacts

#: The catalogue's order (app/practices/catalogue.json); codes are stable, wording is the clinic's.
PRACTICE_ORDER = (
    "N1",
    "N2",
    "N3",
    "N4",
    "N5",
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "D1",
    "D2",
    "D3",
    "D4",
)

#: Needs the legal partner and benefits navigation take on (C5: medical-legal partnership, benefits).
LEGAL_AND_BENEFITS_NEEDS = frozenset({"legal", "income_benefits"})
PROGRAMS = {"healthysteps": "HealthySteps", "dulce": "DULCE"}


@dataclass(frozen=True)
class PracticeSuggestion:
    code: str
    #: Lazily translated: renders in the locale current when it is shown.
    reason: LazyString


def _screened_here(facts: VisitFacts, keys: frozenset[str]) -> bool:
    # Delivering a screen is the practice, finished or not; billing asks more (app.visits.billing).
    return any(s.this_visit and s.instrument_key in keys for s in facts.screens)


def _checkin_here(facts: VisitFacts) -> LazyString | None:
    if _screened_here(facts, frozenset({"family-checkin"})):
        return _l("The family shared their priorities in the check-in before this visit.")
    return None


def _strength(facts: VisitFacts) -> LazyString | None:
    if facts.has_strength_noticed:
        return _l("A strength you noticed between parent and child is recorded for this visit.")
    return None


def _group(facts: VisitFacts) -> LazyString | None:
    return _l("This is a group visit.") if facts.is_group_visit else None


def _child_screen(facts: VisitFacts) -> LazyString | None:
    if _screened_here(facts, CHILD_BEHAVIORAL | DEVELOPMENTAL):
        return _l("A developmental or behavioral screen of the child was done at this visit.")
    return None


def _caregiver_or_family_screen(facts: VisitFacts) -> LazyString | None:
    if _screened_here(facts, CAREGIVER_DEPRESSION | FAMILY_NEEDS):
        return _l("A caregiver depression or family-needs screen was done at this visit.")
    return None


def _caregiver_needs_support(facts: VisitFacts) -> LazyString | None:
    # A positive caregiver screen, or a critical answer on one (PHQ-9 item 9, EPDS item 10), calls for
    # linking the caregiver to support (AAP 2019 perinatal depression policy; domain-research §2.1).
    positive = any(facts.positive(key) for key in CAREGIVER_DEPRESSION)
    critical = any(code.split(":")[0] in CAREGIVER_DEPRESSION for code in facts.critical_codes)
    if positive or critical:
        return _l(
            "A caregiver depression screen was positive or had a critical answer: link the caregiver to support."
        )
    return None


def _help_asked(facts: VisitFacts) -> LazyString | None:
    if facts.needs_yes:
        return _l("The family asked for help with a need in the check-in.")
    return None


def _legal_or_benefits(facts: VisitFacts) -> LazyString | None:
    if facts.needs_yes & LEGAL_AND_BENEFITS_NEEDS:
        return _l("The family asked for help with a legal worry or with money, work or benefits.")
    return None


def _program(facts: VisitFacts) -> LazyString | None:
    enrolled = [name for key, name in PROGRAMS.items() if key in facts.programs]
    if enrolled:
        return _l(
            "The child is enrolled in %(programs)s: a specialist works with the family alongside the clinician.",
            programs=", ".join(enrolled),
        )
    return None


#: (practice code, rule); the first rule that holds gives a practice its reason.
RULES: tuple[tuple[str, Callable[[VisitFacts], LazyString | None]], ...] = (
    ("N1", _checkin_here),
    ("N3", _strength),
    ("N5", _group),
    ("C1", _child_screen),
    ("C2", _caregiver_or_family_screen),
    ("C3", _caregiver_needs_support),
    ("C3", _help_asked),
    ("C5", _legal_or_benefits),
    ("D1", _program),
)


def suggested_practices(facts: VisitFacts) -> list[PracticeSuggestion]:
    """Practices this visit's data implies that nobody has recorded yet, in catalogue order."""
    found: dict[str, LazyString] = {}
    for code, rule in RULES:
        if code in found or code in facts.practices_delivered:
            continue
        if (reason := rule(facts)) is not None:
            found[code] = reason
    return [PracticeSuggestion(code, found[code]) for code in PRACTICE_ORDER if code in found]
