"""What a family's link may read: the link itself, and its questions in the family's language.

Never a score, a flag or a name: only the clinic's name, the questions and whom to ask for help.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.clinics.models import Clinic, PartnerKind
from app.clinics.queries import partner_organizations_of
from app.consents.models import Recipient
from app.core.errors import DomainError
from app.db import now_utc
from app.extensions import db
from app.invitations.models import Invitation, InvitationStatus
from app.invitations.queries import TOKEN_PATTERN, USABLE, invitation_for_token
from app.screening import queries as screening
from app.screening.definitions import Instrument, Wording
from app.screening.explain import need_label
from app.screening.models import ResponseStatus, ScreeningResponse
from app.screening.schedule import COUNTS_FOR
from app.screening.scoring import PHQ2_CUTOFF

#: The total at which an instrument goes on to the next in the same sitting (PHQ-2 ≥ 3 → PHQ-9,
#: Kroenke, Spitzer & Williams, Med Care 2003); the device decides while the family answers.
CONTINUE_WHEN_TOTAL_AT_LEAST = {"phq-2": PHQ2_CUTOFF}

#: Partner recipients are offered only when the clinic works with such a partner.
PARTNER_RECIPIENTS = {
    Recipient.LEGAL_PARTNER: PartnerKind.LEGAL_AID,
    Recipient.COMMUNITY_PARTNERS: PartnerKind.COMMUNITY,
}


class InvitationUnavailableError(DomainError):
    """One answer for unknown, expired, revoked and used links, so none can be told from another."""

    code = "invitation_unavailable"

    def __init__(self) -> None:
        # Lazy: the API words it in the family's language when it answers.
        super().__init__(
            _l("This link is no longer available. Please ask the clinic for a new one.")  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class AnswerOption:
    code: str
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    required: bool
    options: list[AnswerOption]


@dataclass(frozen=True)
class Continuation:
    key: str
    when_total_at_least: int
    items: list[Question]


@dataclass(frozen=True)
class InstrumentQuestions:
    key: str
    version: str
    title: str
    stem: str
    items: list[Question]
    continues_to: Continuation | None


@dataclass(frozen=True)
class Unavailable:
    key: str
    title: str


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


@dataclass(frozen=True)
class ScreenerSession:
    """What the family's device shows: the screens still to answer, in the chosen language."""

    clinic: Clinic
    language: str
    languages: list[str]
    expires_at: datetime
    status: str
    instruments: list[InstrumentQuestions]
    unavailable: list[Unavailable]
    recipients: list[Choice]
    needs: list[Choice]


def family_locale(language: str | None) -> AbstractContextManager:
    """Labels and messages in the family's language where Wellthread speaks it, else the request's."""
    primary = (language or "").split("-")[0]
    if primary in current_app.config["WELLTHREAD_LOCALES"]:
        return force_locale(primary)
    return nullcontext()


def invitation_for_link(token: str, *, replay: bool = False) -> Invitation:
    """The invitation a family may still use; with `replay`, also one it has just completed.

    A malformed token is refused without touching the database.
    """
    invitation = invitation_for_token(token) if re.fullmatch(TOKEN_PATTERN, token) else None
    if invitation is None:
        raise InvitationUnavailableError()
    now = now_utc()
    status = invitation.status_at(now)
    # A device that lost the answer to its last submission sends it again: a completed link must
    # still recognise it (and store nothing new), until it expires.
    resent = replay and status == InvitationStatus.COMPLETED and now < invitation.expires_at
    if status not in USABLE and not resent:
        raise InvitationUnavailableError()
    return invitation


def family_languages(invitation: Invitation) -> list[str]:
    """Languages the family can choose: any in which one of its screens is on file, and its own."""
    offered = screening.offered_languages(invitation.clinic_id)
    codes = {invitation.language}.union(*(offered.get(k, set()) for k in invitation.instruments))
    return sorted(codes)


