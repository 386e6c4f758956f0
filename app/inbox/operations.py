"""Tell staff (or partner users) that something happened: an in-app notification for each, plus an
e-mail, sent only once the change commits, in the reader's language, with no health details."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.clinics.models import Clinic
from app.core.errors import DomainError
from app.core.i18n import recipient_locale
from app.core.notifications import Message, queue_message
from app.core.urls import external_url
from app.db import now_utc
from app.extensions import db
from app.inbox.messages import SENTENCES, SUBJECT
from app.inbox.models import Notification


def _email(user: User, clinic: Clinic, kind: str, link: str) -> Message:
    with force_locale(recipient_locale(user.locale, clinic.default_locale)):
        body = _("%(event)s Sign in to Wellthread to see it: %(link)s",
                 event=str(SENTENCES[kind]), link=link)  # fmt: skip
        return Message(channel="email", to=user.email, subject=str(SUBJECT), body=body)


def notify(
    clinic_id: int,
    user_ids: Iterable[int],
    kind: str,
    *,
    referral_id: int | None = None,
    follow_up_id: int | None = None,
    email: bool = True,
    link_endpoint: str = "inbox.index",
) -> list[Notification]:
    """One notification per user (each user once), and an e-mail when `email`; flush, no commit."""
    if kind not in SENTENCES:
        raise ValueError(f"unknown notification kind {kind!r}")
    users = list(
        db.session.scalars(sa.select(User).where(User.id.in_(set(user_ids)), User.is_active))
    )
    clinic = db.session.get(Clinic, clinic_id)
    rows = [
        Notification(
            clinic_id=clinic_id,
            user_id=user.id,
            kind=kind,
            referral_id=referral_id,
            follow_up_id=follow_up_id,
        )
        for user in users
    ]
    db.session.add_all(rows)
    if email and users:
        link = external_url(link_endpoint)
        for user in users:
            queue_message(db.session(), _email(user, clinic, kind, link))
    db.session.flush()
    return rows


def mark_read(notification: Notification, user_id: int) -> None:
    if notification.user_id != user_id:
        raise DomainError(_("That notification is not yours."), code="not_yours")
    if notification.read_at is None:
        notification.read_at = now_utc()


def mark_all_read(user_id: int, clinic_id: int) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.clinic_id == clinic_id,
               Notification.read_at.is_(None))
        .values(read_at=now_utc())
    )  # fmt: skip
    return result.rowcount
