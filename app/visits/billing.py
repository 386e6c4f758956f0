"""Billing codes a visit's data supports: suggestions for the clinician to confirm, never billed by the app.

Pure rules over `VisitFacts`; each rule names its source next to it (domain-research §5, DESIGN §8).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.visits.facts import VisitFacts

CPT = "CPT"
ICD_10_CM = "ICD-10-CM"


@dataclass(frozen=True)
class BillingSuggestion:
    """One code the clinician may add to the claim, and why."""

    code: str
    system: str  # CPT or ICD_10_CM
    #: Per-instrument CPT codes count the instruments; a diagnosis code is always 1.
    units: int
    #: Lazily translated: renders in the locale current when it is shown.
    reason: LazyString
    #: Where the rule comes from: a URL or a citation.
    source: str
    caution: LazyString | None = None


# --- Which instrument is which (instrument keys, app/screening/instruments/*.json) -----------------

#: Caregiver depression screens (subject "caregiver"): CPT 96161 and ICD-10-CM Z13.32.
CAREGIVER_DEPRESSION = frozenset({"phq-2", "phq-9", "epds"})
#: Any caregiver-focused standardized instrument counts for 96161; today all of ours screen depression.
CAREGIVER_FOCUSED = CAREGIVER_DEPRESSION
#: Brief emotional/behavioral screens of the child (CPT 96127). Licensed, not shipped: a clinic
#: that loads one under these keys gets the suggestion.
CHILD_BEHAVIORAL = frozenset({"swyc-bpsc", "swyc-ppsc"})
#: Developmental and autism screens of the child (CPT 96110). Licensed, not shipped, as above.
DEVELOPMENTAL = frozenset({"swyc-milestones", "asq-3", "m-chat-r"})
#: Household social-needs screens: their findings become Z codes below, never a CPT code here
#: (SDOH screening codes are state-specific for pediatric Medicaid; domain-research §5.1).
FAMILY_NEEDS = frozenset({"hvs", "family-checkin"})

#: Instrument names as printed on the forms; the same in every language.
SHORT_NAMES = {
    "phq-2": "PHQ-2",
    "phq-9": "PHQ-9",
    "epds": "EPDS",
    "swyc-bpsc": "SWYC BPSC",
    "swyc-ppsc": "SWYC PPSC",
    "swyc-milestones": "SWYC Milestones",
    "asq-3": "ASQ-3",
    "m-chat-r": "M-CHAT-R/F",
}


def _scored_here(facts: VisitFacts, keys: frozenset[str]) -> list[str]:
    """Distinct instruments among `keys` scored and documented at this very visit."""
    # The three CPT descriptors read "with scoring and documentation, per standardized instrument"
    # (domain-research §5.1). An unfinished screen has no total (app.screening.scoring), so it was
    # not scored as the instrument prescribes, even when the answers given already reach the cut-off:
    # it is not suggested. A sibling's or an earlier visit's screen still valid was billed there.
    found = {
        s.instrument_key
        for s in facts.screens
        if s.this_visit and s.is_complete and s.instrument_key in keys
    }
    if "phq-9" in found:  # PHQ-9 items 1-2 are the PHQ-2: a continued sitting is one instrument
        found.discard("phq-2")
    return sorted(found)


def _names(keys: Iterable[str]) -> str:
    return ", ".join(SHORT_NAMES.get(key, key.upper()) for key in keys)


# --- CPT: one unit per standardized instrument ------------------------------------------------------


@dataclass(frozen=True)
class _PerInstrument:
    code: str
    instruments: frozenset[str]
    reason: Callable[[str], LazyString]
    source: str
    caution: LazyString | None


CPT_RULES = (
    # 96161 caregiver-focused health risk assessment, per standardized instrument, billed on the
    # infant's claim (https://wcaap.org/billing-for-adolescent-and-maternal-depression-screening/);
    # state Medicaid require / recommend / allow it (NASHP 2021,
    # https://healthychild.nashp.org/resource-center/maternal-depression/); NY Medicaid uses
    # G8431/G8510 instead (https://www.emblemhealth.com/providers/claims-corner/coding/postpartum-maternal-depression-screening-updated-billing-guidance).
    _PerInstrument(
        "96161",
        CAREGIVER_FOCUSED,
        lambda names: _l(
            "Caregiver screens scored and documented at this visit, one unit per standardized instrument: %(instruments)s.",
            instruments=names,
        ),
        "https://wcaap.org/billing-for-adolescent-and-maternal-depression-screening/",
        _l(
            "Billed on the infant's claim. State Medicaid policies differ (some require this screen at well visits, some recommend or only allow it), and some payers want other codes, such as G8431 or G8510 in New York: check with the payer."
        ),
    ),
    # 96127 brief emotional/behavioral assessment, per standardized instrument, e.g. BPSC/PPSC
    # (https://theverdengroup.com/2015/01/23/changes-to-coding-for-brief-emotionalbehavioral-assessments-and-developmental-screenings/);
    # payer unit caps vary (domain-research §5.1, UNCONFIRMED figure).
    _PerInstrument(
        "96127",
        CHILD_BEHAVIORAL,
        lambda names: _l(
            "Behavioral screens of the child scored and documented at this visit, one unit per standardized instrument: %(instruments)s.",
            instruments=names,
        ),
        "https://theverdengroup.com/2015/01/23/changes-to-coding-for-brief-emotionalbehavioral-assessments-and-developmental-screenings/",
        _l("Payers limit how many units they pay per visit: check with the payer."),
    ),
    # 96110 developmental screening, per standardized instrument; modifier 59 may be required
    # (same source; AAP coding fact sheet per domain-research §5.1).
    _PerInstrument(
        "96110",
        DEVELOPMENTAL,
        lambda names: _l(
            "Developmental screens of the child scored and documented at this visit, one unit per standardized instrument: %(instruments)s.",
            instruments=names,
        ),
        "https://theverdengroup.com/2015/01/23/changes-to-coding-for-brief-emotionalbehavioral-assessments-and-developmental-screenings/",
        _l("Some payers require modifier 59 with this code: check with the payer."),
    ),
)


def _cpt_suggestions(facts: VisitFacts) -> list[BillingSuggestion]:
    suggestions = []
    for rule in CPT_RULES:
        if scored := _scored_here(facts, rule.instruments):
            suggestions.append(
                BillingSuggestion(
                    rule.code,
                    CPT,
                    len(scored),
                    rule.reason(_names(scored)),
                    rule.source,
                    rule.caution,
                )
            )
    return suggestions


# --- ICD-10-CM: the screening encounter ----------------------------------------------------------


def _maternal_depression_screening(facts: VisitFacts) -> list[BillingSuggestion]:
    # Z13.32 Encounter for screening for maternal depression (incl. perinatal depression), billable;
    # flagged female-only in some code sets, which can trip edits on a male infant's claim
    # (https://icdlist.com/icd-10/Z13.32; domain-research §5.3). Same "scored here" rule as 96161,
    # which it accompanies.
    scored = _scored_here(facts, CAREGIVER_DEPRESSION)
    if not scored:
        return []
    return [
        BillingSuggestion(
            "Z13.32",
            ICD_10_CM,
            1,
            _l(
                "The caregiver was screened for depression at this visit (%(instruments)s).",
                instruments=_names(scored),
            ),
            "https://icdlist.com/icd-10/Z13.32",
            _l(
                "Some code sets mark Z13.32 as female-only, so a boy's claim may be rejected, and the code names maternal (perinatal) depression: ask the billing team how each payer handles it."
            ),
        )
    ]


# --- ICD-10-CM: social needs (Z55-Z65) -------------------------------------------------------------
#
# A need counts as identified when the family said "yes, I would like help" or "not now" in the
# family check-in: either way they named it as theirs ("no, thank you" is the answer for a need they do
# not have). A Z code describes a circumstance, not a request for help, and patient-reported
# information signed off by a clinician supports it (ICD-10-CM Official Guidelines I.C.21.c.17:
# "patient-reported information that is signed off by a clinician ... would support assignment of
# code Z59.41"; https://www.aafp.org/pubs/fpm/blogs/gettingpaid/entry/sdoh_coding_clarified.html).
#
# Check-in needs with no code on purpose:
# - safety_home: a clinician must first assess in private (it raises a critical flag), and a code on
#   the child's claim reaches the policyholder's explanation of benefits, who may be the person the
#   caregiver is afraid of. The clinician codes what the assessment finds.
# - legal ("housing, immigration or family matters"): the right code depends on what the worry is
#   (eviction, custody, immigration ...), and an immigration worry on a claim can frighten a family
#   away from care; the clinician or the legal partner finds out first.
# - child_care, stress_support: §5.3 lists no code for either; Z63.- / Z60.- / Z65.- would assert a
#   family or social problem the check-in does not establish (the guideline's own example: living
#   alone without a documented risk does not support Z60.2).

#: Check-in phrases for each need, to drop into a sentence (the check-in's own item wording).
NEED_PHRASES = {
    "food": _l("having enough food"),
    "housing": _l("a safe, steady place to live"),
    "utilities": _l("paying for heat, electricity, water or phone"),
    "transportation": _l("getting to appointments, work or the store"),
    "income_benefits": _l("money, work or benefits"),
}

SELF_REPORTED = _l(
    "The family told us this: confirm it with them and write it in the visit note before adding the code."
)


@dataclass(frozen=True)
class _NeedCode:
    code: str
    source: str
    caution: LazyString


NEED_CODES = {
    # Z59.41 Food insecurity; the FY2026 guidelines' own example is a patient's reported concern
    # about access to food (https://icd10codingpro.com/codes/Z59.41).
    "food": _NeedCode("Z59.41", "https://icd10codingpro.com/codes/Z59.41", SELF_REPORTED),
    # Z59.819 Housing instability, housed, unspecified: the check-in asks about "a safe, steady place
    # to live" and not whether the family is housed now, at risk of homelessness (Z59.811) or was
    # homeless in the past 12 months (Z59.812), so the unspecified code is the honest one; Z59.0-
    # homelessness and Z59.1- inadequate housing need answers we do not collect
    # (https://icd10coded.com/cm/Z59.0/; domain-research §5.3).
    "housing": _NeedCode(
        "Z59.819",
        "https://icd10coded.com/cm/Z59.0/",
        _l(
            "The check-in does not ask where the family lives now. Ask first: homelessness (Z59.0-), a home in poor condition (Z59.1-) or a risk of losing it (Z59.811) each has a more exact code. Confirm and write it in the visit note before adding a code."
        ),
    ),
    # Z59.861 Financial insecurity, difficulty paying for utilities (new in FY2026): the check-in asks
    # about *paying* for heat, electricity, water or phone. Z59.12 Inadequate housing utilities is a
    # home that lacks them, and its Excludes2 sends difficulty paying here
    # (https://icd10codingpro.com/codes/Z59.861; https://hccbuddy.com/icd10/Z59.12).
    "utilities": _NeedCode("Z59.861", "https://icd10codingpro.com/codes/Z59.861", SELF_REPORTED),
    # Z59.82 Transportation insecurity (incl. lack of, unreliable, unaffordable transportation)
    # (https://icd10coded.com/cm/Z59.0/; domain-research §5.3).
    "transportation": _NeedCode("Z59.82", "https://icd10coded.com/cm/Z59.0/", SELF_REPORTED),
    # Z59.869 Financial insecurity, unspecified: "money, work or benefits" is financial strain as the
    # family feels it. Z59.86 itself became a non-billable header in FY2026 (split into .861/.868/.869);
    # Z59.6 Low income would assert an income level the check-in never asks
    # (https://icd10codingpro.com/codes/Z59.86).
    "income_benefits": _NeedCode(
        "Z59.869", "https://icd10codingpro.com/codes/Z59.86", SELF_REPORTED
    ),
}


def _need_reason(facts: VisitFacts, need: str) -> LazyString:
    if need in facts.needs_yes:
        return _l("The family asked for help with %(need)s.", need=NEED_PHRASES[need])
    return _l(
        "The family named %(need)s as a need and said “not now” to help.", need=NEED_PHRASES[need]
    )


def _food_reason(facts: VisitFacts) -> LazyString:
    # Hunger Vital Sign positive if either statement is "often" or "sometimes true" (Hager et al.,
    # Pediatrics 2010;126:e26-32): a validated screen, so it is the reason given first.
    if facts.positive("hvs"):
        return _l(
            "The Hunger Vital Sign was positive: the family worried food would run out, or it did."
        )
    return _need_reason(facts, "food")


def _need_suggestions(facts: VisitFacts) -> list[BillingSuggestion]:
    disclosed = set((facts.needs_yes | facts.needs_later) & frozenset(NEED_CODES))
    if facts.positive("hvs"):
        disclosed.add("food")
    suggestions = []
    for need in disclosed:
        rule = NEED_CODES[need]
        reason = _food_reason(facts) if need == "food" else _need_reason(facts, need)
        suggestions.append(
            BillingSuggestion(rule.code, ICD_10_CM, 1, reason, rule.source, rule.caution)
        )
    return suggestions


def billing_suggestions(facts: VisitFacts) -> list[BillingSuggestion]:
    """Codes this visit's data supports, for the clinician to confirm: CPT first, then ICD-10-CM."""
    cpt = _cpt_suggestions(facts)
    icd = _maternal_depression_screening(facts) + _need_suggestions(facts)
    return sorted(cpt, key=lambda s: s.code) + sorted(icd, key=lambda s: s.code)