def offered_recipients(clinic_id: int) -> list[Recipient]:
    kinds = {p.kind for p in partner_organizations_of(clinic_id, active_only=True)}
    return [r for r in Recipient if r not in PARTNER_RECIPIENTS or PARTNER_RECIPIENTS[r] in kinds]


def responses_through(invitation: Invitation) -> dict[str, ScreeningResponse]:
    """Responses stored through this link, by the id the device gave them."""
    rows = db.session.scalars(
        sa.select(ScreeningResponse).where(
            ScreeningResponse.invitation_id == invitation.id,
            ScreeningResponse.status == ResponseStatus.FINAL,
        )
    )
    return {row.client_submission_id: row for row in rows}


def answered_keys(responses: Iterable[ScreeningResponse]) -> set[str]:
    """Instrument keys answered; a PHQ-9 continued from a PHQ-2 answers the PHQ-2."""
    keys = {r.instrument_key for r in responses}
    return keys | {COUNTS_FOR[k] for k in keys if k in COUNTS_FOR}


def screener_session(invitation: Invitation, language: str) -> ScreenerSession:
    """The screens still to answer through this link, worded in `language` where on file."""
    answered = answered_keys(responses_through(invitation).values())
    available, unavailable = [], []
    for key in invitation.instruments:
        inst = screening.instrument(key)
        if inst is None or key in answered:
            continue
        questions = _questions(invitation.clinic_id, inst, language)
        if questions is None:
            unavailable.append(Unavailable(key, inst.title_in(language)))
        else:
            available.append(questions)
    with family_locale(language):
        return ScreenerSession(
            clinic=db.session.get(Clinic, invitation.clinic_id),
            language=language,
            languages=family_languages(invitation),
            expires_at=invitation.expires_at,
            status=invitation.status.value,
            instruments=available,
            unavailable=unavailable,
            recipients=[Choice(r.value, r.label) for r in offered_recipients(invitation.clinic_id)],
            needs=_needs_asked(invitation.instruments),
        )


def _questions(clinic_id: int, inst: Instrument, language: str) -> InstrumentQuestions | None:
    """The instrument in the clinic's wording for `language`, or None where none is on file."""
    wording = screening.wording(clinic_id, inst, language)
    if wording is None:
        return None
    return InstrumentQuestions(
        key=inst.key,
        version=inst.version,
        title=wording.title,
        stem=wording.stem,
        items=_worded_items(inst, wording, inst.item_ids),
        continues_to=_continuation(clinic_id, inst, language),
    )


def _continuation(clinic_id: int, inst: Instrument, language: str) -> Continuation | None:
    threshold = CONTINUE_WHEN_TOTAL_AT_LEAST.get(inst.key)
    follow_up = screening.instrument(inst.continues_to) if inst.continues_to else None
    if threshold is None or follow_up is None:
        return None
    wording = screening.wording(clinic_id, follow_up, language)
    if wording is None:
        # Never machine-translated: without the follow-up's text the care team continues in person.
        return None
    further = tuple(i for i in follow_up.item_ids if i not in inst.item_ids)
    return Continuation(follow_up.key, threshold, _worded_items(follow_up, wording, further))


def _worded_items(inst: Instrument, wording: Wording, item_ids: Iterable[str]) -> list[Question]:
    wanted = set(item_ids)
    return [
        Question(
            id=item.id,
            text=wording.items[item.id],
            required=item.required,
            options=[AnswerOption(o.code, wording.options[item.id][o.code]) for o in item.options],
        )
        for item in inst.items
        if item.id in wanted
    ]


def _needs_asked(keys: Iterable[str]) -> list[Choice]:
    needs = [
        item.need
        for key in keys
        if (inst := screening.instrument(key)) is not None
        for item in inst.items
        if item.need
    ]
    return [Choice(need, need_label(need)) for need in dict.fromkeys(needs)]
