"""The navigator's live warm-handoff endpoints: the polled list and accepting one."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from app.core.auth import get_in_clinic_or_404, require_role
from app.core.errors import DomainError, json_error
from app.core.roles import Role
from app.db import now_utc
from app.extensions import db
from app.referrals import handoffs
from app.referrals.models import Referral, ReferralStatus
from app.referrals.operations import STALE

bp = Blueprint("handoffs", __name__, url_prefix="/handoffs", template_folder="templates")


@bp.route("/live")
@require_role(Role.NAVIGATOR)
def live():
    waiting = handoffs.my_waiting_handoffs()
    db.session.commit()
    now = now_utc()
    return jsonify(
        handoffs=[handoffs.handoff_json(h, now) for h in waiting],
        poll_seconds=handoffs.POLL_SECONDS,
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _refused(referral_id: int, error: DomainError):
    db.session.rollback()
    if error.code == STALE:
        # Someone else moved it between our read and our write: say who, when we can.
        referral = db.session.get(Referral, referral_id, populate_existing=True)
        if referral is not None and referral.status != ReferralStatus.REQUESTED:
            error = handoffs.taken(referral)
    status = 403 if error.code == "wrong_team" else 409
    if _wants_json():
        return json_error(status, error.code, error.message)
    flash(error.message, "error")
    return redirect(url_for("home.index"))


@bp.route("/<int:referral_id>/accept", methods=["POST"])
@require_role(Role.NAVIGATOR)
def accept(referral_id: int):
    referral = get_in_clinic_or_404(Referral, referral_id)
    try:
        handoffs.accept_handoff(
            referral, g.membership, expected_version=request.form.get("version", type=int)
        )
    except DomainError as error:
        return _refused(referral_id, error)
    db.session.commit()
    message = _("You accepted the warm handoff. Go and meet the family now.")
    if _wants_json():
        return jsonify(
            accepted={"id": referral.id, "minutes_to_accept": round(referral.minutes_to_accept)},
            message=message,
        )
    flash(message, "success")
    return redirect(url_for("followups.index"))
