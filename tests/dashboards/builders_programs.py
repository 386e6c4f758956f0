"""Hand-built huddles, action items, practices and program enrolments for the team and program
metric tests, made through the real operations (only their dates are set by hand)."""

from __future__ import annotations

from datetime import date, datetime

from app.core.roles import NavigatorKind, Role
from app.extensions import db
from app.families.models import Program
from app.families.operations import end_enrolment, enrol_in_program
from app.huddles.models import HuddleKind
from app.huddles.operations import add_action_item, start_huddle
from app.visits.operations import record_practice


def staff(make, clinic, role: Role = Role.CLINICIAN, **fields) -> int:
    return make.member(clinic, role, **fields).user_id


def site(make, clinic, name: str):
    made = make.site(clinic, name)
    db.session.flush()
    return made


def huddle(make, clinic, day: date, site=None, kind: HuddleKind = HuddleKind.DAILY):
    return start_huddle(
        clinic.id,
        day=day,
        kind=kind,
        user_id=staff(make, clinic),
        site_id=site.id if site else None,
    )


def action_item(huddle, child, agreed_at: datetime, *, is_done: bool = False):
    user_id = huddle.started_by_id
    item = add_action_item(
        huddle, household=child.household, child=child, title="Call the family",
        assignee_id=user_id, due_on=agreed_at.date(), created_by_id=user_id,
    )  # fmt: skip
    item.created_at = agreed_at
    item.done_at = agreed_at if is_done else None
    db.session.flush()
    return item


def practices(appointment, user_id: int, *codes: str) -> None:
    for code in codes:
        record_practice(appointment, code, user_id=user_id)
    db.session.flush()


def healthysteps(child, tier: int, enrolled_on: date, ended_on: date | None = None):
    enrolment = enrol_in_program(
        child, program=Program.HEALTHYSTEPS, enrolled_on=enrolled_on, healthysteps_tier=tier
    )
    if ended_on is not None:
        end_enrolment(enrolment, ended_on)
    db.session.flush()
    return enrolment


def dulce(make, clinic, child, enrolled_on: date):
    specialist = staff(
        make, clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST
    )
    enrolment = enrol_in_program(
        child, program=Program.DULCE, enrolled_on=enrolled_on, family_specialist_id=specialist
    )
    db.session.flush()
    return enrolment
