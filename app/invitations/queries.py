"""Named reads of invitations."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.core.clock import day_bounds_utc
from app.db import now_utc
from app.extensions import db
from app.invitations.models import Invitation, InvitationStatus
from app.invitations.operations import hash_token

#: What a token may be; anything else is refused without a database lookup.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"  # noqa: S105 — a pattern, not a secret

USABLE = frozenset({InvitationStatus.SENT, InvitationStatus.OPENED, InvitationStatus.IN_PROGRESS})


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this token opens, whatever its state (the caller decides what it allows)."""
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )


def usable_invitation(token: str) -> Invitation | None:
    """The invitation if the family may still answer through it: not expired, revoked or completed."""
    invitation = invitation_for_token(token)
    return (
        invitation if invitation is not None and invitation.status_at(now_utc()) in USABLE else None
    )


def invitations_on_day(clinic_id: int, day: date, zone: ZoneInfo) -> list[Invitation]:
    """The clinic's invitations created on its local `day`, newest first, with family and visit."""
    start, end = day_bounds_utc(day, zone)
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.clinic_id == clinic_id,
                Invitation.created_at >= start,
                Invitation.created_at < end,
            )
            .options(
                joinedload(Invitation.child),
                joinedload(Invitation.caregiver),
                joinedload(Invitation.appointment),
            )
            .order_by(Invitation.created_at.desc())
        )
    )
