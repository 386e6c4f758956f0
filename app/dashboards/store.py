"""Stored units: build them, keep them current, and read them back as a measure's units.

A stored metric's units are worked out by its measure (the same SELECT as ever, over all time)
and kept in `metric_units`, one row per unit with its variants as bits. `refresh` brings a
clinic's rows up to date before a dashboard reads them:

- a metric whose rules changed (its version, its variants, or a clinic setting it reads, digested
  in `MetricBuild.rules_digest`) is built again from scratch;
- every household marked stale since (`staleness.py`) has its units worked out again.

Reading a stored metric then gives the very columns its measure would (`units_of`), so figures,
drill-downs and exports add up the same units. "Only what is due by today" is applied on reading.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.clinics.models import Clinic
from app.dashboards.definitions import BY_KEY
from app.dashboards.dimensions import STORED_FAMILY_COLUMNS, family_columns
from app.dashboards.models import MetricBuild, MetricUnit, StaleHousehold
from app.dashboards.periods import Scope, month_number
from app.dashboards.registry import MEASURES, Measure, UntilToday, Variant, flag
from app.dashboards.sqlfn import month_number as sql_month_number
from app.dashboards.sqlfn import without_jit
from app.db import now_utc
from app.extensions import db

#: Households worked out again per statement.
HOUSEHOLDS_PER_BATCH = 500
#: Variants fit in the bits of a BIGINT.
MAX_VARIANTS = 62
#: Raised when the layout of `metric_units` or the way units are built changes: every metric is
#: then built again.
STORE_FORMAT = 2
#: How long `compact` waits for the stored units to be free.
COMPACT_LOCK_WAIT = "10s"
#: The order `compact` keeps the stored units in.
_CLUSTER_INDEX = "ix_metric_units_clinic_metric_month"
#: The first key of PostgreSQL's two-key advisory locks for "refreshing a clinic's units".
_LOCK_CLASS = 7_301


@dataclass
class Refreshed:
    """What one refresh did."""

    rebuilt: list[str] = field(default_factory=list)
    households: int = 0


def stored_keys() -> list[str]:
    return [key for key, measure in MEASURES.items() if measure.is_stored]


def units_of(key: str, scope: Scope, variant_count: int) -> sa.Select[Any]:
    """A metric's units over the scope, with the columns of its first `variant_count` variants
    (the caller has read them) and ``month``, the index of the unit's month in the scope's; from
    `metric_units` when it is stored, else from its rows; either way without the units not yet
    due by the scope's today."""
    measure = MEASURES[key]
    if measure.is_stored:
        stmt = _stored_units(key, measure, scope, variant_count)
    else:
        stmt = measure.units(scope)
        month = scope.month_index(stmt.selected_columns.at, is_date=measure.at_is_date)
        stmt = stmt.add_columns(month.label("month"))
    if measure.until_today is None:
        return stmt
    units = stmt.subquery("due_units")
    today = scope.today or now_utc().astimezone(scope.zone).date()
    due = units.c.at < today if measure.until_today is UntilToday.BEFORE else units.c.at <= today
    return sa.select(*units.c).where(due)


def _stored_units(key: str, measure: Measure, scope: Scope, variant_count: int) -> sa.Select[Any]:
    unit = MetricUnit
    at = unit.day if measure.at_is_date else unit.at
    columns: list[Any] = [
        at.label("at"),
        unit.child_id,
        unit.household_id,
        unit.site_id,
        unit.clinician_id,
        unit.visit_kind,
        unit.language,
        unit.race_ethnicity,
        unit.insurance,
    ]
    for i in range(variant_count):
        columns += [
            flag(unit.in_bits.op("&")(1 << i) != 0).label(f"in_{i}"),
            flag(unit.hit_bits.op("&")(1 << i) != 0).label(f"hit_{i}"),
        ]
    month = (unit.month - month_number(scope.months[0])).label("month")
    stmt = sa.select(*columns, unit.value, month).where(
        unit.clinic_id == scope.clinic_id,
        unit.metric == key,
        scope.numbered_in_period(unit.month),
    )
    return stmt if scope.site_id is None else stmt.where(unit.site_id == scope.site_id)


def refresh(clinic_id: int) -> Refreshed:
    """Bring the clinic's stored units up to date (flushes; the caller commits).

    One refresh per clinic at a time: on PostgreSQL a second one waits for the first to commit,
    then finds nothing left to do."""
    _lock(clinic_id)
    without_jit()
    clinic = db.session.get(Clinic, clinic_id)
    scope = Scope.everything(clinic_id, ZoneInfo(clinic.timezone))
    done = Refreshed()
    digests = dict(
        db.session.execute(
            sa.select(MetricBuild.metric, MetricBuild.rules_digest).where(
                MetricBuild.clinic_id == clinic_id
            )
        ).all()
    )
    counts: dict[str, int] = {}
    for key in stored_keys():
        variants = MEASURES[key].variants(scope)
        counts[key] = len(variants)
        digest = rules_digest(key, scope, variants)
        if digests.get(key) != digest:
            _build(key, scope, digest, counts[key])
            done.rebuilt.append(key)
    stale = db.session.scalars(
        sa.delete(StaleHousehold)
        .where(StaleHousehold.clinic_id == clinic_id)
        .returning(StaleHousehold.household_id)
    ).all()
    left = {key: count for key, count in counts.items() if key not in done.rebuilt}
    for households in _batches(sorted(stale)):
        _rework(left, Scope.everything(clinic_id, scope.zone, households))
    done.households = len(stale)
    return done


