"""Stored units: each metric's units worked out once and kept, so a dashboard only adds them up.

Working out whether a visit's screens were due and done, or a screen was followed by a referral
within 7 days, means joining visits, screens, referrals and practices row by row; at 100,000 visits
a year that takes seconds. `store.py` keeps each unit of a stored metric as one narrow row here,
and works a household's units out again when any of its rows change (`staleness.py` notes which).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class MetricUnit(Base):
    """One unit of a metric (a visit, a screen, a referral…) with what its measure found."""

    __tablename__ = "metric_units"
    __table_args__ = (
        sa.Index("ix_metric_units_clinic_metric_month", "clinic_id", "metric", "month"),
        sa.Index("ix_metric_units_household_metric", "household_id", "metric"),
    )

    metric: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    #: The id of the row the unit is: a visit's appointment, a screen, a referral, a child…
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # No foreign keys: these rows are derived, worked out again (or dropped) when the rows they
    # come from change or go, and a build writes millions of them.
    clinic_id: Mapped[int]
    #: What puts the unit in a month: an instant, or for some metrics a day (`at_is_date`).
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    day: Mapped[date | None]
    #: Its month in the clinic's time zone, as months since year 0 (`periods.month_number`): a
    #: page counts months by subtraction instead of comparing each instant with month starts.
    month: Mapped[int | None]
    household_id: Mapped[int]
    child_id: Mapped[int | None]
    site_id: Mapped[int | None]
    clinician_id: Mapped[int | None]
    visit_kind: Mapped[str | None] = mapped_column(sa.String(40))
    #: Who the family is, for breakdowns: the primary caregiver's language and self-reported race
    #: and ethnicity (the stored list, as text), the child's insurance.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    race_ethnicity: Mapped[str | None] = mapped_column(sa.Text)
    insurance: Mapped[str | None] = mapped_column(sa.String(40))
    #: Bit i set: the unit is in variant i's denominator (`in_bits`), numerator (`hit_bits`).
    in_bits: Mapped[int] = mapped_column(sa.BigInteger)
    hit_bits: Mapped[int] = mapped_column(sa.BigInteger)
    value: Mapped[float | None] = mapped_column(sa.Float)


class MetricBuild(Base):
    """When a clinic's units of a metric were last built from scratch, and under which rules (a
    digest of the metric's version and the clinic settings it reads): another digest means the
    stored units no longer answer the question, and are built again."""

    __tablename__ = "metric_builds"

    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), primary_key=True)
    metric: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    rules_digest: Mapped[str] = mapped_column(sa.String(64))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaleHousehold(Base):
    """A household whose stored units may be out of date: one of its rows changed since."""

    __tablename__ = "metric_stale_households"

    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), primary_key=True)
    household_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
