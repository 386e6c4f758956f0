"""State changes for screening: submit and correct responses, act on critical flags, configure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.appointments.models import Appointment, VisitKind
from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.errors import DomainError
from app.db import now_utc
from app.extensions import db
from app.families.models import Caregiver, Child, Household
from app.screening import queries, schedule
from app.screening.definitions import Instrument, InstrumentFileError, loaded_wording
from app.screening.models import (
    FamilyPriority,
    Flag,
    FlagAction,
    FlagKind,
    InstrumentText,
    ResponseSource,
    ResponseStatus,
    ScreeningResponse,
    ScreeningSetting,
    Subject,
    WantsHelp,
)
from app.screening.scoring import Score, score

MAX_ID_LENGTH = 64
#: Devices' clocks drift; a few minutes ahead is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Submission:
    """One sitting of one instrument, from a parent's phone, a kiosk, or staff copying a paper form."""

    clinic_id: int
    household: Household
    instrument_key: str
    answers: dict[str, str]
    language: str
    source: ResponseSource
    client_submission_id: str
    child: Child | None = None
    caregiver: Caregiver | None = None
    appointment: Appointment | None = None
    entered_by_id: int | None = None
    #: When the family answered: a paper form keeps its visit's time, not the time it was typed in.
    submitted_at: datetime | None = None
    invitation_id: int | None = None


def _instrument(key: str) -> Instrument:
    if (found := queries.instrument(key)) is None:
        raise DomainError(
            _("There is no screening instrument called %(key)s.", key=key),
            code="unknown_instrument",
        )
    return found


def _check_people(s: Submission) -> None:
    """Everyone named in a submission belongs to the same household of the same clinic."""
    consistent = (
        s.household.clinic_id == s.clinic_id
        and (s.child is None or s.child.household_id == s.household.id)
        and (s.caregiver is None or s.caregiver.household_id == s.household.id)
        and (
            s.appointment is None or (s.child is not None and s.appointment.child_id == s.child.id)
        )
    )
    if not consistent:
        raise DomainError(
            _("The child, caregiver and visit of this screen do not belong together."),
            code="mismatch",
        )


def _check_answers(inst: Instrument, answers: dict[str, str]) -> None:
    for item_id, code in answers.items():
        item = inst.item(item_id)
        if item is None:
            raise DomainError(
                _("The answer to %(item)s is not part of this screen.", item=item_id),
                code="unknown_item",
            )
        if not isinstance(code, str) or item.option(code) is None:
            raise DomainError(
                _("The answer to %(item)s is not one of its choices.", item=item_id),
                code="invalid_answer",
            )


def _sitting(s: Submission) -> tuple[Instrument, Score]:
    """Score the sitting; a positive PHQ-2 with later items answered is stored as the PHQ-9 it became."""
    first = _instrument(s.instrument_key)
    follow_up = queries.instrument(first.continues_to) if first.continues_to else None
    asked_further = follow_up is not None and set(s.answers) - set(first.item_ids)
    inst = follow_up if asked_further else first
    _check_answers(inst, s.answers)
    if asked_further:
        opening = score(first, {k: v for k, v in s.answers.items() if k in first.item_ids})
        if not opening.continue_with:
            raise DomainError(
                _("The PHQ-9 questions are asked only after a positive PHQ-2."),
                code="not_continued",
            )
    return inst, score(inst, s.answers)


def _check_language(s: Submission, inst: Instrument) -> None:
    if s.language not in queries.offered_languages(s.clinic_id).get(inst.key, set()):
        raise DomainError(
            _("This screen is not available in the chosen language."), code="language_not_offered"
        )


def _new_response(s: Submission, inst: Instrument, result: Score) -> ScreeningResponse:
    return ScreeningResponse(
        clinic_id=s.clinic_id,
        household_id=s.household.id,
        child_id=s.child.id if s.child else None,
        caregiver_id=s.caregiver.id if s.caregiver else None,
        appointment_id=s.appointment.id if s.appointment else None,
        instrument_key=inst.key,
        instrument_version=inst.version,
        subject=Subject(inst.subject),
        language=s.language,
        answers=dict(s.answers),
        total_score=result.total,
        answered_total=result.answered_total,
        band=result.band,
        is_positive=result.is_positive,
        is_complete=result.is_complete,
        source=s.source,
        client_submission_id=s.client_submission_id,
        entered_by_id=s.entered_by_id,
        submitted_at=s.submitted_at or now_utc(),
        invitation_id=s.invitation_id,
    )


def _add_findings(response: ScreeningResponse, result: Score) -> None:
    for spec in result.flags:
        db.session.add(
            Flag(
                clinic_id=response.clinic_id,
                response=response,
                household_id=response.household_id,
                child_id=response.child_id,
                kind=FlagKind(spec.kind),
                raised_at=response.submitted_at,
                code=spec.code,
                item_id=spec.item_id,
                need=spec.need,
            )
        )
    for need, answer in result.needs.items():
        db.session.add(
            FamilyPriority(
                clinic_id=response.clinic_id,
                household_id=response.household_id,
                response=response,
                need=need,
                wants_help=WantsHelp(answer),
            )
        )


