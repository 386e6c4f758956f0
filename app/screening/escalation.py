"""Critical answers no clinician has acted on in time: tell the practice manager on duty (DESIGN §4)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _

from app.accounts.models import User
from app.accounts.queries import staff_with_role
from app.clinics.models import Clinic
from app.core.audit import AuditAction, record_audit
from app.core.i18n import recipient_locale
from app.core.notifications import Message, queue_message
from app.core.roles import Role
from app.core.urls import external_url
from app.db import now_utc
from app.extensions import db
from app.screening.models import Flag, FlagKind, ResponseStatus, ScreeningResponse

log = logging.getLogger("wellthread.escalation")


def _waiting_too_long(now: datetime) -> list[tuple[Flag, Clinic]]:
    """Open critical flags on final responses, not yet escalated, past their clinic's limit."""
    rows = db.session.execute(
        sa.select(Flag, Clinic)
        .join(ScreeningResponse, Flag.response_id == ScreeningResponse.id)
        .join(Clinic, Flag.clinic_id == Clinic.id)
        .where(
            Flag.kind == FlagKind.CRITICAL,
            Flag.acknowledged_at.is_(None),
            Flag.escalated_at.is_(None),
            ScreeningResponse.status == ResponseStatus.FINAL,
            # No clinic waits less than a minute. Each clinic's own limit is applied below: date
            # arithmetic on a column is spelt differently in SQLite and PostgreSQL, and these
            # rows are few (each is escalated once, at most a day after it was raised).
            Flag.raised_at <= now - timedelta(minutes=1),
        )
        .order_by(Flag.raised_at, Flag.id)
    )
    return [
        (flag, clinic)
        for flag, clinic in rows
        if flag.raised_at + timedelta(minutes=clinic.critical_flag_escalation_minutes) <= now
    ]


def _claim(flag: Flag, now: datetime) -> bool:
    """Mark the flag escalated unless another process (or a clinician) got there first.

    A conditional UPDATE, not a read then a write: of two processes running the job at once, the
    second waits for the first's row lock, then finds escalated_at set and changes no row.
    """
    result = db.session.execute(
        sa.update(Flag)
        .where(Flag.id == flag.id, Flag.escalated_at.is_(None), Flag.acknowledged_at.is_(None))
        .values(escalated_at=now)
    )
    return result.rowcount == 1


def _managers_to_tell(clinic: Clinic) -> list[User]:
    """The manager on duty; every active practice manager when none is set or they left the role."""
    managers = staff_with_role(clinic.id, Role.PRACTICE_MANAGER)
    on_duty = [user for user in managers if user.id == clinic.on_duty_manager_id]
    if clinic.on_duty_manager_id is not None and not on_duty:
        log.warning(
            "clinic %s: the manager on duty is no longer an active practice manager; "
            "telling every practice manager",
            clinic.id,
        )
    return on_duty or managers


def escalation_limit_in_words(clinic: Clinic) -> str:
    """The clinic's limit in the current language, always in minutes ("90 minutes", not "2 hours")."""
    limit = timedelta(minutes=clinic.critical_flag_escalation_minutes)
    return format_timedelta(limit, granularity="minute", threshold=1441)


def _message_to(user: User, clinic: Clinic, link: str) -> Message:
    """In the manager's language; no name, instrument or health word (e-mail is not private)."""
    with force_locale(recipient_locale(user.locale, clinic.default_locale)):
        subject = _("Wellthread: an answer needs a clinician")
        body = _(
            "A screening answer at %(clinic)s that needs a clinician today has waited more "
            "than %(waited)s. Sign in to Wellthread to see who and act: %(link)s",
            clinic=clinic.name,
            waited=escalation_limit_in_words(clinic),
            link=link,
        )
    return Message(channel="email", to=user.email, subject=subject, body=body)


def escalate_waiting_critical_flags(now: datetime) -> list[Flag]:
    """Tell the manager on duty about each critical answer still waiting past the clinic's limit.

    Flushes, never commits; the e-mails leave only when the caller's commit succeeds.
    """
    escalated: list[Flag] = []
    link = external_url("home.index")
    managers_of: dict[int, list[User]] = {}
    for flag, clinic in _waiting_too_long(now):
        if not _claim(flag, now):
            continue
        if clinic.id not in managers_of:
            managers_of[clinic.id] = _managers_to_tell(clinic)
        managers = managers_of[clinic.id]
        if not managers:
            log.warning("clinic %s has no active practice manager to tell", clinic.id)
        for user in managers:
            queue_message(db.session(), _message_to(user, clinic, link))
        record_audit(
            AuditAction.UPDATE,
            flag,
            details={"fields": ["escalated_at"], "notified": len(managers)},
        )
        escalated.append(flag)
    return escalated


def escalation_job() -> None:
    """The periodic job: escalate what is waiting now."""
    if escalated := escalate_waiting_critical_flags(now_utc()):
        log.info("escalated %d waiting critical answers", len(escalated))
