"""Named reads of follow-ups and contact attempts: the navigator's worklist, one follow-up's page.

The worklist issues the same number of statements however long it is: each kind of row is one
query, and what every row shows about its family (caregivers, program enrolments, last contact
attempt) is loaded for all rows at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Membership, User
from app.core.roles import CARE_TEAM
from app.extensions import db
from app.families.models import Child, Household, Program
from app.followups.models import ContactAttempt, FollowUp
from app.referrals.models import Referral, ReferralEvent, ReferralStatus, ReferralTarget

#: A partner still has the family's referral in hand: asked, accepted, working on it or paused.
WAITING_ON_PARTNER = (
    ReferralStatus.REQUESTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.ON_HOLD,
)


@dataclass(frozen=True)
class Family:
    """What a worklist row says about the family: who, which language, which programs, last try."""

    household: Household
    child: Child | None
    last_attempt: ContactAttempt | None

    @property
    def language(self) -> str | None:
        caregiver = self.household.primary_caregiver
        return caregiver.preferred_language if caregiver else None

    @property
    def healthysteps_tier(self) -> int | None:
        return next(
            (e.healthysteps_tier for e in self._active() if e.program == Program.HEALTHYSTEPS), None
        )

    @property
    def in_dulce(self) -> bool:
        return any(e.program == Program.DULCE for e in self._active())

    def _active(self):
        return [e for e in self.child.enrolments if e.is_active] if self.child else []


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    family: Family


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    family: Family
    last_event_at: datetime | None

    def days_since_last_event(self, now: datetime) -> int | None:
        return (now - self.last_event_at).days if self.last_event_at else None


@dataclass
class Worklist:
    due_today: list[FollowUpRow] = field(default_factory=list)
    overdue: list[FollowUpRow] = field(default_factory=list)
    needs_review: list[FollowUpRow] = field(default_factory=list)
    upcoming: list[FollowUpRow] = field(default_factory=list)
    waiting_on_partner: list[ReferralRow] = field(default_factory=list)
    #: Warm handoffs this person accepted that are still open, with the minutes it took.
    handoffs_taken: list[ReferralRow] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(
            len(rows)
            for rows in (self.due_today, self.overdue, self.needs_review, self.upcoming,
                         self.waiting_on_partner, self.handoffs_taken)
        )  # fmt: skip


def _family_options(entity):
    return (
        joinedload(entity.household).selectinload(Household.caregivers),
        joinedload(entity.child).selectinload(Child.enrolments),
    )


def _open_follow_ups(clinic_id: int, user_id: int) -> list[FollowUp]:
    return list(
        db.session.scalars(
            sa.select(FollowUp)
            .where(
                FollowUp.clinic_id == clinic_id,
                FollowUp.assignee_id == user_id,
                FollowUp.done_at.is_(None),
            )
            .options(*_family_options(FollowUp), joinedload(FollowUp.referral))
            .order_by(FollowUp.due_on, FollowUp.id)
        ).unique()
    )


def _last_event_at():
    return (
        sa.select(
            ReferralEvent.referral_id, sa.func.max(ReferralEvent.occurred_at).label("last_at")
        )
        .group_by(ReferralEvent.referral_id)
        .subquery()
    )


def _open_referrals_of(clinic_id: int, user_id: int) -> list[tuple[Referral, datetime | None]]:
    """Partner referrals this person asked for or owns, and warm handoffs they accepted, still open."""
    last = _last_event_at()
    mine = sa.or_(Referral.requested_by_id == user_id, Referral.owner_user_id == user_id)
    query = (
        sa.select(Referral, last.c.last_at)
        .outerjoin(last, last.c.referral_id == Referral.id)
        .where(
            Referral.clinic_id == clinic_id,
            Referral.status.in_(WAITING_ON_PARTNER),
            sa.or_(
                sa.and_(Referral.target == ReferralTarget.PARTNER, mine),
                sa.and_(Referral.is_warm_handoff, Referral.owner_user_id == user_id),
            ),
        )
        .options(*_family_options(Referral), joinedload(Referral.partner_organization))
        .order_by(last.c.last_at, Referral.id)
    )
    return [(row[0], row[1]) for row in db.session.execute(query).unique()]


def last_attempts(household_ids: Iterable[int]) -> dict[int, ContactAttempt]:
    """The newest contact attempt with each household, in one statement."""
    ids = set(household_ids)
    if not ids:
        return {}
    ranked = (
        sa.select(
            ContactAttempt.id,
            sa.func.row_number()
            .over(
                partition_by=ContactAttempt.household_id,
                order_by=(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc()),
            )
            .label("position"),
        )
        .where(ContactAttempt.household_id.in_(ids))
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(ContactAttempt)
        .join(ranked, ranked.c.id == ContactAttempt.id)
        .where(ranked.c.position == 1)
    )
    return {attempt.household_id: attempt for attempt in rows}


def worklist(clinic_id: int, user_id: int, today: date) -> Worklist:
    """One person's open work: each follow-up in one section (review, overdue, today, upcoming)."""
    follow_ups = _open_follow_ups(clinic_id, user_id)
    referrals = _open_referrals_of(clinic_id, user_id)
    attempts = last_attempts(
        [f.household_id for f in follow_ups] + [r.household_id for r, _at in referrals]
    )

    def family(row: FollowUp | Referral) -> Family:
        return Family(row.household, row.child, attempts.get(row.household_id))

    result = Worklist()
    for follow_up in follow_ups:
        if follow_up.needs_review_since is not None:
            section = result.needs_review
        elif follow_up.due_on < today:
            section = result.overdue
        elif follow_up.due_on == today:
            section = result.due_today
        else:
            section = result.upcoming
        section.append(FollowUpRow(follow_up, family(follow_up)))
    for referral, last_at in referrals:
        row = ReferralRow(referral, family(referral), last_at)
        if referral.target == ReferralTarget.PARTNER:
            result.waiting_on_partner.append(row)
        else:
            result.handoffs_taken.append(row)
    result.needs_review.sort(key=lambda row: row.follow_up.needs_review_since)
    return result


