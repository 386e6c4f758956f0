"""Named reads about users and memberships."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import Membership, User
from app.core.roles import NavigatorKind, Role
from app.extensions import db


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def active_memberships(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership)
            .options(joinedload(Membership.clinic), joinedload(Membership.partner_organization))
            .where(Membership.user_id == user.id, Membership.is_active)
            .order_by(Membership.id)
        )
    )


def memberships_of_clinic(clinic_id: int) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.user)
            .options(joinedload(Membership.user), joinedload(Membership.partner_organization))
            .where(Membership.clinic_id == clinic_id)
            .order_by(Membership.is_active.desc(), User.full_name)
        )
    )


def staff_with_role(
    clinic_id: int, role: Role, navigator_kind: NavigatorKind | None = None
) -> list[User]:
    """Active users of the clinic with `role` (and navigator kind), by name: for pickers."""
    query = (
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.clinic_id == clinic_id,
            Membership.role == role,
            Membership.is_active,
            User.is_active,
        )
        .order_by(User.full_name)
    )
    if navigator_kind is not None:
        query = query.where(Membership.navigator_kind == navigator_kind)
    return list(db.session.scalars(query))


def count_active_admins(clinic_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Membership.id)).where(
                Membership.clinic_id == clinic_id,
                Membership.role == Role.CLINIC_ADMIN,
                Membership.is_active,
            )
        )
        or 0
    )


def has_role_in_clinic(
    user_id: int, clinic_id: int, role: Role, navigator_kind: NavigatorKind | None = None
) -> bool:
    """Whether the user is an active member of the clinic with this role (and navigator kind)."""
    return any(user.id == user_id for user in staff_with_role(clinic_id, role, navigator_kind))
