"""Which screens a visit calls for: the default schedule, sibling reuse and clinic overrides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import pytest

from app.screening.schedule import (
    DEFAULT_RULES,
    DueItem,
    PriorScreen,
    Rule,
    due_instruments,
    merge_rules,
)

VISIT_ON = date(2025, 3, 14)
APPOINTMENT = 7
SIBLING_APPOINTMENT = 99
OPEN = {"phq-2": True, "family-checkin": True, "hvs": True}
VISIT_KINDS = (
    "newborn",
    "3-5d",
    "1m",
    "2m",
    "4m",
    "6m",
    "9m",
    "12m",
    "15m",
    "18m",
    "24m",
    "30m",
    "36m",
    "other",
)
CAREGIVER_DEPRESSION_VISITS = {"1m", "2m", "4m", "6m"}


def _due(
    visit_kind: str = "1m",
    *,
    prior: Iterable[PriorScreen] = (),
    rules: Iterable[Rule] = DEFAULT_RULES,
    offered: Mapping[str, bool] = OPEN,
    appointment_id: int | None = APPOINTMENT,
) -> dict[str, DueItem]:
    items = due_instruments(
        visit_kind=visit_kind,
        visit_on=VISIT_ON,
        appointment_id=appointment_id,
        rules=rules,
        prior=prior,
        offered=offered,
    )
    return {item.instrument_key: item for item in items}


def _prior(key: str, days_ago: int, appointment_id: int | None = SIBLING_APPOINTMENT):
    return PriorScreen(key, VISIT_ON - timedelta(days=days_ago), appointment_id)


def _status(item: DueItem) -> tuple[str, str]:
    return item.status, item.reason


# --- the default schedule ---------------------------------------------------------------------


@pytest.mark.parametrize("visit_kind", VISIT_KINDS)
def test_default_schedule_for_a_household_never_screened(visit_kind: str) -> None:
    expected = {"family-checkin", "hvs"}
    if visit_kind in CAREGIVER_DEPRESSION_VISITS:
        expected.add("phq-2")

    due = _due(visit_kind)

    assert set(due) == expected
    assert all(_status(item) == ("due", "") for item in due.values())


@pytest.mark.parametrize("visit_kind", VISIT_KINDS)
def test_epds_is_never_due_by_default_even_when_its_text_is_loaded(visit_kind: str) -> None:
    assert "epds" not in _due(visit_kind, offered={**OPEN, "epds": True})


# --- a screen of the household counts for siblings for its validity window ---------------------


@pytest.mark.parametrize(
    ("prior", "key", "expected"),
    [
        pytest.param(
            _prior("family-checkin", 200), "family-checkin", ("done", "recent"), id="200d"
        ),
        pytest.param(
            _prior("family-checkin", 365), "family-checkin", ("done", "recent"), id="365d"
        ),
        pytest.param(_prior("family-checkin", 366), "family-checkin", ("due", ""), id="366d"),
        pytest.param(_prior("family-checkin", 400), "family-checkin", ("due", ""), id="400d"),
        pytest.param(_prior("hvs", 200), "hvs", ("done", "recent"), id="hvs-200d"),
        pytest.param(_prior("hvs", 200), "family-checkin", ("due", ""), id="other-instrument"),
        pytest.param(_prior("phq-2", 14), "phq-2", ("done", "recent"), id="phq2-14d"),
        pytest.param(_prior("phq-2", 15), "phq-2", ("due", ""), id="phq2-15d"),
        pytest.param(_prior("phq-9", 10), "phq-2", ("done", "recent"), id="phq9-counts"),
        pytest.param(_prior("phq-9", 30), "phq-2", ("due", ""), id="phq9-expired"),
    ],
)
def test_prior_screen_counts_within_its_window(
    prior: PriorScreen, key: str, expected: tuple[str, str]
) -> None:
    item = _due("1m", prior=[prior])[key]

    assert _status(item) == expected
    assert item.done_on == (prior.submitted_on if expected[0] == "done" else None)


@pytest.mark.parametrize(
    ("key", "prior_key", "days_ago"),
    [
        ("family-checkin", "family-checkin", 0),
        ("family-checkin", "family-checkin", 500),
        ("phq-2", "phq-2", 0),
        ("phq-2", "phq-9", 0),
    ],
)
def test_screen_done_for_this_appointment_is_done_this_visit(
    key: str, prior_key: str, days_ago: int
) -> None:
    item = _due("1m", prior=[_prior(prior_key, days_ago, APPOINTMENT)])[key]

    assert _status(item) == ("done", "this_visit")


def test_screen_submitted_after_the_visit_date_for_this_appointment_counts() -> None:
    late = PriorScreen("hvs", VISIT_ON + timedelta(days=1), APPOINTMENT)

    assert _status(_due("1m", prior=[late])["hvs"]) == ("done", "this_visit")


def test_the_latest_counting_screen_is_reported() -> None:
    prior = [_prior("family-checkin", 300), _prior("family-checkin", 100, 55)]

    assert _due("12m", prior=prior)["family-checkin"].done_on == VISIT_ON - timedelta(days=100)


# --- a household invitation (no appointment) --------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [(100, ("done", "recent")), (365, ("done", "recent")), (366, ("due", "")), (800, ("due", ""))],
)
def test_invitation_counts_only_screens_within_validity(
    days_ago: int, expected: tuple[str, str]
) -> None:
    prior = [_prior("family-checkin", days_ago, appointment_id=None)]

    due = _due("other", prior=prior, appointment_id=None)

    assert _status(due["family-checkin"]) == expected


# --- a clinic's own rules ---------------------------------------------------------------------


def test_merge_keeps_defaults_a_clinic_did_not_change() -> None:
    assert merge_rules(DEFAULT_RULES, {}) == list(DEFAULT_RULES)


def test_clinic_can_turn_phq2_off() -> None:
    rules = merge_rules(DEFAULT_RULES, {"phq-2": Rule("phq-2", False, frozenset({"1m"}), 14)})

    assert set(_due("1m", rules=rules)) == {"family-checkin", "hvs"}


def test_clinic_can_move_phq2_to_other_visits() -> None:
    rules = merge_rules(DEFAULT_RULES, {"phq-2": Rule("phq-2", True, frozenset({"9m", "12m"}), 14)})

    assert "phq-2" not in _due("1m", rules=rules)
    assert _status(_due("9m", rules=rules)["phq-2"]) == ("due", "")
    assert _status(_due("12m", rules=rules)["phq-2"]) == ("due", "")


def _epds_on() -> list[Rule]:
    return merge_rules(
        DEFAULT_RULES, {"epds": Rule("epds", True, frozenset({"1m", "2m", "4m", "6m"}), 14)}
    )


def test_enabled_epds_without_loaded_text_is_unavailable() -> None:
    due = _due("2m", rules=_epds_on(), offered={**OPEN, "epds": False})

    assert _status(due["epds"]) == ("unavailable", "licensed_text_missing")
    assert _status(due["phq-2"]) == ("due", "")


def test_enabled_epds_with_loaded_text_is_due() -> None:
    due = _due("2m", rules=_epds_on(), offered={**OPEN, "epds": True})

    assert _status(due["epds"]) == ("due", "")


def test_enabled_epds_is_only_due_at_its_visits() -> None:
    assert "epds" not in _due("9m", rules=_epds_on(), offered={**OPEN, "epds": True})


def _checkin_valid_for(days: int) -> list[Rule]:
    return merge_rules(
        DEFAULT_RULES, {"family-checkin": Rule("family-checkin", True, frozenset(), days)}
    )


@pytest.mark.parametrize(
    ("prior", "expected"),
    [
        pytest.param(_prior("family-checkin", 1), ("due", ""), id="yesterday"),
        pytest.param(_prior("family-checkin", 0), ("done", "recent"), id="sibling-same-day"),
        pytest.param(_prior("family-checkin", 0, APPOINTMENT), ("done", "this_visit"), id="here"),
        pytest.param(
            _prior("family-checkin", 3, APPOINTMENT), ("done", "this_visit"), id="here-earlier"
        ),
    ],
)
def test_validity_zero_counts_only_a_same_day_or_this_visit_screen(
    prior: PriorScreen, expected: tuple[str, str]
) -> None:
    due = _due("12m", rules=_checkin_valid_for(0), prior=[prior])

    assert _status(due["family-checkin"]) == expected


def test_prior_phq9_counts_for_a_phq9_rule() -> None:
    rules = [Rule("phq-9", True, frozenset(), 14)]

    due = _due("2m", rules=rules, prior=[_prior("phq-9", 3)], offered={"phq-9": True})

    assert _status(due["phq-9"]) == ("done", "recent")
