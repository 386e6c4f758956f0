"""Household, caregiver and child pages: search, create, edit, view; program enrolment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.queries import staff_with_role
from app.appointments.queries import appointments_for_children
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.clock import clinic_today
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, RECORD_EDITORS, NavigatorKind, Role
from app.extensions import db
from app.families import operations, queries
from app.families.forms import (
    CaregiverForm,
    ChildForm,
    ChildSearchForm,
    EndEnrolmentForm,
    EnrolmentForm,
    HouseholdForm,
)
from app.families.models import Caregiver, Child, Household, ProgramEnrolment

bp = Blueprint("families", __name__, url_prefix="/families", template_folder="templates")


def _form_fields(form: Any, *names: str) -> dict[str, Any]:
    return {name: form[name].data for name in names}


def _status(form: Any) -> int:
    return 422 if request.method == "POST" else 200


@bp.route("/")
@require_role(CARE_TEAM)
def search():
    form = ChildSearchForm(request.args)
    children = None
    criteria = (
        queries.ChildSearch(**_form_fields(form, "name", "date_of_birth", "record_number"))
        if form.validate()
        else queries.ChildSearch()
    )
    if request.args and not criteria.is_empty:
        children = queries.search_children(current_clinic_id(), criteria)
        record_audit(
            AuditAction.SEARCH,
            object_type="children",
            details={
                "criteria": sorted(k for k, v in request.args.items() if v),
                "results": len(children),
            },
        )
        db.session.commit()
    return render_template("families/search.html", form=form, children=children)


@bp.route("/new", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def new_household():
    form = HouseholdForm()
    if form.validate_on_submit():
        household = operations.create_household(
            current_clinic_id(), **_form_fields(form, "name", "address", "notes")
        )
        db.session.commit()
        flash(_("The household is created. Add its caregivers and children next."), "success")
        return redirect(url_for("families.new_caregiver", household_id=household.id))
    return render_template("families/household_form.html", form=form, household=None), _status(form)


@bp.route("/<int:household_id>")
@require_role(CARE_TEAM)
def household(household_id: int):
    household = queries.household_with_members(household_id, current_clinic_id())
    if household is None:
        get_in_clinic_or_404(Household, household_id)
    appointments = appointments_for_children([c.id for c in household.children])
    record_audit(AuditAction.VIEW, household)
    db.session.commit()
    return render_template(
        "families/household.html", household=household, appointments=appointments
    )


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def edit_household(household_id: int):
    household = get_in_clinic_or_404(Household, household_id)
    form = HouseholdForm(obj=household)
    if form.validate_on_submit():
        operations.update_household(household, **_form_fields(form, "name", "address", "notes"))
        db.session.commit()
        flash(_("The household is saved."), "success")
        return redirect(url_for("families.household", household_id=household.id))
    return render_template("families/household_form.html", form=form, household=household), _status(
        form
    )


CAREGIVER_FIELDS = (
    "given_name",
    "family_name",
    "relationship_to_child",
    "preferred_language",
    "needs_interpreter",
    "phone",
    "email",
    "is_primary_contact",
    "race_ethnicity",
)


def _caregiver_page(household: Household, caregiver: Caregiver | None):
    form = CaregiverForm(obj=caregiver)
    if form.validate_on_submit():
        fields = _form_fields(form, *CAREGIVER_FIELDS)
        fields["race_ethnicity"] = fields["race_ethnicity"] or None
        operations.save_caregiver(household, caregiver, **fields)
        db.session.commit()
        flash(
            _("%(name)s is saved.", name=f"{form.given_name.data} {form.family_name.data}"),
            "success",
        )
        return redirect(url_for("families.household", household_id=household.id))
    return render_template(
        "families/caregiver_form.html", form=form, household=household, caregiver=caregiver
    ), _status(form)


@bp.route("/<int:household_id>/caregivers/new", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def new_caregiver(household_id: int):
    return _caregiver_page(get_in_clinic_or_404(Household, household_id), None)


@bp.route("/caregivers/<int:caregiver_id>", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def edit_caregiver(caregiver_id: int):
    caregiver = get_in_clinic_or_404(Caregiver, caregiver_id)
    return _caregiver_page(caregiver.household, caregiver)


CHILD_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "record_number",
    "insurance",
    "primary_clinician_id",
)


def _child_page(household: Household, child: Child | None):
    form = ChildForm(obj=child)
    form.primary_clinician_id.choices = [("", _("— none —"))] + [
        (str(user.id), user.full_name)
        for user in staff_with_role(current_clinic_id(), Role.CLINICIAN)
    ]
    if request.method == "GET" and child is not None:
        form.primary_clinician_id.data = str(child.primary_clinician_id or "")
    if form.validate_on_submit():
        fields = _form_fields(form, *CHILD_FIELDS)
        fields["primary_clinician_id"] = int(fields["primary_clinician_id"] or 0) or None
        try:
            saved = operations.save_child(household, child, today=clinic_today(), **fields)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("%(name)s is saved.", name=saved.full_name), "success")
            return redirect(url_for("families.child", child_id=saved.id))
    return render_template(
        "families/child_form.html", form=form, household=household, child=child
    ), _status(form)


@bp.route("/<int:household_id>/children/new", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def new_child(household_id: int):
    return _child_page(get_in_clinic_or_404(Household, household_id), None)


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def edit_child(child_id: int):
    child = get_in_clinic_or_404(Child, child_id)
    return _child_page(child.household, child)


def _enrolment_form(form: EnrolmentForm | None = None) -> EnrolmentForm:
    form = form or EnrolmentForm(formdata=None, data={"enrolled_on": clinic_today()})
    specialists = staff_with_role(
        current_clinic_id(), Role.NAVIGATOR, NavigatorKind.DULCE_FAMILY_SPECIALIST
    )
    form.family_specialist_id.choices = [("", _("— none —"))] + [
        (str(u.id), u.full_name) for u in specialists
    ]
    return form


@bp.route("/children/<int:child_id>")
@require_role(CARE_TEAM)
def child(child_id: int, enrolment_form: EnrolmentForm | None = None, status: int = 200):
    child = get_in_clinic_or_404(Child, child_id)
    appointments = appointments_for_children([child.id])
    record_audit(AuditAction.VIEW, child)
    db.session.commit()
    return render_template(
        "families/child.html",
        child=child,
        appointments=appointments,
        today=clinic_today(),
        enrolment_form=_enrolment_form(enrolment_form),
        end_form=EndEnrolmentForm(formdata=None),
    ), status


@bp.route("/children/<int:child_id>/enrolments", methods=["POST"])
@require_role(RECORD_EDITORS)
def enrol(child_id: int):
    child_record = get_in_clinic_or_404(Child, child_id)
    form = _enrolment_form(EnrolmentForm())
    if form.validate_on_submit():
        try:
            operations.enrol_in_program(
                child_record,
                program=form.program.data,
                enrolled_on=form.enrolled_on.data,
                healthysteps_tier=form.healthysteps_tier.data,
                family_specialist_id=int(form.family_specialist_id.data or 0) or None,
            )
        except DomainError as error:
            db.session.rollback()
            form.program.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The enrolment is saved."), "success")
            return redirect(url_for("families.child", child_id=child_id))
    return child(child_id, enrolment_form=form, status=422)


@bp.route("/enrolments/<int:enrolment_id>/end", methods=["POST"])
@require_role(RECORD_EDITORS)
def end_enrolment(enrolment_id: int):
    enrolment = get_in_clinic_or_404(ProgramEnrolment, enrolment_id)
    form = EndEnrolmentForm()
    if not form.validate_on_submit():
        flash(_("Enter the date the enrolment ended."), "error")
    else:
        try:
            operations.end_enrolment(enrolment, form.ended_on.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The enrolment is ended."), "success")
    return redirect(url_for("families.child", child_id=enrolment.child_id))
