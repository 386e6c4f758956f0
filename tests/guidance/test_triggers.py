"""Which prompts a visit gets: triggers from the visit's facts, then the selection. Pure tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.guidance.library import VISIT_KINDS, shipped_prompts
from app.guidance.triggers import (
    NEEDS,
    TRIGGER_VOCABULARY,
    family_tips,
    select_prompts,
    visit_triggers,
)
from app.screening.definitions import shipped_library
from app.visits.facts import ScreenFact, VisitFacts


def screen(key: str, positive: bool | None, band: str | None = None) -> ScreenFact:
    return ScreenFact(
        instrument_key=key, band=band, is_positive=positive, is_complete=True, this_visit=True
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (VisitFacts("2m", 61), set()),
        (VisitFacts("2m", 61, screens=(screen("phq-2", False),)), set()),
        (VisitFacts("2m", 61, screens=(screen("phq-9", True, "moderate"),)), {"positive:phq-9"}),
        (
            VisitFacts("1m", 30, screens=(screen("epds", True), screen("hvs", True))),
            {"positive:epds", "positive:hvs"},
        ),
        (VisitFacts("4m", 122, screens=(screen("hvs", None),)), set()),
        (VisitFacts("4m", 122, critical_codes=frozenset({"phq-9:phq-9"})), {"critical"}),
        (
            VisitFacts(
                "9m",
                274,
                needs_yes=frozenset({"food", "legal"}),
                needs_later=frozenset({"housing"}),
            ),
            {"help:food", "help:legal", "later:housing"},
        ),
        (VisitFacts("2m", 61, programs=frozenset({"dulce"})), {"program:dulce"}),
        (
            VisitFacts("2m", 61, due=frozenset({"phq-2", "family-checkin"})),
            {"due:phq-2", "due:family-checkin"},
        ),
        (VisitFacts("newborn", 1, is_first_visit=True), {"first_visit"}),
        (VisitFacts("12m", 365, is_group_visit=True), {"group_visit"}),
    ],
)
def test_visit_triggers(facts, expected):
    assert visit_triggers(facts) == expected


def test_the_vocabulary_names_every_need_of_the_family_checkin():
    checkin_needs = {item.need for item in shipped_library()["family-checkin"].items if item.need}
    assert set(NEEDS) == checkin_needs
    assert {f"help:{need}" for need in checkin_needs} <= set(TRIGGER_VOCABULARY)


@dataclass
class Prompt:
    key: str
    category: str
    visit_kinds: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)
    position: int = 0
    is_active: bool = True
    family_tip: dict[str, str] = field(default_factory=dict)


def keys(chosen) -> list[str]:
    return [p.key for p in chosen]


def test_prompts_for_other_visits_or_untriggered_results_are_left_out():
    prompts = [
        Prompt("2m-smile", "strength", ["2m"], position=1),
        Prompt("4m-coo", "language_play", ["4m"], position=2),
        Prompt("any-visit", "ask_next", position=3),
        Prompt("hvs", "ask_next", triggers=["positive:hvs"], position=4),
        Prompt("hidden", "strength", ["2m"], position=5, is_active=False),
    ]
    assert keys(select_prompts(prompts, VisitFacts("2m", 61))) == ["2m-smile", "any-visit"]


def test_categories_come_in_order_and_triggered_prompts_lead_their_category():
    prompts = [
        Prompt("ask", "ask_next", position=1),
        Prompt("care", "caregiver", position=2),
        Prompt("care-depression", "caregiver", triggers=["positive:phq-9"], position=9),
        Prompt("strength", "strength", position=3),
        Prompt("talk", "language_play", position=4),
        Prompt("feelings", "social_emotional", position=5),
    ]
    facts = VisitFacts("2m", 61, screens=(screen("phq-9", True),))
    assert keys(select_prompts(prompts, facts)) == [
        "strength",
        "feelings",
        "talk",
        "care-depression",
        "care",
        "ask",
    ]


def test_general_prompts_are_capped_per_category_but_triggered_ones_never_are():
    general = [Prompt(f"general-{n}", "ask_next", position=n) for n in range(4)]
    needs = [
        Prompt(f"need-{need}", "ask_next", triggers=[f"help:{need}"], position=10 + n)
        for n, need in enumerate(NEEDS)
    ]
    facts = VisitFacts("6m", 183, needs_yes=frozenset(NEEDS))
    chosen = keys(select_prompts(general + needs, facts, per_category=2))
    assert chosen == [f"need-{need}" for need in NEEDS] + ["general-0", "general-1"]
    assert keys(select_prompts(general, facts, per_category=1)) == ["general-0"]


def test_family_tips_are_in_the_familys_language_with_english_only_as_a_stand_in():
    chosen = [
        Prompt("shipped", "language_play", family_tip={"en": "Read.", "es": "Lea.", "ar": "اقرأ."}),
        Prompt("clinic-own", "caregiver", family_tip={"en": "Rest when you can."}),
        Prompt("no-tip", "strength"),
    ]
    assert family_tips(chosen, "es") == ["Lea.", "Rest when you can."]
    assert family_tips(chosen, "ar") == ["اقرأ.", "Rest when you can."]
    assert family_tips(chosen, "es-MX") == ["Lea.", "Rest when you can."]


@pytest.mark.parametrize("visit_kind", VISIT_KINDS)
def test_every_plain_visit_gets_prompts_in_every_category(visit_kind):
    chosen = select_prompts(shipped_prompts(), VisitFacts(visit_kind, 0))
    assert len(chosen) >= 3
    assert {p.category for p in chosen} == {
        "strength",
        "social_emotional",
        "language_play",
        "caregiver",
        "ask_next",
    }
    assert all(not p.triggers for p in chosen)
    assert len(family_tips(chosen, "ar")) >= 2


def test_a_positive_phq9_brings_the_caregiver_depression_prompt_first_among_caregiver_prompts():
    facts = VisitFacts("2m", 61, screens=(screen("phq-9", True, "moderate"),))
    chosen = select_prompts(shipped_prompts(), facts)
    caregiver = [p.key for p in chosen if p.category == "caregiver"]
    assert caregiver[0] == "caregiver-depression-positive"
    assert "caregiver-depression-positive" not in keys(
        select_prompts(shipped_prompts(), VisitFacts("2m", 61))
    )


def test_a_family_asking_for_help_with_everything_gets_a_prompt_for_each_need():
    facts = VisitFacts("4m", 122, needs_yes=frozenset(NEEDS), critical_codes=frozenset({"x"}))
    chosen = select_prompts(shipped_prompts(), facts)
    answered = {trigger for p in chosen for trigger in p.triggers}
    assert {f"help:{need}" for need in NEEDS} | {"critical"} <= answered
    assert keys(chosen)[-1] == "every-visit-family-priorities"
