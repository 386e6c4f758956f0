"""`/` sends each person to the page their role starts from."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, g, render_template
from flask_babel import format_timedelta

from app.appointments.queries import appointments_on_day
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, public, require_role
from app.core.clock import clinic_today, clinic_zone
from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.extensions import db
from app.families.models import Program
from app.followups.queries import worklist_counts
from app.home import queries
from app.partners import queries as partner_queries
from app.referrals import handoffs
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
        return _partner_home()
    if role == Role.CLINIC_ADMIN:
        overview = queries.clinic_overview(current_clinic_id(), today, clinic_zone())
        return render_template("home/admin.html", overview=overview)
    if role == Role.PRACTICE_MANAGER:
        return _manager_home(today)
    return _care_team_home(role, today)


def _partner_home():
    """How many referrals wait for the organization and how many it is working on."""
    organization = g.membership.partner_organization
    if organization is None or not organization.is_active:
        abort(403)  # a partnership that ended sees nothing
    counts = partner_queries.open_counts(organization)
    record_audit(AuditAction.VIEW, object_type="partner_referrals", details={"counts": counts})
    db.session.commit()
    return render_template("home/partner.html", organization=organization, counts=counts)


def _manager_home(today):
    """The clinic's numbers, led by the critical answers still waiting for a clinician."""
    overview = queries.clinic_overview(current_clinic_id(), today, clinic_zone())
    waiting = open_critical_flags(current_clinic_id())
    record_audit(
        AuditAction.VIEW,
        object_type="waiting_critical_answers",
        details={"answers": len(waiting)},
    )
    waiting_handoffs = _waiting_handoffs()
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
        waiting_handoffs=waiting_handoffs,
        now=now,
    )


def _waiting_handoffs() -> list[handoffs.WaitingHandoff]:
    """Every warm handoff nobody has accepted yet: the front desk and the manager chase them."""
    waiting = handoffs.waiting_handoffs(current_clinic_id())
    record_audit(
        AuditAction.VIEW, object_type="waiting_handoffs", details={"handoffs": len(waiting)}
    )
    return waiting


def _time_since(since: datetime, now: datetime) -> str:
    return format_timedelta(now - since, granularity="minute", threshold=1)


def _care_team_home(role: Role, today):
    """Clinicians see their own visits today; the rest of the team sees the whole day."""
    clinician_id = g.user.id if role == Role.CLINICIAN else None
    appointments = appointments_on_day(
        current_clinic_id(), today, clinic_zone(), clinician_id=clinician_id
    )
    extras = {}
    if role == Role.NAVIGATOR:
        extras = _navigator_section(today)
    elif role == Role.FRONT_DESK:
        extras = {"waiting_handoffs": _waiting_handoffs(), "now": now_utc()}
    record_audit(
        AuditAction.VIEW,
        object_type="schedule",
        details={"day": today.isoformat(), "appointments": len(appointments)},
    )
    db.session.commit()
    return render_template(
        "home/care_team.html", role=role, today=today, appointments=appointments, **extras
    )


def _navigator_section(today) -> dict:
    """Live warm handoffs for the navigator's team, their worklist in numbers, their families."""
    kind = g.membership.navigator_kind
    now = now_utc()
    return {
        "live_handoffs": [handoffs.handoff_json(h, now) for h in handoffs.my_waiting_handoffs()],
        "poll_seconds": handoffs.POLL_SECONDS,
        "counts": worklist_counts(current_clinic_id(), g.user.id, today),
        "enrolments": (
            queries.families_of_specialist(g.user)
            if kind == NavigatorKind.DULCE_FAMILY_SPECIALIST
            else queries.active_enrolments(current_clinic_id(), Program.HEALTHYSTEPS)
            if kind == NavigatorKind.HEALTHYSTEPS_SPECIALIST
            else []
        ),
    }
