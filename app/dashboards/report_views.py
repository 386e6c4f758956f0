"""The monthly metrics report as a PDF, on the dashboards' blueprint."""

from __future__ import annotations

from flask import g, request
from flask_babel import get_locale

from app.clinics.queries import sites_of
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, require_role
from app.core.clock import clinic_today
from app.core.i18n import available_locales
from app.dashboards import report
from app.dashboards.views import MANAGERS, bp, stored_units_up_to_date
from app.extensions import db
from app.visits.documents import pdf_response


@bp.route("/report.pdf", endpoint="report")
@require_role(MANAGERS)
def report_pdf():
    """?month=2026-03&site=<id or empty>&lang=en|es; a bad value is a 400 naming what to fix."""
    today = clinic_today()
    asked = report.read_report_request(
        request.args, sites_of(current_clinic_id()), available_locales(), str(get_locale()), today
    )
    stored_units_up_to_date()
    pdf = report.report_pdf(g.clinic, asked, today)
    record_audit(
        AuditAction.EXPORT, object_type="metrics_report",
        details={"month": f"{asked.month:%Y-%m}", "site": asked.site.id if asked.site else None,
                 "lang": asked.language},
    )  # fmt: skip
    db.session.commit()
    return pdf_response(pdf, report.report_filename(asked))
