"""Resource directory rows in Open Referral HSDS shape (organization, service, location,
service_at_location), kept per clinic; `external_id` is the HSDS id, so re-imports update in place."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin


class DirectoryOrganization(TimestampMixin, Base):
    __tablename__ = "directory_organizations"
    __table_args__ = (sa.UniqueConstraint("clinic_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    external_id: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(250))
    description: Mapped[str | None] = mapped_column(sa.Text)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    #: The partner organization whose portal receives referrals to this organization's services.
    partner_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_organizations.id")
    )

    services: Mapped[list[DirectoryService]] = relationship(back_populates="organization")
    partner_organization = relationship("PartnerOrganization")

    def audit_refs(self) -> dict[str, Any]:
        return {}


class DirectoryService(TimestampMixin, Base):
    __tablename__ = "directory_services"
    __table_args__ = (sa.UniqueConstraint("clinic_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("directory_organizations.id"), index=True
    )
    external_id: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(250))
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: HSDS eligibility_description: who can use it, in the publisher's words.
    eligibility: Mapped[str | None] = mapped_column(sa.Text)
    fees: Mapped[str | None] = mapped_column(sa.Text)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    #: Family check-in need codes this service meets (food, housing, …).
    need_domains: Mapped[list[str]] = mapped_column(sa.JSON)
    #: BCP 47 codes of the languages the service is offered in (HSDS language table).
    languages: Mapped[list[str]] = mapped_column(sa.JSON)
    is_active: Mapped[bool] = mapped_column(default=True)

    organization: Mapped[DirectoryOrganization] = relationship(back_populates="services")
    locations: Mapped[list[DirectoryLocation]] = relationship(
        secondary="directory_service_at_location", order_by="DirectoryLocation.name"
    )

    def audit_refs(self) -> dict[str, Any]:
        return {}


class DirectoryLocation(TimestampMixin, Base):
    __tablename__ = "directory_locations"
    __table_args__ = (sa.UniqueConstraint("clinic_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directory_organizations.id"))
    external_id: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(250))
    address: Mapped[str | None] = mapped_column(sa.Text)
    city: Mapped[str | None] = mapped_column(sa.String(120))
    postal_code: Mapped[str | None] = mapped_column(sa.String(20))
    #: BCP 47 codes of languages spoken at this site.
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    def audit_refs(self) -> dict[str, Any]:
        return {}


class DirectoryServiceAtLocation(Base):
    __tablename__ = "directory_service_at_location"
    __table_args__ = (sa.UniqueConstraint("service_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(100))
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("directory_services.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("directory_locations.id"))
