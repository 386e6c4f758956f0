"""Live warm handoffs: what waits for a navigator's team, accepting one, and the alert when nobody
does in time (DESIGN §6: "the on-duty navigator sees it live (no reload) and accepts; time to accept
is measured")."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from app.accounts.models import Membership
from app.accounts.queries import staff_with_role
from app.appointments.models import Appointment
from app.clinics.models import Clinic, Site
from app.core.audit import AuditAction, AuditEvent, record_audit
from app.core.errors import DomainError
from app.core.roles import NavigatorKind, Role
from app.core.templating import language_name
from app.db import now_utc
from app.extensions import db
from app.families.models import Household
from app.inbox.operations import notify
from app.referrals.models import Referral, ReferralStatus, Side
from app.referrals.operations import RESPONDER_KIND, STALE, side_of, transition_referral
from app.referrals.present import need_label

log = logging.getLogger("wellthread.handoffs")

#: How often the navigator's page asks for new handoffs (static/js/handoffs.js reads it).
POLL_SECONDS = 5


@dataclass(frozen=True)
class WaitingHandoff:
    """A warm handoff nobody has accepted yet, with where the family is."""

    referral: Referral
    site_name: str | None

    def minutes_waiting(self, now: datetime) -> int:
        return max(int((now - self.referral.requested_at).total_seconds() // 60), 0)

    @property
    def language(self) -> str | None:
        caregiver = self.referral.household.primary_caregiver
        return caregiver.preferred_language if caregiver else None


def _targets_of(kind: NavigatorKind) -> list:
    return [target for target, responder in RESPONDER_KIND.items() if responder == kind]


def waiting_handoffs(clinic_id: int, kind: NavigatorKind | None = None) -> list[WaitingHandoff]:
    """Warm handoffs still requested, longest waiting first; for one navigator kind when given."""
    query = (
        sa.select(Referral, Site.name)
        .outerjoin(Appointment, Referral.appointment_id == Appointment.id)
        .outerjoin(Site, Appointment.site_id == Site.id)
        .where(
            Referral.clinic_id == clinic_id,
            Referral.is_warm_handoff,
            Referral.status == ReferralStatus.REQUESTED,
        )
        .options(
            joinedload(Referral.child),
            joinedload(Referral.household).selectinload(Household.caregivers),
        )
        .order_by(Referral.requested_at, Referral.id)
    )
    if kind is not None:
        query = query.where(Referral.target.in_(_targets_of(kind)))
    return [WaitingHandoff(row[0], row[1]) for row in db.session.execute(query).unique()]


def waiting_words(minutes: int) -> str:
    return ngettext("Waiting %(num)d minute", "Waiting %(num)d minutes", minutes)


def handoff_json(handoff: WaitingHandoff, now: datetime) -> dict:
    """What the panel shows: no name but the child's first name, no score, no note."""
    referral, minutes = handoff.referral, handoff.minutes_waiting(now)
    return {
        "id": referral.id,
        "version": referral.version,
        "minutes_waiting": minutes,
        "waiting": waiting_words(minutes),
        "location": handoff.site_name,
        "language": handoff.language,
        "language_name": language_name(handoff.language),
        "need": need_label(referral.need),
        "team": referral.target.label,
        "child_first_name": referral.child.given_name if referral.child else None,
        "accept_url": url_for("handoffs.accept", referral_id=referral.id),
    }


def record_first_sight(referrals: list[Referral]) -> None:
    """Audit each handoff the first time this person is shown it, not at every 5-second poll."""
    if not referrals:
        return
    seen = set(
        db.session.scalars(
            sa.select(AuditEvent.object_id).where(
                AuditEvent.clinic_id == referrals[0].clinic_id,
                AuditEvent.actor_user_id == g.user.id,
                AuditEvent.action == str(AuditAction.VIEW),
                AuditEvent.object_type == Referral.__tablename__,
                AuditEvent.object_id.in_([str(r.id) for r in referrals]),
            )
        )
    )
    for referral in referrals:
        if str(referral.id) not in seen:
            record_audit(AuditAction.VIEW, referral, details={"page": "live_handoffs"})


