"""Scoring checked against an independent computation over many answer combinations."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.screening.definitions import shipped_library
from app.screening.scoring import score

LIBRARY = shipped_library()
PHQ2, PHQ9, EPDS = LIBRARY["phq-2"], LIBRARY["phq-9"], LIBRARY["epds"]

# Deterministic, moderate and with no example database, so CI runs the same examples every time.
PROPERTY = settings(max_examples=300, derandomize=True, database=None, deadline=None)

PHQ_CODES = ("0", "1", "2", "3")
PHQ9_IDS = tuple(f"phq-{n}" for n in range(1, 10))
PHQ9_BANDS = (
    (20, "severe"),
    (15, "moderately_severe"),
    (10, "moderate"),
    (5, "mild"),
    (0, "minimal"),
)

# Our own reading of Cox 1987, not the shipped file: answers a-d run 0-3 on items 1, 2 and 4,
# 3-0 on the items marked * (3, 5, 6, 7, 8, 9, 10).
EPDS_CODES = ("a", "b", "c", "d")
EPDS_IDS = tuple(f"epds-{n}" for n in range(1, 11))
EPDS_STARRED = {3, 5, 6, 7, 8, 9, 10}
EPDS_BANDS = ((13, "probable"), (10, "possible"), (0, "below_threshold"))


def _phq_sum(answers: dict[str, str]) -> int:
    return sum(int(code) for code in answers.values())


def _epds_item(item_id: str, code: str) -> int:
    position = EPDS_CODES.index(code)
    return 3 - position if int(item_id.removeprefix("epds-")) in EPDS_STARRED else position


def _epds_sum(answers: dict[str, str]) -> int:
    return sum(_epds_item(item_id, code) for item_id, code in answers.items())


def _band(total: int, bands: tuple[tuple[int, str], ...]) -> str:
    return next(name for floor, name in bands if total >= floor)


def _complete(ids: tuple[str, ...], codes: tuple[str, ...]):
    return st.fixed_dictionaries({item_id: st.sampled_from(codes) for item_id in ids})


def _partial(ids: tuple[str, ...], codes: tuple[str, ...]):
    return st.fixed_dictionaries({}, optional={i: st.sampled_from(codes) for i in ids}).filter(
        lambda answers: len(answers) < len(ids)
    )


def _kinds(result) -> list[str]:
    return [flag.kind for flag in result.flags]


# --- PHQ-2: every one of the 16 combinations --------------------------------------------------


@pytest.mark.parametrize(("item1", "item2"), list(itertools.product(PHQ_CODES, repeat=2)))
def test_phq2_every_combination(item1: str, item2: str) -> None:
    total = int(item1) + int(item2)

    result = score(PHQ2, {"phq-1": item1, "phq-2": item2})

    assert result.total == total
    assert result.is_positive is (total >= 3)
    assert result.continue_with == ("phq-9" if total >= 3 else None)


# --- PHQ-9 ------------------------------------------------------------------------------------


@PROPERTY
@given(answers=_complete(PHQ9_IDS, PHQ_CODES))
def test_complete_phq9(answers: dict[str, str]) -> None:
    total = _phq_sum(answers)

    result = score(PHQ9, answers)

    assert result.is_complete
    assert result.missing == ()
    assert result.total == result.answered_total == total
    assert 0 <= result.total <= 27
    assert result.band == _band(total, PHQ9_BANDS)
    assert result.is_positive is (total >= 10)
    assert ("positive" in _kinds(result)) is (total >= 10)
    assert ("critical" in _kinds(result)) is (answers["phq-9"] != "0")


@PROPERTY
@given(answers=_partial(PHQ9_IDS, PHQ_CODES))
def test_incomplete_phq9(answers: dict[str, str]) -> None:
    answered = _phq_sum(answers)

    result = score(PHQ9, answers)

    assert not result.is_complete
    assert result.total is None
    assert result.band is None
    assert result.answered_total == answered
    assert result.is_positive is (True if answered >= 10 else None)
    assert result.missing == tuple(i for i in PHQ9_IDS if i not in answers)
    assert ("critical" in _kinds(result)) is (answers.get("phq-9", "0") != "0")


# --- EPDS -------------------------------------------------------------------------------------


@PROPERTY
@given(answers=_complete(EPDS_IDS, EPDS_CODES))
def test_complete_epds(answers: dict[str, str]) -> None:
    total = _epds_sum(answers)

    result = score(EPDS, answers)

    assert result.is_complete
    assert result.total == result.answered_total == total
    assert 0 <= result.total <= 30
    assert result.band == _band(total, EPDS_BANDS)
    assert result.is_positive is (total >= 10)
    assert ("positive" in _kinds(result)) is (total >= 10)
    assert ("critical" in _kinds(result)) is (_epds_item("epds-10", answers["epds-10"]) > 0)


@PROPERTY
@given(answers=_partial(EPDS_IDS, EPDS_CODES))
def test_incomplete_epds(answers: dict[str, str]) -> None:
    answered = _epds_sum(answers)

    result = score(EPDS, answers)

    assert not result.is_complete
    assert result.total is None
    assert result.band is None
    assert result.answered_total == answered
    assert result.is_positive is (True if answered >= 10 else None)
    assert result.missing == tuple(i for i in EPDS_IDS if i not in answers)
    critical = "epds-10" in answers and _epds_item("epds-10", answers["epds-10"]) > 0
    assert ("critical" in _kinds(result)) is critical


@PROPERTY
@given(answers=_complete(EPDS_IDS, EPDS_CODES), data=st.data())
def test_answering_more_never_undoes_a_positive_epds(answers: dict[str, str], data) -> None:
    dropped = data.draw(st.sets(st.sampled_from(EPDS_IDS), min_size=1))
    partial = {i: code for i, code in answers.items() if i not in dropped}

    if score(EPDS, partial).is_positive:
        assert score(EPDS, answers).is_positive
