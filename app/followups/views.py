"""The navigator's worklist, follow-up pages and contact attempts (on follow-ups and referrals)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.clock import clinic_today
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, Role
from app.core.urls import local_path
from app.db import now_utc
from app.extensions import db
from app.families.models import Child, Household
from app.families.queries import ChildSearch, household_with_members, search_children
from app.followups import operations, queries
from app.followups.forms import (
    ContactAttemptForm,
    DoneForm,
    FamilySearchForm,
    FollowUpForm,
    WhoseListForm,
)
from app.followups.models import ContactMethod, FollowUp
from app.referrals.models import Referral
from app.referrals.present import need_label

bp = Blueprint("followups", __name__, template_folder="templates")

#: Which form field an operation's refusal is shown next to.
ERROR_FIELDS = {
    "title_required": "title",
    "title_too_long": "title",
    "not_care_team": "assignee_id",
    "mismatch": "child_id",
}


def _whose_list() -> tuple[WhoseListForm | None, int]:
    """A practice manager may open anyone's worklist; everyone else sees their own."""
    if g.membership.role != Role.PRACTICE_MANAGER:
        return None, g.user.id
    form = WhoseListForm(request.args)
    people = queries.care_team_people(current_clinic_id())
    form.user_id.choices = [(person.id, person.full_name) for person in people]
    chosen = form.user_id.data if form.validate() else None
    if chosen not in {person.id for person in people}:
        chosen = g.user.id
    form.user_id.data = chosen
    return form, chosen


@bp.route("/followups/")
@require_role(CARE_TEAM)
def index():
    form, user_id = _whose_list()
    today = clinic_today()
    work = queries.worklist(current_clinic_id(), user_id, today)
    record_audit(
        AuditAction.VIEW, object_type="worklist", details={"user_id": user_id, "rows": work.size}
    )
    db.session.commit()
    return render_template(
        "followups/worklist.html", work=work, form=form, today=today, now=now_utc(),
        is_own=user_id == g.user.id, need_label=need_label,
    )  # fmt: skip


def _household_or_404(household_id: int) -> Household:
    household = household_with_members(household_id, current_clinic_id())
    if household is None:
        abort(404)
    return household


def _target_family() -> tuple[Household | None, Child | None, Referral | None]:
    """The family (and child, referral) named in the address, each of this clinic or a 404."""
    args = request.args
    referral = child = household = None
    if referral_id := args.get("referral_id", type=int):
        referral = get_in_clinic_or_404(Referral, referral_id)
    if child_id := args.get("child_id", type=int):
        child = get_in_clinic_or_404(Child, child_id)
    household_id = args.get("household_id", type=int) or next(
        (row.household_id for row in (child, referral) if row is not None), None
    )
    if household_id is not None:
        household = _household_or_404(household_id)
    if any(row is not None and row.household_id != household_id for row in (child, referral)):
        abort(404)
    return household, child, referral


def _choose_family() -> str:
    """No family named yet: search the clinic's children by name or record number."""
    form = FamilySearchForm(request.args)
    term = (form.q.data or "").strip()
    children = None
    if term:
        children = search_children(current_clinic_id(), ChildSearch(name=term)) or search_children(
            current_clinic_id(), ChildSearch(record_number=term)
        )
        record_audit(
            AuditAction.SEARCH, object_type="children",
            details={"page": "new_follow_up", "results": len(children)},
        )  # fmt: skip
        db.session.commit()
    return render_template("followups/choose_family.html", form=form, children=children)


def _fill_choices(form: FollowUpForm, household: Household, referrals: list[Referral]) -> None:
    people = queries.care_team_people(current_clinic_id())
    form.assignee_id.choices = [(person.id, person.full_name) for person in people]
    form.child_id.choices = [("", _("— the whole family —"))] + [
        (child.id, child.full_name) for child in household.children
    ]
    form.referral_id.choices = [("", _("— none —"))] + [
        (r.id, _("%(need)s · %(target)s", need=need_label(r.need),
                 target=r.target.label)) for r in referrals
    ]  # fmt: skip


def _chosen(rows, row_id: int | None):
    """The chosen child or referral among those offered; None when none or not offered."""
    return next((row for row in rows if row.id == row_id), None)


