"""Drill-down: the children (or the clinic days) behind one number of a metric.

The units come from the very SELECT that counted them (`store.units_of`), narrowed to the
variant, the part of the fraction, the month and the group, so a list never disagrees with its
number. A group whose cell the dashboard hides is never listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from app.clinics.models import Site
from app.core.audit import AuditAction, record_audit
from app.core.templating import child_age
from app.dashboards.definitions import MetricDefinition
from app.dashboards.dimensions import Dimension, group_column, group_key, restrict_to_group
from app.dashboards.forms import FilterError, Filters
from app.dashboards.periods import Scope, parse_month
from app.dashboards.queries import metric_tally
from app.dashboards.registry import MEASURES, Variant
from app.dashboards.store import units_of
from app.dashboards.tally import breakdown_of
from app.extensions import db
from app.families.models import Child, Household

#: numerator: counted; missed: in the denominator but not counted; all: the whole denominator.
PARTS = ("numerator", "missed", "all")


@dataclass(frozen=True)
class DrillQuestion:
    """Which number's units to list."""

    definition: MetricDefinition
    scope: Scope
    variant: Variant
    variant_index: int
    part: str
    month: date | None
    by: Dimension | None
    group: str | None
    group_name: str = ""
    #: The group's cell is hidden on the dashboard: its units are not listed either.
    is_suppressed: bool = False


@dataclass(frozen=True)
class DrillRow:
    day: date
    child: Child | None
    household: Household | None
    site_name: str


@dataclass(frozen=True)
class DrillResult:
    rows: list[DrillRow]
    total: int


def drill_question(
    definition: MetricDefinition, scope: Scope, filters: Filters, args: MultiDict, minimum: int
) -> DrillQuestion:
    """Read variant, part, month and group from the query string; raises `FilterError`."""
    variants = MEASURES[definition.key].variants(scope)
    index = _variant_index(variants, args.get("variant"))
    part = args.get("part") or "numerator"
    if part not in PARTS:
        raise FilterError(_("Choose what to list: those counted, those missed, or all."))
    question = DrillQuestion(
        definition, scope, variants[index], index, part, month=_month(scope, args.get("month")),
        by=breakdown_of(definition, filters.by), group=None,
    )  # fmt: skip
    group = args.get("group")
    return _with_group(question, group, filters.by, minimum) if group else question


def _variant_index(variants: Sequence[Variant], key: str | None) -> int:
    keys = [v.key for v in variants]
    if key and key in keys:
        return keys.index(key)
    if key or not keys:
        raise FilterError(_("This measure has no such row. Choose a figure on the dashboard."))
    return 0


def _month(scope: Scope, raw: str | None) -> date | None:
    if not raw:
        return None
    month = parse_month(raw)
    if month not in scope.months:
        raise FilterError(_("Choose a month of the period shown, for example %(month)s.",
                          month=scope.months[-1].isoformat()[:7]))  # fmt: skip
    return month


def _with_group(
    question: DrillQuestion, group: str, asked_by: Dimension | None, minimum: int
) -> DrillQuestion:
    """The group's name, and whether the dashboard hides its cell."""
    if question.by is None:
        raise FilterError(_("This measure is not broken down that way. Choose another breakdown."))
    tally = metric_tally(question.definition, question.scope, asked_by, minimum)
    row = tally.row(question.variant.key)
    if row is None or group not in tally.group_order:
        raise FilterError(_("There is no such group in this breakdown."))
    return replace(
        question, group=group, group_name=tally.group_names.get(group, group),
        is_suppressed=row.groups[group].is_suppressed,
    )  # fmt: skip


def drilled_units(question: DrillQuestion, page: int | None, size: int) -> DrillResult:
    """One page of the units, newest first, with the total (every unit when `page` is None)."""
    stmt, filters_in_python = _selection(question)
    if filters_in_python:
        kept = [
            r for r in db.session.execute(stmt) if group_key(question.by, r.raw) == question.group
        ]
        total = len(kept)
        rows = kept if page is None else kept[(page - 1) * size : page * size]
    else:
        counted = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
        total = db.session.scalar(counted) or 0
        if page is not None:
            stmt = stmt.limit(size).offset((page - 1) * size)
        rows = list(db.session.execute(stmt))
    return DrillResult(_described(rows, question.scope), total)


