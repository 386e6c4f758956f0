"""Daily huddles of one volume site: who came, a few notes, action items that mostly got done."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from app.demo.volume_followups import Task, write_follow_up
from app.demo.volume_world import SiteWork, Visit, weekday_on_or_after, working_days
from app.huddles.models import Huddle, HuddleAttendee, HuddleNote

HUDDLE_COLUMNS = (
    "id", "clinic_id", "site_id", "site_scope", "kind", "held_on", "started_at", "started_by_id",
    "ended_at", "created_at", "updated_at",
)  # fmt: skip
ATTENDEE_COLUMNS = ("huddle_id", "user_id")
NOTE_COLUMNS = (
    "clinic_id", "huddle_id", "household_id", "child_id", "author_id", "body", "created_at",
    "version",
)  # fmt: skip

HELD_SHARE = 0.8
FAMILY_NOTES = (
    "Second baby; big sister is struggling with the change. Ask how bedtime is going.",
    "Family moved last month. Check the new address and phone number.",
    "Interpreter booked for 10:40; Dad will join by phone.",
    "Mom mentioned money is tight; have the CHW say hello.",
    "Follow up on last visit's referral to the food pantry.",
)
TEAM_NOTES = (
    "Two interpreters today; one room short after lunch.",
    "Flu vaccine clinic on Saturday: tell families.",
    "New HealthySteps handouts are in the supply room.",
)
ACTION_TITLES = (
    "Bring a sibling-adjustment handout to today's visit",
    "Call about the WIC appointment",
    "Check that the interpreter is booked for the next visit",
    "Send the family the parenting group schedule",
)


def _visits_by_day(work: SiteWork) -> dict[date, list[Visit]]:
    """Visits at this site of this site's families, by local day."""
    by_day: dict[date, list[Visit]] = defaultdict(list)
    for visit in work.visits:
        if visit.team is work.team and visit.status != "cancelled":
            by_day[visit.day].append(visit)
    return by_day


def _notes(work: SiteWork, huddle_id: int, started: datetime, attendees: list[int],
           visits: list[Visit]) -> None:  # fmt: skip
    rng, clinic_id = work.rng, work.run.clinic_id
    for visit in rng.sample(visits, min(len(visits), rng.randint(0, 3))):
        at = started + timedelta(minutes=rng.uniform(1, 8))
        work.add(HuddleNote, (clinic_id, huddle_id, visit.kid.family.id, visit.kid.id,
                              rng.choice(attendees), rng.choice(FAMILY_NOTES), at, 1))  # fmt: skip
    if rng.random() < 0.3:
        work.add(HuddleNote, (clinic_id, huddle_id, None, None, attendees[0],
                              rng.choice(TEAM_NOTES), started + timedelta(minutes=2), 1))  # fmt: skip


def _action_items(work: SiteWork, huddle_id: int, day: date, started: datetime,
                  attendees: list[int], visits: list[Visit]) -> None:  # fmt: skip
    rng = work.rng
    for visit in rng.sample(
        visits, min(len(visits), rng.choices((0, 1, 2), weights=(35, 45, 20))[0])
    ):
        task = Task(
            family=visit.kid.family, child_id=visit.kid.id, source="huddle",
            title=rng.choice(ACTION_TITLES), assignee_id=rng.choice(attendees),
            created_by_id=attendees[0], created_at=started + timedelta(minutes=rng.uniform(3, 9)),
            due_on=weekday_on_or_after(day + timedelta(days=rng.randint(0, 5))), huddle_id=huddle_id,
        )  # fmt: skip
        write_follow_up(work, task, on_time=0.75, late=0.1, attempt_share=0.3)


def _huddle(work: SiteWork, day: date, visits: list[Visit]) -> None:
    run, rng, team = work.run, work.rng, work.team
    started = run.at(day, rng.uniform(7 * 60 + 50, 8 * 60 + 20))
    if started > run.cutoff:
        return
    huddle_id = work.new_id(Huddle)
    starter = team.nurse_id if rng.random() < 0.7 else team.clinician_ids[0]
    others = [user for user in team.huddle_pool if user != starter]
    attendees = [starter, *rng.sample(others, min(len(others), rng.randint(2, 4)))]
    ended = started + timedelta(minutes=rng.uniform(8, 25))
    ended = ended if ended <= run.cutoff else None
    work.add(Huddle, (huddle_id, run.clinic_id, team.site_id, team.site_id, "daily", day, started,
                      starter, ended, started, ended or started))  # fmt: skip
    for user in attendees:
        work.add(HuddleAttendee, (huddle_id, user))
    _notes(work, huddle_id, started, attendees, visits)
    _action_items(work, huddle_id, day, started, attendees, visits)


def seed_huddles(work: SiteWork) -> None:
    """A morning huddle on about four working days in five."""
    by_day = _visits_by_day(work)
    for day in working_days(work.run.start, work.run.end):
        if work.rng.random() < HELD_SHARE:
            _huddle(work, day, by_day.get(day, []))
