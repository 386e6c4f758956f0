"""Staff pages: a child's screening history, paper entry, critical answers, instruments and settings."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.appointments.models import Appointment
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.clock import clinic_today, clinic_zone
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, RECORD_EDITORS, STAFF, Role
from app.core.templating import language_name
from app.extensions import db
from app.families.models import Caregiver, Child
from app.screening import explain, operations, queries
from app.screening.definitions import shipped_library
from app.screening.forms import (
    AcknowledgeFlagForm,
    EnteredInErrorForm,
    PaperEntryStartForm,
    ScreeningSettingForm,
)
from app.screening.models import Flag, ResponseSource, ScreeningResponse
from app.screening.safety import protocol_steps
from app.screening.schedule import DEFAULT_RULES

bp = Blueprint("screening", __name__, url_prefix="/screening", template_folder="templates")


@bp.route("/children/<int:child_id>")
@require_role(CARE_TEAM)
def child_history(child_id: int):
    child = get_in_clinic_or_404(Child, child_id)
    history = queries.household_history(child.household_id)
    upcoming = [
        (a, queries.due_for_appointment(a))
        for a in queries.upcoming_appointments(child.id, clinic_today(), clinic_zone())
    ]
    record_audit(AuditAction.VIEW, child, details={"page": "screening"})
    db.session.commit()
    return render_template(
        "screening/history.html", child=child, history=history, upcoming=upcoming,
        explain=explain, library=shipped_library(), ack_form_for=_ack_form, error_form_for=_error_form,
        protocol_steps=protocol_steps,
    )  # fmt: skip


def _ack_form(flag_id: int, formdata=None) -> AcknowledgeFlagForm:
    # One form per flag on the page: the prefix keeps every field's id unique (labels stay right).
    return AcknowledgeFlagForm(formdata=formdata, prefix=f"flag-{flag_id}")


def _error_form(response_id: int, formdata=None) -> EnteredInErrorForm:
    return EnteredInErrorForm(formdata=formdata, prefix=f"response-{response_id}")


def _entry_choices(form: PaperEntryStartForm) -> None:
    offered = queries.offered_languages(current_clinic_id())
    library = shipped_library()
    locale = str(get_locale())
    form.instrument.choices = [
        (key, library[key].title_in(locale)) for key in library if offered[key]
    ]
    languages = sorted({lang for langs in offered.values() for lang in langs})
    form.language.choices = [(code, language_name(code)) for code in languages]


@bp.route("/appointments/<int:appointment_id>/enter", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def enter_paper(appointment_id: int):
    appointment = get_in_clinic_or_404(Appointment, appointment_id)
    start = PaperEntryStartForm(request.args)
    _entry_choices(start)
    if not request.args or not start.validate():
        return render_template("screening/enter_start.html", appointment=appointment, form=start)
    inst = queries.instrument(start.instrument.data)
    wording = queries.wording(current_clinic_id(), inst, start.language.data)
    if wording is None:
        abort(404)
    if request.method == "POST":
        return _save_paper(appointment, inst, wording)
    return _paper_page(appointment, inst, wording, submission_id=uuid.uuid4().hex)


def _paper_page(appointment, inst, wording, *, submission_id: str, status: int = 200, answers=None):
    caregivers = appointment.child.household.caregivers
    return render_template(
        "screening/enter_answers.html", appointment=appointment, instrument=inst, wording=wording,
        caregivers=caregivers, submission_id=submission_id, answers=answers or {},
    ), status  # fmt: skip


def _save_paper(appointment: Appointment, inst, wording):
    answers = {item.id: request.form[item.id] for item in inst.items if request.form.get(item.id)}
    caregiver_id = request.form.get("caregiver_id", type=int)
    caregiver = db.session.get(Caregiver, caregiver_id) if caregiver_id else None
    submission = operations.Submission(
        clinic_id=current_clinic_id(), household=appointment.child.household, instrument_key=inst.key,
        answers=answers, language=wording.language, source=ResponseSource.STAFF_ENTERED,
        client_submission_id=request.form.get("submission_id", ""), child=appointment.child,
        caregiver=caregiver, appointment=appointment, entered_by_id=g.user.id,
    )  # fmt: skip
    try:
        operations.submit_response(submission)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _paper_page(appointment, inst, wording, submission_id=request.form.get("submission_id", ""),
                           status=422, answers=answers)  # fmt: skip
    db.session.commit()
    flash(_("The %(screen)s is saved.", screen=inst.title_in(wording.language)), "success")
    return redirect(url_for("screening.child_history", child_id=appointment.child_id))


@bp.route("/flags/<int:flag_id>/acknowledge", methods=["POST"])
@require_role(Role.CLINICIAN)
def acknowledge(flag_id: int):
    flag = get_in_clinic_or_404(Flag, flag_id)
    form = _ack_form(flag_id, request.form)
    if not form.validate_on_submit():
        flash(_("Choose the action you took."), "error")
        return _after_acknowledging(flag)
    try:
        operations.acknowledge_critical_flag(
            flag, user_id=g.user.id, action=form.action.data, note=form.note.data or ""
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The action you took is recorded."), "success")
    return _after_acknowledging(flag)


def _after_acknowledging(flag: Flag):
    """Back to the visit page the clinician acted from, else to the child's screens."""
    appointment_id = request.form.get("appointment_id", type=int)
    appointment = db.session.get(Appointment, appointment_id) if appointment_id else None
    if appointment is not None and appointment.clinic_id == current_clinic_id():
        return redirect(url_for("visits.visit", appointment_id=appointment.id))
    return redirect(url_for("screening.child_history", child_id=flag.child_id or 0))


