"""The daily huddle board: every visit of the day with what the team should know, yesterday's loose
ends on top, and the day's huddle (attendees, notes, action items) when one was started.

The board costs the same number of queries for 5 visits or 60: each kind of fact is one IN query
over the day's households or children, the families are loaded eagerly, and the template reads
only what is assembled here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.appointments.models import Appointment, AppointmentStatus
from app.core.clock import day_bounds_utc
from app.db import now_utc
from app.extensions import db
from app.families.models import Caregiver, Child, Household, Program, ProgramEnrolment
from app.followups.models import FollowUp, FollowUpSource
from app.followups.queries import care_team_people
from app.huddles.models import HuddleNote
from app.huddles.panel import HuddlePanel, day_huddle, huddle_panel
from app.referrals.models import OPEN_STATUSES, Referral
from app.screening.models import Flag, FlagKind, ResponseStatus, ScreeningResponse
from app.screening.queries import clinic_zone_of, due_for_appointments
from app.screening.schedule import DueItem

#: How long a positive screen stays on the board (the longest validity of a screen).
POSITIVE_LOOKBACK = timedelta(days=365)
#: How old the latest family check-in may be for its "yes" answers to count as today's priorities.
CHECKIN_LOOKBACK = timedelta(days=365)
CHECKIN = "family-checkin"


@dataclass
class BoardRow:
    """One visit of the day and what the team should know about the child and the family."""

    appointment: Appointment
    due: list[DueItem]
    critical_flags: list[Flag]
    positive_flags: list[Flag]
    priorities: list[str]
    open_referrals: list[Referral]
    overdue_follow_ups: list[FollowUp]
    last_note: HuddleNote | None

    @property
    def child(self) -> Child:
        return self.appointment.child

    @property
    def household(self) -> Household:
        return self.appointment.child.household

    @property
    def caregiver(self) -> Caregiver | None:
        return self.household.primary_caregiver

    @property
    def needs_interpreter(self) -> bool:
        caregiver = self.caregiver
        return self.appointment.needs_interpreter or bool(caregiver and caregiver.needs_interpreter)

    @property
    def screens_due(self) -> list[DueItem]:
        return [item for item in self.due if item.status == "due"]

    @property
    def screens_done(self) -> list[DueItem]:
        return [item for item in self.due if item.status == "done"]

    @property
    def programs(self) -> list[ProgramEnrolment]:
        return [e for e in self.child.enrolments if e.is_active]

    @property
    def healthysteps_tier(self) -> int | None:
        return next((e.healthysteps_tier for e in self.programs if e.healthysteps_tier), None)

    @property
    def in_dulce(self) -> bool:
        return any(e.program == Program.DULCE for e in self.programs)

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.critical_flags or self.positive_flags or self.priorities
            or self.overdue_follow_ups or self.screens_due
        )  # fmt: skip


@dataclass(frozen=True)
class OpenCritical:
    flag: Flag
    household: Household
    child: Child | None


@dataclass(frozen=True)
class NoShow:
    appointment: Appointment
    has_outreach: bool


@dataclass
class LooseEnds:
    """What yesterday left open: action items, critical answers nobody acted on, no-shows."""

    action_items: list[FollowUp] = field(default_factory=list)
    critical: list[OpenCritical] = field(default_factory=list)
    no_shows: list[NoShow] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.action_items) + len(self.critical) + len(self.no_shows)


@dataclass
class Board:
    day: date
    rows: list[BoardRow]
    loose_ends: LooseEnds
    #: Visits of the day before the "needs attention" filter.
    total: int


@dataclass
class BoardPage:
    board: Board
    huddle: HuddlePanel | None
    #: The clinic's care team: who may attend or own an action item.
    team: list[User]


# --- the day's visits ---------------------------------------------------------------------------


def _appointments(clinic_id: int, start: datetime, end: datetime, *, status=None, site_id=None,
                  clinician_id=None) -> list[Appointment]:  # fmt: skip
    query = sa.select(Appointment).where(
        Appointment.clinic_id == clinic_id,
        Appointment.scheduled_at >= start,
        Appointment.scheduled_at < end,
        Appointment.status == status if status else Appointment.status != AppointmentStatus.CANCELLED,
    )  # fmt: skip
    if site_id:
        query = query.where(Appointment.site_id == site_id)
    if clinician_id:
        query = query.where(Appointment.clinician_id == clinician_id)
    query = query.options(
        joinedload(Appointment.child).joinedload(Child.household),
        selectinload(Appointment.child, Child.household, Household.caregivers),
        selectinload(Appointment.child, Child.enrolments),
        joinedload(Appointment.clinician),
        joinedload(Appointment.site),
    )
    return list(db.session.scalars(query.order_by(Appointment.scheduled_at, Appointment.id)))


def _flags(household_ids: set[int], since: datetime) -> dict[int, list[Flag]]:
    """Household id → its open critical answers and positive screens since `since`, newest first."""
    rows = db.session.scalars(
        sa.select(Flag)
        .join(Flag.response)
        .where(
            Flag.household_id.in_(household_ids),
            ScreeningResponse.status == ResponseStatus.FINAL,
            sa.or_(
                sa.and_(Flag.kind == FlagKind.CRITICAL, Flag.acknowledged_at.is_(None)),
                # The check-in's own positives are its priorities, listed as such.
                sa.and_(Flag.kind == FlagKind.POSITIVE, Flag.raised_at >= since,
                        ScreeningResponse.instrument_key != CHECKIN),
            ),
        )
        .order_by(Flag.raised_at.desc(), Flag.id.desc())
    )  # fmt: skip
    found: dict[int, list[Flag]] = defaultdict(list)
    for flag in rows:
        if flag.kind == FlagKind.CRITICAL or flag.code not in {
            f.code for f in found[flag.household_id]
        }:
            found[flag.household_id].append(flag)
    return found


def _priorities(household_ids: set[int], since: datetime) -> dict[int, list[str]]:
    """Household id → the needs its latest family check-in (of the last year) wants help with."""
    ranked = (
        sa.select(
            ScreeningResponse.household_id,
            ScreeningResponse.answers,
            sa.func.row_number()
            .over(
                partition_by=ScreeningResponse.household_id,
                order_by=(ScreeningResponse.submitted_at.desc(), ScreeningResponse.id.desc()),
            )
            .label("position"),
        )
        .where(
            ScreeningResponse.household_id.in_(household_ids),
            ScreeningResponse.instrument_key == CHECKIN,
            ScreeningResponse.status == ResponseStatus.FINAL,
            ScreeningResponse.submitted_at >= since,
        )
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ranked.c.household_id, ranked.c.answers).where(ranked.c.position == 1)
    )
    return {
        household_id: sorted(
            item.removeprefix("need-")
            for item, answer in (answers or {}).items()
            if answer == "yes"
        )
        for household_id, answers in rows
    }


def _open_referrals(household_ids: set[int]) -> dict[int, list[Referral]]:
    rows = db.session.scalars(
        sa.select(Referral)
        .where(Referral.household_id.in_(household_ids), Referral.status.in_(OPEN_STATUSES))
        .options(joinedload(Referral.partner_organization), joinedload(Referral.service))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )
    found: dict[int, list[Referral]] = defaultdict(list)
    for referral in rows:
        found[referral.household_id].append(referral)
    return found


def _overdue_follow_ups(household_ids: set[int], today: date) -> dict[int, list[FollowUp]]:
    rows = db.session.scalars(
        sa.select(FollowUp)
        .where(
            FollowUp.household_id.in_(household_ids),
            FollowUp.done_at.is_(None),
            FollowUp.due_on < today,
        )
        .options(joinedload(FollowUp.assignee))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    found: dict[int, list[FollowUp]] = defaultdict(list)
    for follow_up in rows:
        found[follow_up.household_id].append(follow_up)
    return found


def _last_notes(child_ids: set[int]) -> dict[int, HuddleNote]:
    """Child id → the newest huddle note about the child, with its author."""
    ranked = (
        sa.select(
            HuddleNote.id,
            sa.func.row_number()
            .over(
                partition_by=HuddleNote.child_id,
                order_by=(HuddleNote.created_at.desc(), HuddleNote.id.desc()),
            )
            .label("position"),
        )
        .where(HuddleNote.child_id.in_(child_ids))
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(HuddleNote)
        .join(ranked, ranked.c.id == HuddleNote.id)
        .where(ranked.c.position == 1)
        .options(joinedload(HuddleNote.author))
    )
    return {note.child_id: note for note in rows}


def _rows(appointments: list[Appointment], today: date, now: datetime) -> list[BoardRow]:
    households = {a.child.household_id for a in appointments}
    due = due_for_appointments(appointments)
    flags = _flags(households, now - POSITIVE_LOOKBACK)
    priorities = _priorities(households, now - CHECKIN_LOOKBACK)
    referrals = _open_referrals(households)
    overdue = _overdue_follow_ups(households, today)
    notes = _last_notes({a.child_id for a in appointments})
    rows = []
    for a in appointments:
        household_flags = flags.get(a.child.household_id, [])
        rows.append(BoardRow(
            appointment=a, due=due[a.id],
            critical_flags=[f for f in household_flags if f.kind == FlagKind.CRITICAL],
            positive_flags=[f for f in household_flags if f.kind == FlagKind.POSITIVE],
            priorities=priorities.get(a.child.household_id, []),
            open_referrals=referrals.get(a.child.household_id, []),
            overdue_follow_ups=overdue.get(a.child.household_id, []),
            last_note=notes.get(a.child_id),
        ))  # fmt: skip
    return rows


# --- yesterday's loose ends ---------------------------------------------------------------------


def _unfinished_action_items(clinic_id: int, today: date) -> list[FollowUp]:
    return list(
        db.session.scalars(
            sa.select(FollowUp)
            .where(
                FollowUp.clinic_id == clinic_id,
                FollowUp.source == FollowUpSource.HUDDLE,
                FollowUp.done_at.is_(None),
                FollowUp.due_on <= today,
            )
            .options(
                joinedload(FollowUp.assignee),
                joinedload(FollowUp.household),
                joinedload(FollowUp.child),
            )
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    )


def _unacknowledged_critical(clinic_id: int) -> list[OpenCritical]:
    rows = db.session.execute(
        sa.select(Flag, Household, Child)
        .join(Flag.response)
        .join(Household, Household.id == Flag.household_id)
        .outerjoin(Child, Child.id == Flag.child_id)
        .where(
            Flag.clinic_id == clinic_id,
            Flag.kind == FlagKind.CRITICAL,
            Flag.acknowledged_at.is_(None),
            ScreeningResponse.status == ResponseStatus.FINAL,
        )
        .order_by(Flag.raised_at, Flag.id)
    )
    return [OpenCritical(flag, household, child) for flag, household, child in rows]


def _no_shows(clinic_id: int, day: date, zone, **filters) -> list[NoShow]:
    """The day's no-shows, each with whether someone has a follow-up with the family since."""
    start, end = day_bounds_utc(day, zone)
    missed = _appointments(clinic_id, start, end, status=AppointmentStatus.NO_SHOW, **filters)
    if not missed:
        return []
    since: dict[int, list[datetime]] = defaultdict(list)
    for household_id, created_at in db.session.execute(
        sa.select(FollowUp.household_id, FollowUp.created_at).where(
            FollowUp.household_id.in_({a.child.household_id for a in missed}),
            FollowUp.created_at >= start,
        )
    ):
        since[household_id].append(created_at)
    return [
        NoShow(a, any(at >= a.scheduled_at for at in since[a.child.household_id])) for a in missed
    ]


