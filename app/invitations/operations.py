"""State changes for invitations: create, send, revoke, and follow a family's progress."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.appointments.models import Appointment
from app.core.audit import AuditAction, record_audit
from app.core.errors import DomainError
from app.core.notifications import Message, queue_message
from app.db import now_utc
from app.extensions import db
from app.families.models import Caregiver
from app.invitations.models import Channel, Invitation
from app.screening import queries as screening

#: 24 random bytes: far beyond guessing, short enough for a text message link.
TOKEN_BYTES = 24


def hash_token(token: str) -> str:
    """Tokens are long and random, so one SHA-256 is enough; no secret is kept that could leak."""
    return hashlib.sha256(token.encode()).hexdigest()


def _instruments_due(appointment: Appointment, language: str) -> list[str]:
    offered = screening.offered_languages(appointment.clinic_id)
    return [
        item.instrument_key
        for item in screening.due_for_appointment(appointment)
        if item.status == "due" and language in offered.get(item.instrument_key, set())
    ]


def create_invitation(
    appointment: Appointment,
    *,
    language: str,
    channel: Channel,
    created_by_id: int | None,
    caregiver: Caregiver | None = None,
) -> tuple[Invitation, str]:
    """Invite the family to the screens due at this visit; returns the invitation and its token."""
    instruments = _instruments_due(appointment, language)
    if not instruments:
        raise DomainError(
            _("No screen is due for this visit in the chosen language."), code="nothing_due"
        )
    if caregiver is not None and caregiver.household_id != appointment.child.household_id:
        raise DomainError(_("Choose a caregiver of this family."), code="caregiver")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    hours = current_app.config[
        "WELLTHREAD_KIOSK_MINUTES" if channel == Channel.KIOSK else "WELLTHREAD_INVITATION_HOURS"
    ]
    lifetime = timedelta(minutes=hours) if channel == Channel.KIOSK else timedelta(hours=hours)
    invitation = Invitation(
        clinic_id=appointment.clinic_id,
        household_id=appointment.child.household_id,
        appointment_id=appointment.id,
        child_id=appointment.child_id,
        caregiver_id=caregiver.id if caregiver else None,
        token_hash=hash_token(token),
        instruments=instruments,
        language=language,
        channel=channel,
        created_by_id=created_by_id,
        expires_at=now_utc() + lifetime,
    )
    db.session.add(invitation)
    record_audit(AuditAction.CREATE, invitation, details={"channel": str(channel)})
    return invitation, token


def send_invitation(invitation: Invitation, link: str, *, clinic_name: str) -> None:
    """Text or e-mail the link to the caregiver, in their language, with no health information."""
    caregiver = invitation.caregiver
    to = (
        caregiver.phone
        if invitation.channel == Channel.SMS
        else caregiver.email
        if caregiver
        else None
    )
    if caregiver is None or not to:
        raise DomainError(
            _("This caregiver has no phone or e-mail for this channel."), code="no_contact"
        )
    with force_locale(invitation.language):
        body = _(
            "%(clinic)s asks you a few questions before your child's visit: %(link)s",
            clinic=clinic_name,
            link=link,
        )
        subject = _("Questions before your visit at %(clinic)s", clinic=clinic_name)
    queue_message(db.session(), Message(str(invitation.channel), to, body, subject))
    invitation.sent_at = now_utc()
    record_audit(AuditAction.UPDATE, invitation, details={"fields": ["sent_at"]})


def revoke_invitation(invitation: Invitation) -> Invitation:
    """Stop a link from working at once."""
    if invitation.revoked_at is not None:
        raise DomainError(_("This invitation is already revoked."), code="already_revoked")
    invitation.revoked_at = now_utc()
    record_audit(AuditAction.UPDATE, invitation, details={"fields": ["revoked_at"]})
    return invitation


def record_opened(invitation: Invitation) -> None:
    if invitation.opened_at is None:
        invitation.opened_at = now_utc()


def record_started(invitation: Invitation) -> None:
    record_opened(invitation)
    if invitation.started_at is None:
        invitation.started_at = now_utc()


def record_completed(invitation: Invitation) -> None:
    record_started(invitation)
    if invitation.completed_at is None:
        invitation.completed_at = now_utc()
