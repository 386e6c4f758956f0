"""State changes for accounts: sign-in, users, memberships, passwords, language."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts import queries
from app.accounts.models import Membership, User
from app.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from app.clinics.models import PartnerOrganization
from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.errors import DomainError
from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.extensions import db


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None; either way the attempt is audited.

    Attempts on a known account are logged in the account's first clinic, so its admins see them.
    """
    user = queries.get_user_by_email(email)
    valid = verify_password(user.password_hash if user else None, password)
    memberships = queries.active_memberships(user) if user is not None else []
    clinic_id = memberships[0].clinic_id if memberships else None
    if user is None or not valid or not user.is_active or not memberships:
        record_audit(
            AuditAction.SIGN_IN_FAILED,
            clinic_id=clinic_id,
            actor_user_id=None,
            details={"email": email.strip().lower()[:254]},
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = now_utc()
    record_audit(AuditAction.SIGN_IN, user, actor_user_id=user.id, clinic_id=clinic_id)
    return user


def _check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("Choose a password of at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
            code="weak_password",
        )


def _check_role_details(
    clinic_id: int,
    role: Role,
    navigator_kind: NavigatorKind | None,
    partner_organization_id: int | None,
) -> tuple[NavigatorKind | None, int | None]:
    """Navigators need a kind and partners an organization of this clinic; others have neither."""
    if role == Role.NAVIGATOR and navigator_kind is None:
        raise DomainError(_("Choose what kind of navigator this person is."), code="navigator_kind")
    if role == Role.PARTNER:
        organization = db.session.get(PartnerOrganization, partner_organization_id or 0)
        if organization is None or organization.clinic_id != clinic_id:
            raise DomainError(
                _("Choose the partner organization this person works for."), code="partner_org"
            )
    return (
        navigator_kind if role == Role.NAVIGATOR else None,
        partner_organization_id if role == Role.PARTNER else None,
    )


def add_clinic_member(
    clinic_id: int,
    *,
    email: str,
    full_name: str,
    password: str,
    role: Role,
    navigator_kind: NavigatorKind | None = None,
    partner_organization_id: int | None = None,
) -> Membership:
    """Give a person a role in the clinic, creating their account if they have none yet."""
    kind, organization_id = _check_role_details(
        clinic_id, role, navigator_kind, partner_organization_id
    )
    user = queries.get_user_by_email(email)
    if user is None:
        _check_password_strength(password)
        user = User(
            email=email.strip().lower(),
            full_name=full_name.strip(),
            password_hash=hash_password(password),
        )
        db.session.add(user)
        record_audit(AuditAction.CREATE, user)
    elif db.session.scalar(
        sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.clinic_id == clinic_id
        )
    ):
        raise DomainError(_("This person already has a role in this clinic."), code="duplicate")
    membership = Membership(
        user=user,
        clinic_id=clinic_id,
        role=role,
        navigator_kind=kind,
        partner_organization_id=organization_id,
    )
    db.session.add(membership)
    record_audit(AuditAction.CREATE, membership, details={"role": str(role)})
    return membership


def update_membership(
    membership: Membership,
    *,
    acting_user: User,
    role: Role,
    navigator_kind: NavigatorKind | None,
    partner_organization_id: int | None,
    is_active: bool,
) -> Membership:
    """Change a member's role or deactivate them; the clinic always keeps an active admin."""
    kind, organization_id = _check_role_details(
        membership.clinic_id, role, navigator_kind, partner_organization_id
    )
    if membership.user_id == acting_user.id and (role != membership.role or not is_active):
        raise DomainError(_("You cannot change your own role or access."), code="self_change")
    losing_admin = membership.role == Role.CLINIC_ADMIN and membership.is_active
    stops_being_admin = role != Role.CLINIC_ADMIN or not is_active
    if (
        losing_admin
        and stops_being_admin
        and queries.count_active_admins(membership.clinic_id) <= 1
    ):
        raise DomainError(_("The clinic must keep at least one clinic admin."), code="last_admin")
    membership.role = role
    membership.navigator_kind = kind
    membership.partner_organization_id = organization_id
    membership.is_active = is_active
    record_audit(AuditAction.UPDATE, membership, details={"fields": changed_fields(membership)})
    return membership


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the user's password after checking the current one."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("Your current password is not correct."), code="wrong_password")
    _check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    record_audit(AuditAction.UPDATE, user, details={"fields": ["password"]})


def set_user_locale(user: User, locale: str | None) -> None:
    """Remember the user's language; None means follow the browser."""
    user.locale = locale


def record_sign_out(user: User, *, reason: str | None = None) -> None:
    """Log that the user left this browser (by choice, or to hand it to a family as a kiosk)."""
    record_audit(AuditAction.SIGN_OUT, user, details={"reason": reason} if reason else None)