def my_waiting_handoffs() -> list[WaitingHandoff]:
    """The signed-in navigator's kind's waiting handoffs, audited at first sight."""
    handoffs = waiting_handoffs(g.membership.clinic_id, g.membership.navigator_kind)
    record_first_sight([h.referral for h in handoffs])
    return handoffs


def taken(referral: Referral) -> DomainError:
    if referral.status == ReferralStatus.ACCEPTED and referral.owner is not None:
        return DomainError(
            _("Already accepted by %(name)s.", name=referral.owner.full_name),
            code="already_accepted",
        )
    return DomainError(
        _("This handoff is no longer waiting: it is %(status)s.", status=referral.status.label),
        code="not_waiting",
    )


def accept_handoff(
    referral: Referral, membership: Membership, *, expected_version: int | None
) -> Referral:
    """The navigator takes the family on; accepted_at − requested_at is the time to accept."""
    if not referral.is_warm_handoff:
        raise DomainError(_("This referral is not a warm handoff."), code="not_a_handoff")
    if side_of(referral, membership) != Side.RESPONDER:
        raise DomainError(_("This handoff is for another team."), code="wrong_team")
    if referral.status != ReferralStatus.REQUESTED:
        raise taken(referral)
    if expected_version is None:
        raise DomainError(_("Reload the page and try again."), code=STALE)
    # transition_referral records the event, the audit and tells the requester (referral_accepted).
    return transition_referral(
        referral, ReferralStatus.ACCEPTED, actor_user_id=membership.user_id,
        side=Side.RESPONDER, expected_version=expected_version,
    )  # fmt: skip


def _overdue(now: datetime) -> list[tuple[Referral, Clinic]]:
    """Warm handoffs still requested past their clinic's minutes, not yet alerted."""
    rows = db.session.execute(
        sa.select(Referral, Clinic)
        .join(Clinic, Referral.clinic_id == Clinic.id)
        .where(
            Referral.is_warm_handoff,
            Referral.status == ReferralStatus.REQUESTED,
            Referral.handoff_alerted_at.is_(None),
            # No clinic waits less than a minute; each clinic's own limit is applied below
            # (date arithmetic on a column differs between SQLite and PostgreSQL).
            Referral.requested_at <= now - timedelta(minutes=1),
        )
        .order_by(Referral.requested_at, Referral.id)
    )
    return [
        (referral, clinic)
        for referral, clinic in rows
        if referral.requested_at + timedelta(minutes=clinic.handoff_accept_minutes) <= now
    ]


def _claim(referral: Referral, now: datetime) -> bool:
    """Mark the handoff alerted unless another process did, or a navigator accepted it meanwhile.

    A conditional UPDATE, as for escalated critical answers: of two job runs at once, the second
    changes no row. The version is left alone so that a navigator's accept form stays valid.
    """
    result = db.session.execute(
        sa.update(Referral)
        .where(
            Referral.id == referral.id,
            Referral.handoff_alerted_at.is_(None),
            Referral.status == ReferralStatus.REQUESTED,
        )
        .values(handoff_alerted_at=now)
    )
    return result.rowcount == 1


def alert_waiting_handoffs(now: datetime) -> list[Referral]:
    """Tell the front desk and the practice managers of each handoff waiting too long, once."""
    alerted: list[Referral] = []
    recipients: dict[int, list[int]] = {}
    for referral, clinic in _overdue(now):
        if not _claim(referral, now):
            continue
        if clinic.id not in recipients:
            recipients[clinic.id] = [
                user.id
                for role in (Role.FRONT_DESK, Role.PRACTICE_MANAGER)
                for user in staff_with_role(clinic.id, role)
            ]
        notify(
            clinic.id, recipients[clinic.id], "handoff_waiting", referral_id=referral.id,
            link_endpoint="home.index",
        )  # fmt: skip
        record_audit(
            AuditAction.UPDATE, referral,
            details={"fields": ["handoff_alerted_at"], "notified": len(recipients[clinic.id])},
        )  # fmt: skip
        alerted.append(referral)
    return alerted


def handoff_alert_job() -> None:
    """The periodic job: alert about what is waiting now."""
    if alerted := alert_waiting_handoffs(now_utc()):
        log.info("alerted about %d warm handoffs waiting too long", len(alerted))