def forget_builds(clinic_id: int) -> None:
    """Have the next refresh build every stored metric of the clinic from scratch."""
    db.session.execute(sa.delete(MetricBuild).where(MetricBuild.clinic_id == clinic_id))


def compact() -> bool:
    """Rewrite `metric_units` in (clinic, metric, month) order and refresh the planner's figures
    (PostgreSQL; SQLite has no such need at its sizes). The caller commits.

    A page reads one metric's year of units; kept together they fill a few thousand adjacent
    pages (33 ms for 170,000 screens at 20 sites), while a rebuild or a day of refreshes scatters
    them over the whole table (220 ms). The rewrite also drops the rows those left dead. It locks
    the table until the commit (9 s for 3.2 million units), so it gives up, and says so with
    False, when another transaction holds the table for longer than `COMPACT_LOCK_WAIT`: pages
    would queue behind it meanwhile."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    table = MetricUnit.__tablename__
    db.session.execute(sa.text(f"SET LOCAL lock_timeout = '{COMPACT_LOCK_WAIT}'"))
    try:
        with db.session.begin_nested():
            db.session.execute(sa.text(f"CLUSTER {table} USING {_CLUSTER_INDEX}"))
    except sa.exc.OperationalError:
        return False
    db.session.execute(sa.text(f"ANALYZE {table}"))
    return True


def refresh_job() -> None:
    """The periodic job: every clinic's stored units, so that pages find little left to do."""
    for clinic_id in db.session.scalars(sa.select(Clinic.id)).all():
        refresh(clinic_id)


def rules_digest(key: str, scope: Scope, variants: tuple[Variant, ...]) -> str:
    """What a metric's stored units depend on besides the rows: a change means building again."""
    measure = MEASURES[key]
    described = (
        STORE_FORMAT,
        BY_KEY[key].version,
        measure.at_is_date,
        tuple(v.key for v in variants),
        measure.settings(scope),
        scope.zone.key,
        scope.utc_offset_minutes,
    )
    return hashlib.sha256(repr(described).encode()).hexdigest()


def _lock(clinic_id: int) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_CLASS, clinic_id)))


def _build(key: str, scope: Scope, digest: str, variant_count: int) -> None:
    """All of a clinic's units of one metric, from scratch."""
    _execute(
        sa.delete(MetricUnit).where(
            MetricUnit.clinic_id == scope.clinic_id, MetricUnit.metric == key
        )
    )
    _insert_units(key, scope, variant_count)
    build = db.session.get(MetricBuild, (scope.clinic_id, key))
    if build is None:
        build = MetricBuild(clinic_id=scope.clinic_id, metric=key)
        db.session.add(build)
    build.rules_digest, build.built_at = digest, now_utc()
    db.session.flush()


def _rework(variant_counts: dict[str, int], scope: Scope) -> None:
    """The units of some households, worked out again for each metric of `variant_counts`."""
    _execute(
        sa.delete(MetricUnit).where(
            MetricUnit.clinic_id == scope.clinic_id,
            MetricUnit.household_id.in_(scope.households or ()),
            MetricUnit.metric.in_(variant_counts),
        )
    )
    for key, count in variant_counts.items():
        _insert_units(key, scope, count)


def _insert_units(key: str, scope: Scope, count: int) -> None:
    measure = MEASURES[key]
    if count > MAX_VARIANTS:
        raise ValueError(f"{key}: {count} variants do not fit in {MAX_VARIANTS} bits")
    units = measure.units(scope).subquery("units")
    names = ["metric", "clinic_id", "unit_id", "day" if measure.at_is_date else "at", "month"]
    names += ["household_id", "child_id", "site_id", "clinician_id", "visit_kind"]
    names += ["in_bits", "hit_bits", "value", *STORED_FAMILY_COLUMNS]
    value = units.c.value if "value" in units.c else sa.null()
    family, joins = family_columns(units, scope.clinic_id, scope.households)
    select = sa.select(
        sa.literal(key, sa.String),
        sa.literal(scope.clinic_id, sa.Integer),
        units.c.unit_id,
        units.c.at,
        _month_number(units.c.at, measure, scope),
        units.c.household_id,
        units.c.child_id,
        units.c.site_id,
        units.c.clinician_id,
        units.c.visit_kind,
        _bits(units, "in", count),
        _bits(units, "hit", count),
        sa.cast(value, sa.Float),
        *family,
    ).select_from(units)
    for target, onclause in joins:
        select = select.outerjoin(target, onclause)
    _execute(sa.insert(MetricUnit).from_select(names, select))


def _month_number(at: Any, measure: Measure, scope: Scope) -> sa.ColumnElement[int]:
    """The unit's month: its day's, or its instant's in the clinic's time zone."""
    return sql_month_number(at) if measure.at_is_date else sql_month_number(at, scope.zone.key)


def _execute(statement: Any) -> None:
    """A bulk statement: the session holds no stored unit to keep in step."""
    db.session.execute(statement.execution_options(synchronize_session=False))


def _bits(units: sa.Subquery, part: str, count: int) -> sa.ColumnElement[int]:
    """Variant i's 0-or-1 column as bit i of one BIGINT."""
    terms = [sa.cast(units.c[f"{part}_{i}"], sa.BigInteger) * (1 << i) for i in range(count)]
    return functools.reduce(operator.add, terms) if terms else sa.literal(0, sa.BigInteger)


def _batches(households: list[int]) -> Iterator[tuple[int, ...]]:
    for start in range(0, len(households), HOUSEHOLDS_PER_BATCH):
        yield tuple(households[start : start + HOUSEHOLDS_PER_BATCH])
