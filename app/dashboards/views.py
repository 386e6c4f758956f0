"""The practice manager's metrics: the dashboard, the catalogue, drill-down and CSV tables."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.clinics.models import Site
from app.clinics.queries import sites_of
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, current_role, require_role
from app.core.clock import clinic_today, clinic_zone
from app.core.roles import CARE_TEAM, Role
from app.core.templating import locale_choices
from app.dashboards import drill, page, present, queries, store
from app.dashboards.definitions import DEFINITIONS, MetricDefinition, Section
from app.dashboards.forms import FilterError, Filters, filter_form, read_filters
from app.dashboards.periods import Scope
from app.extensions import db

bp = Blueprint("dashboards", __name__, url_prefix="/metrics", template_folder="templates")

MANAGERS = (Role.PRACTICE_MANAGER, Role.CLINIC_ADMIN)
VIEWS = ("breakdown", "trend")


@bp.errorhandler(FilterError)
def bad_filter(error: FilterError):
    return render_template("errors/error.html", status=400, message=error.message), 400


def _scope(filters: Filters) -> Scope:
    return Scope(
        clinic_id=current_clinic_id(), zone=clinic_zone(), months=filters.months,
        site_id=filters.site_id, today=clinic_today(),
    )  # fmt: skip


def _filters(sites: list[Site] | None = None) -> Filters:
    return read_filters(request.args, sites or sites_of(current_clinic_id()), clinic_today())


def _described(filters: Filters) -> dict[str, object]:
    """What the audit log keeps of the filter."""
    args = filters.args()
    return {"period": f"{args['from']}/{args['to']}", "site": filters.site_id, "by": args["by"]}


def _minimum_cell() -> int:
    return g.clinic.small_cell_minimum


def stored_units_up_to_date() -> None:
    """Work out again what changed since the figures were last read, and commit it at once: a
    refresh holds the clinic's refresh lock until then."""
    store.refresh(current_clinic_id())
    db.session.commit()


@bp.route("/")
@require_role(MANAGERS)
def index():
    sites = sites_of(current_clinic_id())
    try:
        filters = _filters(sites)
    except FilterError as error:
        form = filter_form(request.args, sites, None)
        return render_template("dashboards/index.html", form=form, error=error.message), 400
    stored_units_up_to_date()
    dashboard = page.dashboard_page(_scope(filters), filters.by, _minimum_cell())
    record_audit(AuditAction.VIEW, object_type="metrics_dashboard", details=_described(filters))
    db.session.commit()
    return render_template(
        "dashboards/index.html", form=filter_form(request.args, sites, filters), page=dashboard,
        args=filters.args(), site_name=_site_name(sites, filters.site_id),
        reports=_report_links(filters), report_month=present.month_name(filters.months[-1]),
    )  # fmt: skip


def _site_name(sites: list[Site], site_id: int | None) -> str:
    return next((s.name for s in sites if s.id == site_id), "")


def _report_links(filters: Filters) -> list[tuple[str, str, str]]:
    """The monthly report of the period's last month in each language the app speaks: (address,
    language code, language name)."""
    params = {"month": filters.months[-1].isoformat()[:7], "site": filters.site_id}
    return [
        (url_for("dashboards.report", **params, lang=code), code, name)
        for code, name in locale_choices()
    ]


@bp.route("/definitions")
@require_role(MANAGERS)
def definitions():
    sections = [(s, [d for d in DEFINITIONS if d.section == s]) for s in Section]
    return render_template(
        "dashboards/definitions.html", sections=sections, present=present,
        measured={d.key for d in queries.measured_definitions()},
    )  # fmt: skip


# --- drill-down -----------------------------------------------------------------------------------


def _definition_or_404(key: str) -> MetricDefinition:
    definition = queries.measured_definition(key)
    if definition is None:
        abort(404)
    return definition


class HiddenGroupError(Exception):
    """The cell asked for is hidden on the dashboard."""

    def __init__(self, question: drill.DrillQuestion, filters: Filters) -> None:
        super().__init__(question.definition.key)
        self.question, self.filters = question, filters


