"""Daily huddle board: queries per page and server time on a busy day with a year of history.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/wellthread_bench_board \
        .venv/bin/python bench/huddle_board.py      # the database is emptied and rebuilt
    .venv/bin/python bench/huddle_board.py          # SQLite in a temp folder

Builds the demo clinic, then a busy day: 60 visits today for families with a year of history
(three earlier visits each with the caregiver's screens and a family check-in, referrals open and
closed, follow-ups done, due and overdue), four weeks of past daily huddles with notes and action
items, yesterday's no-shows, and today's huddle running with attendees and notes. Prints the board's
query count and its median server time over 30 requests, with and without ?attention=1.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from app.appointments.models import AppointmentStatus, nearest_visit_kind
from app.core.roles import Role
from app.db import now_utc
from app.demo.seed import DEMO_TIMEZONE, demo_clinic, seed_demo_clinic
from app.extensions import db
from app.families.models import Program
from app.families.operations import enrol_in_program
from app.followups.operations import create_follow_up, mark_follow_up_done
from app.huddles.models import HuddleKind
from app.huddles.operations import add_action_item, add_attendee, add_note, start_huddle
from app.referrals.models import ReferralStatus, Side
from bench.common import bench_app, median_ms
from tests.factories import CHECKIN_ALL_NO, Factory
from tests.referrals.builders import Family, move, refer

VISITS, PAGE_RUNS, PAST_HUDDLE_DAYS = 60, 30, 28
NEEDS = ("food", "housing", "utilities", "transportation", "child_care")


def make_password() -> str:
    return secrets.token_urlsafe(16)


def _local(day: date, hour: float, zone: ZoneInfo) -> datetime:
    return (datetime.combine(day, time(8), tzinfo=zone) + timedelta(hours=hour - 8)).astimezone(UTC)


def _history(make: Factory, family: Family, today: date, zone, rng: Random) -> None:
    """Three earlier visits of the year, each with the caregiver's screens."""
    for months_ago in (9, 6, 3):
        on = today - timedelta(days=30 * months_ago)
        age = (on - family.child.date_of_birth).days
        if age < 3:
            continue
        past = make.appointment(family.child, at=_local(on, 10 + rng.random() * 6, zone),
                                visit_kind=nearest_visit_kind(age),
                                status=AppointmentStatus.COMPLETED)  # fmt: skip
        at = past.scheduled_at
        low = {"phq-1": str(rng.randint(0, 1)), "phq-2": str(rng.randint(0, 1))}
        make.screen(past, "phq-2", low, caregiver=family.caregiver, submitted_at=at)
        answers = {**CHECKIN_ALL_NO, f"need-{rng.choice(NEEDS)}": rng.choice(("yes", "not_now"))}
        make.screen(past, "family-checkin", answers, caregiver=family.caregiver, submitted_at=at)
        hvs = {"hvs-1": rng.choice(("never", "sometimes")), "hvs-2": "never"}
        make.screen(past, "hvs", hvs, caregiver=family.caregiver, submitted_at=at)


def _referrals_and_follow_ups(family: Family, team: dict, today: date, rng: Random) -> None:
    clinician, navigator = team["clinician"].user_id, team["navigator"].user_id
    closed = refer(family, clinician, need=rng.choice(NEEDS))
    move(closed, ReferralStatus.ACCEPTED, Side.RESPONDER, navigator)
    move(closed, ReferralStatus.COMPLETED, Side.RESPONDER, navigator)
    if rng.random() < 0.5:
        refer(family, clinician, need=rng.choice(NEEDS))
    for days, done in ((-60, True), (-5, rng.random() < 0.5), (7, False)):
        follow_up = create_follow_up(
            household=family.household, child=family.child, title="Call the family back",
            assignee_id=navigator, due_on=today + timedelta(days=days), created_by_id=clinician,
        )  # fmt: skip
        if done:
            mark_follow_up_done(follow_up, user_id=navigator, expected_version=follow_up.version)


