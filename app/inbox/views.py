"""The in-app inbox: a user's notifications, newest first, and the unread count in the header."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.core.auth import current_clinic_id, require_role
from app.core.roles import Role
from app.extensions import db
from app.inbox import operations, queries
from app.inbox.messages import SENTENCES
from app.inbox.models import Notification

bp = Blueprint("inbox", __name__, url_prefix="/inbox", template_folder="templates")

EVERYONE = frozenset(Role)


def notification_link(notification: Notification) -> str | None:
    """The page the notification is about: partners answer referrals in their own portal."""
    is_partner = g.membership.role == Role.PARTNER
    if notification.referral_id is not None:
        endpoint = "partners.referral" if is_partner else "referrals.detail"
        return url_for(endpoint, referral_id=notification.referral_id)
    if notification.follow_up_id is not None and not is_partner:
        return url_for("followups.detail", follow_up_id=notification.follow_up_id)
    return None


@bp.app_context_processor
def _unread_badge() -> dict[str, Any]:
    def unread_notifications() -> int:
        # Asked for by the header only: one query per page, and none for a PDF or an e-mail.
        if "unread_notifications" not in g:
            membership = g.get("membership")
            g.unread_notifications = (
                queries.unread_count(g.user.id, membership.clinic_id) if membership else 0
            )
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


@bp.route("/")
@require_role(EVERYONE)
def index():
    notifications = queries.recent_notifications(g.user.id, current_clinic_id())
    return render_template(
        "inbox/index.html", notifications=notifications, sentences=SENTENCES,
        link_of=notification_link,
    )  # fmt: skip


@bp.route("/read", methods=["POST"])
@require_role(EVERYONE)
def mark_all_read():
    count = operations.mark_all_read(g.user.id, current_clinic_id())
    db.session.commit()
    flash(
        _("Every notification is marked as read.") if count else _("Nothing was unread."),
        "success",
    )
    return redirect(url_for("inbox.index"))
