"""Role checks and clinic scope, reusable by every feature.

Every view is declared with exactly one of `require_role(...)` or `public`; the access-matrix
test reads the declaration, so a new endpoint without one fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, current_app, g
from flask_login import current_user

from app.core.roles import Role
from app.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


def require_role(*roles: Role | Iterable[Role]) -> Callable[[F], F]:
    """Allow the view to signed-in members of the current clinic holding one of `roles`."""
    allowed: set[Role] = set()
    for role in roles:
        allowed.update([role] if isinstance(role, Role) else role)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            membership = g.get("membership")
            if membership is None or membership.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(allowed)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Mark a view as reachable without signing in (sign-in page, language switch, health)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def current_role() -> Role | None:
    membership = g.get("membership")
    return membership.role if membership is not None else None


def current_clinic_id() -> int:
    return g.membership.clinic_id


def get_in_clinic_or_404(model: type[M], object_id: int) -> M:
    """Load one row of the current clinic; other clinics' rows are indistinguishable from absent."""
    row = db.session.scalar(
        sa.select(model).where(
            model.id == object_id,  # type: ignore[attr-defined]
            model.clinic_id == current_clinic_id(),  # type: ignore[attr-defined]
        )
    )
    if row is None:
        abort(404)
    return row
