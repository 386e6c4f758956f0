"""State changes of follow-ups and contact attempts: create, mark done, record a try at reaching a
family, and the clinic's review rule. Flush and audit, never commit."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import Membership, User
from app.accounts.queries import staff_with_role
from app.clinics.models import Clinic
from app.core.audit import AuditAction, record_audit
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, Role
from app.db import now_utc
from app.extensions import db
from app.families.models import Child, Household
from app.followups.models import ContactAttempt, ContactMethod, FollowUp, FollowUpSource
from app.inbox.operations import notify
from app.referrals.models import Referral, ReferralStatus

TITLE_LIMIT = 300
NOTE_LIMIT = 2000
STALE = "stale"
#: Where a notification about a follow-up takes its reader.
WORKLIST_ENDPOINT = "followups.index"


def is_care_team_member(clinic_id: int, user_id: int | None) -> bool:
    """Whether the user is an active member of the clinic's care team (who may own a follow-up)."""
    if user_id is None:
        return False
    found = db.session.scalar(
        sa.select(Membership.id)
        .join(User, Membership.user_id == User.id)
        .where(
            Membership.clinic_id == clinic_id, Membership.user_id == user_id,
            Membership.is_active, User.is_active, Membership.role.in_(CARE_TEAM),
        )
    )  # fmt: skip
    return found is not None


def _check_new(
    household: Household, child: Child | None, referral: Referral | None, title: str,
    assignee_id: int,
) -> None:  # fmt: skip
    if not title.strip():
        raise DomainError(_("Say what needs doing."), code="title_required")
    if len(title.strip()) > TITLE_LIMIT:
        raise DomainError(_("The title can be at most 300 characters."), code="title_too_long")
    if child is not None and child.household_id != household.id:
        raise DomainError(_("The child is not in this household."), code="mismatch")
    if referral is not None and (
        referral.household_id != household.id or referral.clinic_id != household.clinic_id
    ):
        raise DomainError(_("The referral is not about this family."), code="mismatch")
    if not is_care_team_member(household.clinic_id, assignee_id):
        raise DomainError(
            _("Choose an active member of the clinic's care team."), code="not_care_team"
        )


def create_follow_up(
    *,
    household: Household,
    child: Child | None,
    title: str,
    assignee_id: int,
    due_on: date,
    created_by_id: int,
    referral: Referral | None = None,
    source: FollowUpSource = FollowUpSource.MANUAL,
    huddle_id: int | None = None,
) -> FollowUp:
    """A task about one family for one person; they are told unless they gave it to themselves."""
    _check_new(household, child, referral, title, assignee_id)
    follow_up = FollowUp(
        clinic_id=household.clinic_id, household_id=household.id,
        child_id=child.id if child else None, referral_id=referral.id if referral else None,
        source=source, title=title.strip(), assignee_id=assignee_id, due_on=due_on,
        created_by_id=created_by_id, huddle_id=huddle_id,
    )  # fmt: skip
    db.session.add(follow_up)
    record_audit(
        AuditAction.CREATE, follow_up,
        details={"assignee_id": assignee_id, "due_on": due_on.isoformat()},
    )  # fmt: skip
    if assignee_id != created_by_id:
        notify(
            household.clinic_id, [assignee_id], "follow_up_assigned",
            follow_up_id=follow_up.id, link_endpoint=WORKLIST_ENDPOINT,
        )  # fmt: skip
    db.session.flush()
    return follow_up


def _stale() -> DomainError:
    return DomainError(
        _("Someone else changed this follow-up while you were looking at it. Reload the page and try again."),
        code=STALE,
    )  # fmt: skip


def mark_follow_up_done(
    follow_up: FollowUp, *, user_id: int, expected_version: int | None
) -> FollowUp:
    """Close the task; a form older than the follow-up's last change is refused, never merged."""
    if expected_version is None or expected_version != follow_up.version:
        raise _stale()
    if follow_up.is_done:
        raise DomainError(_("This follow-up is already done."), code="already_done")
    # Worded before the flush: after a failed flush the session cannot load the reader's language.
    stale = _stale()
    follow_up.done_at, follow_up.done_by_id = now_utc(), user_id
    try:
        db.session.flush()
    except StaleDataError:
        raise stale from None
    record_audit(AuditAction.UPDATE, follow_up, details={"fields": ["done_at", "done_by_id"]})
    return follow_up


