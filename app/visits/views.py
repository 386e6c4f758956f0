"""The clinician's day and the visit page: results in plain words, guidance, safety, practices, PDFs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.appointments.forms import DayFilterForm, fill_people_choices
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, current_role, require_role
from app.core.clock import clinic_today
from app.core.errors import DomainError
from app.core.i18n import PARENT_LOCALES
from app.core.roles import Role
from app.extensions import db
from app.screening.queries import due_for_appointments
from app.visits import documents, operations, queries
from app.visits.forms import PracticeForm, VisitNotesForm, WithdrawPracticeForm
from app.visits.page import visit_page_context

bp = Blueprint("visits", __name__, url_prefix="/visits", template_folder="templates")

#: The people who work a visit with the family; front desk and managers use the schedule.
VISIT_TEAM = (Role.CLINICIAN, Role.NURSE_MA, Role.NAVIGATOR)


@bp.route("/")
@require_role(VISIT_TEAM)
def today():
    form = DayFilterForm(request.args)
    fill_people_choices(form, current_clinic_id())
    valid = form.validate()
    if not request.args and current_role() == Role.CLINICIAN:
        form.clinician_id.data = str(g.user.id)  # a clinician starts from their own visits
    chosen_day = (form.day.data if valid else None) or clinic_today()
    appointments = queries.clinicians_visits(
        current_clinic_id(), chosen_day,
        clinician_id=int(form.clinician_id.data or 0) or None if valid else None,
        site_id=int(form.site_id.data or 0) or None if valid else None,
    )  # fmt: skip
    households = {a.child.household_id for a in appointments}
    record_audit(
        AuditAction.VIEW, object_type="visit_list",
        details={"day": chosen_day.isoformat(), "appointments": len(appointments)},
    )  # fmt: skip
    db.session.commit()
    return render_template(
        "visits/today.html", form=form, day=chosen_day, appointments=appointments,
        due=due_for_appointments(appointments),
        critical=queries.households_with_open_critical(households),
    )  # fmt: skip


def _appointment_or_404(appointment_id: int):
    appointment = queries.appointment_for_visit(appointment_id, current_clinic_id())
    if appointment is None:
        abort(404)
    return appointment


@bp.route("/<int:appointment_id>")
@require_role(VISIT_TEAM)
def visit(appointment_id: int):
    picture = queries.visit_picture(_appointment_or_404(appointment_id))
    record_audit(AuditAction.VIEW, picture.appointment, details={"page": "visit"})
    db.session.commit()
    return render_template("visits/visit.html", **visit_page_context(picture))


def _back(appointment_id: int, anchor: str = ""):
    return redirect(url_for("visits.visit", appointment_id=appointment_id) + anchor)


@bp.route("/<int:appointment_id>/practices", methods=["POST"])
@require_role(VISIT_TEAM)
def record_practice(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    form = PracticeForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Choose a practice; a note can be at most 2000 characters."))
        operations.record_practice(
            appointment, form.code.data, user_id=g.user.id, note=form.note.data or ""
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Practice %(code)s is recorded for this visit.", code=form.code.data), "success")
    return _back(appointment_id, "#practices")


@bp.route("/<int:appointment_id>/practices/withdraw", methods=["POST"])
@require_role(VISIT_TEAM)
def withdraw_practice(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    form = WithdrawPracticeForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Choose a practice."))
        operations.withdraw_practice(appointment, form.code.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Practice %(code)s is no longer recorded.", code=form.code.data), "success")
    return _back(appointment_id, "#practices")


@bp.route("/<int:appointment_id>/notes", methods=["POST"])
@require_role(VISIT_TEAM)
def save_notes(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    form = VisitNotesForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Each note can be at most 2000 characters."))
        operations.save_visit_notes(
            appointment, strength_noticed=form.strength_noticed.data or "",
            next_steps=form.next_steps.data or "", version=form.version.data, user_id=g.user.id,
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The notes for the family are saved."), "success")
    return _back(appointment_id, "#notes")


@bp.route("/<int:appointment_id>/summary.pdf")
@require_role(*VISIT_TEAM, Role.FRONT_DESK)
def family_summary(appointment_id: int):
    picture = queries.visit_picture(_appointment_or_404(appointment_id))
    language = request.args.get("language") or picture.family_language
    if language not in PARENT_LOCALES:
        abort(404)
    pdf = documents.family_summary_pdf(picture, language)
    record_audit(
        AuditAction.EXPORT, picture.appointment,
        details={"document": "family_summary", "language": language},
    )  # fmt: skip
    db.session.commit()
    return documents.pdf_response(pdf, f"visit-summary-{picture.visit_on.isoformat()}.pdf")


@bp.route("/<int:appointment_id>/printout.pdf")
@require_role(VISIT_TEAM)
def clinician_printout(appointment_id: int):
    picture = queries.visit_picture(_appointment_or_404(appointment_id))
    pdf = documents.clinician_printout_pdf(picture)
    record_audit(
        AuditAction.EXPORT, picture.appointment, details={"document": "clinician_printout"}
    )
    db.session.commit()
    return documents.pdf_response(pdf, f"visit-{picture.visit_on.isoformat()}.pdf")
