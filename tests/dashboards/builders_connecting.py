"""Referrals, follow-ups and critical answers at set times, for the connecting and screening metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.roles import NavigatorKind, Role
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.operations import create_follow_up
from app.referrals.models import Referral, ReferralStatus, ReferralTarget, Side
from app.referrals.operations import open_referral
from app.screening.models import Flag, FlagAction, FlagKind, ScreeningResponse
from tests.referrals.builders import bring_to, move

S = ReferralStatus

#: PHQ-9 item 9 answered "more than half the days": positive (10 of 27) and critical.
PHQ9_ITEM_9 = {**{f"phq-{n}": "1" for n in range(1, 9)}, "phq-9": "2"}


@dataclass
class Team:
    """A clinician who asks for referrals and the HealthySteps specialist who answers them."""

    requester_id: int
    responder_id: int


def team(make, clinic) -> Team:
    clinician = make.member(clinic, Role.CLINICIAN)
    navigator = make.member(
        clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.HEALTHYSTEPS_SPECIALIST
    )
    return Team(clinician.user_id, navigator.user_id)


def referral(
    crew: Team,
    child,
    requested_at: datetime,
    status: ReferralStatus = S.REQUESTED,
    *,
    accepted_after: timedelta | None = None,
    closed_after: timedelta | None = None,
    appointment=None,
    is_warm_handoff: bool = False,
) -> Referral:
    """A referral moved to `status` through the real machine, then dated: requested (or, for a
    draft, started) at `requested_at`, accepted and closed that long after. One entered in error
    was requested first."""
    made = open_referral(
        household=child.household, child=child, requested_by_id=crew.requester_id, need="food",
        target=ReferralTarget.HEALTHYSTEPS_SPECIALIST, is_warm_handoff=is_warm_handoff,
        appointment_id=appointment.id if appointment is not None else None, submit=False,
    )  # fmt: skip
    if status == S.ENTERED_IN_ERROR:
        bring_to(made, S.REQUESTED, crew.requester_id, crew.responder_id)
        move(made, S.ENTERED_IN_ERROR, Side.REQUESTER, crew.requester_id)
    else:
        bring_to(made, status, crew.requester_id, crew.responder_id)
    made.created_at = requested_at
    made.requested_at = requested_at if made.requested_at else None
    made.accepted_at = (
        requested_at + (accepted_after or timedelta(minutes=10)) if made.accepted_at else None
    )
    if made.closed_at is not None:
        made.closed_at = requested_at + (closed_after or timedelta(days=1))
    db.session.flush()
    return made


def follow_up(
    make, crew: Team, child, due_on: date, done_at: datetime | None = None, referral=None
) -> FollowUp:
    task = create_follow_up(
        household=child.household, child=child, title="Call about the food pantry",
        assignee_id=crew.responder_id, due_on=due_on, created_by_id=crew.requester_id,
        referral=referral,
    )  # fmt: skip
    task.done_at = done_at
    db.session.flush()
    return task


def critical_flag(response: ScreeningResponse) -> Flag:
    return next(f for f in response.flags if f.kind == FlagKind.CRITICAL)


def acknowledge(found: Flag, at: datetime, user_id: int) -> Flag:
    """Acted on at `at` (the operation stamps the clock's time; the test needs a set one)."""
    found.acknowledged_at, found.acknowledged_by_id = at, user_id
    found.action = FlagAction.ASSESSED
    db.session.flush()
    return found
