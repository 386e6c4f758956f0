"""A household's consents: list them, record one the family gave to staff, revoke one."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.clinics.queries import partner_organizations_of
from app.consents import labels, operations, queries
from app.consents.forms import ConsentForm, RevokeForm
from app.consents.models import Consent, ConsentMethod, Recipient
from app.core.audit import AuditAction, record_audit
from app.core.auth import get_in_clinic_or_404, require_role
from app.core.clock import clinic_zone, day_bounds_utc
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, RECORD_EDITORS
from app.db import now_utc
from app.extensions import db
from app.families.models import Household

bp = Blueprint("consents", __name__, url_prefix="/families", template_folder="templates")

#: Which field an operation's refusal belongs to, so the error shows next to it.
ERROR_FIELDS = {
    "caregiver": "caregiver_id",
    "partner": "partner_organization_id",
    "needs_required": "scope_needs",
    "unknown_need": "scope_needs",
    "data_required": "scope_data",
    "method": "method",
    "expiry_past": "expires_on",
}


def _choose(form: ConsentForm, household: Household) -> ConsentForm:
    form.caregiver_id.choices = [
        (str(c.id), f"{c.full_name} ({c.relationship_to_child.label})")
        for c in household.caregivers
    ]
    form.partner_organization_id.choices = [("", _("— none named —"))] + [
        (str(p.id), f"{p.name} ({p.kind.label})")
        for p in partner_organizations_of(household.clinic_id, active_only=True)
    ]
    return form


def _page(household: Household, form: ConsentForm | None = None, revoking=None, status=200):
    record_audit(AuditAction.VIEW, household, details={"page": "consents"})
    db.session.commit()
    return render_template(
        "consents/index.html", household=household, rows=queries.consent_rows(household.id),
        form=form or _choose(ConsentForm(formdata=None), household), revoking=revoking,
        now=now_utc(), labels=labels, editable=g.membership.role in RECORD_EDITORS,
    ), status  # fmt: skip


@bp.route("/households/<int:household_id>/consents")
@require_role(CARE_TEAM)
def index(household_id: int):
    return _page(get_in_clinic_or_404(Household, household_id))


def _record(household: Household, form: ConsentForm) -> bool:
    """Record what the form says; on refusal, roll back and put the reason next to its field."""
    expires_at = (
        day_bounds_utc(form.expires_on.data, clinic_zone())[1] if form.expires_on.data else None
    )
    try:
        operations.record_consent(
            household, caregiver_id=int(form.caregiver_id.data),
            recipient=Recipient(form.recipient.data),
            partner_organization_id=int(form.partner_organization_id.data or 0) or None,
            scope_needs=form.scope_needs.data, scope_data=form.scope_data.data,
            method=ConsentMethod(form.method.data), expires_at=expires_at,
            recorded_by_id=g.user.id,
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        form[ERROR_FIELDS.get(error.code, "recipient")].errors.append(error.message)
        return False
    return True


@bp.route("/households/<int:household_id>/consents", methods=["POST"])
@require_role(RECORD_EDITORS)
def record(household_id: int):
    household = get_in_clinic_or_404(Household, household_id)
    form = _choose(ConsentForm(), household)
    if form.validate_on_submit() and _record(household, form):
        db.session.commit()
        flash(_("The consent is recorded."), "success")
        return redirect(url_for("consents.index", household_id=household_id))
    return _page(get_in_clinic_or_404(Household, household_id), form=form, status=422)


@bp.route("/consents/<int:consent_id>/revoke", methods=["POST"])
@require_role(RECORD_EDITORS)
def revoke(consent_id: int):
    consent = get_in_clinic_or_404(Consent, consent_id)
    household_id = consent.household_id
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            operations.revoke_consent(consent, user_id=g.user.id, note=form.note.data)
        except DomainError as error:
            db.session.rollback()
            if error.code == "already_revoked":
                flash(error.message, "error")
                return redirect(url_for("consents.index", household_id=household_id))
            form.note.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The consent is revoked. Nothing more is shared under it."), "success")
            return redirect(url_for("consents.index", household_id=household_id))
    household = get_in_clinic_or_404(Household, household_id)
    return _page(household, revoking=(consent_id, form), status=422)
