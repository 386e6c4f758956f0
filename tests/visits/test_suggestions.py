"""Practice suggestions: each rule on its own, delivered practices left out, catalogue order kept."""

from __future__ import annotations

import pytest

from app.practices.operations import starting_catalogue
from app.visits.facts import ScreenFact, VisitFacts
from app.visits.suggestions import PRACTICE_ORDER, suggested_practices


def screen(key: str, *, positive: bool | None = False, this_visit: bool = True) -> ScreenFact:
    return ScreenFact(key, "scored", positive, True, this_visit)


def facts(*screens: ScreenFact, **fields) -> VisitFacts:
    return VisitFacts("4m", 122, screens=screens, **fields)


def codes(visit: VisitFacts) -> list[str]:
    return [s.code for s in suggested_practices(visit)]


@pytest.mark.parametrize(
    ("visit", "expected"),
    [
        pytest.param(facts(), [], id="nothing recorded"),
        pytest.param(facts(screen("phq-2")), ["C2"], id="caregiver depression screen here"),
        pytest.param(facts(screen("epds")), ["C2"], id="EPDS here"),
        pytest.param(facts(screen("hvs")), ["C2"], id="family-needs screen here"),
        pytest.param(
            facts(screen("phq-9", this_visit=False), screen("hvs", this_visit=False)),
            [],
            id="screens done at an earlier visit",
        ),
        pytest.param(
            facts(ScreenFact("phq-9", None, None, False, True)),
            ["C2"],
            id="an unfinished screen was still delivered",
        ),
        pytest.param(facts(screen("swyc-bpsc")), ["C1"], id="behavioral screen of the child"),
        pytest.param(facts(screen("asq-3")), ["C1"], id="developmental screen of the child"),
        pytest.param(
            facts(screen("family-checkin")), ["N1", "C2"], id="family priorities before the visit"
        ),
        pytest.param(facts(needs_yes=frozenset({"food"})), ["C3"], id="family asked for help"),
        pytest.param(facts(needs_later=frozenset({"food"})), [], id="help not wanted yet"),
        pytest.param(facts(needs_yes=frozenset({"legal"})), ["C3", "C5"], id="legal need: C5 too"),
        pytest.param(
            facts(needs_yes=frozenset({"income_benefits"})),
            ["C3", "C5"],
            id="benefits need: C5 too",
        ),
        pytest.param(
            facts(needs_later=frozenset({"legal"})), [], id="legal worry, help not wanted yet"
        ),
        pytest.param(
            facts(screen("epds", positive=True, this_visit=False)),
            ["C3"],
            id="positive caregiver screen still counting for this visit",
        ),
        pytest.param(
            facts(critical_codes=frozenset({"phq-9:phq-9"})), ["C3"], id="critical answer"
        ),
        pytest.param(
            facts(screen("hvs", positive=True, this_visit=False)),
            [],
            id="a positive household screen alone is not a caregiver screen",
        ),
        pytest.param(facts(has_strength_noticed=True), ["N3"], id="strength noticed"),
        pytest.param(facts(is_group_visit=True), ["N5"], id="group visit"),
        pytest.param(facts(programs=frozenset({"healthysteps"})), ["D1"], id="HealthySteps"),
        pytest.param(facts(programs=frozenset({"dulce"})), ["D1"], id="DULCE"),
        pytest.param(
            facts(
                screen("family-checkin"),
                screen("epds", positive=True),
                screen("m-chat-r"),
                needs_yes=frozenset({"legal"}),
                programs=frozenset({"dulce", "healthysteps"}),
                has_strength_noticed=True,
                is_group_visit=True,
            ),
            ["N1", "N3", "N5", "C1", "C2", "C3", "C5", "D1"],
            id="everything, in catalogue order",
        ),
    ],
)
def test_each_rule(visit: VisitFacts, expected: list[str]) -> None:
    assert codes(visit) == expected


@pytest.mark.parametrize(
    ("visit", "delivered", "expected"),
    [
        (facts(screen("epds")), {"C2"}, []),
        (facts(screen("family-checkin")), {"N1"}, ["C2"]),
        (
            facts(screen("epds", positive=True), needs_yes=frozenset({"legal"})),
            {"C3"},
            ["C2", "C5"],
        ),
        (facts(has_strength_noticed=True, is_group_visit=True), {"N3", "N5"}, []),
    ],
)
def test_delivered_practices_are_not_suggested_again(
    visit: VisitFacts, delivered: set[str], expected: list[str]
) -> None:
    visit = VisitFacts(**{**visit.__dict__, "practices_delivered": frozenset(delivered)})
    assert codes(visit) == expected


@pytest.mark.parametrize(
    ("visit", "says"),
    [
        (facts(screen("epds", positive=True), needs_yes=frozenset({"food"})), "positive"),
        (facts(needs_yes=frozenset({"food"})), "asked for help"),
        (facts(programs=frozenset({"healthysteps", "dulce"})), "HealthySteps, DULCE"),
    ],
)
def test_the_reason_names_what_triggered_it(visit: VisitFacts, says: str) -> None:
    (first, *_) = [s for s in suggested_practices(visit) if s.code in {"C3", "D1"}]
    assert says in str(first.reason)


def test_the_order_is_the_catalogues() -> None:
    assert tuple(p["code"] for p in starting_catalogue()) == PRACTICE_ORDER
