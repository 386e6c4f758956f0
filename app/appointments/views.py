"""The day's schedule, booking and editing appointments, and importing a schedule CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.queries import staff_with_role
from app.appointments import operations, queries
from app.appointments.forms import (
    AppointmentForm,
    DayFilterForm,
    ScheduleImportForm,
    fill_people_choices,
)
from app.appointments.models import Appointment, AppointmentStatus, VisitKind
from app.clinics.queries import sites_of
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.clock import clinic_today, clinic_zone, local_to_utc
from app.core.errors import DomainError
from app.core.languages import CAREGIVER_LANGUAGES
from app.core.roles import CARE_TEAM, RECORD_EDITORS, Role
from app.extensions import db
from app.families.queries import child_by_record_number

bp = Blueprint("appointments", __name__, url_prefix="/appointments", template_folder="templates")


@bp.route("/")
@require_role(CARE_TEAM)
def day():
    form = DayFilterForm(request.args)
    fill_people_choices(form, current_clinic_id())
    valid = form.validate()
    chosen_day = (form.day.data if valid else None) or clinic_today()
    appointments = queries.appointments_on_day(
        current_clinic_id(),
        chosen_day,
        clinic_zone(),
        site_id=int(form.site_id.data or 0) if valid else None,
        clinician_id=int(form.clinician_id.data or 0) if valid else None,
    )
    record_audit(
        AuditAction.VIEW,
        object_type="schedule",
        details={"day": chosen_day.isoformat(), "appointments": len(appointments)},
    )
    db.session.commit()
    return render_template(
        "appointments/day.html", form=form, day=chosen_day, appointments=appointments
    )


def _fields(form: AppointmentForm) -> dict[str, Any]:
    return {
        "scheduled_at": local_to_utc(form.day.data, form.at.data, clinic_zone()),
        "visit_kind": VisitKind(form.visit_kind.data),
        "clinician_id": int(form.clinician_id.data or 0) or None,
        "site_id": int(form.site_id.data or 0) or None,
        "status": AppointmentStatus(form.status.data),
        "needs_interpreter": form.needs_interpreter.data,
        "interpreter_language": form.interpreter_language.data or None,
        "is_group_visit": form.is_group_visit.data,
        "note": (form.note.data or "").strip() or None,
    }


def _save(form: AppointmentForm, appointment: Appointment | None) -> Appointment | None:
    child = child_by_record_number(current_clinic_id(), form.record_number.data.strip())
    if child is None:
        form.record_number.errors.append(_("No child has this record number."))
        return None
    fields = _fields(form)
    try:
        if appointment is None:
            return operations.schedule_appointment(child, **fields)
        return operations.update_appointment(appointment, child=child, **fields)
    except DomainError as error:
        db.session.rollback()
        form.at.errors.append(error.message)
        return None


def _form_page(form: AppointmentForm, appointment: Appointment | None):
    if form.validate_on_submit() and (saved := _save(form, appointment)) is not None:
        db.session.commit()
        flash(_("The appointment for %(name)s is saved.", name=saved.child.full_name), "success")
        return redirect(url_for("appointments.day", day=form.day.data.isoformat()))
    status = 422 if request.method == "POST" else 200
    return render_template("appointments/form.html", form=form, appointment=appointment), status


@bp.route("/new", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def new():
    form = AppointmentForm(
        data=None
        if request.method == "POST"
        else {
            "day": clinic_today(),
            "record_number": request.args.get("record_number", ""),
        }
    )
    fill_people_choices(form, current_clinic_id())
    return _form_page(form, None)


@bp.route("/<int:appointment_id>", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def edit(appointment_id: int):
    appointment = get_in_clinic_or_404(Appointment, appointment_id)
    local = appointment.scheduled_at.astimezone(clinic_zone())
    form = AppointmentForm(
        obj=appointment,
        data=None
        if request.method == "POST"
        else {
            "record_number": appointment.child.record_number,
            "day": local.date(),
            "at": local.time(),
            "visit_kind": appointment.visit_kind.value,
            "status": appointment.status.value,
            "clinician_id": str(appointment.clinician_id or ""),
            "site_id": str(appointment.site_id or ""),
            "interpreter_language": appointment.interpreter_language or "",
        },
    )
    fill_people_choices(form, current_clinic_id())
    if request.method == "GET":
        record_audit(AuditAction.VIEW, appointment)
        db.session.commit()
    return _form_page(form, appointment)


@bp.route("/import", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def import_schedule():
    form = ScheduleImportForm(data=None if request.method == "POST" else {"day": clinic_today()})
    report = None
    if form.validate_on_submit():
        content = form.file.data.read(current_app.config["WELLTHREAD_CSV_MAX_BYTES"] + 1)
        if len(content) > current_app.config["WELLTHREAD_CSV_MAX_BYTES"]:
            form.file.errors.append(_("The file is too large for one day's schedule."))
        else:
            report = operations.import_schedule(_import_context(form.day.data), content)
            db.session.commit()
    status = 422 if request.method == "POST" and (report is None or report.file_error) else 200
    return render_template("appointments/import.html", form=form, report=report), status


def _import_context(day) -> operations.ImportContext:
    clinic_id = current_clinic_id()
    return operations.ImportContext(
        clinic_id=clinic_id,
        day=day,
        zone=clinic_zone(),
        clinicians={u.email.lower(): u.id for u in staff_with_role(clinic_id, Role.CLINICIAN)},
        sites={s.name.lower(): s.id for s in sites_of(clinic_id)},
        languages=frozenset(CAREGIVER_LANGUAGES),
    )
