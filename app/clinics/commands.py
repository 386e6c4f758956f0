"""What the clinic-wide CLI commands share."""

from __future__ import annotations

import click
import sqlalchemy as sa

from app.clinics.models import Clinic
from app.extensions import db


def clinics_for_command(slug: str | None) -> list[Clinic]:
    """The clinic a command's --clinic names (every clinic without one), by name; a short name no
    clinic has is the command's error."""
    query = sa.select(Clinic).order_by(Clinic.name)
    if slug:
        query = query.where(Clinic.slug == slug)
    clinics = list(db.session.scalars(query))
    if slug and not clinics:
        raise click.ClickException(f"no clinic has the short name {slug}")
    return clinics
