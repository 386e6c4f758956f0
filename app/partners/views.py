"""The partner portal: the organization's referrals as far as each family consented, and its answers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.clinics.models import PartnerOrganization
from app.core.audit import AuditAction, record_audit
from app.core.auth import require_role
from app.core.clock import clinic_today
from app.core.errors import DomainError
from app.core.roles import Role
from app.extensions import db
from app.partners import queries
from app.partners.forms import ACTION_FOR, ACTIONS, AnswerForm, StatusFilterForm
from app.partners.operations import record_list_read
from app.referrals import rules
from app.referrals.models import ReasonCode, ReferralStatus, Side
from app.referrals.operations import STALE, mark_referral_read, side_of, transition_referral
from app.referrals.present import action_label, need_label

bp = Blueprint("partners", __name__, url_prefix="/partner", template_folder="templates")

#: Which field of the answer form a refusal of the status machine belongs to.
ERROR_FIELDS = {
    "reason_required": "reason_code",
    "note_required": "note",
    "outcome_required": "outcome",
    "note_too_long": "note",
}


def _organization() -> PartnerOrganization:
    organization = g.membership.partner_organization
    if organization is None or not organization.is_active:
        abort(403)
    return organization


@bp.route("/")
@require_role(Role.PARTNER)
def index():
    form = StatusFilterForm(request.args)
    group = form.status.data if form.validate() and form.status.data else None
    rows = queries.referrals_for_partner(_organization(), group)
    record_list_read(rows, page="partner_list")
    record_audit(AuditAction.VIEW, object_type="partner_referrals",
                 details={"status": group or "all", "referrals": len(rows)})  # fmt: skip
    db.session.commit()
    return render_template(
        "partners/index.html", form=form, rows=rows, today=clinic_today(), need_label=need_label
    )


def _seen_or_404(referral_id: int) -> queries.PartnerReferral:
    seen = queries.referral_for_partner(_organization(), referral_id)
    if seen is None or side_of(seen.referral, g.membership) != Side.RESPONDER:
        abort(404)
    return seen


def _answer_forms(seen: queries.PartnerReferral, failed: AnswerForm | None = None) -> list:
    """(action, form) for each answer the status machine allows now; `failed` keeps what was typed."""
    if not seen.is_shared:
        return []
    referral = seen.referral
    allowed = rules.allowed_targets(referral.status, Side.RESPONDER)
    forms = []
    for action in (a for a in ACTIONS if a.target in allowed):
        if failed is not None and failed.target.data == action.target.value:
            form = failed
            form.version.data = referral.version
        else:
            form = AnswerForm(formdata=None, target=action.target.value, version=referral.version)
        forms.append((action, form))
    return forms


def _detail(seen: queries.PartnerReferral, failed: AnswerForm | None = None, status: int = 200):
    record_audit(AuditAction.VIEW, seen.referral,
                 details={"page": "partner_referral", "shared": sorted(seen.scope)})  # fmt: skip
    mark_referral_read(g.user.id, seen.referral.id)
    db.session.commit()
    return render_template(
        "partners/referral.html", seen=seen, referral=seen.referral, today=clinic_today(),
        answers=_answer_forms(seen, failed), need_label=need_label, action_label=action_label,
    ), status  # fmt: skip


@bp.route("/referrals/<int:referral_id>")
@require_role(Role.PARTNER)
def referral(referral_id: int):
    return _detail(_seen_or_404(referral_id))


def _reason(form: AnswerForm) -> ReasonCode | None:
    if not form.reason_code.data:
        return None
    reason = ReasonCode(form.reason_code.data)
    if reason not in ACTION_FOR[ReferralStatus(form.target.data)].reasons:
        form.reason_code.errors.append(_("Choose a reason from the list."))
        return None
    return reason


def _answer(seen: queries.PartnerReferral, form: AnswerForm) -> bool:
    """Make the move the form asks for; on refusal, roll back and show why next to the field."""
    reason = _reason(form)
    if form.reason_code.errors:
        return False
    try:
        transition_referral(
            seen.referral, ReferralStatus(form.target.data), actor_user_id=g.user.id,
            side=Side.RESPONDER, expected_version=form.version.data, reason_code=reason,
            note=form.note.data or "", outcome=form.outcome.data or "",
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        if error.code == STALE:
            raise
        if error.code in ERROR_FIELDS:
            form[ERROR_FIELDS[error.code]].errors.append(error.message)
        else:
            flash(error.message, "error")
        return False
    return True


@bp.route("/referrals/<int:referral_id>/answer", methods=["POST"])
@require_role(Role.PARTNER)
def answer(referral_id: int):
    seen = _seen_or_404(referral_id)
    if not seen.is_shared:
        abort(404)  # nothing may be done on a family's behalf once its consent has ended
    form = AnswerForm()
    try:
        if form.validate_on_submit() and _answer(seen, form):
            db.session.commit()
            flash(_("The referral is now %(status)s.", status=seen.referral.status.label),
                  "success")  # fmt: skip
            return redirect(url_for("partners.referral", referral_id=referral_id))
    except DomainError as stale:
        flash(stale.message, "error")
        return redirect(url_for("partners.referral", referral_id=referral_id))
    if form.target.errors or form.version.errors:
        flash(_("That answer is not available for this referral."), "error")
    return _detail(_seen_or_404(referral_id), failed=form, status=422)
