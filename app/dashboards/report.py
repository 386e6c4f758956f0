"""The monthly metrics report: every metric's figure for one month, its year-long trend and its
breakdown by site and by family language, printed for a practice or a board meeting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app.clinics.models import Clinic, Site
from app.core.pdf import render_pdf
from app.dashboards import present
from app.dashboards.charts import trend_chart
from app.dashboards.definitions import MetricDefinition, Section
from app.dashboards.dimensions import Dimension
from app.dashboards.forms import FilterError, site_of
from app.dashboards.page import CellView, cell_view
from app.dashboards.periods import Scope, add_months, months_between, parse_month
from app.dashboards.queries import metric_tallies
from app.dashboards.tally import MetricTally, VariantTally
from app.db import now_utc

#: The trend printed beside each month's figure: the year ending with it.
TREND_MONTHS = 12
#: Variants side by side in one breakdown table; more continue in the next table.
COLUMNS_PER_TABLE = 4
#: Each breakdown of the month, in print order, with its caption; by site only for the whole clinic.
BREAKDOWNS = {
    Dimension.SITE: _l("By site, %(month)s"),
    Dimension.LANGUAGE: _l("By family's language, %(month)s"),
}


@dataclass(frozen=True)
class ReportRequest:
    month: date
    site: Site | None
    language: str


def read_report_request(
    args: MultiDict, sites: Sequence[Site], languages: Sequence[str], default_language: str,
    today: date,
) -> ReportRequest:  # fmt: skip
    """The month, site and language asked for; raises `FilterError` with what to correct."""
    return ReportRequest(
        _report_month(args.get("month"), today),
        site_of(args.get("site"), sites),
        _report_language(args.get("lang"), languages, default_language),
    )


def _report_month(raw: str | None, today: date) -> date:
    """The month asked for; the last finished month when none is."""
    if not (raw or "").strip():
        return add_months(today.replace(day=1), -1)
    month = parse_month(raw.strip())
    if month is None:
        raise FilterError(_("Enter the month as year and month, for example 2026-03."))
    if month > today:
        raise FilterError(_("That month has not started yet. Choose this month or an earlier one."))
    return month


def _report_language(raw: str | None, languages: Sequence[str], default: str) -> str:
    language = (raw or "").strip() or default
    if language not in languages:
        raise FilterError(_("The report can be printed in English (en) or Spanish (es)."))
    return language


# --- the page model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantFigures:
    label: str
    month: CellView
    #: None when the twelve months have nothing to count: an empty chart would only take room.
    chart: Markup | None


@dataclass(frozen=True)
class BreakdownTable:
    """Groups down the side, up to COLUMNS_PER_TABLE variants across."""

    caption: str
    columns: list[str]
    rows: list[tuple[str, list[CellView]]]


@dataclass(frozen=True)
class ReportMetric:
    definition: MetricDefinition
    #: "target 90%", or nothing.
    target: str
    variants: list[VariantFigures]
    breakdowns: list[BreakdownTable]


@dataclass(frozen=True)
class ReportSection:
    label: str
    metrics: list[ReportMetric]


@dataclass(frozen=True)
class MonthlyReport:
    clinic_name: str
    site_name: str | None
    month: date
    months: tuple[date, ...]
    sections: list[ReportSection]
    minimum_cell: int
    generated_at: datetime


def monthly_report(clinic: Clinic, asked: ReportRequest, today: date) -> MonthlyReport:
    """Every metric's figures for the month (call inside the report's language)."""
    minimum = clinic.small_cell_minimum
    year = Scope(
        clinic_id=clinic.id, zone=ZoneInfo(clinic.timezone),
        months=tuple(months_between(add_months(asked.month, 1 - TREND_MONTHS), asked.month)),
        site_id=asked.site.id if asked.site else None, today=today,
    )  # fmt: skip
    month_only = replace(year, months=(asked.month,))
    trends = metric_tallies(year, None, minimum)
    dimensions = [d for d in BREAKDOWNS if not (d == Dimension.SITE and asked.site)]
    breakdowns = {d: metric_tallies(month_only, d, minimum) for d in dimensions}
    metrics = [
        _metric(trend, [by[i] for by in breakdowns.values()], asked.month, minimum)
        for i, trend in enumerate(trends)
    ]
    return MonthlyReport(
        clinic.name, asked.site.name if asked.site else None, asked.month, year.months,
        _sections(metrics), minimum, now_utc(),
    )  # fmt: skip


def _sections(metrics: list[ReportMetric]) -> list[ReportSection]:
    sections = [
        ReportSection(section.label, [m for m in metrics if m.definition.section == section])
        for section in Section
    ]
    return [s for s in sections if s.metrics]


def _metric(
    trend: MetricTally, breakdowns: list[MetricTally], month: date, minimum: int
) -> ReportMetric:
    definition = trend.definition
    variants = [_variant(trend, row, minimum) for row in trend.rows]
    tables = [t for tally in breakdowns if tally.by for t in _tables(tally, month)]
    return ReportMetric(definition, present.target(definition), variants, tables)


def _variant(trend: MetricTally, row: VariantTally, minimum: int) -> VariantFigures:
    """The row's figure for the month (the trend's last) and its chart."""
    definition, label = trend.definition, str(row.variant.label)
    month = cell_view(definition, row.months[-1], minimum)
    if not row.total.denominator:
        return VariantFigures(label, month, None)
    chart = trend_chart(
        definition, trend.scope.months, row.months, minimum_cell=minimum,
        title=_chart_title(definition, label),
    )  # fmt: skip
    return VariantFigures(label, month, chart)


def _chart_title(definition: MetricDefinition, variant_label: str) -> str:
    if not variant_label:
        return _("%(metric)s, month by month", metric=definition.title)
    return _(
        "%(metric)s: %(variant)s, month by month", metric=definition.title, variant=variant_label
    )


def _tables(tally: MetricTally, month: date) -> list[BreakdownTable]:
    """The month's groups, in the tally's order, a few variants per table."""
    if not tally.group_order:
        return []
    definition, minimum = tally.definition, tally.minimum_cell
    caption = str(BREAKDOWNS[tally.by]) % {"month": present.period_name((month,))}
    tables = []
    for start in range(0, len(tally.rows), COLUMNS_PER_TABLE):
        rows = tally.rows[start : start + COLUMNS_PER_TABLE]
        columns = [str(r.variant.label) or present.month_name(month) for r in rows]
        body = [
            (
                tally.group_names.get(key, key),
                [cell_view(definition, r.groups[key], minimum) for r in rows],
            )
            for key in tally.group_order
        ]
        tables.append(BreakdownTable(caption, columns, body))
    return tables


# --- rendering -----------------------------------------------------------------------------------


def report_pdf(clinic: Clinic, asked: ReportRequest, today: date) -> bytes:
    """The whole report, figures and chart labels included, in the language asked for."""
    with force_locale(asked.language):
        report = monthly_report(clinic, asked, today)
        html = render_template(
            "dashboards/report.html", report=report, language=asked.language,
            month_words=present.period_name((asked.month,)),
            generated=format_datetime(report.generated_at, "medium"),
        )  # fmt: skip
    return render_pdf(html)


def report_filename(asked: ReportRequest) -> str:
    site = f"-site-{asked.site.id}" if asked.site else ""
    return f"metrics-report-{asked.month:%Y-%m}{site}-{asked.language}.pdf"