def _create(form: FollowUpForm, household: Household, referrals: list[Referral]):
    """Save the follow-up, or put the operation's refusal next to its field and return None."""
    try:
        return operations.create_follow_up(
            household=household, child=_chosen(household.children, form.child_id.data),
            referral=_chosen(referrals, form.referral_id.data), title=form.title.data,
            assignee_id=form.assignee_id.data, due_on=form.due_on.data, created_by_id=g.user.id,
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        form[ERROR_FIELDS.get(error.code, "title")].errors.append(error.message)
        return None


@bp.route("/followups/new", methods=["GET", "POST"])
@require_role(CARE_TEAM)
def new():
    household, child, referral = _target_family()
    if household is None:
        return _choose_family()
    form = FollowUpForm(
        data=None if request.method == "POST" else {
            "assignee_id": g.user.id, "due_on": clinic_today(),
            "child_id": child.id if child else None, "referral_id": referral.id if referral else None,
        }
    )  # fmt: skip
    referrals = queries.open_referrals_of_household(household.id, current_clinic_id())
    _fill_choices(form, household, referrals)
    if form.validate_on_submit() and (follow_up := _create(form, household, referrals)):
        db.session.commit()
        flash(_("The follow-up is saved."), "success")
        return redirect(url_for("followups.detail", follow_up_id=follow_up.id))
    if request.method == "GET":
        record_audit(AuditAction.VIEW, household, details={"page": "new_follow_up"})
        db.session.commit()
    status = 422 if request.method == "POST" else 200
    return render_template("followups/new.html", form=form, household=household), status


def _follow_up_or_404(follow_up_id: int) -> FollowUp:
    follow_up = queries.follow_up_page(follow_up_id, current_clinic_id())
    if follow_up is None:
        abort(404)
    return follow_up


def _detail_page(follow_up: FollowUp, attempt_form: ContactAttemptForm, status: int = 200):
    people = queries.users_by_id([follow_up.created_by_id, follow_up.done_by_id])
    return render_template(
        "followups/detail.html", follow_up=follow_up, attempt_form=attempt_form,
        done_form=DoneForm(data={"version": follow_up.version}), people=people,
        today=clinic_today(), need_label=need_label,
        unreached=operations.unreached_in_a_row(follow_up.id),
        review_after=g.clinic.failed_contacts_before_review,
    ), status  # fmt: skip


@bp.route("/followups/<int:follow_up_id>")
@require_role(CARE_TEAM)
def detail(follow_up_id: int):
    follow_up = _follow_up_or_404(follow_up_id)
    record_audit(AuditAction.VIEW, follow_up)
    db.session.commit()
    return _detail_page(follow_up, ContactAttemptForm(formdata=None))


def _attempt_fields(form: ContactAttemptForm) -> dict:
    return {
        "method": ContactMethod(form.method.data),
        "is_reached": form.outcome.data == "reached",
        "note": form.note.data or "",
        "user_id": g.user.id,
    }


@bp.route("/followups/<int:follow_up_id>/attempts", methods=["POST"])
@require_role(CARE_TEAM)
def record_attempt(follow_up_id: int):
    follow_up = _follow_up_or_404(follow_up_id)
    form = ContactAttemptForm()
    if form.validate_on_submit():
        try:
            operations.record_contact_attempt(follow_up, **_attempt_fields(form))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The contact attempt is recorded."), "success")
            return redirect(url_for("followups.detail", follow_up_id=follow_up_id) + "#attempts")
    return _detail_page(_follow_up_or_404(follow_up_id), form, 422)


@bp.route("/followups/<int:follow_up_id>/done", methods=["POST"])
@require_role(CARE_TEAM)
def mark_done(follow_up_id: int):
    follow_up = _follow_up_or_404(follow_up_id)
    form = DoneForm()
    form.validate_on_submit()
    try:
        operations.mark_follow_up_done(
            follow_up, user_id=g.user.id, expected_version=form.version.data
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _detail_page(_follow_up_or_404(follow_up_id), ContactAttemptForm(formdata=None), 409)
    db.session.commit()
    flash(_("The follow-up is done."), "success")
    return redirect(url_for("followups.index"))


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("followups.index")


@bp.route("/referrals/<int:referral_id>/attempts", methods=["POST"])
@require_role(CARE_TEAM)
def record_referral_attempt(referral_id: int):
    referral = get_in_clinic_or_404(Referral, referral_id)
    form = ContactAttemptForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Choose how you tried to reach the family and whether you did."))
        operations.record_referral_contact_attempt(referral, **_attempt_fields(form))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The contact attempt is recorded."), "success")
    return redirect(_safe_next(form.next.data))
