"""`/` sends each person to the page their role starts from."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, g, render_template
from flask_babel import format_timedelta

from app.appointments.queries import appointments_on_day
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, public, require_role
from app.core.clock import clinic_today, clinic_zone
from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.extensions import db
from app.families.models import Program
from app.home import queries
from app.screening import explain
from app.screening.escalation import escalation_limit_in_words
from app.screening.queries import open_critical_flags

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/healthz")
@public
def health():
    return {"status": "ok"}


@bp.route("/")
@require_role(set(Role))
def index():
    role = g.membership.role
    today = clinic_today()
    if role == Role.PARTNER:
        return render_template("home/partner.html", organization=g.membership.partner_organization)
    if role == Role.CLINIC_ADMIN:
        overview = queries.clinic_overview(current_clinic_id(), today, clinic_zone())
        return render_template("home/admin.html", overview=overview)
    if role == Role.PRACTICE_MANAGER:
        return _manager_home(today)
    return _care_team_home(role, today)


def _manager_home(today):
    """The clinic's numbers, led by the critical answers still waiting for a clinician."""
    overview = queries.clinic_overview(current_clinic_id(), today, clinic_zone())
    waiting = open_critical_flags(current_clinic_id())
    record_audit(
        AuditAction.VIEW,
        object_type="waiting_critical_answers",
        details={"answers": len(waiting)},
    )
    db.session.commit()
    now = now_utc()
    return render_template(
        "home/manager.html",
        overview=overview,
        today=today,
        waiting=waiting,
        waited={flag.id: _time_since(flag.raised_at, now) for flag in waiting},
        explain=explain,
        limit=escalation_limit_in_words(g.clinic),
    )


def _time_since(since: datetime, now: datetime) -> str:
    return format_timedelta(now - since, granularity="minute", threshold=1)


def _care_team_home(role: Role, today):
    """Clinicians see their own visits today; the rest of the team sees the whole day."""
    clinician_id = g.user.id if role == Role.CLINICIAN else None
    appointments = appointments_on_day(
        current_clinic_id(), today, clinic_zone(), clinician_id=clinician_id
    )
    enrolments = []
    if role == Role.NAVIGATOR:
        kind = g.membership.navigator_kind
        enrolments = (
            queries.families_of_specialist(g.user)
            if kind == NavigatorKind.DULCE_FAMILY_SPECIALIST
            else queries.active_enrolments(current_clinic_id(), Program.HEALTHYSTEPS)
            if kind == NavigatorKind.HEALTHYSTEPS_SPECIALIST
            else []
        )
    record_audit(
        AuditAction.VIEW,
        object_type="schedule",
        details={"day": today.isoformat(), "appointments": len(appointments)},
    )
    db.session.commit()
    return render_template(
        "home/care_team.html",
        role=role,
        today=today,
        appointments=appointments,
        enrolments=enrolments,
    )