def _selection(question: DrillQuestion) -> tuple[sa.Select[Any], bool]:
    """The units of the question, and whether the group is picked in Python (race and ethnicity
    are folded from stored lists, which SQL cannot compare as categories)."""
    # Variants up to the one asked for: only its columns are read.
    variant_count = question.variant_index + 1
    units = units_of(question.definition.key, question.scope, variant_count).subquery("units")
    stmt = (
        sa.select(units.c.at, units.c.child_id, units.c.household_id, units.c.site_id)
        .select_from(units)
        .where(_part(units, question.variant_index, question.part))
        .order_by(units.c.at.desc(), units.c.child_id, units.c.household_id)
    )
    if question.month is not None:
        stmt = stmt.where(units.c.month == question.scope.months.index(question.month))
    if question.group is None or question.by is None:
        return stmt, False
    if question.by == Dimension.RACE_ETHNICITY:
        raw, joins = group_column(question.by, units, question.scope.clinic_id)
        stmt = stmt.add_columns(raw.label("raw"))
    else:
        condition, joins = restrict_to_group(
            question.by, units, question.scope.clinic_id, question.group
        )
        stmt = stmt.where(condition)
    for target, onclause in joins:
        stmt = stmt.outerjoin(target, onclause)
    return stmt, question.by == Dimension.RACE_ETHNICITY


def _part(units: sa.Subquery, index: int, part: str) -> sa.ColumnElement[bool]:
    counted, included = units.c[f"hit_{index}"] == 1, units.c[f"in_{index}"] == 1
    if part == "numerator":
        return counted
    if part == "missed":
        return sa.and_(included, units.c[f"hit_{index}"] == 0)
    return included


def _described(rows: Sequence[Any], scope: Scope) -> list[DrillRow]:
    """Rows with their child (and household) and site loaded: three queries for a whole page."""
    children = _by_id(Child, {r.child_id for r in rows if r.child_id}, joinedload(Child.household))
    households = _by_id(
        Household, {r.household_id for r in rows if r.household_id and not r.child_id}
    )
    site_ids = {r.site_id for r in rows if r.site_id}
    sites = _site_names(site_ids) if site_ids else {}
    described = []
    for r in rows:
        child = children.get(r.child_id)
        household = child.household if child else households.get(r.household_id)
        described.append(
            DrillRow(_local_day(r.at, scope), child, household, sites.get(r.site_id, ""))
        )
    return described


def _site_names(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(sa.select(Site.id, Site.name).where(Site.id.in_(ids))).all())


def _by_id(model: Any, ids: set[int], *options: Any) -> dict[int, Any]:
    if not ids:
        return {}
    return {
        o.id: o
        for o in db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(*options))
    }


def _local_day(at: date | datetime | str, scope: Scope) -> date:
    if isinstance(at, str):  # SQLite returns computed dates as text
        at = date.fromisoformat(at[:10]) if len(at) <= 10 else datetime.fromisoformat(at)
    if isinstance(at, datetime):
        aware = at if at.tzinfo else at.replace(tzinfo=UTC)
        return aware.astimezone(scope.zone).date()
    return at


def audit_listed(rows: Sequence[DrillRow], action: AuditAction, metric_key: str) -> None:
    """One event per family shown, so each record tells who looked at it from a dashboard."""
    listed: dict[tuple[str, int], Child | Household] = {}
    for row in rows:
        record = row.child or row.household
        if record is not None:
            listed.setdefault((type(record).__name__, record.id), record)
    for record in listed.values():
        record_audit(action, record, details={"metric": metric_key})


def csv_table(
    question: DrillQuestion, result: DrillResult
) -> tuple[tuple[str, ...], list[list[object]]]:
    """The listed units as CSV: the day and site, with the child (or household) when there is one."""
    if question.definition.drills_to == "days":
        return ("day", "site"), [[r.day.isoformat(), r.site_name] for r in result.rows]
    header = ("date", "child", "record_number", "age", "household", "site")
    return header, [_csv_row(r) for r in result.rows]


def _csv_row(row: DrillRow) -> list[object]:
    child = row.child
    return [
        row.day.isoformat(),
        child.full_name if child else "",
        child.record_number if child else "",
        child_age(child.date_of_birth, row.day) if child else "",
        row.household.name if row.household else "",
        row.site_name,
    ]
