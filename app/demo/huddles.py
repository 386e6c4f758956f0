"""Yesterday's huddle at the demo clinic: who came, a team note, notes about families seen today,
and an action item still open — so today's board has loose ends and last notes to show."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from app.accounts.queries import staff_with_role
from app.appointments.queries import appointments_on_day
from app.core.roles import NavigatorKind, Role
from app.huddles.models import HuddleKind
from app.huddles.operations import add_action_item, add_attendee, add_note, end_huddle, start_huddle

NOTES = (
    "Second baby; big sister is struggling with the change. Ask how bedtime is going.",
    "Family moved last month. Check the new address and phone number.",
)


def seed_huddle(clinic_id: int, today: date, zone: ZoneInfo) -> None:
    """Yesterday's daily huddle, ended, with notes about two of today's families."""
    nurse = staff_with_role(clinic_id, Role.NURSE_MA)[0].id
    chw = staff_with_role(clinic_id, Role.NAVIGATOR, NavigatorKind.COMMUNITY_HEALTH_WORKER)[0].id
    huddle = start_huddle(clinic_id, day=today - timedelta(days=1), kind=HuddleKind.DAILY,
                          user_id=nurse)  # fmt: skip
    for user in (staff_with_role(clinic_id, Role.CLINICIAN)[0].id, chw):
        add_attendee(huddle, user)
    add_note(huddle, author_id=nurse, body="Flu vaccine clinic on Saturday: tell families.")
    visits = appointments_on_day(clinic_id, today, zone)[-2:]
    for visit, body in zip(visits, NOTES, strict=True):
        add_note(huddle, author_id=nurse, body=body, household=visit.child.household,
                 child=visit.child)  # fmt: skip
    add_action_item(huddle, household=visits[0].child.household, child=visits[0].child,
                    title="Bring a sibling-adjustment handout to today's visit", assignee_id=chw,
                    due_on=today, created_by_id=nurse)  # fmt: skip
    end_huddle(huddle)
