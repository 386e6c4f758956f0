"""Named reads for screening: what is due, what was answered, what is open, what a clinic offers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.appointments.models import Appointment
from app.clinics.models import Clinic
from app.core.clock import day_bounds_utc
from app.extensions import db
from app.screening import schedule
from app.screening.definitions import (
    Instrument,
    Wording,
    loaded_wording,
    shipped_library,
    shipped_wording,
)
from app.screening.models import (
    Flag,
    FlagKind,
    InstrumentText,
    ResponseStatus,
    ScreeningResponse,
    ScreeningSetting,
)


def instrument(key: str) -> Instrument | None:
    return shipped_library().get(key)


def loaded_texts(clinic_id: int) -> list[InstrumentText]:
    return list(
        db.session.scalars(
            sa.select(InstrumentText)
            .where(InstrumentText.clinic_id == clinic_id)
            .order_by(InstrumentText.instrument_key, InstrumentText.language)
        )
    )


def offered_languages(clinic_id: int) -> dict[str, set[str]]:
    """Instrument key → languages in which the clinic can offer it (shipped or loaded text)."""
    offered = {key: set(inst.languages) for key, inst in shipped_library().items()}
    for text in loaded_texts(clinic_id):
        current = shipped_library().get(text.instrument_key)
        if current is not None and text.instrument_version == current.version:
            offered[text.instrument_key].add(text.language)
    return offered


def wording(clinic_id: int, inst: Instrument, language: str) -> Wording | None:
    """The instrument's words in `language` for this clinic, or None where none is on file."""
    if shipped := shipped_wording(inst, language):
        return shipped
    text = db.session.scalar(
        sa.select(InstrumentText).where(
            InstrumentText.clinic_id == clinic_id,
            InstrumentText.instrument_key == inst.key,
            InstrumentText.instrument_version == inst.version,
            InstrumentText.language == language,
        )
    )
    return loaded_wording(inst, language, text.source, text.content) if text else None


def clinic_rules(clinic_id: int) -> list[schedule.Rule]:
    settings = db.session.scalars(
        sa.select(ScreeningSetting).where(ScreeningSetting.clinic_id == clinic_id)
    )
    overrides = {
        s.instrument_key: schedule.Rule(
            s.instrument_key, s.is_enabled, frozenset(s.visit_kinds), s.validity_days
        )
        for s in settings
    }
    return schedule.merge_rules(schedule.DEFAULT_RULES, overrides)


def clinic_zone_of(clinic_id: int) -> ZoneInfo:
    return ZoneInfo(db.session.get(Clinic, clinic_id).timezone)


def _prior_screens(
    household_ids: Iterable[int], since: datetime, zone: ZoneInfo
) -> dict[int, list[schedule.PriorScreen]]:
    """Household id → its screens since `since` that count towards what is due."""
    rows = db.session.execute(
        sa.select(
            ScreeningResponse.household_id,
            ScreeningResponse.instrument_key,
            ScreeningResponse.submitted_at,
            ScreeningResponse.appointment_id,
        ).where(
            ScreeningResponse.household_id.in_(set(household_ids)),
            ScreeningResponse.status == ResponseStatus.FINAL,
            # An unfinished screen that rules nothing out is still due; it must not stand in for a
            # negative one for a year across siblings. One already positive has done its job.
            sa.or_(ScreeningResponse.is_complete, ScreeningResponse.is_positive.is_(True)),
            ScreeningResponse.submitted_at >= since,
        )
    )
    prior: dict[int, list[schedule.PriorScreen]] = defaultdict(list)
    for household_id, key, at, appointment_id in rows:
        prior[household_id].append(
            schedule.PriorScreen(key, at.astimezone(zone).date(), appointment_id)
        )
    return prior


def due_for_appointments(appointments: Sequence[Appointment]) -> dict[int, list[schedule.DueItem]]:
    """Appointment id → what that visit calls for; a fixed number of queries for any number of
    appointments of one clinic (their children and households loaded)."""
    if not appointments:
        return {}
    clinic_id = appointments[0].clinic_id
    rules = clinic_rules(clinic_id)
    longest = max((r.validity_days for r in rules), default=0)
    zone = clinic_zone_of(clinic_id)
    since = min(a.scheduled_at for a in appointments) - timedelta(days=longest + 1)
    offered = {key: bool(langs) for key, langs in offered_languages(clinic_id).items()}
    prior = _prior_screens((a.child.household_id for a in appointments), since, zone)
    return {
        a.id: schedule.due_instruments(
            visit_kind=a.visit_kind.value,
            visit_on=a.scheduled_at.astimezone(zone).date(),
            appointment_id=a.id,
            rules=rules,
            prior=prior.get(a.child.household_id, []),
            offered=offered,
        )
        for a in appointments
    }


def due_for_appointment(appointment: Appointment) -> list[schedule.DueItem]:
    """What this visit calls for, given the clinic's rules and the household's recent screens."""
    return due_for_appointments([appointment])[appointment.id]


def household_history(household_id: int) -> list[ScreeningResponse]:
    """Every screen of the household, newest first, with flags and who answered."""
    return list(
        db.session.scalars(
            sa.select(ScreeningResponse)
            .where(ScreeningResponse.household_id == household_id)
            .options(
                selectinload(ScreeningResponse.flags).selectinload(Flag.acknowledged_by),
                selectinload(ScreeningResponse.caregiver),
                selectinload(ScreeningResponse.child),
                selectinload(ScreeningResponse.entered_by),
            )
            .order_by(ScreeningResponse.submitted_at.desc(), ScreeningResponse.id.desc())
        )
    )


def open_critical_flags(clinic_id: int) -> list[Flag]:
    """Critical answers no clinician has acted on yet, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Flag)
            .join(Flag.response)
            .where(
                Flag.clinic_id == clinic_id,
                Flag.kind == FlagKind.CRITICAL,
                Flag.acknowledged_at.is_(None),
                ScreeningResponse.status == ResponseStatus.FINAL,
            )
            .options(selectinload(Flag.response).selectinload(ScreeningResponse.child))
            .order_by(Flag.raised_at)
        )
    )


def response_by_submission(clinic_id: int, client_submission_id: str) -> ScreeningResponse | None:
    return db.session.scalar(
        sa.select(ScreeningResponse).where(
            ScreeningResponse.clinic_id == clinic_id,
            ScreeningResponse.client_submission_id == client_submission_id,
        )
    )


def settings_of(clinic_id: int) -> dict[str, ScreeningSetting]:
    rows = db.session.scalars(
        sa.select(ScreeningSetting).where(ScreeningSetting.clinic_id == clinic_id)
    )
    return {row.instrument_key: row for row in rows}


def upcoming_appointments(
    child_id: int, today: date, zone: ZoneInfo, limit: int = 3
) -> list[Appointment]:
    """The child's next appointments from the start of `today` in the clinic's zone."""
    start, _end = day_bounds_utc(today, zone)
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(Appointment.child_id == child_id, Appointment.scheduled_at >= start)
            .order_by(Appointment.scheduled_at)
            .limit(limit)
        )
    )
