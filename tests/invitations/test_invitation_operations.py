"""Invitations: random tokens stored hashed, the screens due, expiry, revocation, messages after commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from app.appointments.models import VisitKind
from app.core.errors import DomainError
from app.extensions import db
from app.invitations import queries
from app.invitations.models import Channel, InvitationStatus
from app.invitations.operations import (
    create_invitation,
    hash_token,
    record_completed,
    record_opened,
    revoke_invitation,
    send_invitation,
)
from tests.factories import CHECKIN_ALL_NO


def _two_month_visit(make, **caregiver):
    clinic = make.clinic()
    household = make.household(clinic)
    parent = make.caregiver(household, **caregiver)
    child = make.child(household)
    return make.appointment(child, visit_kind=VisitKind.MONTH_2), parent


def test_an_invitation_asks_for_the_screens_due_and_keeps_only_a_hash_of_its_token(make):
    appointment, parent = _two_month_visit(make)
    invitation, token = create_invitation(
        appointment, language="es", channel=Channel.QR, created_by_id=None, caregiver=parent
    )
    assert invitation.instruments == ["phq-2", "family-checkin"]  # HVS has no Spanish text on file
    assert invitation.token_hash == hash_token(token)
    assert token not in str(invitation.__dict__)
    assert len(token) >= 32
    assert queries.usable_invitation(token) is invitation


def test_tokens_are_unique_and_unguessable(make):
    appointment, _parent = _two_month_visit(make)
    tokens = {
        create_invitation(appointment, language="en", channel=Channel.QR, created_by_id=None)[1]
        for _ in range(20)
    }
    assert len(tokens) == 20
    assert queries.invitation_for_token("x" * 32) is None


def test_a_link_expires_after_the_configured_hours(app: Flask, make):
    appointment, _parent = _two_month_visit(make)
    invitation, token = create_invitation(
        appointment, language="en", channel=Channel.SMS, created_by_id=None
    )
    lifetime = invitation.expires_at - datetime.now(UTC)
    assert (
        timedelta(hours=71) < lifetime <= timedelta(hours=app.config["WELLTHREAD_INVITATION_HOURS"])
    )
    assert (
        invitation.status_at(invitation.expires_at + timedelta(seconds=1))
        == InvitationStatus.EXPIRED
    )
    invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.flush()
    assert queries.usable_invitation(token) is None


def test_a_kiosk_session_lasts_minutes_not_days(make):
    appointment, _parent = _two_month_visit(make)
    invitation, _token = create_invitation(
        appointment, language="en", channel=Channel.KIOSK, created_by_id=None
    )
    assert invitation.expires_at - datetime.now(UTC) <= timedelta(minutes=30)


def test_revoked_and_completed_links_stop_working(make):
    appointment, _parent = _two_month_visit(make)
    revoked, revoked_token = create_invitation(
        appointment, language="en", channel=Channel.QR, created_by_id=None
    )
    done, done_token = create_invitation(
        appointment, language="en", channel=Channel.QR, created_by_id=None
    )
    revoke_invitation(revoked)
    record_completed(done)
    assert queries.usable_invitation(revoked_token) is None
    assert queries.usable_invitation(done_token) is None
    with pytest.raises(DomainError):
        revoke_invitation(revoked)


def test_status_follows_the_familys_progress(make):
    appointment, _parent = _two_month_visit(make)
    invitation, _token = create_invitation(
        appointment, language="en", channel=Channel.QR, created_by_id=None
    )
    assert invitation.status == InvitationStatus.SENT
    record_opened(invitation)
    assert invitation.status == InvitationStatus.OPENED
    record_completed(invitation)
    assert invitation.status == InvitationStatus.COMPLETED


def test_nothing_due_means_no_invitation(make):
    clinic = make.clinic()
    child = make.child(clinic=clinic)
    appointment = make.appointment(child, visit_kind=VisitKind.MONTH_9)
    make.screen(appointment, "family-checkin", CHECKIN_ALL_NO)
    make.screen(appointment, "hvs", {"hvs-1": "never", "hvs-2": "never"})
    with pytest.raises(DomainError) as refused:
        create_invitation(appointment, language="en", channel=Channel.QR, created_by_id=None)
    assert refused.value.code == "nothing_due"


def test_the_text_message_goes_out_only_after_commit_and_holds_no_health_information(
    make, outbox, db_session
):
    appointment, parent = _two_month_visit(make, phone="555-0100", preferred_language="es")
    invitation, token = create_invitation(
        appointment, language="es", channel=Channel.SMS, created_by_id=None, caregiver=parent
    )
    send_invitation(invitation, f"https://clinic.example/s/{token}", clinic_name="Riverside")
    assert outbox == []
    db_session.commit()
    [message] = outbox
    assert message.to == "555-0100"
    assert token in message.body
    assert "Riverside" in message.body
    assert "antes de la consulta" in message.body
    for health_word in ("PHQ", "depres", "hunger", "hambre", appointment.child.given_name):
        assert health_word not in message.body


def test_a_rolled_back_change_sends_nothing(make, outbox, db_session):
    appointment, parent = _two_month_visit(make, phone="555-0100")
    invitation, token = create_invitation(
        appointment, language="en", channel=Channel.SMS, created_by_id=None, caregiver=parent
    )
    send_invitation(invitation, f"https://clinic.example/s/{token}", clinic_name="Riverside")
    db_session.rollback()
    db_session.commit()
    assert outbox == []


def test_sending_needs_a_contact_for_the_channel(make):
    appointment, parent = _two_month_visit(make, phone=None)
    invitation, token = create_invitation(
        appointment, language="en", channel=Channel.SMS, created_by_id=None, caregiver=parent
    )
    with pytest.raises(DomainError) as refused:
        send_invitation(invitation, f"https://x/s/{token}", clinic_name="Riverside")
    assert refused.value.code == "no_contact"
