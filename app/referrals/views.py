"""The clinic's referral pages: the list, a new referral (or warm handoff), one referral and its moves.
Partner users answer referrals in their own portal, never here."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _

from app.appointments.models import Appointment
from app.clinics.models import PartnerOrganization
from app.clinics.queries import partner_organizations_of
from app.consents.labels import data_label
from app.consents.queries import consents_of_household, covering_consent
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM
from app.directory.queries import services_for_need
from app.extensions import db
from app.families.models import Child, Household
from app.followups.models import ContactMethod
from app.referrals import operations, present, queries, rules
from app.referrals.forms import ReferralFilterForm, ReferralForm, TransitionForm
from app.referrals.models import (
    REFERRAL_NEEDS,
    IhelpDomain,
    ReasonCode,
    Referral,
    ReferralStatus,
    ReferralTarget,
)
from app.referrals.operations import REQUESTER_ROLES, side_of

bp = Blueprint("referrals", __name__, url_prefix="/referrals", template_folder="templates")

#: Which field of the new-referral form an operation's refusal belongs to.
FORM_ERROR_FIELDS = {
    "consent_required": "partner_organization_id",
    "no_partner": "partner_organization_id",
    "service_mismatch": "service_id",
    "no_service": "service_id",
    "ihelp_required": "ihelp_domain",
    "need_required": "need",
    "mismatch": "reasons",
    "note_too_long": "request_note",
    "no_visit": "is_warm_handoff",
    "handoff_internal": "is_warm_handoff",
}
#: Which field of a move's form a refusal belongs to; other refusals are told at the top.
MOVE_ERROR_FIELDS = {
    "reason_required": "reason_code",
    "note_required": "note",
    "note_too_long": "note",
    "outcome_required": "outcome",
}


@bp.app_template_global()
def household_referrals(household_id: int) -> list[Referral]:
    """For the household page: its referrals, newest first."""
    return queries.referrals_of_household(household_id)


@bp.app_template_global()
def consent_page_url(household_id: int) -> str:
    """Where the family's consent is recorded: its consent page (else the household page)."""
    endpoint = "consents.index" if "consents.index" in current_app.view_functions else None
    return url_for(endpoint or "families.household", household_id=household_id)


bp.add_app_template_global(present.days_open, "referral_days_open")
bp.add_app_template_global(present.need_label, "referral_need_label")
bp.add_app_template_global(present.target_label, "referral_target_label")


# The list ------------------------------------------------------------------------------------


@bp.route("/")
@require_role(CARE_TEAM)
def index():
    form = ReferralFilterForm(request.args)
    chosen = queries.ReferralFilter()
    if form.validate():
        chosen = queries.ReferralFilter(
            status=form.status.data or "open", target=form.target.data or "",
            need=form.need.data or "",
        )  # fmt: skip
    referrals = queries.referrals_of_clinic(current_clinic_id(), chosen)
    record_audit(
        AuditAction.VIEW, object_type="referral_list",
        details={"status": chosen.status, "target": chosen.target, "need": chosen.need,
                 "results": len(referrals)},
    )  # fmt: skip
    db.session.commit()
    return render_template("referrals/index.html", form=form, referrals=referrals)


# A new referral -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """Whom a new referral is for, and the visit it is made at."""

    household: Household
    child: Child
    appointment: Appointment | None


def _family_from_args() -> Family | None:
    appointment_id = request.args.get("appointment_id", type=int)
    child_id = request.args.get("child_id", type=int)
    appointment = get_in_clinic_or_404(Appointment, appointment_id) if appointment_id else None
    child = get_in_clinic_or_404(Child, child_id) if child_id else None
    child = child or (appointment.child if appointment else None)
    if child is None:
        return None
    if appointment is not None and appointment.child.household_id != child.household_id:
        abort(404)
    return Family(child.household, child, appointment)


