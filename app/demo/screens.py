"""Screens for the demo clinic's visits, answered as families plausibly would."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.appointments.models import Appointment, AppointmentStatus
from app.extensions import db
from app.screening import queries
from app.screening.definitions import Instrument
from app.screening.models import FlagAction, ResponseSource, ScreeningResponse
from app.screening.operations import Submission, acknowledge_critical_flag, submit_response

#: Share of families answering each way: enough positives to see what the app does with them.
PHQ2_WEIGHTS = {"0": 60, "1": 28, "2": 8, "3": 4}
PHQ9_ITEM9_WEIGHTS = {"0": 85, "1": 12, "2": 3}
HVS_WEIGHTS = {"never": 88, "sometimes": 9, "often": 3}
CHECKIN_WEIGHTS = {"no": 90, "not_now": 6, "yes": 4}
SAFETY_WEIGHTS = {"no": 98, "not_now": 1, "yes": 1}


def _pick(rng: Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _answers(rng: Random, inst: Instrument) -> dict[str, str]:
    if inst.key == "phq-2":
        answers = {item.id: _pick(rng, PHQ2_WEIGHTS) for item in inst.items}
        if sum(int(v) for v in answers.values()) >= 3:  # the sitting continues to PHQ-9 items 3-9
            answers |= {f"phq-{n}": _pick(rng, PHQ2_WEIGHTS) for n in range(3, 9)}
            answers["phq-9"] = _pick(rng, PHQ9_ITEM9_WEIGHTS)
        return answers
    if inst.key == "hvs":
        return {item.id: _pick(rng, HVS_WEIGHTS) for item in inst.items}
    return {
        item.id: _pick(rng, SAFETY_WEIGHTS if item.need == "safety_home" else CHECKIN_WEIGHTS)
        for item in inst.items
    }


def _screened_visits(clinic_id: int, today: date, zone: ZoneInfo) -> list[Appointment]:
    """Past visits that happened, and today's first visits (families answered in the waiting room)."""
    visits = db.session.scalars(
        sa.select(Appointment)
        .where(Appointment.clinic_id == clinic_id)
        .order_by(Appointment.scheduled_at)
    )
    return [
        a
        for a in visits
        if (
            a.scheduled_at.astimezone(zone).date() < today
            and a.status == AppointmentStatus.COMPLETED
        )
        or (
            a.scheduled_at.astimezone(zone).date() == today
            and a.scheduled_at.astimezone(zone).hour < 11
        )
    ]


def _acknowledge_past(response: ScreeningResponse, today: date, zone: ZoneInfo) -> None:
    """Earlier visits' critical answers were acted on then; only today's stay open for the demo."""
    if response.submitted_at.astimezone(zone).date() >= today:
        return
    clinician_id = response.child.primary_clinician_id or response.appointment.clinician_id
    for flag in response.flags:
        if flag.is_open and clinician_id:
            acknowledge_critical_flag(
                flag,
                user_id=clinician_id,
                action=FlagAction.ASSESSED,
                note="Assessed at the visit; safety plan in place.",
            )


def _screen_visit(
    rng: Random, appointment: Appointment, offered: dict[str, set[str]], today: date, zone: ZoneInfo
) -> None:
    household = appointment.child.household
    caregiver = household.primary_caregiver
    for due in queries.due_for_appointment(appointment):
        inst = queries.instrument(due.instrument_key)
        if due.status != "due" or inst is None:
            continue
        language = (
            caregiver.preferred_language
            if caregiver.preferred_language in offered[inst.key]
            else "en"
        )
        response = submit_response(
            Submission(
                clinic_id=appointment.clinic_id,
                household=household,
                instrument_key=inst.key,
                answers=_answers(rng, inst),
                language=language,
                source=ResponseSource.PARENT_DEVICE
                if language != "en" or rng.random() < 0.8
                else ResponseSource.KIOSK,
                client_submission_id=f"demo-{appointment.id}-{inst.key}",
                child=appointment.child,
                caregiver=caregiver,
                appointment=appointment,
                submitted_at=appointment.scheduled_at - timedelta(minutes=20),
            )
        )
        db.session.flush()
        _acknowledge_past(response, today, zone)


def seed_screens(clinic_id: int, today: date, zone: ZoneInfo, rng: Random) -> None:
    """Answer the screens due at every visit that has happened, in order, as the schedule asks."""
    offered = queries.offered_languages(clinic_id)
    for appointment in _screened_visits(clinic_id, today, zone):
        _screen_visit(rng, appointment, offered, today, zone)
