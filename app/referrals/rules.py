"""Who may move a referral from which status to which (pure: no Flask, no database).

The states and who sets them are those of the Gravity Project's SDOH Clinical Care referral Task
(HL7 FHIR SDOHCC TaskForReferralManagement, status value set = TaskStatus minus ready and received):
the requester drafts, requests, cancels and marks entered-in-error; the responder accepts or
rejects, starts, pauses, resumes, and completes or fails; either side may cancel an open referral.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.referrals.models import ReferralStatus as S
from app.referrals.models import Side

OPEN_AFTER_REQUEST = (S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD)

#: (from, to) → the sides allowed to make that move.
TRANSITIONS: dict[tuple[S, S], frozenset[Side]] = {
    (S.DRAFT, S.REQUESTED): frozenset({Side.REQUESTER}),
    (S.DRAFT, S.CANCELLED): frozenset({Side.REQUESTER}),
    (S.REQUESTED, S.ACCEPTED): frozenset({Side.RESPONDER}),
    (S.REQUESTED, S.REJECTED): frozenset({Side.RESPONDER}),
    (S.ACCEPTED, S.IN_PROGRESS): frozenset({Side.RESPONDER}),
    (S.ACCEPTED, S.COMPLETED): frozenset({Side.RESPONDER}),
    (S.ACCEPTED, S.FAILED): frozenset({Side.RESPONDER}),
    (S.IN_PROGRESS, S.ON_HOLD): frozenset({Side.RESPONDER}),
    (S.ON_HOLD, S.IN_PROGRESS): frozenset({Side.RESPONDER}),
    (S.IN_PROGRESS, S.COMPLETED): frozenset({Side.RESPONDER}),
    (S.ON_HOLD, S.COMPLETED): frozenset({Side.RESPONDER}),
    (S.IN_PROGRESS, S.FAILED): frozenset({Side.RESPONDER}),
    (S.ON_HOLD, S.FAILED): frozenset({Side.RESPONDER}),
    **{(s, S.CANCELLED): frozenset({Side.REQUESTER, Side.RESPONDER}) for s in OPEN_AFTER_REQUEST},
    # Entered in error: only the requester, from any state but itself (the record was a mistake).
    **{(s, S.ENTERED_IN_ERROR): frozenset({Side.REQUESTER}) for s in S if s != S.ENTERED_IN_ERROR},
}

#: Moves that must say why (a reason code); "other" also needs a note.
NEEDS_REASON = frozenset({S.REJECTED, S.CANCELLED, S.FAILED, S.ON_HOLD, S.ENTERED_IN_ERROR})
#: Closing the loop is an explicit outcome: what was done.
NEEDS_OUTCOME = frozenset({S.COMPLETED})


@dataclass(frozen=True)
class Refusal:
    """Why a transition is not allowed; `code` is stable, the view words it for the user."""

    code: str  # "not_allowed", "wrong_side", "reason_required", "note_required", "outcome_required"


def allowed_targets(current: S, side: Side) -> list[S]:
    """The statuses `side` may move a referral in `current` to, in the order of the value set."""
    return [to for (frm, to), sides in TRANSITIONS.items() if frm == current and side in sides]


def check_transition(
    current: S, target: S, side: Side, *, reason: str | None, note: str, outcome: str
) -> Refusal | None:
    """None when the move is allowed with what was given, else why not."""
    sides = TRANSITIONS.get((current, target))
    if sides is None:
        return Refusal("not_allowed")
    if side not in sides:
        return Refusal("wrong_side")
    if target in NEEDS_REASON and not reason:
        return Refusal("reason_required")
    if reason == "other" and not note.strip():
        return Refusal("note_required")
    if target in NEEDS_OUTCOME and not outcome.strip():
        return Refusal("outcome_required")
    return None
