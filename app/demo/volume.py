"""A clinic at practice scale for the metrics dashboard and its benches: 20 sites over 5 years.

Rows are generated site by site in memory and written in bulk (COPY on PostgreSQL), not through the
operations: half a million appointments through the ORM would take hours. What the operations would
check is kept by construction: screens are scored by the real scoring code and due by the real
schedule rules, flags and referrals follow from them, referral histories follow the status machine.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from time import perf_counter
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.appointments.models import Appointment
from app.consents.models import Consent
from app.db import now_utc
from app.demo import volume_families as families
from app.demo import volume_followups as followups
from app.demo import volume_huddles as huddles
from app.demo import volume_practices as practices
from app.demo import volume_referrals as referrals
from app.demo import volume_screens as screens
from app.demo.volume_sink import BulkSink
from app.demo.volume_staff import VOLUME_TIMEZONE, build_clinic
from app.demo.volume_world import Run, SiteWork
from app.extensions import db
from app.families.models import Caregiver, Child, Household, ProgramEnrolment
from app.followups.models import ContactAttempt, FollowUp
from app.huddles.models import Huddle, HuddleAttendee, HuddleNote
from app.referrals.models import Referral, ReferralEvent, ReferralReason
from app.screening.models import FamilyPriority, Flag, ScreeningResponse
from app.visits.models import PracticeDelivery
from app.visits.models import Visit as VisitRecord

#: Tables in the order their foreign keys allow, with the columns each generator fills.
WRITE_ORDER = (
    (Household, families.HOUSEHOLD_COLUMNS),
    (Caregiver, families.CAREGIVER_COLUMNS),
    (Child, families.CHILD_COLUMNS),
    (ProgramEnrolment, families.ENROLMENT_COLUMNS),
    (Appointment, families.APPOINTMENT_COLUMNS),
    (VisitRecord, practices.VISIT_COLUMNS),
    (PracticeDelivery, practices.DELIVERY_COLUMNS),
    (ScreeningResponse, screens.RESPONSE_COLUMNS),
    (Flag, screens.FLAG_COLUMNS),
    (FamilyPriority, screens.PRIORITY_COLUMNS),
    (Consent, referrals.CONSENT_COLUMNS),
    (Referral, referrals.REFERRAL_COLUMNS),
    (ReferralReason, referrals.REASON_COLUMNS),
    (ReferralEvent, referrals.EVENT_COLUMNS),
    (Huddle, huddles.HUDDLE_COLUMNS),
    (HuddleAttendee, huddles.ATTENDEE_COLUMNS),
    (HuddleNote, huddles.NOTE_COLUMNS),
    (FollowUp, followups.FOLLOW_UP_COLUMNS),
    (ContactAttempt, followups.ATTEMPT_COLUMNS),
)


@dataclass(frozen=True)
class VolumeOptions:
    end: date
    password: str
    sites: int = 20
    years: int = 5
    births_per_site_year: int = 420
    seed: int = 7
    family_screens: str = "every-visit"


@dataclass(frozen=True)
class VolumeSummary:
    clinic_id: int
    start: date
    end: date
    #: Table name → rows written, in the order they were written.
    counts: dict[str, int]
    seconds: float


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _screen_and_refer(work: SiteWork) -> None:
    """Every completed visit in time order: its screens, then referrals for what they raised."""
    prior: dict[int, list] = defaultdict(list)
    for visit in work.visits:
        if not visit.is_completed:
            continue
        family_id = visit.kid.family.id
        prior[family_id] = screens.recent(prior[family_id], visit.day)
        flags = screens.screen_visit(work, visit, prior[family_id])
        if flags:
            referrals.refer_from_visit(work, visit, flags)


def _seed_site(work: SiteWork, years: int) -> None:
    families.seed_families(work, years)
    families.seed_appointments(work)
    _screen_and_refer(work)
    practices.seed_practices(work)
    huddles.seed_huddles(work)
    for model, columns in WRITE_ORDER:
        work.run.sink.write(model, columns, work.rows.pop(model, ()))


def seed_volume(options: VolumeOptions) -> VolumeSummary:
    """Build the volume clinic up to `options.end`; the caller commits."""
    started = perf_counter()
    rng = Random(options.seed)  # noqa: S311 — synthetic data, reproducible on purpose
    clinic = build_clinic(options.sites, options.password, options.family_screens, rng)
    db.session.flush()
    start = years_before(options.end, options.years)
    # "Now" for the data: the end of the last day, or this moment when that day is today.
    day_after = datetime.combine(options.end + timedelta(days=1), time.min, tzinfo=clinic.zone)
    run = Run(clinic=clinic, sink=BulkSink(db.session.connection()), start=start,
              end=options.end, cutoff=min(now_utc(), day_after.astimezone(UTC)),
              births_per_site_year=options.births_per_site_year, seed=options.seed)  # fmt: skip
    deferred = run.sink.defer_foreign_key_checks()
    for index, team in enumerate(clinic.teams):
        _seed_site(SiteWork(run, team, index), options.years)
    if deferred:
        run.sink.restore_foreign_key_checks()
        run.sink.check_foreign_keys((model for model, _columns in WRITE_ORDER), clinic.clinic_id)
    return VolumeSummary(clinic.clinic_id, start, options.end, dict(run.sink.counts),
                         perf_counter() - started)  # fmt: skip


def analyze() -> None:
    """Fresh planner statistics for the tables just loaded (PostgreSQL; SQLite plans without)."""
    if db.session.connection().dialect.name == "postgresql":
        tables = ", ".join(model.__tablename__ for model, _columns in WRITE_ORDER)
        db.session.execute(sa.text(f"ANALYZE {tables}"))


def local_today() -> date:
    return now_utc().astimezone(ZoneInfo(VOLUME_TIMEZONE)).date()
