"""Named reads for the visit companion: one visit's whole picture in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.appointments.models import Appointment, VisitKind, nearest_visit_kind
from app.appointments.queries import appointments_on_day
from app.consents.models import Consent
from app.core.clock import day_bounds_utc
from app.core.i18n import PARENT_LOCALES
from app.extensions import db
from app.families.models import Child, Household
from app.guidance.models import GuidancePrompt
from app.guidance.queries import active_prompts
from app.huddles.models import HuddleNote
from app.practices.models import CommonPractice
from app.practices.queries import practices_of
from app.referrals.models import Referral
from app.referrals.queries import referrals_for_visit
from app.screening.models import (
    Flag,
    FlagKind,
    ResponseStatus,
    ScreeningResponse,
)
from app.screening.queries import clinic_zone_of, due_for_appointments
from app.screening.schedule import DueItem
from app.visits.facts import ScreenFact, VisitFacts
from app.visits.models import PracticeDelivery, Visit

#: Caregiver screens that stand for the caregiver's depression screen at a visit.
CAREGIVER_DEPRESSION = frozenset({"phq-2", "phq-9", "epds"})
#: How far back a screen of the household is shown on the visit page (the longest validity).
LOOKBACK_DAYS = 365


@dataclass
class VisitPicture:
    """Everything the visit page, its PDFs and its suggestions read."""

    appointment: Appointment
    visit_on: date
    due: list[DueItem]
    responses: list[ScreeningResponse]
    consents: list[Consent]
    visit: Visit | None
    deliveries: dict[str, PracticeDelivery]
    practices: list[CommonPractice]
    prompts: list[GuidancePrompt]
    facts: VisitFacts
    #: The household's open referrals and those closed recently, newest first.
    referrals: list[Referral]
    #: The newest huddle note about this child, if the team has written one.
    last_huddle_note: HuddleNote | None = None

    @property
    def child(self) -> Child:
        return self.appointment.child

    @property
    def household(self) -> Household:
        return self.appointment.child.household

    @property
    def open_referrals(self) -> list[Referral]:
        return [r for r in self.referrals if r.status.is_open]

    @property
    def closed_referrals(self) -> list[Referral]:
        return [r for r in self.referrals if not r.status.is_open]

    @property
    def open_critical_flags(self) -> list[Flag]:
        return [f for r in self.responses for f in r.flags if f.is_open]

    @property
    def positive_flags(self) -> list[Flag]:
        return [f for r in self.responses for f in r.flags if f.kind == FlagKind.POSITIVE]

    @property
    def latest_checkin(self) -> ScreeningResponse | None:
        return next((r for r in self.responses if r.instrument_key == "family-checkin"), None)

    @property
    def family_language(self) -> str:
        """The summary's language: the main caregiver's, where the family documents speak it."""
        caregiver = self.household.primary_caregiver
        language = caregiver.preferred_language.split("-")[0] if caregiver else "en"
        return language if language in PARENT_LOCALES else "en"


def appointment_for_visit(appointment_id: int, clinic_id: int) -> Appointment | None:
    return db.session.scalar(
        sa.select(Appointment)
        .where(Appointment.id == appointment_id, Appointment.clinic_id == clinic_id)
        .options(
            joinedload(Appointment.child).joinedload(Child.household),
            selectinload(Appointment.child, Child.household, Household.caregivers),
            selectinload(Appointment.child, Child.enrolments),
            joinedload(Appointment.clinician),
            joinedload(Appointment.site),
        )
    )


def _visit_responses(appointment: Appointment, visit_on_end: datetime) -> list[ScreeningResponse]:
    """The household's final screens that bear on this visit, newest first: this visit's (a paper
    screen entered later included), those of the year up to the visit, and any whose critical
    answer is still open."""
    open_critical = sa.exists().where(
        Flag.response_id == ScreeningResponse.id,
        Flag.kind == FlagKind.CRITICAL,
        Flag.acknowledged_at.is_(None),
    )
    since = appointment.scheduled_at - timedelta(days=LOOKBACK_DAYS)
    return list(
        db.session.scalars(
            sa.select(ScreeningResponse)
            .where(
                ScreeningResponse.household_id == appointment.child.household_id,
                ScreeningResponse.status == ResponseStatus.FINAL,
                sa.or_(
                    ScreeningResponse.appointment_id == appointment.id,
                    ScreeningResponse.submitted_at.between(since, visit_on_end),
                    open_critical,
                ),
            )
            .options(
                selectinload(ScreeningResponse.flags).selectinload(Flag.acknowledged_by),
                selectinload(ScreeningResponse.caregiver),
            )
            .order_by(ScreeningResponse.submitted_at.desc(), ScreeningResponse.id.desc())
        )
    )


def _active_consents(household_id: int, moment: datetime) -> list[Consent]:
    return list(
        db.session.scalars(
            sa.select(Consent)
            .where(
                Consent.household_id == household_id,
                Consent.revoked_at.is_(None),
                sa.or_(Consent.expires_at.is_(None), Consent.expires_at > moment),
            )
            .order_by(Consent.granted_at.desc())
        )
    )


def last_huddle_note(child_id: int) -> HuddleNote | None:
    return db.session.scalar(
        sa.select(HuddleNote)
        .where(HuddleNote.child_id == child_id)
        .options(joinedload(HuddleNote.author))
        .order_by(HuddleNote.created_at.desc(), HuddleNote.id.desc())
        .limit(1)
    )


def _is_first_visit(appointment: Appointment) -> bool:
    earlier = db.session.scalar(
        sa.select(sa.func.count(Appointment.id)).where(
            Appointment.child_id == appointment.child_id,
            Appointment.scheduled_at < appointment.scheduled_at,
        )
    )
    return not earlier


def _deliveries(appointment_id: int) -> dict[str, PracticeDelivery]:
    rows = db.session.scalars(
        sa.select(PracticeDelivery)
        .where(PracticeDelivery.appointment_id == appointment_id)
        .options(joinedload(PracticeDelivery.delivered_by))
    )
    return {row.practice_code: row for row in rows}


def visit_for(appointment_id: int) -> Visit | None:
    return db.session.scalar(sa.select(Visit).where(Visit.appointment_id == appointment_id))


def visit_picture(appointment: Appointment) -> VisitPicture:
    """The whole visit, read with a fixed number of queries however long the family's history."""
    zone = clinic_zone_of(appointment.clinic_id)
    visit_on = appointment.scheduled_at.astimezone(zone).date()
    _start, visit_end = day_bounds_utc(visit_on, zone)
    due = due_for_appointments([appointment])[appointment.id]
    responses = _visit_responses(appointment, visit_end)
    visit = visit_for(appointment.id)
    deliveries = _deliveries(appointment.id)
    facts = build_facts(
        appointment, visit_on, due, responses, visit, deliveries, _is_first_visit(appointment)
    )
    return VisitPicture(
        appointment=appointment,
        visit_on=visit_on,
        due=due,
        responses=responses,
        consents=_active_consents(appointment.child.household_id, visit_end),
        visit=visit,
        deliveries=deliveries,
        practices=practices_of(appointment.clinic_id),
        prompts=active_prompts(appointment.clinic_id),
        facts=facts,
        referrals=referrals_for_visit(appointment.child.household_id),
        last_huddle_note=last_huddle_note(appointment.child_id),
    )


