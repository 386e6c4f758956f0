"""Follow-ups of the volume clinic (a referral's, a huddle's action items) and contact attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.demo.volume_world import Family, SiteWork, Visit, weekday_on_or_after
from app.followups.models import ContactAttempt, FollowUp

FOLLOW_UP_COLUMNS = (
    "id", "clinic_id", "household_id", "child_id", "referral_id", "huddle_id", "source", "title",
    "assignee_id", "due_on", "created_by_id", "done_at", "done_by_id", "needs_review_since",
    "version", "created_at", "updated_at",
)  # fmt: skip
ATTEMPT_COLUMNS = (
    "clinic_id", "household_id", "follow_up_id", "referral_id", "method", "is_reached", "note",
    "attempted_at", "attempted_by_id",
)  # fmt: skip

#: The clinic's default: three unreached attempts in a row put a follow-up up for review.
FAILED_CONTACTS_BEFORE_REVIEW = 3
METHODS = {"call": 70, "text": 20, "in_person": 5, "home_visit": 5}
REFERRAL_TITLES = (
    "Check in with the family about the referral",
    "Call to see whether the family got the appointment",
    "Ask whether the service was a good fit",
)
UNREACHED_NOTES = ("No answer; left a voicemail.", "Number busy; will try tomorrow.", None)
REACHED_NOTES = (
    "Spoke with the caregiver; all set.",
    "Reached the family; next step agreed.",
    None,
)


@dataclass(frozen=True)
class Task:
    """A follow-up to write: about whom, for whom, from where, by when."""

    family: Family
    child_id: int | None
    source: str
    title: str
    assignee_id: int
    created_by_id: int
    created_at: datetime
    due_on: date
    referral_id: int | None = None
    huddle_id: int | None = None


def _done_at(work: SiteWork, task: Task, on_time: float, late: float) -> datetime | None:
    rng = work.rng
    due_end = max(work.run.at(task.due_on, 17 * 60), task.created_at + timedelta(hours=1))
    draw = rng.random()
    if draw < on_time:
        done = task.created_at + (due_end - task.created_at) * rng.uniform(0.05, 1.0)
    elif draw < on_time + late:
        done = due_end + timedelta(hours=rng.uniform(1, 240))
    else:
        return None
    return done if done <= work.run.cutoff else None


def _attempts(
    work: SiteWork, task: Task, follow_up_id: int, done: datetime | None
) -> datetime | None:
    """Tries at reaching the family, the last one reaching it when the task got done; returns
    when the follow-up was put up for review (after three unreached in a row), if it was."""
    rng = work.rng
    unreached = rng.choices((0, 1, 2, 3), weights=(55, 28, 12, 5))[0]
    end = done or min(work.run.cutoff, task.created_at + timedelta(days=14))
    times = sorted(task.created_at + (end - task.created_at) * rng.random()
                   for _ in range(unreached + (1 if done else 0)))  # fmt: skip
    for n, at in enumerate(times):
        reached = done is not None and n == len(times) - 1
        method = rng.choices(list(METHODS), weights=list(METHODS.values()))[0]
        note = rng.choice(REACHED_NOTES if reached else UNREACHED_NOTES)
        work.add(ContactAttempt, (work.run.clinic_id, task.family.id, follow_up_id,
                                  task.referral_id, method, reached, note, at, task.assignee_id))  # fmt: skip
    return (
        times[FAILED_CONTACTS_BEFORE_REVIEW - 1]
        if unreached >= FAILED_CONTACTS_BEFORE_REVIEW
        else None
    )


def write_follow_up(work: SiteWork, task: Task, *, on_time: float, late: float,
                    attempt_share: float) -> None:  # fmt: skip
    """One follow-up: done on time, late, or still open (overdue once its day has passed)."""
    follow_up_id = work.new_id(FollowUp)
    done = _done_at(work, task, on_time, late)
    review = (
        _attempts(work, task, follow_up_id, done) if work.rng.random() < attempt_share else None
    )
    changed = max(m for m in (task.created_at, done, review) if m is not None)
    work.add(FollowUp, (
        follow_up_id, work.run.clinic_id, task.family.id, task.child_id, task.referral_id,
        task.huddle_id, task.source, task.title, task.assignee_id, task.due_on, task.created_by_id,
        done, task.assignee_id if done else None, review, 1 + (done is not None) + (review is not None),
        task.created_at, changed,
    ))  # fmt: skip


def add_follow_up(work: SiteWork, visit: Visit, referral: dict, assignee_id: int) -> None:
    """The navigator's follow-up of an accepted referral, due a few days after accepting it."""
    rng = work.rng
    accepted: datetime = referral["accepted_at"]
    created = accepted + timedelta(minutes=rng.uniform(1, 30))
    if created > work.run.cutoff:
        return
    due = weekday_on_or_after(work.run.local_day(accepted) + timedelta(days=rng.randint(3, 10)))
    task = Task(family=visit.kid.family, child_id=visit.kid.id, source="referral",
                title=rng.choice(REFERRAL_TITLES), assignee_id=assignee_id,
                created_by_id=assignee_id, created_at=created, due_on=due,
                referral_id=referral["id"])  # fmt: skip
    write_follow_up(work, task, on_time=0.78, late=0.12, attempt_share=0.9)
