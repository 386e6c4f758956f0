"""Named reads of referrals: one referral's page, the clinic's list, a household's and a visit's,
what could motivate a new one, and who answers it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Membership, User
from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.directory.models import DirectoryService
from app.extensions import db
from app.followups.models import ContactAttempt
from app.referrals.models import (
    OPEN_STATUSES,
    Referral,
    ReferralEvent,
    ReferralReason,
    ReferralStatus,
    ReferralTarget,
)
from app.screening.models import (
    FamilyPriority,
    Flag,
    FlagKind,
    ResponseStatus,
    ScreeningResponse,
    WantsHelp,
)

#: How far back the family's priorities and screens count as reasons for a new referral.
REASON_LOOKBACK = timedelta(days=365)
#: How long a closed referral stays on the visit page, with its outcome.
RECENTLY_CLOSED = timedelta(days=90)
LIST_LIMIT = 200

_LISTED = (
    joinedload(Referral.child),
    joinedload(Referral.household),
    joinedload(Referral.partner_organization),
    joinedload(Referral.service).joinedload(DirectoryService.organization),
)


def referral_for_page(referral_id: int, clinic_id: int) -> Referral | None:
    """One referral with everything its page shows: reasons, consent, events and their actors."""
    return db.session.scalar(
        sa.select(Referral)
        .where(Referral.id == referral_id, Referral.clinic_id == clinic_id)
        .options(
            *_LISTED,
            joinedload(Referral.requested_by),
            joinedload(Referral.owner),
            joinedload(Referral.consent),
            selectinload(Referral.events).joinedload(ReferralEvent.actor),
            selectinload(Referral.reasons).joinedload(ReferralReason.flag),
            selectinload(Referral.reasons).joinedload(ReferralReason.priority),
        )
    )


@dataclass(frozen=True)
class ReferralFilter:
    status: str = "open"  # "open", "closed" or "all"
    target: str = ""
    need: str = ""


def referrals_of_clinic(clinic_id: int, chosen: ReferralFilter, limit: int = LIST_LIMIT):
    """The clinic's referrals matching the filter, newest first."""
    query = sa.select(Referral).where(Referral.clinic_id == clinic_id)
    if chosen.status == "open":
        query = query.where(Referral.status.in_(OPEN_STATUSES))
    elif chosen.status == "closed":
        query = query.where(Referral.status.not_in(OPEN_STATUSES))
    if chosen.target:
        query = query.where(Referral.target == ReferralTarget(chosen.target))
    if chosen.need:
        query = query.where(Referral.need == chosen.need)
    order = (
        sa.func.coalesce(Referral.requested_at, Referral.created_at).desc(),
        Referral.id.desc(),
    )
    return list(db.session.scalars(query.options(*_LISTED).order_by(*order).limit(limit)))


def referrals_of_household(household_id: int, limit: int = LIST_LIMIT) -> list[Referral]:
    return list(
        db.session.scalars(
            sa.select(Referral)
            .where(Referral.household_id == household_id)
            .options(*_LISTED)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
            .limit(limit)
        )
    )


def referrals_for_visit(household_id: int, moment: datetime | None = None) -> list[Referral]:
    """The household's open referrals and those closed recently, newest first (one query)."""
    since = (moment or now_utc()) - RECENTLY_CLOSED
    return list(
        db.session.scalars(
            sa.select(Referral)
            .where(
                Referral.household_id == household_id,
                Referral.status != ReferralStatus.ENTERED_IN_ERROR,
                sa.or_(Referral.status.in_(OPEN_STATUSES), Referral.closed_at >= since),
            )
            .options(*_LISTED)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )


def priority_reasons(household_id: int, moment: datetime | None = None) -> list[FamilyPriority]:
    """What the family said it wants help with (now or later) in its check-ins of the last year,
    the newest answer per need."""
    since = (moment or now_utc()) - REASON_LOOKBACK
    rows = db.session.scalars(
        sa.select(FamilyPriority)
        .join(FamilyPriority.response)
        .where(
            FamilyPriority.household_id == household_id,
            FamilyPriority.wants_help.in_([WantsHelp.YES, WantsHelp.NOT_NOW]),
            FamilyPriority.recorded_at >= since,
            ScreeningResponse.status == ResponseStatus.FINAL,
        )
        .order_by(FamilyPriority.recorded_at.desc(), FamilyPriority.id.desc())
    )
    newest: dict[str, FamilyPriority] = {}
    for row in rows:
        newest.setdefault(row.need, row)
    return list(newest.values())


def flag_reasons(household_id: int, moment: datetime | None = None) -> list[Flag]:
    """The household's positive screens of the last year and its open critical answers, the newest
    per screen; the check-in's own flags are left out (its priorities stand for them)."""
    since = (moment or now_utc()) - REASON_LOOKBACK
    open_critical = sa.and_(Flag.kind == FlagKind.CRITICAL, Flag.acknowledged_at.is_(None))
    rows = db.session.scalars(
        sa.select(Flag)
        .join(Flag.response)
        .where(
            Flag.household_id == household_id,
            ScreeningResponse.status == ResponseStatus.FINAL,
            ScreeningResponse.instrument_key != "family-checkin",
            sa.or_(Flag.raised_at >= since, open_critical),
        )
        .order_by(Flag.raised_at.desc(), Flag.id.desc())
    )
    newest: dict[str, Flag] = {}
    for row in rows:
        newest.setdefault(row.code, row)
    return list(newest.values())


def _active_members(clinic_id: int):
    return (
        sa.select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.clinic_id == clinic_id, Membership.is_active, User.is_active)
    )


def partner_user_ids(clinic_id: int, partner_organization_id: int) -> list[int]:
    """The partner organization's active users in this clinic."""
    return list(
        db.session.scalars(
            _active_members(clinic_id).where(
                Membership.role == Role.PARTNER,
                Membership.partner_organization_id == partner_organization_id,
            )
        )
    )


def navigator_user_ids(clinic_id: int, kind: NavigatorKind) -> list[int]:
    """The clinic's active navigators of one kind (the team that answers an internal referral)."""
    return list(
        db.session.scalars(
            _active_members(clinic_id).where(
                Membership.role == Role.NAVIGATOR, Membership.navigator_kind == kind
            )
        )
    )


def contact_attempts_of(referral_id: int) -> list[ContactAttempt]:
    """Tries at reaching the family about this referral, newest first, with who tried."""
    return list(
        db.session.scalars(
            sa.select(ContactAttempt)
            .where(ContactAttempt.referral_id == referral_id)
            .options(joinedload(ContactAttempt.attempted_by))
            .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
        )
    )
