"""Exact scoring of each instrument. Pure: answers in, a Score out; no Flask, no database.

A missing answer never counts as 0 in a decision: an incomplete screen has no total, and it is
positive only when the answers it does have already reach the cut-off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from app.screening.definitions import Instrument

Answers = Mapping[str, str]  # item id → answer code


@dataclass(frozen=True)
class FlagSpec:
    kind: str  # "positive" or "critical"
    code: str  # e.g. "phq-9", "phq-9:item-9", "family-checkin:food"
    item_id: str | None = None
    need: str | None = None


@dataclass(frozen=True)
class Score:
    is_complete: bool
    #: Sum of all items; None unless every scored item was answered.
    total: int | None
    #: Sum of the items that were answered: a floor under the true total.
    answered_total: int | None
    band: str | None
    #: None when the answers given cannot decide it.
    is_positive: bool | None
    missing: tuple[str, ...] = ()
    flags: tuple[FlagSpec, ...] = ()
    #: Another instrument to continue with in the same sitting (PHQ-2 → PHQ-9).
    continue_with: str | None = None
    #: Family check-in: need → "yes" / "not_now" / "no".
    needs: dict[str, str] = field(default_factory=dict)


def _missing(instrument: Instrument, answers: Answers) -> tuple[str, ...]:
    return tuple(i.id for i in instrument.items if i.required and i.id not in answers)


def _item_score(instrument: Instrument, item_id: str, answers: Answers) -> int | None:
    item = instrument.item(item_id)
    option = item.option(answers[item_id]) if item and item_id in answers else None
    return option.score if option else None


def _sum(instrument: Instrument, answers: Answers) -> tuple[int, bool]:
    """The answered items' total and whether every item was answered."""
    scores = [_item_score(instrument, item.id, answers) for item in instrument.items]
    return sum(s for s in scores if s is not None), all(s is not None for s in scores)


def _band(total: int, bands: tuple[tuple[int, str], ...]) -> str:
    return next(name for floor, name in reversed(bands) if total >= floor)


def _summed(
    instrument: Instrument, answers: Answers, *, cutoff: int, bands: tuple[tuple[int, str], ...]
) -> Score:
    answered, complete = _sum(instrument, answers)
    positive = True if answered >= cutoff else (False if complete else None)
    flags = (FlagSpec("positive", instrument.key),) if positive else ()
    return Score(
        is_complete=complete,
        total=answered if complete else None,
        answered_total=answered,
        band=_band(answered, bands) if complete else None,
        is_positive=positive,
        missing=_missing(instrument, answers),
        flags=flags,
    )


def _with_critical(score: Score, instrument: Instrument, answers: Answers, item_id: str) -> Score:
    item_score = _item_score(instrument, item_id, answers)
    if not item_score:
        return score
    critical = FlagSpec("critical", f"{instrument.key}:{item_id}", item_id=item_id)
    return Score(**{**score.__dict__, "flags": (*score.flags, critical)})


# PHQ-2 ≥ 3: sensitivity 83%, specificity 92% for major depression (Kroenke, Spitzer & Williams,
# Med Care 2003;41:1284-92); a positive PHQ-2 continues to PHQ-9 items 3-9 in the same sitting.
PHQ2_CUTOFF = 3
PHQ2_BANDS = ((0, "negative"), (3, "positive"))

# PHQ-9 severity 5/10/15/20 and ≥ 10 positive (Kroenke, Spitzer & Williams, J Gen Intern Med
# 2001;16:606-13); item 9 > 0 needs same-day safety assessment.
PHQ9_CUTOFF = 10
PHQ9_BANDS = (
    (0, "minimal"),
    (5, "mild"),
    (10, "moderate"),
    (15, "moderately_severe"),
    (20, "severe"),
)
PHQ9_CRITICAL_ITEM = "phq-9"

# EPDS: items 1, 2, 4 score 0-3 and the rest 3-0 (reverse), total 0-30; ≥ 10 possible and ≥ 13
# probable depression; any answer above 0 on item 10 always prompts same-day assessment
# (Cox, Holden & Sagovsky, Br J Psychiatry 1987;150:782-6).
EPDS_REVERSE_SCORED = frozenset({3, 5, 6, 7, 8, 9, 10})
EPDS_CUTOFF = 10
EPDS_BANDS = ((0, "below_threshold"), (10, "possible"), (13, "probable"))
EPDS_CRITICAL_ITEM = "epds-10"

# Hunger Vital Sign: at risk if either statement is "often true" or "sometimes true"
# (Hager et al., Pediatrics 2010;126:e26-32).
HVS_AT_RISK_ANSWERS = frozenset({"often", "sometimes"})

#: A family asking for help with safety at home is seen the same day, like a critical screen item.
CHECKIN_CRITICAL_NEEDS = frozenset({"safety_home"})


def score_phq2(instrument: Instrument, answers: Answers) -> Score:
    score = _summed(instrument, answers, cutoff=PHQ2_CUTOFF, bands=PHQ2_BANDS)
    if score.is_positive:
        return Score(**{**score.__dict__, "continue_with": instrument.continues_to})
    return score


def score_phq9(instrument: Instrument, answers: Answers) -> Score:
    score = _summed(instrument, answers, cutoff=PHQ9_CUTOFF, bands=PHQ9_BANDS)
    return _with_critical(score, instrument, answers, PHQ9_CRITICAL_ITEM)


def score_epds(instrument: Instrument, answers: Answers) -> Score:
    score = _summed(instrument, answers, cutoff=EPDS_CUTOFF, bands=EPDS_BANDS)
    return _with_critical(score, instrument, answers, EPDS_CRITICAL_ITEM)


def score_hvs(instrument: Instrument, answers: Answers) -> Score:
    at_risk = any(answers.get(item.id) in HVS_AT_RISK_ANSWERS for item in instrument.items)
    missing = _missing(instrument, answers)
    positive = True if at_risk else (False if not missing else None)
    return Score(
        is_complete=not missing,
        total=None,
        answered_total=None,
        band=None if positive is None else ("at_risk" if positive else "no_risk"),
        is_positive=positive,
        missing=missing,
        flags=(FlagSpec("positive", instrument.key),) if positive else (),
    )


def score_family_checkin(instrument: Instrument, answers: Answers) -> Score:
    needs = {
        item.need: answers[item.id] for item in instrument.items if item.need and item.id in answers
    }
    wanted = [need for need, answer in needs.items() if answer == "yes"]
    flags = [FlagSpec("positive", f"{instrument.key}:{need}", need=need) for need in wanted]
    flags += [
        FlagSpec("critical", f"{instrument.key}:{need}", need=need)
        for need in wanted
        if need in CHECKIN_CRITICAL_NEEDS
    ]
    missing = _missing(instrument, answers)
    return Score(
        is_complete=not missing,
        total=None,
        answered_total=None,
        band="help_wanted" if wanted else None,
        is_positive=True if wanted else (False if not missing else None),
        missing=missing,
        flags=tuple(flags),
        needs=needs,
    )


SCORERS: dict[str, Callable[[Instrument, Answers], Score]] = {
    "phq-2": score_phq2,
    "phq-9": score_phq9,
    "epds": score_epds,
    "hvs": score_hvs,
    "family-checkin": score_family_checkin,
}


def score(instrument: Instrument, answers: Answers) -> Score:
    """Score `answers` (already checked against the instrument) by the instrument's own rules."""
    return SCORERS[instrument.key](instrument, answers)
