"""The weekly DULCE case review (with the legal partner), the managers' huddle records and the
one-page huddle sheet PDF."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.clinics.models import PartnerKind, PartnerOrganization, Site
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.clock import clinic_today
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, Role
from app.db import now_utc
from app.extensions import db
from app.families.models import Child
from app.followups.queries import care_team_people
from app.huddles import operations, records, review, sheet
from app.huddles.forms import ActionItemForm, AttendeeForm, NoteForm
from app.huddles.models import Huddle, HuddleKind
from app.referrals.present import flag_label, need_label
from app.visits.documents import pdf_response

bp = Blueprint("huddle_review", __name__, url_prefix="/huddles", template_folder="templates")

#: The DULCE interdisciplinary team inside the clinic (CSSP; domain-research §4.2).
REVIEW_TEAM = (Role.CLINICIAN, Role.NURSE_MA, Role.NAVIGATOR, Role.PRACTICE_MANAGER)
#: The legal partner attends the review too, seeing only what each family consented to share.
REVIEW_READERS = (*REVIEW_TEAM, Role.PARTNER)
MANAGERS = (Role.PRACTICE_MANAGER, Role.CLINIC_ADMIN)


def _legal_partner() -> PartnerOrganization | None:
    """The signed-in partner's organization when it is the legal partner; None for staff.
    Any other partner organization has no part in the case review."""
    if g.membership.role != Role.PARTNER:
        return None
    organization = g.membership.partner_organization
    if organization is None or organization.kind != PartnerKind.LEGAL_AID:
        abort(403)
    return organization


def _review_or_404(huddle_id: int) -> Huddle:
    huddle = review.case_review_in_clinic(huddle_id, current_clinic_id())
    if huddle is None:
        abort(404)
    return huddle


def _audit_partner_read(cases: list[review.PartnerCase], partner: PartnerOrganization) -> None:
    """Every case the partner sees is a disclosure outside the clinic: one event per family."""
    record_audit(AuditAction.VIEW, object_type="case_review",
                 details={"partner_organization_id": partner.id, "cases": len(cases)})  # fmt: skip
    for case in cases:
        record_audit(
            AuditAction.VIEW, object_type="case_review_case", object_id=str(case.child_id),
            child_id=case.child_id, household_id=case.household_id,
            details={"partner_organization_id": partner.id, "shared": sorted(case.scope)},
        )  # fmt: skip


def _review_page(partner: PartnerOrganization | None, status: int = 200, draft: dict | None = None):
    """The review page; `draft` keeps what was typed in a form that was refused."""
    today, now = clinic_today(), now_utc()
    huddle = review.review_of_week(current_clinic_id(), today)
    if partner is not None:
        cases = review.partner_cases(partner, today, now)
        _audit_partner_read(cases, partner)
    else:
        cases = review.review_cases(current_clinic_id(), today, now)
        record_audit(AuditAction.VIEW, object_type="case_review",
                     details={"cases": len(cases),
                              "open": sum(c.has_open_issues for c in cases)})  # fmt: skip
    db.session.commit()
    return render_template(
        "huddles/review.html", partner=partner, cases=cases, huddle=huddle, today=today,
        monday=review.review_monday(today), record=review.review_record(huddle, partner),
        team=care_team_people(current_clinic_id()) if partner is None else [],
        draft=draft or {}, need_label=need_label, flag_label=flag_label, now=now,
    ), status  # fmt: skip


@bp.route("/review")
@require_role(REVIEW_READERS)
def review_page():
    return _review_page(_legal_partner())


@bp.route("/review/start", methods=["POST"])
@require_role(REVIEW_TEAM)
def start_review():
    operations.start_huddle(
        current_clinic_id(), day=review.review_monday(clinic_today()),
        kind=HuddleKind.CASE_REVIEW, user_id=g.user.id,
    )  # fmt: skip
    db.session.commit()
    flash(_("The case review has started."), "success")
    return redirect(url_for("huddle_review.review_page"))


def _refused(message: str, partner: PartnerOrganization | None, draft: dict | None = None):
    db.session.rollback()
    flash(message, "error")
    return _review_page(partner, 422, draft)


def _first_error(form) -> str:
    return next(iter(m for messages in form.errors.values() for m in messages))


def _child_of_form(form) -> Child | None:
    """The child the form names (of this clinic, or a 404), checked against its household."""
    if not form.child_id.data:
        return None
    child = get_in_clinic_or_404(Child, form.child_id.data)
    if form.household_id.data not in (None, child.household_id):
        abort(404)
    return child


def _still_running(huddle: Huddle) -> None:
    if not huddle.is_running:
        raise DomainError(_("This case review has ended. Start next week's review to add to it."))


@bp.route("/review/<int:huddle_id>/notes", methods=["POST"])
@require_role(REVIEW_READERS)
def add_note(huddle_id: int):
    partner = _legal_partner()
    huddle = _review_or_404(huddle_id)
    form = NoteForm()
    child = _child_of_form(form)
    if partner is not None:
        covered = review.partner_cases(partner, clinic_today(), now_utc())
        if child is None or child.id not in {case.child_id for case in covered}:
            abort(404)  # a partner writes only about families who shared their legal need with it
    draft = {("note", child.id if child else None): form.body.data or ""}
    if not form.validate_on_submit():
        return _refused(_first_error(form), partner, draft)
    try:
        _still_running(huddle)
        operations.add_note(
            huddle, author_id=g.user.id, body=form.body.data,
            household=child.household if child else None, child=child,
        )  # fmt: skip
    except DomainError as error:
        return _refused(error.message, partner, draft)
    db.session.commit()
    flash(_("The note is saved."), "success")
    anchor = f"#case-{child.id}" if child else "#team-notes"
    return redirect(url_for("huddle_review.review_page") + anchor)


@bp.route("/review/<int:huddle_id>/action-items", methods=["POST"])
@require_role(REVIEW_TEAM)
def add_action_item(huddle_id: int):
    huddle = _review_or_404(huddle_id)
    form = ActionItemForm()
    child = _child_of_form(form)
    draft = {("action", child.id if child else None): form.title.data or ""}
    if child is None:
        return _refused(_("Choose the family the action item is about."), None, draft)
    if not form.validate_on_submit():
        return _refused(_first_error(form), None, draft)
    try:
        _still_running(huddle)
        operations.add_action_item(
            huddle, household=child.household, child=child, title=form.title.data,
            assignee_id=form.assignee_id.data, due_on=form.due_on.data, created_by_id=g.user.id,
        )  # fmt: skip
    except DomainError as error:
        return _refused(error.message, None, draft)
    db.session.commit()
    flash(_("The action item is on its owner's worklist."), "success")
    return redirect(url_for("huddle_review.review_page") + f"#case-{child.id}")


@bp.route("/review/<int:huddle_id>/attendees", methods=["POST"])
@require_role(REVIEW_TEAM)
def add_attendee(huddle_id: int):
    huddle = _review_or_404(huddle_id)
    form = AttendeeForm()
    if not form.validate_on_submit():
        return _refused(_first_error(form), None)
    try:
        _still_running(huddle)
        operations.add_attendee(huddle, form.user_id.data)
    except DomainError as error:
        return _refused(error.message, None)
    db.session.commit()
    flash(_("Attendance is recorded."), "success")
    return redirect(url_for("huddle_review.review_page") + "#attendees")


@bp.route("/review/<int:huddle_id>/end", methods=["POST"])
@require_role(REVIEW_TEAM)
def end_review(huddle_id: int):
    huddle = _review_or_404(huddle_id)
    try:
        operations.end_huddle(huddle)
    except DomainError as error:
        return _refused(error.message, None)
    db.session.commit()
    flash(_("The case review has ended."), "success")
    return redirect(url_for("huddle_review.review_page"))


# --- huddle records for managers ------------------------------------------------------------------


@bp.route("/records")
@require_role(MANAGERS)
def records_page():
    today = clinic_today()
    month, error = records.parse_month(request.args.get("month"), today)
    report = records.month_records(current_clinic_id(), month, today)
    record_audit(AuditAction.VIEW, object_type="huddle_records",
                 details={"month": month.isoformat()[:7], "huddles": len(report.huddles)})  # fmt: skip
    db.session.commit()
    return render_template("huddles/records.html", report=report, error=error, today=today), (
        400 if error else 200
    )


# --- the one-page huddle sheet --------------------------------------------------------------------


def _sheet_site() -> Site | None:
    site_id = request.args.get("site_id", type=int)
    if not request.args.get("site_id"):
        return None
    if site_id is None:
        abort(404)
    return get_in_clinic_or_404(Site, site_id)


def _sheet_day() -> date | None:
    raw = request.args.get("day")
    if not raw:
        return clinic_today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@bp.route("/sheet.pdf")
@require_role(CARE_TEAM)
def sheet_pdf():
    day, site = _sheet_day(), _sheet_site()
    if day is None:
        message = _("Enter the day as a date, for example %(example)s.",
                    example=clinic_today().isoformat())  # fmt: skip
        return render_template("errors/error.html", status=400, message=message), 400
    rows = sheet.sheet_rows(current_clinic_id(), day, site.id if site else None)
    record_audit(AuditAction.EXPORT, object_type="huddle_sheet",
                 details={"day": day.isoformat(), "count": len(rows),
                          "site_id": site.id if site else None})  # fmt: skip
    db.session.commit()
    pdf = sheet.sheet_pdf(rows, day, site)
    return pdf_response(pdf, f"huddle-sheet-{day.isoformat()}.pdf")