def _reason_choices(household_id: int) -> tuple[list[tuple[str, str]], dict[str, str | None]]:
    """Checkbox choices for the reasons, and the need each one points to."""
    choices, needs = [], {}
    for priority in queries.priority_reasons(household_id):
        value = f"priority-{priority.id}"
        choices.append(
            (value, f"{present.priority_label(priority)} · {format_date(priority.recorded_at)}")
        )
        needs[value] = priority.need
    for flag in queries.flag_reasons(household_id):
        value = f"flag-{flag.id}"
        choices.append((value, f"{present.flag_label(flag)} · {format_date(flag.raised_at)}"))
        needs[value] = present.flag_need(flag)
    return choices, needs


def _partner_choices(
    partners: list[PartnerOrganization], household_id: int, need: str
) -> tuple[list[tuple[str, str]], list[PartnerOrganization]]:
    """Partner choices saying whether the family's consent covers the need, and those it does not."""
    choices, uncovered = [("", _("— choose a partner —"))], []
    for partner in partners:
        label = partner.name
        if need:
            consent = covering_consent(partner, household_id, need)
            if consent is None:
                uncovered.append(partner)
            label = (
                _("%(partner)s (consent on record for this need)", partner=partner.name)
                if consent
                else _("%(partner)s (no consent for this need yet)", partner=partner.name)
            )
        choices.append((str(partner.id), label))
    return choices, uncovered


def _service_choices(clinic_id: int, need: str) -> list[tuple[str, str]]:
    services = services_for_need(clinic_id, need) if need else []
    return [("", _("— no particular service —"))] + [
        (str(s.id), _("%(service)s (%(organization)s)", service=s.name,
                      organization=s.organization.name))
        for s in services
    ]  # fmt: skip


def _chosen_need(form: ReferralForm) -> str:
    return form.need.data if form.need.data in REFERRAL_NEEDS else ""


def _new_form(family: Family) -> ReferralForm:
    if request.method == "POST":
        return ReferralForm()
    need = request.args.get("need", "")
    handoff = family.appointment is not None and request.args.get("handoff") == "1"
    return ReferralForm(formdata=None, data={"need": need if need in REFERRAL_NEEDS else "",
                                             "is_warm_handoff": handoff})  # fmt: skip


def _fill_choices(form: ReferralForm, family: Family) -> dict:
    """Set the form's choices for this family and need; what the page says about consent."""
    need = _chosen_need(form)
    reason_choices, reason_needs = _reason_choices(family.household.id)
    form.reasons.choices = reason_choices
    if request.method == "GET":
        form.reasons.data = [
            value for value, _label in reason_choices if reason_needs[value] == need
        ]
    partners = partner_organizations_of(family.household.clinic_id, active_only=True)
    form.partner_organization_id.choices, uncovered = _partner_choices(
        partners, family.household.id, need
    )
    form.service_id.choices = _service_choices(family.household.clinic_id, need)
    return {"need": need, "uncovered": uncovered, "has_partners": bool(partners)}


def _ids(values: list[str], kind: str) -> list[int]:
    return [int(value.split("-", 1)[1]) for value in values or [] if value.startswith(f"{kind}-")]


def _open(form: ReferralForm, family: Family, submit: bool) -> Referral:
    target = ReferralTarget(form.target.data)
    partner_id = int(form.partner_organization_id.data or 0) or None
    return operations.open_referral(
        household=family.household, child=family.child, requested_by_id=g.user.id,
        need=form.need.data, target=target,
        partner_organization_id=partner_id if target == ReferralTarget.PARTNER else None,
        service_id=int(form.service_id.data or 0) or None,
        ihelp_domain=IhelpDomain(form.ihelp_domain.data) if form.ihelp_domain.data else None,
        is_warm_handoff=bool(form.is_warm_handoff.data and family.appointment),
        request_note=form.request_note.data or "",
        flag_ids=_ids(form.reasons.data, "flag"), priority_ids=_ids(form.reasons.data, "priority"),
        appointment_id=family.appointment.id if family.appointment else None, submit=submit,
    )  # fmt: skip


def _sent_message(referral: Referral) -> str:
    if referral.status == ReferralStatus.DRAFT:
        return _("The referral is saved as a draft. Send it when it is ready.")
    if referral.is_warm_handoff:
        return _("The warm handoff is sent: the team is told now.")
    return _("The referral is sent.")


