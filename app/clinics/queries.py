"""Named reads about clinics, sites and partner organizations."""

from __future__ import annotations

import sqlalchemy as sa

from app.clinics.models import PartnerOrganization, Site
from app.extensions import db


def partner_organizations_of(
    clinic_id: int, *, active_only: bool = False
) -> list[PartnerOrganization]:
    query = sa.select(PartnerOrganization).where(PartnerOrganization.clinic_id == clinic_id)
    if active_only:
        query = query.where(PartnerOrganization.is_active)
    return list(db.session.scalars(query.order_by(PartnerOrganization.name)))


def sites_of(clinic_id: int) -> list[Site]:
    return list(
        db.session.scalars(sa.select(Site).where(Site.clinic_id == clinic_id).order_by(Site.name))
    )
