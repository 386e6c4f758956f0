"""The status machine, checked against the whole table: every (from, to, side) is allowed or not."""

from __future__ import annotations

import itertools

import pytest

from app.referrals.models import ReferralStatus as S
from app.referrals.models import Side
from app.referrals.rules import allowed_targets, check_transition

R, P = Side.REQUESTER, Side.RESPONDER
OPEN_AFTER_REQUEST = (S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD)

#: Written out by hand from the Gravity referral Task states (DESIGN §6), not derived from the code.
EXPECTED = {
    (S.DRAFT, S.REQUESTED, R),
    (S.DRAFT, S.CANCELLED, R),
    (S.REQUESTED, S.ACCEPTED, P),
    (S.REQUESTED, S.REJECTED, P),
    (S.ACCEPTED, S.IN_PROGRESS, P),
    (S.ACCEPTED, S.COMPLETED, P),
    (S.ACCEPTED, S.FAILED, P),
    (S.IN_PROGRESS, S.ON_HOLD, P),
    (S.ON_HOLD, S.IN_PROGRESS, P),
    (S.IN_PROGRESS, S.COMPLETED, P),
    (S.ON_HOLD, S.COMPLETED, P),
    (S.IN_PROGRESS, S.FAILED, P),
    (S.ON_HOLD, S.FAILED, P),
    *((status, S.CANCELLED, side) for status in OPEN_AFTER_REQUEST for side in (R, P)),
    *((status, S.ENTERED_IN_ERROR, R) for status in S if status != S.ENTERED_IN_ERROR),
}
EVERY_MOVE = list(itertools.product(S, S, Side))
#: What the user gives with the move: enough for any move, so only permission decides.
EVERYTHING_GIVEN = {"reason": "family_declined", "note": "Called twice", "outcome": "Food box"}


def test_the_expected_table_has_the_size_of_the_gravity_machine():
    assert len(EXPECTED) == 13 + 8 + 9


@pytest.mark.parametrize(("current", "target", "side"), EVERY_MOVE)
def test_each_move_is_allowed_exactly_when_the_table_says(current, target, side):
    refusal = check_transition(current, target, side, **EVERYTHING_GIVEN)

    if (current, target, side) in EXPECTED:
        assert refusal is None
    elif any((current, target, other) in EXPECTED for other in Side):
        assert refusal.code == "wrong_side"
    else:
        assert refusal.code == "not_allowed"


@pytest.mark.parametrize(("current", "side"), list(itertools.product(S, Side)))
def test_each_side_is_offered_exactly_its_own_moves(current, side):
    expected = {to for (frm, to, who) in EXPECTED if frm == current and who == side}
    offered = allowed_targets(current, side)
    assert set(offered) == expected
    assert len(offered) == len(expected)


def test_the_system_side_may_make_no_move_by_hand():
    assert all(allowed_targets(status, Side.SYSTEM) == [] for status in S)


def test_closed_referrals_can_only_be_marked_entered_in_error():
    for closed in (S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED):
        assert allowed_targets(closed, R) == [S.ENTERED_IN_ERROR]
        assert allowed_targets(closed, P) == []
    assert allowed_targets(S.ENTERED_IN_ERROR, R) == []


@pytest.mark.parametrize("target", [S.REJECTED, S.FAILED, S.ON_HOLD, S.CANCELLED])
def test_a_responders_move_that_says_no_or_stops_needs_a_reason(target):
    current = S.REQUESTED if target == S.REJECTED else S.IN_PROGRESS
    refusal = check_transition(current, target, P, reason=None, note="", outcome="")
    assert refusal.code == "reason_required"
    assert check_transition(current, target, P, reason="no_capacity", note="", outcome="") is None


def test_the_reason_other_needs_a_note():
    refusal = check_transition(S.REQUESTED, S.REJECTED, P, reason="other", note=" ", outcome="")
    assert refusal.code == "note_required"
    assert check_transition(S.REQUESTED, S.REJECTED, P, reason="other", note="Moved away",
                            outcome="") is None  # fmt: skip


@pytest.mark.parametrize("current", [S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD])
def test_closing_the_loop_needs_an_outcome(current):
    refusal = check_transition(current, S.COMPLETED, P, reason=None, note="", outcome="  ")
    assert refusal.code == "outcome_required"
    assert (
        check_transition(current, S.COMPLETED, P, reason=None, note="", outcome="Enrolled in WIC")
        is None
    )