def loose_ends(clinic_id: int, day: date, zone, **filters) -> LooseEnds:
    return LooseEnds(
        action_items=_unfinished_action_items(clinic_id, day),
        critical=_unacknowledged_critical(clinic_id),
        no_shows=_no_shows(clinic_id, day - timedelta(days=1), zone, **filters),
    )


# --- the board and the page ---------------------------------------------------------------------


def board_for_day(
    clinic_id: int,
    day: date,
    *,
    site_id: int | None = None,
    clinician_id: int | None = None,
    attention_only: bool = False,
) -> Board:
    """The clinic's board for its local `day`: one row per visit (cancelled ones left out)."""
    zone = clinic_zone_of(clinic_id)
    start, end = day_bounds_utc(day, zone)
    filters = {"site_id": site_id, "clinician_id": clinician_id}
    appointments = _appointments(clinic_id, start, end, **filters)
    rows = _rows(appointments, day, now_utc()) if appointments else []
    shown = [row for row in rows if row.needs_attention] if attention_only else rows
    return Board(day, shown, loose_ends(clinic_id, day, zone, **filters), total=len(rows))


def board_page(
    clinic_id: int,
    day: date,
    *,
    user_id: int,
    site_id: int | None = None,
    clinician_id: int | None = None,
    attention_only: bool = False,
) -> BoardPage:
    """Everything the board page shows, in a fixed number of queries."""
    board = board_for_day(
        clinic_id, day, site_id=site_id, clinician_id=clinician_id, attention_only=attention_only
    )
    huddle = day_huddle(clinic_id, day, site_id)
    return BoardPage(
        board=board,
        huddle=huddle_panel(huddle, user_id) if huddle else None,
        team=care_team_people(clinic_id),
    )