def _check_attempt(method: ContactMethod, note: str) -> None:
    if not isinstance(method, ContactMethod):
        raise DomainError(_("Choose how you tried to reach the family."), code="method_required")
    if len(note) > NOTE_LIMIT:
        raise DomainError(_("The note is too long."), code="note_too_long")


def _new_attempt(
    clinic_id: int, household_id: int, method: ContactMethod, is_reached: bool, note: str,
    user_id: int, attempted_at: datetime | None,
) -> ContactAttempt:  # fmt: skip
    _check_attempt(method, note)
    attempt = ContactAttempt(
        clinic_id=clinic_id, household_id=household_id, method=method, is_reached=is_reached,
        note=note.strip() or None, attempted_by_id=user_id,
        attempted_at=attempted_at or now_utc(),
    )  # fmt: skip
    db.session.add(attempt)
    return attempt


def record_contact_attempt(
    follow_up: FollowUp,
    *,
    method: ContactMethod,
    is_reached: bool,
    note: str,
    user_id: int,
    attempted_at: datetime | None = None,
) -> ContactAttempt:
    """One try at reaching the family about a follow-up; may put the follow-up up for review."""
    if follow_up.is_done:
        raise DomainError(
            _("This follow-up is done. Open a new one to keep trying to reach the family."),
            code="already_done",
        )  # fmt: skip
    attempt = _new_attempt(
        follow_up.clinic_id, follow_up.household_id, method, is_reached, note, user_id,
        attempted_at,
    )  # fmt: skip
    attempt.follow_up, attempt.referral_id = follow_up, follow_up.referral_id
    db.session.flush()
    record_audit(
        AuditAction.CREATE, attempt,
        details={"follow_up_id": follow_up.id, "method": method.value, "reached": is_reached},
    )  # fmt: skip
    _apply_review_rule(follow_up)
    return attempt


def record_referral_contact_attempt(
    referral: Referral,
    *,
    method: ContactMethod,
    is_reached: bool,
    note: str,
    user_id: int,
    attempted_at: datetime | None = None,
) -> ContactAttempt:
    """One try at reaching the family about an open referral (e.g. before it is accepted)."""
    if not referral.status.is_open or referral.status == ReferralStatus.DRAFT:
        raise DomainError(
            _("Contact attempts are recorded on open referrals only."), code="referral_closed"
        )
    attempt = _new_attempt(
        referral.clinic_id, referral.household_id, method, is_reached, note, user_id, attempted_at
    )
    attempt.referral_id = referral.id
    db.session.flush()
    record_audit(
        AuditAction.CREATE, attempt,
        details={"referral_id": referral.id, "method": method.value, "reached": is_reached},
    )  # fmt: skip
    return attempt


def unreached_in_a_row(follow_up_id: int) -> int:
    """Attempts not reaching the family since the last one that did (or since the first)."""
    reached = [
        row.is_reached
        for row in db.session.execute(
            sa.select(ContactAttempt.is_reached)
            .where(ContactAttempt.follow_up_id == follow_up_id)
            .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
        )
    ]
    return next((n for n, was_reached in enumerate(reached) if was_reached), len(reached))


def _apply_review_rule(follow_up: FollowUp) -> None:
    """After the clinic's number of unreached attempts in a row, ask for a review, once.

    The claim is a conditional UPDATE (as for escalated critical answers): of two people recording
    the Nth attempt at once, only one sets needs_review_since and sends the notifications.
    """
    clinic = db.session.get(Clinic, follow_up.clinic_id)
    if follow_up.needs_review_since is not None:
        return
    if unreached_in_a_row(follow_up.id) < clinic.failed_contacts_before_review:
        return
    claimed = db.session.execute(
        sa.update(FollowUp)
        .where(FollowUp.id == follow_up.id, FollowUp.needs_review_since.is_(None))
        .values(needs_review_since=now_utc(), version=FollowUp.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(follow_up)
    if claimed.rowcount != 1:
        return
    record_audit(AuditAction.UPDATE, follow_up, details={"fields": ["needs_review_since"]})
    managers = [user.id for user in staff_with_role(follow_up.clinic_id, Role.PRACTICE_MANAGER)]
    creator = [follow_up.created_by_id] if follow_up.created_by_id else []
    notify(
        follow_up.clinic_id, [*creator, *managers], "follow_up_needs_review",
        follow_up_id=follow_up.id, link_endpoint=WORKLIST_ENDPOINT,
    )  # fmt: skip
