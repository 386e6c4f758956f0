"""Worked examples for each instrument's scoring, from its own scoring guide."""

from __future__ import annotations

import pytest

from app.screening.definitions import shipped_library
from app.screening.scoring import FlagSpec, score

LIBRARY = shipped_library()
PHQ2, PHQ9, EPDS = LIBRARY["phq-2"], LIBRARY["phq-9"], LIBRARY["epds"]
HVS, CHECKIN = LIBRARY["hvs"], LIBRARY["family-checkin"]

PHQ9_CRITICAL = FlagSpec("critical", "phq-9:phq-9", item_id="phq-9")
EPDS_CRITICAL = FlagSpec("critical", "epds:epds-10", item_id="epds-10")


def _phq(*scores: int | None) -> dict[str, str]:
    """PHQ answers by item score in order; None leaves the item unanswered."""
    return {f"phq-{n}": str(s) for n, s in enumerate(scores, start=1) if s is not None}


def _epds(codes: str) -> dict[str, str]:
    """EPDS answers as ten option codes a-d in item order; '-' leaves the item unanswered."""
    assert len(codes) == 10
    return {f"epds-{n}": code for n, code in enumerate(codes, start=1) if code != "-"}


def _kinds(flags: tuple[FlagSpec, ...]) -> list[str]:
    return [flag.kind for flag in flags]


# --- PHQ-2 (Kroenke, Spitzer & Williams 2003: 0-6, >= 3 positive) ------------------------------


@pytest.mark.parametrize(
    ("item1", "item2", "total", "band", "is_positive"),
    [
        (0, 0, 0, "negative", False),
        (1, 1, 2, "negative", False),
        (2, 0, 2, "negative", False),
        (2, 1, 3, "positive", True),
        (0, 3, 3, "positive", True),
        (3, 1, 4, "positive", True),
        (3, 3, 6, "positive", True),
    ],
)
def test_phq2_worked_examples(
    item1: int, item2: int, total: int, band: str, is_positive: bool
) -> None:
    result = score(PHQ2, _phq(item1, item2))

    assert result.is_complete
    assert (result.total, result.band, result.is_positive) == (total, band, is_positive)
    assert result.missing == ()


@pytest.mark.parametrize(("item1", "item2"), [(1, 1), (2, 0), (0, 0)])
def test_negative_phq2_ends_the_sitting(item1: int, item2: int) -> None:
    result = score(PHQ2, _phq(item1, item2))

    assert result.continue_with is None
    assert result.flags == ()


@pytest.mark.parametrize(("item1", "item2"), [(2, 1), (3, 3)])
def test_positive_phq2_continues_to_phq9(item1: int, item2: int) -> None:
    result = score(PHQ2, _phq(item1, item2))

    assert result.continue_with == "phq-9"
    assert result.flags == (FlagSpec("positive", "phq-2"),)


# --- PHQ-9 (bands 5/10/15/20, >= 10 positive, item 9 > 0 critical) ----------------------------


