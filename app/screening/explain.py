"""Scores and flags in plain words for the care team: never a raw number alone."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.screening.models import Flag, ScreeningResponse

NEED_LABELS = {
    "food": _l("Food"),
    "housing": _l("Housing"),
    "utilities": _l("Utilities"),
    "transportation": _l("Transportation"),
    "child_care": _l("Child care"),
    "income_benefits": _l("Money, work or benefits"),
    "legal": _l("A legal worry"),
    "safety_home": _l("Safety at home"),
    "stress_support": _l("Stress and support"),
}

#: The family check-in's needs, in its order (family-checkin.v1.json; a test keeps them in step).
CHECKIN_NEEDS = tuple(NEED_LABELS)

BAND_WORDS = {
    ("phq-2", "negative"): _l("below the cut-off of 3: no sign of depression on this screen"),
    ("phq-2", "positive"): _l("3 or more: possible depression, so the PHQ-9 follows"),
    ("phq-9", "minimal"): _l("minimal depressive symptoms"),
    ("phq-9", "mild"): _l("mild depressive symptoms"),
    ("phq-9", "moderate"): _l("moderate depressive symptoms: a positive screen (10 or more)"),
    ("phq-9", "moderately_severe"): _l("moderately severe depressive symptoms: a positive screen"),
    ("phq-9", "severe"): _l("severe depressive symptoms: a positive screen"),
    ("epds", "below_threshold"): _l("below 10: no sign of depression on this screen"),
    ("epds", "possible"): _l("10 to 12: possible depression, a positive screen"),
    ("epds", "probable"): _l("13 or more: probable depression, a positive screen"),
}

MAXIMUM = {"phq-2": 6, "phq-9": 27, "epds": 30}

CRITICAL_WORDS = {
    "phq-9:phq-9": _l(
        "Answered the question about thoughts of being better off dead or of hurting themselves with more than “not at all”. Follow the safety protocol today."
    ),
    "epds:epds-10": _l(
        "Answered the question about thoughts of self-harm with more than “never”. Follow the safety protocol today."
    ),
    "family-checkin:safety_home": _l(
        "Asked for help with safety at home. Talk with the caregiver privately today."
    ),
}


def need_label(need: str | None) -> str:
    return str(NEED_LABELS.get(need or "", need or ""))


def _scored(response: ScreeningResponse) -> list[str]:
    key = response.instrument_key
    if response.total_score is None:
        return []
    words = BAND_WORDS.get((key, response.band or ""), "")
    return [_("Score %(total)d of %(maximum)d: %(meaning)s.", total=response.total_score,
              maximum=MAXIMUM[key], meaning=words)]  # fmt: skip


def _food(response: ScreeningResponse) -> list[str]:
    if response.band == "at_risk":
        return [_("At risk of food insecurity: the family worried food would run out, or it did.")]
    if response.band == "no_risk":
        return [_("No sign of food insecurity.")]
    return []


def _needs(response: ScreeningResponse) -> list[str]:
    wanted = [need_label(n) for n in _answers_by_need(response, "yes")]
    later = [need_label(n) for n in _answers_by_need(response, "not_now")]
    lines = []
    if wanted:
        lines.append(_("Would like help with: %(needs)s.", needs=", ".join(wanted)))
    if later:
        lines.append(_("Not now, maybe later: %(needs)s.", needs=", ".join(later)))
    if not wanted and not later and response.is_complete:
        lines.append(_("Did not ask for help with any need."))
    return lines


def _answers_by_need(response: ScreeningResponse, answer: str) -> list[str]:
    return [
        item_id.removeprefix("need-")
        for item_id, code in response.answers.items()
        if code == answer
    ]


def _incomplete(response: ScreeningResponse) -> list[str]:
    if response.is_complete:
        return []
    if response.is_positive:
        if response.answered_total is not None:
            return [_("Not finished, but the answers given already add up to %(total)d: a positive screen.",
                      total=response.answered_total)]  # fmt: skip
        return [_("Not finished, but the answers given are already a positive screen.")]
    return [
        _(
            "Not finished: some questions were not answered, so this screen cannot rule anything out."
        )
    ]


def explain(response: ScreeningResponse) -> list[str]:
    """Sentences a clinician can read at a glance."""
    key = response.instrument_key
    lines = (
        _scored(response)
        if key in MAXIMUM
        else _food(response)
        if key == "hvs"
        else _needs(response)
    )
    return lines + _incomplete(response)


def explain_flag(flag: Flag) -> str:
    if flag.code in CRITICAL_WORDS:
        return str(CRITICAL_WORDS[flag.code])
    if flag.need:
        return _("Wants help with %(need)s.", need=need_label(flag.need))
    return _("Positive screen: talk about it at this visit.")
