"""The resource directory: search and service pages for the care team; import and partner links
for the clinic admin."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.clinics.queries import partner_organizations_of
from app.core.auth import current_clinic_id, require_role
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, Role
from app.directory import operations, queries
from app.directory.forms import DirectoryImportForm, DirectorySearchForm, PartnerLinkForm
from app.directory.models import DirectoryOrganization
from app.directory.needs import DIRECTORY_NEEDS, need_label
from app.extensions import db

bp = Blueprint("directory", __name__, url_prefix="/directory", template_folder="templates")

#: Everyone in the clinic who helps a family find a service.
DIRECTORY_READERS = CARE_TEAM | {Role.CLINIC_ADMIN}
PAGE_SIZE = 50


@bp.context_processor
def _directory_words() -> dict:
    return {"need_label": need_label, "needs": DIRECTORY_NEEDS}


@bp.route("/")
@require_role(DIRECTORY_READERS)
def search():
    form = DirectorySearchForm(request.args)
    services = None
    if form.validate():
        # One more than a page, to know whether to ask for a narrower search.
        services = queries.search_services(
            current_clinic_id(),
            need=form.need.data or None,
            language=form.language.data or None,
            text=form.q.data or None,
            limit=PAGE_SIZE + 1,
        )
    return render_template(
        "directory/search.html",
        form=form,
        services=services[:PAGE_SIZE] if services is not None else None,
        has_more=services is not None and len(services) > PAGE_SIZE,
        is_filtered=any(request.args.get(name) for name in ("need", "language", "q")),
    )


@bp.route("/services/<int:service_id>")
@require_role(DIRECTORY_READERS)
def service(service_id: int):
    found = queries.service_in_clinic(service_id, current_clinic_id())
    if found is None:
        abort(404)
    return render_template("directory/service.html", service=found)


@bp.route("/import", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def import_file():
    form = DirectoryImportForm()
    report = None
    if form.validate_on_submit():
        limit = current_app.config["WELLTHREAD_CSV_MAX_BYTES"]
        report = operations.import_directory(
            current_clinic_id(), form.file.data.read(limit + 1), max_bytes=limit
        )
        db.session.commit()
    status = 422 if request.method == "POST" and (report is None or report.file_error) else 200
    return render_template("directory/import.html", form=form, report=report), status


def _partner_form(organization: DirectoryOrganization) -> PartnerLinkForm:
    """Active partners to choose from, and the one linked now even if it has since stopped."""
    form = PartnerLinkForm(
        data=None
        if request.method == "POST"
        else {"partner_organization_id": str(organization.partner_organization_id or "")}
    )
    partners = partner_organizations_of(current_clinic_id(), active_only=True)
    linked = organization.partner_organization
    if linked is not None and linked not in partners:
        partners.append(linked)
    form.partner_organization_id.choices = [("", _("— none: referrals stay in the clinic —"))] + [
        (str(partner.id), partner.name) for partner in partners
    ]
    return form


@bp.route("/organizations/<int:directory_organization_id>", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def organization(directory_organization_id: int):
    found = queries.organization_in_clinic(directory_organization_id, current_clinic_id())
    if found is None:
        abort(404)
    form = _partner_form(found)
    if form.validate_on_submit():
        try:
            operations.link_partner_organization(
                found, int(form.partner_organization_id.data or 0) or None
            )
        except DomainError as error:
            form.partner_organization_id.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The partner portal for %(name)s is saved.", name=found.name), "success")
            return redirect(url_for("directory.organization", directory_organization_id=found.id))
    status = 422 if request.method == "POST" else 200
    return render_template("directory/organization.html", organization=found, form=form), status