def care_team_people(clinic_id: int) -> list[User]:
    """Active care-team members of the clinic, by name: who may own a follow-up."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.clinic_id == clinic_id,
                Membership.role.in_(CARE_TEAM),
                Membership.is_active,
                User.is_active,
            )
            .order_by(User.full_name, User.id)
        )
    )


def follow_up_page(follow_up_id: int, clinic_id: int) -> FollowUp | None:
    """One follow-up of the clinic with its attempts, family, assignee and referral."""
    return db.session.scalar(
        sa.select(FollowUp)
        .where(FollowUp.id == follow_up_id, FollowUp.clinic_id == clinic_id)
        .options(
            *_family_options(FollowUp),
            joinedload(FollowUp.assignee),
            joinedload(FollowUp.referral),
            selectinload(FollowUp.attempts).joinedload(ContactAttempt.attempted_by),
        )
    )


def users_by_id(user_ids: Iterable[int | None]) -> dict[int, User]:
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def open_referrals_of_household(household_id: int, clinic_id: int) -> list[Referral]:
    """The family's open referrals, newest first: what a new follow-up may be about."""
    return list(
        db.session.scalars(
            sa.select(Referral)
            .where(
                Referral.household_id == household_id,
                Referral.clinic_id == clinic_id,
                Referral.status.in_(WAITING_ON_PARTNER),
            )
            .order_by(Referral.requested_at.desc(), Referral.id.desc())
        )
    )


@dataclass(frozen=True)
class WorklistCounts:
    due_today: int
    overdue: int
    needs_review: int


def worklist_counts(clinic_id: int, user_id: int, today: date) -> WorklistCounts:
    """How many open follow-ups of this person are due today, overdue, or need review (one query)."""
    review = FollowUp.needs_review_since.is_not(None)
    waiting = FollowUp.needs_review_since.is_(None)

    def counted(condition):
        return sa.func.count(sa.case((condition, 1)))

    row = db.session.execute(
        sa.select(
            counted(sa.and_(waiting, FollowUp.due_on == today)),
            counted(sa.and_(waiting, FollowUp.due_on < today)),
            counted(review),
        ).where(
            FollowUp.clinic_id == clinic_id,
            FollowUp.assignee_id == user_id,
            FollowUp.done_at.is_(None),
        )
    ).one()
    return WorklistCounts(*row)