@bp.route("/responses/<int:response_id>/entered-in-error", methods=["POST"])
@require_role(Role.CLINICIAN, Role.NURSE_MA)
def mark_in_error(response_id: int):
    response = get_in_clinic_or_404(ScreeningResponse, response_id)
    form = _error_form(response_id, request.form)
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Say why this screen was entered in error."))
        operations.mark_entered_in_error(response, reason=form.reason.data, user_id=g.user.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The screen is marked as entered in error and no longer counts."), "success")
    return redirect(url_for("screening.child_history", child_id=response.child_id or 0))


@bp.route("/instruments")
@require_role(STAFF)
def instruments():
    offered = queries.offered_languages(current_clinic_id())
    return render_template("screening/instruments.html", library=shipped_library(), offered=offered,
                           texts=queries.loaded_texts(current_clinic_id()))  # fmt: skip


@bp.route("/settings", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def settings():
    rules = {rule.instrument_key: rule for rule in queries.clinic_rules(current_clinic_id())}
    key = request.form.get("instrument_key", "")
    forms = {}
    for rule in DEFAULT_RULES:
        current = rules[rule.instrument_key]
        posted = request.method == "POST" and key == rule.instrument_key
        forms[rule.instrument_key] = ScreeningSettingForm(
            formdata=None if not posted else request.form, prefix=rule.instrument_key,
            data={"is_enabled": current.is_enabled, "visit_kinds": sorted(current.visit_kinds),
                  "validity_days": current.validity_days},
        )  # fmt: skip
    if request.method == "POST":
        return _save_setting(key, forms.get(key), forms)
    return _settings_page(forms)


def _settings_page(forms, status: int = 200):
    offered = queries.offered_languages(current_clinic_id())
    return render_template(
        "screening/settings.html", forms=forms, library=shipped_library(), offered=offered
    ), status


def _save_setting(key: str, form: ScreeningSettingForm | None, forms):
    if form is None:
        abort(400)
    if not form.validate():
        return _settings_page(forms, 422)
    try:
        operations.save_screening_setting(current_clinic_id(), key, is_enabled=form.is_enabled.data,
                                          visit_kinds=form.visit_kinds.data or [],
                                          validity_days=form.validity_days.data)  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        form.validity_days.errors.append(error.message)
        return _settings_page(forms, 422)
    db.session.commit()
    flash(
        _(
            "The schedule for %(screen)s is saved.",
            screen=shipped_library()[key].title_in(str(get_locale())),
        ),
        "success",
    )
    return redirect(url_for("screening.settings"))
