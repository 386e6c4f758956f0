"""Who hears about a referral, and when. The words are fixed sentences per kind (app/inbox/messages):
never the need, a name or a health detail; e-mails leave only once the change commits."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.roles import NavigatorKind
from app.inbox.operations import notify
from app.referrals import queries
from app.referrals.models import Referral, ReferralStatus, ReferralTarget, Side

#: The requester hears how the other side answered.
ANSWER_KINDS = {
    ReferralStatus.ACCEPTED: "referral_accepted",
    ReferralStatus.REJECTED: "referral_declined",
    ReferralStatus.COMPLETED: "referral_completed",
    ReferralStatus.FAILED: "referral_failed",
    ReferralStatus.CANCELLED: "referral_cancelled",
}
#: When the clinic withdraws a referral, whoever was answering it stops.
WITHDRAWN = frozenset({ReferralStatus.CANCELLED, ReferralStatus.ENTERED_IN_ERROR})


def responders(
    referral: Referral, responder_kind: dict[ReferralTarget, NavigatorKind]
) -> list[int]:
    """Everyone who may answer: the partner organization's users, or the team's navigators."""
    if referral.target == ReferralTarget.PARTNER:
        return queries.partner_user_ids(referral.clinic_id, referral.partner_organization_id)
    return queries.navigator_user_ids(referral.clinic_id, responder_kind[referral.target])


def _send(
    referral: Referral, user_ids: Iterable[int], kind: str, actor_user_id: int | None
) -> None:
    recipients = {user_id for user_id in user_ids if user_id and user_id != actor_user_id}
    if recipients:
        notify(referral.clinic_id, sorted(recipients), kind, referral_id=referral.id)


def announce_request(
    referral: Referral,
    actor_user_id: int | None,
    responder_kind: dict[ReferralTarget, NavigatorKind],
) -> None:
    """A sent referral reaches everyone who may take it on; a warm handoff says so."""
    kind = "handoff_requested" if referral.is_warm_handoff else "referral_requested"
    _send(referral, responders(referral, responder_kind), kind, actor_user_id)


def announce_move(
    referral: Referral,
    target: ReferralStatus,
    side: Side,
    actor_user_id: int | None,
    responder_kind: dict[ReferralTarget, NavigatorKind],
) -> None:
    """After a transition: the answer to the requester; a withdrawal to whoever was answering."""
    if target == ReferralStatus.REQUESTED:
        announce_request(referral, actor_user_id, responder_kind)
        return
    if side == Side.REQUESTER and target in WITHDRAWN and referral.requested_at is not None:
        # The owner, or before anyone took it on, everyone who was asked.
        told = (
            [referral.owner_user_id]
            if referral.owner_user_id
            else responders(referral, responder_kind)
        )
        _send(referral, told, "referral_cancelled", actor_user_id)
    if target in ANSWER_KINDS:
        _send(referral, [referral.requested_by_id], ANSWER_KINDS[target], actor_user_id)
