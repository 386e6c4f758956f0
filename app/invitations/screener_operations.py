"""What a family does through its link: open it, start, and send its answers and whom it wants help from.

Every function flushes and audits; the request commits. Reads (the link, its questions) are in
`screener_queries`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.consents.models import Consent, ConsentMethod, Recipient
from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.errors import DomainError
from app.db import now_utc
from app.extensions import db
from app.invitations.models import Channel, Invitation
from app.invitations.operations import record_completed, record_opened, record_started
from app.invitations.screener_queries import (
    InvitationUnavailableError,
    ScreenerSession,
    answered_keys,
    family_locale,
    offered_recipients,
    responses_through,
    screener_session,
)
from app.screening import queries as screening
from app.screening.models import ResponseSource, ScreeningResponse, WantsHelp
from app.screening.operations import Submission, submit_response


@dataclass(frozen=True)
class Answered:
    """One instrument of a sitting, with the id the device chose for it once."""

    instrument: str
    client_submission_id: str
    answers: dict[str, str]


@dataclass(frozen=True)
class Sitting:
    language: str
    answered: list[Answered]
    #: Whom the family wants help from; empty when it asked for none.
    recipients: list[Recipient]
    is_kiosk: bool = False


@dataclass(frozen=True)
class Received:
    instrument: str
    client_submission_id: str
    status: str  # "stored" or "already_received"


@dataclass(frozen=True)
class SittingResult:
    received: list[Received]
    completed: bool


def open_screener(invitation: Invitation, language: str | None = None) -> ScreenerSession:
    """Record that the family opened its link and return its questions in `language`."""
    _record_progress(invitation, record_opened)
    return screener_session(invitation, language or invitation.language)


def start_screener(invitation: Invitation) -> None:
    _record_progress(invitation, record_started)


def submit_sitting(invitation: Invitation, sitting: Sitting) -> SittingResult:
    """Store each instrument once, record consent per recipient, complete the link when all is in.

    Sending the same sitting again stores nothing and answers "already_received".
    """
    with family_locale(sitting.language):
        earlier = responses_through(invitation)
        if invitation.completed_at is not None:
            return _replay(invitation, sitting, earlier)
        _check_sitting(invitation, sitting, earlier)
        source = _source(invitation, sitting)
        stored = [_store(invitation, sitting, one, source, earlier) for one in sitting.answered]
        _record_consents(invitation, sitting, [response for _, response in stored])
        done = set(invitation.instruments) <= answered_keys(responses_through(invitation).values())
        _record_progress(invitation, record_completed if done else record_started)
        return SittingResult([received for received, _ in stored], done)


def _record_progress(invitation: Invitation, record) -> None:
    record(invitation)
    if fields := changed_fields(invitation):
        record_audit(AuditAction.UPDATE, invitation, details={"fields": fields})


def _is_same_instrument(response: ScreeningResponse, key: str) -> bool:
    return key in answered_keys([response])


def _refused(message: str, code: str) -> DomainError:
    return DomainError(message, code=code)


def _check_sitting(
    invitation: Invitation, sitting: Sitting, earlier: dict[str, ScreeningResponse]
) -> None:
    """Refuse the whole sitting before storing any of it: nothing is half-stored."""
    keys = [one.instrument for one in sitting.answered]
    if len(keys) != len(set(keys)):
        raise _refused(_("Each screen can be sent once per submission."), "duplicate_instrument")
    answered = answered_keys(earlier.values())
    for one in sitting.answered:
        if screening.instrument(one.instrument) is None:
            raise _refused(
                _("There is no screening instrument called %(key)s.", key=one.instrument),
                "unknown_instrument",
            )
        if one.instrument not in invitation.instruments:
            raise _refused(_("This screen is not part of this invitation."), "not_in_invitation")
        if one.instrument in answered and one.client_submission_id not in earlier:
            raise _refused(
                _("This screen was already answered through this link."), "already_answered"
            )
    offered = offered_recipients(invitation.clinic_id)
    if any(recipient not in offered for recipient in sitting.recipients):
        raise _refused(
            _("Choose whom to get help from among those offered."), "recipient_not_offered"
        )


def _source(invitation: Invitation, sitting: Sitting) -> ResponseSource:
    # Only a kiosk session can claim the clinic tablet: a phone saying so is still a phone.
    if sitting.is_kiosk and invitation.channel == Channel.KIOSK:
        return ResponseSource.KIOSK
    return ResponseSource.PARENT_DEVICE


def _store(
    invitation: Invitation,
    sitting: Sitting,
    one: Answered,
    source: ResponseSource,
    earlier: dict[str, ScreeningResponse],
) -> tuple[Received, ScreeningResponse]:
    if (response := earlier.get(one.client_submission_id)) is not None:
        if not _is_same_instrument(response, one.instrument):
            raise _reused_id()
        return Received(one.instrument, one.client_submission_id, "already_received"), response
    response = submit_response(
        Submission(
            clinic_id=invitation.clinic_id,
            household=invitation.household,
            instrument_key=one.instrument,
            answers=dict(one.answers),
            language=sitting.language,
            source=source,
            client_submission_id=one.client_submission_id,
            child=invitation.child,
            caregiver=invitation.caregiver,
            appointment=invitation.appointment,
            invitation_id=invitation.id,
        )
    )
    if response.invitation_id != invitation.id:
        # The id was used for the household's screen elsewhere (staff entry, another link).
        raise _reused_id()
    return Received(one.instrument, one.client_submission_id, "stored"), response


def _reused_id() -> DomainError:
    return _refused(
        _("This submission id was already used for another screen."), "submission_id_reused"
    )


def _needs_wanted(responses: Iterable[ScreeningResponse]) -> Iterator[str]:
    """Needs the family answered "yes, I want help" to in these responses."""
    for response in responses:
        inst = screening.instrument(response.instrument_key)
        for item_id, code in response.answers.items():
            item = inst.item(item_id) if inst else None
            if item is not None and item.need and code == WantsHelp.YES:
                yield item.need


def _record_consents(
    invitation: Invitation, sitting: Sitting, responses: list[ScreeningResponse]
) -> None:
    scope = sorted(set(_needs_wanted(responses)))
    method = (
        ConsentMethod.KIOSK
        if _source(invitation, sitting) == ResponseSource.KIOSK
        else ConsentMethod.PARENT_DEVICE
    )
    for recipient in sitting.recipients:
        _record_consent(invitation, recipient, scope, method)


def _record_consent(
    invitation: Invitation, recipient: Recipient, scope: list[str], method: ConsentMethod
) -> None:
    consent = Consent(
        clinic_id=invitation.clinic_id,
        household_id=invitation.household_id,
        caregiver_id=invitation.caregiver_id,
        recipient=recipient,
        scope_needs=scope,
        method=method,
        invitation_id=invitation.id,
        granted_at=now_utc(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(consent)
            db.session.flush()
    except IntegrityError:
        # One consent per recipient per link: a resent (or concurrent) submission changes nothing.
        return
    record_audit(
        AuditAction.CREATE, consent, details={"recipient": recipient.value, "needs": scope}
    )


def _replay(
    invitation: Invitation, sitting: Sitting, earlier: dict[str, ScreeningResponse]
) -> SittingResult:
    """A completed link answers a resend of what it already holds, and refuses anything new."""
    consented = set(
        db.session.scalars(
            sa.select(Consent.recipient).where(Consent.invitation_id == invitation.id)
        )
    )
    is_known = all(
        one.client_submission_id in earlier
        and _is_same_instrument(earlier[one.client_submission_id], one.instrument)
        for one in sitting.answered
    )
    if not is_known or not set(sitting.recipients) <= consented:
        raise InvitationUnavailableError()
    return SittingResult(
        [
            Received(one.instrument, one.client_submission_id, "already_received")
            for one in sitting.answered
        ],
        completed=True,
    )
