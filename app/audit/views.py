"""Clinic admins read, filter and export the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _

from app.accounts.queries import memberships_of_clinic
from app.audit import queries
from app.audit.forms import ACTION_LABELS, AuditFilterForm
from app.core.audit import AuditAction, AuditEvent, record_audit
from app.core.auth import current_clinic_id, require_role
from app.core.clock import clinic_zone
from app.core.roles import Role
from app.core.spreadsheets import safe_cell
from app.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit", template_folder="templates")


def _filter_form() -> tuple[AuditFilterForm, queries.AuditFilter]:
    form = AuditFilterForm(request.args)
    clinic_id = current_clinic_id()
    form.actor_user_id.choices = [("", _("— anyone —"))] + [
        (str(m.user_id), m.user.full_name) for m in memberships_of_clinic(clinic_id)
    ]
    form.object_type.choices = [("", _("— any —"))] + [
        (t, t) for t in queries.object_types(clinic_id)
    ]
    if not form.validate():
        abort(400)
    criteria = queries.AuditFilter(
        actor_user_id=int(form.actor_user_id.data or 0) or None,
        action=form.action.data or None,
        object_type=form.object_type.data or None,
        child_id=form.child_id.data,
        household_id=form.household_id.data,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    return form, criteria


@bp.route("/")
@require_role(Role.CLINIC_ADMIN)
def index():
    form, criteria = _filter_form()
    page = max(request.args.get("page", 1, type=int), 1)
    query = queries.filtered_events(current_clinic_id(), criteria, clinic_zone())
    events, has_next = queries.page_of_events(
        query, page, current_app.config["WELLTHREAD_PAGE_SIZE"]
    )
    return render_template(
        "audit/index.html",
        form=form,
        events=events,
        page=page,
        has_next=has_next,
        action_labels=ACTION_LABELS,
    )


def _csv_lines(events: Iterator[AuditEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = [
        "occurred_at",
        "actor_email",
        "action",
        "object_type",
        "object_id",
        "child_id",
        "household_id",
        "ip_address",
        "details",
    ]
    writer.writerow(header)
    for event in events:
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    event.occurred_at.isoformat(),
                    event.actor.email if event.actor else "",
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.child_id,
                    event.household_id,
                    event.ip_address,
                    event.details,
                )
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@bp.route("/export.csv")
@require_role(Role.CLINIC_ADMIN)
def export():
    _form, criteria = _filter_form()
    query = queries.filtered_events(current_clinic_id(), criteria, clinic_zone())
    events = list(db.session.scalars(query))
    body = "".join(_csv_lines(iter(events)))  # built before the commit expires the rows
    record_audit(AuditAction.EXPORT, object_type="audit_events", details={"rows": len(events)})
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=wellthread-audit.csv"},
    )