def _counts_for_visit(response: ScreeningResponse, appointment: Appointment, due_keys) -> bool:
    return response.appointment_id == appointment.id or response.instrument_key in due_keys


def build_facts(
    appointment: Appointment,
    visit_on: date,
    due: list[DueItem],
    responses: list[ScreeningResponse],
    visit: Visit | None,
    deliveries: dict[str, PracticeDelivery],
    is_first_visit: bool,
) -> VisitFacts:
    """The visit's data as plain values for the guidance, practice and billing rules."""
    child = appointment.child
    age_days = (visit_on - child.date_of_birth).days
    kind = appointment.visit_kind
    if kind == VisitKind.OTHER:
        kind = nearest_visit_kind(age_days)
    screens = _screen_facts(appointment, due, responses)
    checkin = next((r for r in responses if r.instrument_key == "family-checkin"), None)
    critical = [f for r in responses for f in r.flags if f.kind == FlagKind.CRITICAL]
    enrolments = [e for e in child.enrolments if e.is_active]
    return VisitFacts(
        visit_kind=kind.value,
        age_days=age_days,
        screens=screens,
        due=frozenset(item.instrument_key for item in due if item.status == "due"),
        needs_yes=_needs_answered(checkin, "yes"),
        needs_later=_needs_answered(checkin, "not_now"),
        critical_codes=frozenset(f.code for f in critical),
        open_critical_codes=frozenset(f.code for f in critical if f.is_open),
        programs=frozenset(e.program.value for e in enrolments),
        healthysteps_tier=next(
            (e.healthysteps_tier for e in enrolments if e.healthysteps_tier), None
        ),
        insurance=child.insurance.value,
        is_group_visit=appointment.is_group_visit,
        is_first_visit=is_first_visit,
        has_strength_noticed=bool(visit and visit.strength_noticed),
        practices_delivered=frozenset(deliveries),
    )


def _screen_facts(
    appointment: Appointment, due: list[DueItem], responses: list[ScreeningResponse]
) -> tuple[ScreenFact, ...]:
    """The screens that count for this visit: its own, and the latest one still valid per
    instrument the visit called for (a sibling's family check-in this year, say)."""
    done_recently = {item.instrument_key for item in due if item.status == "done"}
    seen: set[str] = set()
    facts = []
    for response in responses:
        this_visit = response.appointment_id == appointment.id
        key = response.instrument_key
        counts_for = "phq-2" if key == "phq-9" else key
        if not this_visit and (counts_for not in done_recently or key in seen):
            continue
        seen.add(key)
        facts.append(
            ScreenFact(
                instrument_key=key,
                band=response.band,
                is_positive=response.is_positive,
                is_complete=response.is_complete,
                this_visit=this_visit,
                source=response.source.value,
            )
        )
    return tuple(facts)


def _needs_answered(checkin: ScreeningResponse | None, answer: str) -> frozenset[str]:
    if checkin is None:
        return frozenset()
    return frozenset(
        item.removeprefix("need-") for item, code in checkin.answers.items() if code == answer
    )


def clinicians_visits(
    clinic_id: int, day: date, *, clinician_id: int | None, site_id: int | None
) -> list[Appointment]:
    """The day's visits for the list, with their families loaded (a fixed number of queries)."""
    zone = clinic_zone_of(clinic_id)
    return appointments_on_day(clinic_id, day, zone, clinician_id=clinician_id, site_id=site_id)


def households_with_open_critical(household_ids: set[int]) -> set[int]:
    """Households among these with a critical answer no clinician has acted on yet."""
    if not household_ids:
        return set()
    rows = db.session.scalars(
        sa.select(Flag.household_id)
        .join(Flag.response)
        .where(
            Flag.household_id.in_(household_ids),
            Flag.kind == FlagKind.CRITICAL,
            Flag.acknowledged_at.is_(None),
            ScreeningResponse.status == ResponseStatus.FINAL,
        )
    )
    return set(rows)