@pytest.mark.parametrize(
    ("scores", "total", "band", "is_positive"),
    [
        ((0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "minimal", False),
        ((1, 1, 1, 1, 0, 0, 0, 0, 0), 4, "minimal", False),
        ((1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "mild", False),
        ((3, 3, 3, 0, 0, 0, 0, 0, 0), 9, "mild", False),
        ((3, 3, 3, 1, 0, 0, 0, 0, 0), 10, "moderate", True),
        ((2, 2, 2, 2, 2, 2, 2, 0, 0), 14, "moderate", True),
        ((3, 3, 3, 3, 3, 0, 0, 0, 0), 15, "moderately_severe", True),
        ((3, 3, 3, 3, 3, 3, 1, 0, 0), 19, "moderately_severe", True),
        ((3, 3, 3, 3, 3, 3, 2, 0, 0), 20, "severe", True),
        ((3, 3, 3, 3, 3, 3, 3, 3, 0), 24, "severe", True),
    ],
)
def test_phq9_bands_and_cut_off(
    scores: tuple[int, ...], total: int, band: str, is_positive: bool
) -> None:
    result = score(PHQ9, _phq(*scores))

    assert result.is_complete
    assert (result.total, result.band, result.is_positive) == (total, band, is_positive)
    assert _kinds(result.flags) == (["positive"] if is_positive else [])


def test_phq9_highest_score_is_severe_and_critical() -> None:
    result = score(PHQ9, _phq(*[3] * 9))

    assert (result.total, result.band, result.is_positive) == (27, "severe", True)
    assert result.flags == (FlagSpec("positive", "phq-9"), PHQ9_CRITICAL)


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_is_critical_even_when_the_total_is_low(item9: int) -> None:
    result = score(PHQ9, _phq(0, 0, 0, 0, 0, 0, 0, 0, item9))

    assert result.band == "minimal"
    assert result.is_positive is False
    assert result.flags == (PHQ9_CRITICAL,)


def test_phq9_item9_is_critical_even_when_the_screen_is_incomplete() -> None:
    result = score(PHQ9, _phq(None, None, None, None, None, None, None, None, 1))

    assert not result.is_complete
    assert result.is_positive is None
    assert result.flags == (PHQ9_CRITICAL,)


def test_phq9_item9_answered_zero_is_not_critical() -> None:
    result = score(PHQ9, _phq(3, 3, 3, 3, 0, 0, 0, 0, 0))

    assert "critical" not in _kinds(result.flags)


# --- EPDS (Cox 1987: 1, 2, 4 score a-d 0-3; 3, 5-10 reverse; >= 10 possible, >= 13 probable) ---


@pytest.mark.parametrize(
    ("codes", "total", "band", "is_positive"),
    [
        # items:  1 2 3 4 5 6 7 8 9 10
        ("aadadddddd", 0, "below_threshold", False),  # every answer the calmest one
        ("dddddddddd", 9, "below_threshold", False),  # 3+3+0+3 + 0*6
        ("ddcddddddd", 10, "possible", True),  # 9 + item 3 'c' = 1
        ("ddaddddddd", 12, "possible", True),  # 9 + item 3 'a' = 3
        ("ddaddddcdd", 13, "probable", True),  # 12 + item 8 'c' = 1
        ("aaaaaaaaaa", 21, "probable", True),  # 0+0+3+0 + 3*6
        ("bcbcbcbcbc", 16, "probable", True),  # 1+2+2+2+2+1+2+1+2+1
        ("ddadaaaaaa", 30, "probable", True),  # the highest score
    ],
)
def test_epds_worked_examples(codes: str, total: int, band: str, is_positive: bool) -> None:
    result = score(EPDS, _epds(codes))

    assert result.is_complete
    assert (result.total, result.band, result.is_positive) == (total, band, is_positive)
    assert ("positive" in _kinds(result.flags)) is is_positive


@pytest.mark.parametrize(("item10", "item10_score"), [("a", 3), ("b", 2), ("c", 1)])
def test_epds_item10_above_zero_is_critical(item10: str, item10_score: int) -> None:
    result = score(EPDS, _epds("aadaddddd" + item10))

    assert result.total == item10_score
    assert result.is_positive is False
    assert result.flags == (EPDS_CRITICAL,)


def test_epds_item10_never_is_not_critical() -> None:
    result = score(EPDS, _epds("ddaddddddd"))

    assert result.flags == (FlagSpec("positive", "epds"),)


def test_epds_item10_is_critical_even_when_incomplete() -> None:
    result = score(EPDS, _epds("---------c"))

    assert not result.is_complete
    assert result.flags == (EPDS_CRITICAL,)


# --- Hunger Vital Sign (Hager 2010: either item often/sometimes true -> at risk) ---------------


@pytest.mark.parametrize(
    ("item1", "item2", "is_positive", "band", "is_complete"),
    [
        ("often", "often", True, "at_risk", True),
        ("often", "never", True, "at_risk", True),
        ("never", "sometimes", True, "at_risk", True),
        ("sometimes", "sometimes", True, "at_risk", True),
        ("never", "never", False, "no_risk", True),
        ("never", None, None, None, False),
        (None, "never", None, None, False),
        ("sometimes", None, True, "at_risk", False),
        (None, "often", True, "at_risk", False),
        (None, None, None, None, False),
    ],
)
def test_hvs(
    item1: str | None, item2: str | None, is_positive: bool | None, band: str | None, is_complete
) -> None:
    answers = {key: code for key, code in (("hvs-1", item1), ("hvs-2", item2)) if code}

    result = score(HVS, answers)

    assert (result.is_positive, result.band, result.is_complete) == (is_positive, band, is_complete)
    assert result.total is None
    assert result.flags == ((FlagSpec("positive", "hvs"),) if is_positive else ())


def test_hvs_names_the_unanswered_item() -> None:
    assert score(HVS, {"hvs-1": "never"}).missing == ("hvs-2",)


# --- Family needs and priorities check-in -----------------------------------------------------

NEEDS = (
    "food",
    "housing",
    "utilities",
    "transportation",
    "child_care",
    "income_benefits",
    "legal",
    "safety_home",
    "stress_support",
)


def _checkin(default: str | None = "no", **answers: str) -> dict[str, str]:
    chosen = {need: answers.get(need, default) for need in NEEDS}
    return {f"need-{need}": code for need, code in chosen.items() if code is not None}


def _positive(need: str) -> FlagSpec:
    return FlagSpec("positive", f"family-checkin:{need}", need=need)


@pytest.mark.parametrize(
    ("answers", "flags", "is_positive"),
    [
        pytest.param(_checkin(), (), False, id="all-no"),
        pytest.param(_checkin("not_now"), (), False, id="all-not-now"),
        pytest.param(
            _checkin(food="yes", housing="not_now"), (_positive("food"),), True, id="food"
        ),
        pytest.param(
            _checkin(legal="yes", income_benefits="yes"),
            (_positive("income_benefits"), _positive("legal")),
            True,
            id="two-needs",
        ),
        pytest.param(
            _checkin(safety_home="yes"),
            (
                _positive("safety_home"),
                FlagSpec("critical", "family-checkin:safety_home", need="safety_home"),
            ),
            True,
            id="safety",
        ),
        pytest.param(_checkin(safety_home="not_now"), (), False, id="safety-not-now"),
    ],
)
def test_family_checkin_flags(
    answers: dict[str, str], flags: tuple[FlagSpec, ...], is_positive: bool
) -> None:
    result = score(CHECKIN, answers)

    assert result.is_complete
    assert result.flags == flags
    assert result.is_positive is is_positive
    assert result.band == ("help_wanted" if is_positive else None)


def test_family_checkin_reports_every_need_as_answered() -> None:
    result = score(CHECKIN, _checkin(food="yes", housing="not_now"))

    assert result.needs == dict.fromkeys(NEEDS, "no") | {"food": "yes", "housing": "not_now"}


def test_family_checkin_all_yes_flags_each_need_and_safety_critically() -> None:
    result = score(CHECKIN, _checkin("yes"))

    assert [flag.need for flag in result.flags if flag.kind == "positive"] == list(NEEDS)
    assert [flag.need for flag in result.flags if flag.kind == "critical"] == ["safety_home"]


@pytest.mark.parametrize(
    ("answers", "is_positive"),
    [
        pytest.param(_checkin(None, food="no", housing="not_now"), None, id="no-help-yet"),
        pytest.param(_checkin(None, transportation="yes"), True, id="help-asked"),
    ],
)
def test_partial_family_checkin(answers: dict[str, str], is_positive: bool | None) -> None:
    result = score(CHECKIN, answers)

    assert not result.is_complete
    assert result.is_positive is is_positive
    assert set(result.needs) == {key.removeprefix("need-") for key in answers}
    assert len(result.missing) == len(NEEDS) - len(answers)


# --- incomplete screens: a missing answer never counts as 0 -----------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "answered_total", "is_positive", "missing"),
    [
        pytest.param(PHQ2, _phq(2, None), 2, None, ("phq-2",), id="phq2-below"),
        pytest.param(PHQ2, _phq(None, 3), 3, True, ("phq-1",), id="phq2-reached"),
        pytest.param(PHQ2, {}, 0, None, ("phq-1", "phq-2"), id="phq2-empty"),
        pytest.param(PHQ9, _phq(1, 1, 1, 1, None, 1, 1, 1, 1), 8, None, ("phq-5",), id="phq9-8"),
        pytest.param(PHQ9, _phq(3, 3, None, 3, None, None, 0, 0, 0), 9, None, None, id="phq9-9"),
        pytest.param(
            PHQ9, _phq(3, 3, 3, 1, None, None, None, None, 0), 10, True, None, id="phq9-10"
        ),
        pytest.param(EPDS, _epds("dddddddd--"), 9, None, ("epds-9", "epds-10"), id="epds-9"),
        pytest.param(EPDS, _epds("ddcdddd---"), 10, True, None, id="epds-10"),
    ],
)
def test_incomplete_screen_has_no_total_and_decides_only_when_it_can(
    instrument, answers, answered_total: int, is_positive: bool | None, missing
) -> None:
    result = score(instrument, answers)

    assert not result.is_complete
    assert result.total is None
    assert result.band is None
    assert result.answered_total == answered_total
    assert result.is_positive is is_positive
    assert ("positive" in _kinds(result.flags)) is bool(is_positive)
    expected_missing = missing or tuple(i for i in instrument.item_ids if i not in answers)
    assert result.missing == expected_missing


def test_incomplete_phq2_reaching_the_cut_off_still_continues() -> None:
    assert score(PHQ2, _phq(3, None)).continue_with == "phq-9"


def test_incomplete_phq2_below_the_cut_off_does_not_continue() -> None:
    assert score(PHQ2, _phq(2, None)).continue_with is None
