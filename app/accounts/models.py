"""User and Membership rows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clinics.models import Clinic, PartnerOrganization
from app.core.roles import NavigatorKind, Role
from app.db import Base, TimestampMixin, UTCDateTime, enum_column


class User(UserMixin, TimestampMixin, Base):
    """A person who signs in: staff of one or more clinics, or a partner organization's user."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; unique across the whole installation.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: The user's own language choice; None means "follow the browser".
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", foreign_keys="Membership.user_id"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Membership(TimestampMixin, Base):
    """A user's role in one clinic."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "clinic_id"),
        sa.CheckConstraint(
            "(role = 'navigator') = (navigator_kind IS NOT NULL)",
            name="navigator_kind_for_navigators",
        ),
        sa.CheckConstraint(
            "(role = 'partner') = (partner_organization_id IS NOT NULL)",
            name="partner_org_for_partners",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    navigator_kind: Mapped[NavigatorKind | None] = mapped_column(
        enum_column(NavigatorKind, "navigator_kind")
    )
    partner_organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_organizations.id"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    clinic: Mapped[Clinic] = relationship()
    partner_organization: Mapped[PartnerOrganization | None] = relationship()

    @property
    def role_label(self) -> str:
        label = self.role.label
        if self.navigator_kind is not None:
            label = f"{label} · {self.navigator_kind.label}"
        if self.partner_organization is not None:
            label = f"{label} · {self.partner_organization.name}"
        return label
