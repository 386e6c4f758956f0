"""Clinic settings, sites and partner organizations (clinic admins)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.queries import staff_with_role
from app.clinics import operations, queries
from app.clinics.forms import ClinicSettingsForm, PartnerOrganizationForm, SiteForm
from app.clinics.models import PartnerOrganization
from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.errors import DomainError
from app.core.roles import Role
from app.core.templating import locale_choices
from app.extensions import db

bp = Blueprint("clinics", __name__, url_prefix="/admin/clinic", template_folder="templates")

SETTINGS_FIELDS = (
    "name",
    "default_locale",
    "timezone",
    "critical_flag_escalation_minutes",
    "on_duty_manager_id",
    "handoff_accept_minutes",
    "failed_contacts_before_review",
    "small_cell_minimum",
)
#: The field an operation's refusal is shown next to.
ERROR_FIELDS = {
    "escalation_minutes": "critical_flag_escalation_minutes",
    "not_a_manager": "on_duty_manager_id",
    "handoff_minutes": "handoff_accept_minutes",
    "failed_contacts": "failed_contacts_before_review",
    "small_cell": "small_cell_minimum",
}


def _settings_form(formdata=None) -> ClinicSettingsForm:
    """The clinic's settings, with its languages and active practice managers to choose from."""
    form = ClinicSettingsForm(formdata=formdata, obj=g.clinic)
    form.default_locale.choices = locale_choices()
    managers = staff_with_role(current_clinic_id(), Role.PRACTICE_MANAGER)
    form.on_duty_manager_id.choices = [("", _("Every practice manager"))] + [
        (str(user.id), user.full_name) for user in managers
    ]
    return form


def _settings_page(form: ClinicSettingsForm, site_form: SiteForm, status: int = 200):
    return render_template(
        "clinics/settings.html",
        form=form,
        site_form=site_form,
        sites=queries.sites_of(current_clinic_id()),
    ), status


@bp.route("/", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def settings():
    form = _settings_form(request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        fields = {name: form[name].data for name in SETTINGS_FIELDS}
        try:
            operations.update_clinic_settings(g.clinic, **fields)
        except DomainError as error:
            form[ERROR_FIELDS.get(error.code, "name")].errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Clinic settings are saved."), "success")
            return redirect(url_for("clinics.settings"))
    return _settings_page(form, SiteForm(formdata=None), 422 if form.errors else 200)


@bp.route("/sites", methods=["POST"])
@require_role(Role.CLINIC_ADMIN)
def add_site():
    form = SiteForm()
    if form.validate_on_submit():
        try:
            operations.add_site(current_clinic_id(), form.name.data)
        except DomainError as error:
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Site %(name)s is added.", name=form.name.data), "success")
            return redirect(url_for("clinics.settings"))
    return _settings_page(_settings_form(), form, 422)


@bp.route("/partners")
@require_role(Role.CLINIC_ADMIN)
def partners():
    organizations = queries.partner_organizations_of(current_clinic_id())
    return render_template("clinics/partners.html", organizations=organizations)


@bp.route("/partners/new", methods=["GET", "POST"], defaults={"organization_id": None})
@bp.route("/partners/<int:organization_id>", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def edit_partner(organization_id: int | None):
    organization = (
        get_in_clinic_or_404(PartnerOrganization, organization_id) if organization_id else None
    )
    form = PartnerOrganizationForm(obj=organization)
    if form.validate_on_submit():
        fields = {
            name: form[name].data
            for name in ("name", "kind", "contact_email", "contact_phone", "is_active")
        }
        try:
            operations.save_partner_organization(current_clinic_id(), organization, **fields)
        except DomainError as error:
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Partner organization %(name)s is saved.", name=form.name.data), "success")
            return redirect(url_for("clinics.partners"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "clinics/partner_form.html", form=form, organization=organization
    ), status