def _earlier_submission(s: Submission) -> ScreeningResponse | None:
    existing = queries.response_by_submission(s.clinic_id, s.client_submission_id)
    if existing is None:
        return None
    same = (
        existing.household_id == s.household.id
        and existing.child_id == (s.child.id if s.child else None)
        and s.instrument_key
        in {existing.instrument_key, schedule.COUNTS_FOR.get(existing.instrument_key)}
    )
    if not same:
        raise DomainError(
            _("This submission id was already used for another screen."),
            code="submission_id_reused",
        )
    return existing


def submit_response(s: Submission) -> ScreeningResponse:
    """Score and store a sitting with its flags; sending the same submission again changes nothing."""
    if not s.client_submission_id or len(s.client_submission_id) > MAX_ID_LENGTH:
        raise DomainError(
            _("The submission needs an id of at most 64 characters."), code="submission_id"
        )
    if earlier := _earlier_submission(s):
        return earlier
    if s.submitted_at is not None and s.submitted_at > now_utc() + CLOCK_SKEW:
        raise DomainError(_("A screen cannot be dated in the future."), code="future")
    _check_people(s)
    inst, result = _sitting(s)
    _check_language(s, inst)
    response = _new_response(s, inst, result)
    try:
        with db.session.begin_nested():
            db.session.add(response)
            _add_findings(response, result)
            db.session.flush()
    except IntegrityError:
        # Sent twice at the same moment: the other request stored it first.
        if winner := queries.response_by_submission(s.clinic_id, s.client_submission_id):
            return winner
        raise
    record_audit(
        AuditAction.CREATE, response, details={"instrument": inst.key, "source": str(s.source)}
    )
    return response


def mark_entered_in_error(
    response: ScreeningResponse, *, reason: str, user_id: int
) -> ScreeningResponse:
    """Withdraw a response stored by mistake; it stays on record, marked, and stops counting."""
    if response.is_in_error:
        raise DomainError(
            _("This screen is already marked as entered in error."), code="already_in_error"
        )
    if not reason.strip():
        raise DomainError(_("Say why this screen was entered in error."), code="reason_required")
    response.status = ResponseStatus.ENTERED_IN_ERROR
    response.error_reason = reason.strip()
    response.marked_in_error_at = now_utc()
    response.marked_in_error_by_id = user_id
    record_audit(AuditAction.UPDATE, response, details={"fields": ["status"]})
    return response


def acknowledge_critical_flag(
    flag: Flag, *, user_id: int, action: FlagAction, note: str = ""
) -> Flag:
    """Record what a clinician did about a critical answer; the flag then closes."""
    if flag.kind != FlagKind.CRITICAL:
        raise DomainError(_("Only critical answers need acknowledging."), code="not_critical")
    if flag.acknowledged_at is not None:
        raise DomainError(
            _("A clinician has already acted on this answer."), code="already_acknowledged"
        )
    if action == FlagAction.OTHER and not note.strip():
        raise DomainError(_("Describe the action taken in the note."), code="note_required")
    flag.acknowledged_at, flag.acknowledged_by_id = now_utc(), user_id
    flag.action, flag.note = action, note.strip() or None
    record_audit(AuditAction.UPDATE, flag, details={"fields": ["acknowledged_at", "action"]})
    return flag


def load_instrument_text(
    clinic_id: int, key: str, *, language: str, source: str, content: dict[str, Any]
) -> InstrumentText:
    """Store a clinic's licensed wording of an instrument in one language (replacing an earlier one)."""
    inst = _instrument(key)
    if language in inst.languages:
        raise DomainError(
            _("Wellthread already ships this instrument in that language."), code="shipped"
        )
    if not source.strip():
        raise DomainError(
            _("Say where the wording comes from and which permission you hold."), code="source"
        )
    try:
        loaded_wording(inst, language, source, content)
    except InstrumentFileError as error:
        raise DomainError(str(error), code="incomplete_text") from None
    text = next(
        (
            t
            for t in queries.loaded_texts(clinic_id)
            if t.instrument_key == key
            and t.language == language
            and t.instrument_version == inst.version
        ),
        None,
    )
    if text is None:
        text = InstrumentText(
            clinic_id=clinic_id,
            instrument_key=key,
            instrument_version=inst.version,
            language=language,
        )
        db.session.add(text)
    text.source, text.content, text.loaded_at = source.strip(), content, now_utc()
    record_audit(
        AuditAction.IMPORT,
        text,
        clinic_id=clinic_id,
        details={"instrument": key, "language": language},
    )
    return text


def save_screening_setting(
    clinic_id: int, key: str, *, is_enabled: bool, visit_kinds: list[str], validity_days: int
) -> ScreeningSetting:
    """Change when an instrument is due for this clinic."""
    if key not in {rule.instrument_key for rule in schedule.DEFAULT_RULES}:
        raise DomainError(_("This instrument is not scheduled by visit."), code="not_schedulable")
    if any(kind not in {k.value for k in VisitKind} for kind in visit_kinds):
        raise DomainError(_("Choose visits from the list."), code="visit_kind")
    if not 0 <= validity_days <= 730:
        raise DomainError(_("A screen can count for 0 to 730 days."), code="validity_days")
    setting = queries.settings_of(clinic_id).get(key)
    if setting is None:
        setting = ScreeningSetting(clinic_id=clinic_id, instrument_key=key)
        db.session.add(setting)
    setting.is_enabled, setting.visit_kinds, setting.validity_days = (
        is_enabled,
        sorted(visit_kinds),
        validity_days,
    )
    record_audit(AuditAction.UPDATE, setting, details={"fields": changed_fields(setting)})
    return setting