@bp.errorhandler(HiddenGroupError)
def refused(error: HiddenGroupError):
    """A cell the dashboard hides is never listed: naming its few families would single them out."""
    return render_template(
        "dashboards/refused.html", question=error.question, args=error.filters.args(),
        minimum_cell=_minimum_cell(),
    ), 403  # fmt: skip


def _question(key: str) -> tuple[drill.DrillQuestion, Filters]:
    """The units asked for; raises `FilterError` (400) or `HiddenGroupError` (403)."""
    definition = _definition_or_404(key)
    filters = _filters()
    stored_units_up_to_date()
    question = drill.drill_question(
        definition, _scope(filters), filters, request.args, _minimum_cell()
    )
    if question.is_suppressed:
        raise HiddenGroupError(question, filters)
    return question, filters


def _parts() -> list[tuple[str, str]]:
    return [("numerator", _("Counted")), ("missed", _("Not counted")), ("all", _("All"))]


@bp.route("/<metric_key>/children")
@require_role(MANAGERS)
def children(metric_key: str):
    question, filters = _question(metric_key)
    page_number = max(request.args.get("page", 1, type=int), 1)
    size = current_app.config["WELLTHREAD_PAGE_SIZE"]
    result = drill.drilled_units(question, page_number, size)
    drill.audit_listed(result.rows, AuditAction.VIEW, metric_key)
    db.session.commit()
    return render_template(
        "dashboards/children.html", question=question, result=result, args=filters.args(),
        page_number=page_number, has_next=page_number * size < result.total,
        period_name=present.period_name(question.scope.months), parts=_parts(),
        month_name=present.month_name(question.month) if question.month else "",
        site_name=_site_name(sites_of(current_clinic_id()), filters.site_id),
        opens_records=current_role() in CARE_TEAM,
    )  # fmt: skip


@bp.route("/<metric_key>/children.csv")
@require_role(MANAGERS)
def children_csv(metric_key: str):
    question, filters = _question(metric_key)
    result = drill.drilled_units(question, None, 0)
    body = page.csv_text(*drill.csv_table(question, result))
    drill.audit_listed(result.rows, AuditAction.EXPORT, metric_key)
    db.session.commit()
    return _csv_response(body, f"{metric_key}-{question.part}-{_period_slug(filters)}.csv")


# --- CSV of a dashboard table ---------------------------------------------------------------------


def _table_asked(args: MultiDict) -> tuple[MetricDefinition, str]:
    measured = queries.measured_definitions()
    key = args.get("table") or (measured[0].key if measured else "")
    definition = queries.measured_definition(key)
    if definition is None:
        raise FilterError(_("Choose a table of the dashboard to export."))
    view = args.get("view") or VIEWS[0]
    if view not in VIEWS:
        raise FilterError(_("Choose the breakdown or the month-by-month table to export."))
    return definition, view


@bp.route("/export.csv")
@require_role(MANAGERS)
def export():
    definition, view = _table_asked(request.args)
    filters = _filters()
    stored_units_up_to_date()
    tally = queries.metric_tally(definition, _scope(filters), filters.by, _minimum_cell())
    if view == "trend":
        body = page.csv_text(page.TREND_HEADER, page.trend_rows(tally))
    else:
        body = page.csv_text(page.BREAKDOWN_HEADER, page.breakdown_rows(tally, _("Total")))
    record_audit(AuditAction.EXPORT, object_type="metrics_table",
                 details={"metric": definition.key, "view": view, **_described(filters)})  # fmt: skip
    db.session.commit()
    return _csv_response(body, f"{definition.key}-{view}-{_period_slug(filters)}.csv")


def _period_slug(filters: Filters) -> str:
    args = filters.args()
    return args["from"] if args["from"] == args["to"] else f"{args['from']}-to-{args['to']}"


def _csv_response(body: str, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