@bp.route("/new", methods=["GET", "POST"])
@require_role(REQUESTER_ROLES)
def new():
    family = _family_from_args()
    if family is None:
        return render_template("referrals/choose_family.html")
    form = _new_form(family)
    page = _fill_choices(form, family)
    status = 200
    if request.method == "POST" and "refresh" not in request.form:
        status = 422
        if form.validate_on_submit():
            try:
                referral = _open(form, family, submit="draft" not in request.form)
            except DomainError as error:
                db.session.rollback()
                form[FORM_ERROR_FIELDS.get(error.code, "target")].errors.append(error.message)
            else:
                db.session.commit()
                flash(_sent_message(referral), "success")
                return redirect(url_for("referrals.detail", referral_id=referral.id))
    record_audit(AuditAction.VIEW, family.household, details={"page": "new_referral"})
    db.session.commit()
    return render_template(
        "referrals/new.html", form=form, family=family, **page,
        consents=consents_of_household(family.household.id),
    ), status  # fmt: skip


# One referral ---------------------------------------------------------------------------------


def _referral_or_404(referral_id: int) -> Referral:
    referral = queries.referral_for_page(referral_id, current_clinic_id())
    if referral is None:
        abort(404)
    return referral


def _move_forms(referral: Referral, failed: tuple[ReferralStatus, TransitionForm] | None):
    """One form per move the user's side may make; the one that was refused keeps what was typed."""
    side = side_of(referral, g.membership)
    moves = []
    for target in rules.allowed_targets(referral.status, side) if side else []:
        if failed is not None and failed[0] == target:
            form = failed[1]
        else:
            form = TransitionForm(formdata=None, prefix=f"to-{target.value}",
                                  data={"version": referral.version})  # fmt: skip
        moves.append((target, form))
    return side, moves


def _detail_page(referral: Referral, failed=None, status: int = 200):
    side, moves = _move_forms(referral, failed)
    operations.mark_referral_read(g.user.id, referral.id)
    record_audit(AuditAction.VIEW, referral)
    db.session.commit()
    return render_template(
        "referrals/detail.html", referral=referral, side=side, moves=moves, present=present,
        needs_reason=rules.NEEDS_REASON, needs_outcome=rules.NEEDS_OUTCOME,
        data_label=data_label, contact_methods=list(ContactMethod),
        attempts=queries.contact_attempts_of(referral.id),
    ), status  # fmt: skip


@bp.route("/<int:referral_id>")
@require_role(CARE_TEAM)
def detail(referral_id: int):
    return _detail_page(_referral_or_404(referral_id))


def _move_target() -> ReferralStatus | None:
    try:
        return ReferralStatus(request.form.get("to", ""))
    except ValueError:
        return None


def _transition(referral: Referral, target: ReferralStatus, form: TransitionForm) -> None:
    operations.transition_referral(
        referral, target, actor_user_id=g.user.id, side=side_of(referral, g.membership),
        # A form without a version predates versions: refused as stale rather than merged.
        expected_version=form.version.data or 0,
        reason_code=ReasonCode(form.reason_code.data) if form.reason_code.data else None,
        note=form.note.data or "", outcome=form.outcome.data or "",
    )  # fmt: skip


@bp.route("/<int:referral_id>/move", methods=["POST"])
@require_role(CARE_TEAM)
def move(referral_id: int):
    referral = _referral_or_404(referral_id)
    back = redirect(url_for("referrals.detail", referral_id=referral_id))
    if side_of(referral, g.membership) is None:
        abort(403)
    target = _move_target()
    if target is None:
        flash(_("Choose what to do with the referral."), "error")
        return back
    form = TransitionForm(prefix=f"to-{target.value}")
    if not form.validate_on_submit():
        return _detail_page(referral, failed=(target, form), status=422)
    try:
        _transition(referral, target, form)
    except DomainError as error:
        db.session.rollback()
        if error.code not in MOVE_ERROR_FIELDS:
            flash(error.message, "error")
            return back
        form[MOVE_ERROR_FIELDS[error.code]].errors.append(error.message)
        return _detail_page(_referral_or_404(referral_id), failed=(target, form), status=422)
    db.session.commit()
    flash(_("The referral is now: %(status)s.", status=target.label), "success")
    return back