def _busy_day(make: Factory, clinic, team: dict, today: date, rng: Random) -> list[Family]:
    zone = ZoneInfo(DEMO_TIMEZONE)
    families = []
    for n in range(VISITS):
        household = make.household(clinic, name=f"Bench{n}")
        caregiver = make.caregiver(household, preferred_language=rng.choice(("en", "es", "vi")),
                                   needs_interpreter=rng.random() < 0.3)  # fmt: skip
        born = today - timedelta(days=rng.randint(60, 900))
        child = make.child(household, given_name=f"Kid{n}", date_of_birth=born)
        if rng.random() < 0.4:
            enrol_in_program(child, program=Program.HEALTHYSTEPS,
                             healthysteps_tier=rng.randint(1, 3), enrolled_on=born)  # fmt: skip
        visit = make.appointment(child, at=_local(today, 8 + n * 9 / VISITS, zone),
                                 visit_kind=nearest_visit_kind((today - born).days),
                                 clinician_id=team["clinician"].user_id)  # fmt: skip
        family = Family(household, caregiver, child, visit)
        _history(make, family, today, zone, rng)
        _referrals_and_follow_ups(family, team, today, rng)
        if n % 12 == 0:  # a few no-shows yesterday
            make.appointment(child, at=_local(today - timedelta(days=1), 9 + n / 10, zone),
                             visit_kind=visit.visit_kind, status=AppointmentStatus.NO_SHOW)  # fmt: skip
        families.append(family)
    return families


def _huddles(families: list[Family], team: dict, clinic, today: date, rng: Random) -> None:
    """Four weeks of daily huddles with notes and action items, and today's, running."""
    clinician, navigator = team["clinician"].user_id, team["navigator"].user_id
    for days_ago in range(PAST_HUDDLE_DAYS, -1, -1):
        day = today - timedelta(days=days_ago)
        if days_ago and day.weekday() >= 5:
            continue  # no huddle at weekends, but today's runs whatever the day
        huddle = start_huddle(clinic.id, day=day, kind=HuddleKind.DAILY, user_id=clinician)
        add_attendee(huddle, navigator)
        held_at = datetime.combine(day, time(12), tzinfo=UTC)
        for family in rng.sample(families, 8):
            note = add_note(huddle, author_id=rng.choice((clinician, navigator)),
                            body="Mother asked about the food pantry hours; bring the list.",
                            household=family.household, child=family.child)  # fmt: skip
            note.created_at = held_at
        add_note(huddle, author_id=clinician, body="Two interpreters today.").created_at = held_at
        family = rng.choice(families)
        add_action_item(huddle, household=family.household, child=family.child,
                        title="Call about the WIC appointment", assignee_id=navigator,
                        due_on=day + timedelta(days=2), created_by_id=clinician)  # fmt: skip
        if days_ago:
            huddle.ended_at = held_at + timedelta(minutes=15)


def _count(app, client, path: str) -> int:
    counted: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        counted.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path} did not open")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
    if os.environ.get("BENCH_SHOW_SQL"):
        print(f"-- {path}", *(" ".join(q.split())[:160] for q in counted), sep="\n")
    return len(counted)


def main() -> None:
    app = bench_app()
    rng = Random(2026)  # noqa: S311 — synthetic data, reproducible on purpose
    with app.app_context():
        today = now_utc().astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
        seed_demo_clinic(today, password=make_password())
        clinic = demo_clinic()
        make = Factory(today=today)
        team = {"clinician": make.member(clinic, Role.CLINICIAN),
                "navigator": make.member(clinic, Role.NAVIGATOR)}  # fmt: skip
        families = _busy_day(make, clinic, team, today, rng)
        _huddles(families, team, clinic, today, rng)
        db.session.commit()
        engine = db.engine.url.get_backend_name()
        email = team["clinician"].user.email

    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": make.password})
    print(f"engine: {engine}")
    for label, path in (
        ("board", "/huddles/"),
        ("board, needs attention", "/huddles/?attention=1"),
    ):
        queries = _count(app, client, path)
        page = client.get(path).get_data(as_text=True)
        rows = page.count('class="card huddle-row"')
        ms = median_ms(lambda path=path: client.get(path), PAGE_RUNS)
        print(f"{label}: {rows} visits shown, {queries} queries, "
              f"median {ms:.1f} ms over {PAGE_RUNS} requests, {len(page) // 1024} KiB")  # fmt: skip


if __name__ == "__main__":
    main()
