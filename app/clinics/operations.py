"""State changes for clinics: creation with their practice catalogue, settings, sites, partners."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.queries import has_role_in_clinic
from app.clinics.models import Clinic, PartnerKind, PartnerOrganization, Site
from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.errors import DomainError
from app.core.roles import Role
from app.extensions import db
from app.guidance.operations import seed_guidance_library
from app.practices.operations import seed_practice_catalogue


def create_clinic(
    *, name: str, slug: str, default_locale: str = "en", timezone: str = "America/New_York"
) -> Clinic:
    """Open a clinic with the 14 common practices as its starting catalogue."""
    if db.session.scalar(sa.select(Clinic.id).where(Clinic.slug == slug)):
        raise DomainError(_("A clinic with this short name already exists."), code="duplicate")
    clinic = Clinic(name=name, slug=slug, default_locale=default_locale, timezone=timezone)
    db.session.add(clinic)
    db.session.flush()
    seed_practice_catalogue(clinic.id)
    seed_guidance_library(clinic.id)
    record_audit(AuditAction.CREATE, clinic, clinic_id=clinic.id)
    return clinic


def _check_escalation(clinic: Clinic, minutes: int, on_duty_manager_id: int | None) -> None:
    if not 1 <= minutes <= 1440:
        raise DomainError(
            _("Enter a number of minutes from 1 to 1440 (24 hours)."), code="escalation_minutes"
        )
    if on_duty_manager_id is not None and not has_role_in_clinic(
        on_duty_manager_id, clinic.id, Role.PRACTICE_MANAGER
    ):
        raise DomainError(
            _("Choose an active practice manager of this clinic, or every practice manager."),
            code="not_a_manager",
        )


def _check_handoff_and_contacts(minutes: int | None, attempts: int | None) -> None:
    if minutes is not None and not 1 <= minutes <= 240:
        raise DomainError(
            _("Enter a number of minutes from 1 to 240 (4 hours)."), code="handoff_minutes"
        )
    if attempts is not None and not 1 <= attempts <= 20:
        raise DomainError(_("Enter a number of attempts from 1 to 20."), code="failed_contacts")


def update_clinic_settings(
    clinic: Clinic,
    *,
    name: str,
    default_locale: str,
    timezone: str,
    critical_flag_escalation_minutes: int,
    on_duty_manager_id: int | None,
    handoff_accept_minutes: int | None = None,
    failed_contacts_before_review: int | None = None,
    small_cell_minimum: int | None = None,
) -> Clinic:
    """Change the clinic's name, languages, time zone, who is told of waiting critical answers,
    when a waiting warm handoff or an unreachable family is raised, and the smallest group the
    metrics show (None: unchanged)."""
    _check_escalation(clinic, critical_flag_escalation_minutes, on_duty_manager_id)
    _check_handoff_and_contacts(handoff_accept_minutes, failed_contacts_before_review)
    if small_cell_minimum is not None and not 1 <= small_cell_minimum <= 100:
        raise DomainError(_("Enter a number of families from 1 to 100."), code="small_cell")
    clinic.name, clinic.default_locale, clinic.timezone = name, default_locale, timezone
    clinic.critical_flag_escalation_minutes = critical_flag_escalation_minutes
    clinic.on_duty_manager_id = on_duty_manager_id
    if handoff_accept_minutes is not None:
        clinic.handoff_accept_minutes = handoff_accept_minutes
    if failed_contacts_before_review is not None:
        clinic.failed_contacts_before_review = failed_contacts_before_review
    if small_cell_minimum is not None:
        clinic.small_cell_minimum = small_cell_minimum
    record_audit(AuditAction.UPDATE, clinic, details={"fields": changed_fields(clinic)})
    return clinic


def add_site(clinic_id: int, name: str) -> Site:
    """Add a location where the clinic sees families."""
    name = name.strip()
    if db.session.scalar(sa.select(Site.id).where(Site.clinic_id == clinic_id, Site.name == name)):
        raise DomainError(_("The clinic already has a site with this name."), code="duplicate")
    site = Site(clinic_id=clinic_id, name=name)
    db.session.add(site)
    record_audit(AuditAction.CREATE, site)
    return site


def save_partner_organization(
    clinic_id: int, organization: PartnerOrganization | None, **fields: Any
) -> PartnerOrganization:
    """Create or update a partner organization; names are unique within the clinic."""
    fields["name"] = fields["name"].strip()
    fields["kind"] = PartnerKind(fields["kind"])
    clash = sa.select(PartnerOrganization.id).where(
        PartnerOrganization.clinic_id == clinic_id, PartnerOrganization.name == fields["name"]
    )
    if organization is not None:
        clash = clash.where(PartnerOrganization.id != organization.id)
    if db.session.scalar(clash):
        raise DomainError(
            _("A partner organization with this name already exists."), code="duplicate"
        )
    if organization is None:
        organization = PartnerOrganization(clinic_id=clinic_id, **fields)
        db.session.add(organization)
        record_audit(AuditAction.CREATE, organization)
        return organization
    for key, value in fields.items():
        setattr(organization, key, value)
    record_audit(AuditAction.UPDATE, organization, details={"fields": changed_fields(organization)})
    return organization
