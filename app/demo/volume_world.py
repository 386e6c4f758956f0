"""What the volume seed's generators share: the run, one site's work, families, children, visits."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from app.db import Base
from app.demo.volume_sink import BulkSink
from app.demo.volume_staff import SiteTeam, VolumeClinic


@dataclass(frozen=True)
class Run:
    """One seeding: the clinic, where rows go, and the window [start, end] of local days."""

    clinic: VolumeClinic
    sink: BulkSink
    start: date
    end: date
    #: "Now" for the data: nothing is acknowledged, accepted or closed after it.
    cutoff: datetime
    births_per_site_year: int
    seed: int

    @property
    def clinic_id(self) -> int:
        return self.clinic.clinic_id

    def at(self, day: date, minutes: float) -> datetime:
        """The UTC instant `minutes` after local midnight of `day` in the clinic's zone."""
        local = datetime.combine(day, time(), tzinfo=self.clinic.zone) + timedelta(minutes=minutes)
        return local.astimezone(UTC)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.clinic.zone).date()


@dataclass(eq=False, slots=True)
class Family:
    """A household and what drives its answers: its needs and its primary caregiver's mood."""

    id: int
    team: SiteTeam
    language: str
    needs_interpreter: bool
    caregiver_id: int
    #: Need → chance of answering "yes" at a check-in.
    need_odds: dict[str, float]
    is_food_insecure: bool
    has_low_mood: bool
    last_born: date
    #: The day the family left the practice (moved away), if it did.
    moved_on: date | None
    name: str = ""
    has_needs: bool = False
    kids: list[Kid] = field(default_factory=list)
    #: Need → when the family's referral for it closes (None: it never does).
    open_until: dict[str, datetime | None] = field(default_factory=dict)
    #: (partner organization id, need) → the consent that lets the partner receive it.
    consents: dict[tuple[int, str], int] = field(default_factory=dict)
    given_names: set[str] = field(default_factory=set)


@dataclass(eq=False, slots=True)
class Kid:
    id: int
    family: Family
    born: date
    clinician_id: int
    is_in_dulce: bool = False


@dataclass(eq=False, slots=True)
class Visit:
    """One appointment, with what happened at it that later rows refer to."""

    id: int
    kid: Kid
    team: SiteTeam
    clinician_id: int
    at: datetime
    day: date
    kind: str
    status: str
    screened: list[str] = field(default_factory=list)
    referred: list[str] = field(default_factory=list)

    @property
    def is_completed(self) -> bool:
        return self.status == "completed"


class SiteWork:
    """One site's rows, generated together and written together (memory stays per site)."""

    def __init__(self, run: Run, team: SiteTeam, index: int) -> None:
        self.run, self.team, self.index = run, team, index
        self.rng = Random(run.seed * 1_000 + index)  # noqa: S311 — synthetic data, reproducible on purpose
        self.rows: dict[type[Base], list[tuple]] = defaultdict(list)
        self.families: list[Family] = []
        self.visits: list[Visit] = []

    def add(self, model: type[Base], row: tuple) -> None:
        self.rows[model].append(row)

    def new_id(self, model: type[Base]) -> int:
        return self.run.sink.next_id(model)

    def lognormal_minutes(self, median: float, sigma: float) -> float:
        return median * math.exp(self.rng.gauss(0, sigma))


def weekday_on_or_after(day: date) -> date:
    """Clinics see families Monday to Friday: a Saturday or Sunday moves to the Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def working_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def business_minutes(rng: Random) -> float:
    """A time of the working day, 8:30 to 17:00, in minutes after midnight."""
    return rng.uniform(8.5 * 60, 17 * 60)
