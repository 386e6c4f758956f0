"""The daily huddle board: every visit of the day with what the team should know, yesterday's loose
ends, the filters, and a cost that does not grow with the day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.appointments.models import AppointmentStatus, VisitKind
from app.core.audit import AuditEvent
from app.core.roles import Role
from app.families.models import Program
from app.families.operations import enrol_in_program
from app.followups.operations import create_follow_up
from app.huddles.models import HuddleKind
from app.huddles.operations import add_action_item, add_note, start_huddle
from app.referrals.models import ReferralStatus, Side
from tests.factories import CHECKIN_ALL_NO
from tests.pages import text_of
from tests.referrals.builders import Family, move, refer


@dataclass
class _Html:
    html: str

    def get_data(self, as_text: bool = True) -> str:
        return self.html


def part(page, pattern: str) -> str:
    """The visible text of the first element of the page matching `pattern` (start to end tag)."""
    match = re.search(pattern, page.get_data(as_text=True), re.S)
    assert match, f"nothing matches {pattern!r}"
    return text_of(_Html(match.group(0)))


def row_of(page, child) -> str:
    return part(page, rf'<article[^>]*id="child-{child.id}".*?</article>')


def visits_of(page) -> str:
    return part(page, r'<section id="visits".*?</section>')


def loose_ends_of(page) -> str:
    return part(page, r'<section id="loose-ends".*?</section>')


def at(day, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


def visit(make, clinic, name: str, child_name: str, when: datetime, **fields) -> Family:
    household = make.household(clinic, name=name)
    caregiver = make.caregiver(household, given_name=f"{name} parent")
    child = make.child(household, given_name=child_name)
    fields.setdefault("visit_kind", VisitKind.MONTH_12)
    return Family(household, caregiver, child, make.appointment(child, at=when, **fields))


@dataclass
class Day:
    rivera: Family
    okafor: Family
    chen: Family
    diaz: Family
    lopez: Family
    cancelled: Family
    site_id: int


@pytest.fixture
def team(make, clinic):
    roles = (Role.CLINICIAN, Role.NURSE_MA, Role.FRONT_DESK, Role.NAVIGATOR, Role.PRACTICE_MANAGER)
    people = {role: make.member(clinic, role) for role in roles}
    return people | {"second_clinician": make.member(clinic, Role.CLINICIAN)}


def _rivera(make, clinic, team, today) -> Family:
    """A family with everything the board shows: critical, positive, priorities, referrals,
    an overdue follow-up, HealthySteps and huddle notes."""
    clinician, navigator = team[Role.CLINICIAN], team[Role.NAVIGATOR]
    rivera = visit(make, clinic, "Rivera", "Mateo", at(today, 9), visit_kind=VisitKind.MONTH_4,
                   clinician_id=clinician.user_id, needs_interpreter=True,
                   interpreter_language="es")  # fmt: skip
    now = datetime.now(UTC)
    make.screen(rivera.appointment, "phq-9", {**{f"phq-{n}": "0" for n in range(1, 9)}, "phq-9": "1"},
                caregiver=rivera.caregiver)  # fmt: skip
    make.screen(rivera.appointment, "hvs", {"hvs-1": "sometimes", "hvs-2": "never"},
                caregiver=rivera.caregiver, submitted_at=now - timedelta(days=30))  # fmt: skip
    # A positive depression screen of more than a year ago is history, not today's news.
    make.screen(rivera.appointment, "phq-9", {f"phq-{n}": "2" if n < 9 else "0" for n in range(1, 10)},
                caregiver=rivera.caregiver, submitted_at=now - timedelta(days=400))  # fmt: skip
    make.screen(rivera.appointment, "family-checkin", {**CHECKIN_ALL_NO, "need-legal": "yes"},
                caregiver=rivera.caregiver, submitted_at=now - timedelta(days=60))  # fmt: skip
    make.screen(rivera.appointment, "family-checkin",
                {**CHECKIN_ALL_NO, "need-housing": "yes", "need-food": "yes"},
                caregiver=rivera.caregiver)  # fmt: skip
    assert refer(rivera, clinician.user_id, need="food").status == ReferralStatus.REQUESTED
    closed = refer(rivera, clinician.user_id, need="utilities")
    for status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
        move(closed, status, Side.RESPONDER, navigator.user_id)
    for title, due in (("Call about the pantry", today - timedelta(days=2)),
                       ("Check the housing form", today + timedelta(days=3))):  # fmt: skip
        create_follow_up(household=rivera.household, child=rivera.child, title=title, due_on=due,
                         assignee_id=navigator.user_id, created_by_id=clinician.user_id)  # fmt: skip
    enrol_in_program(rivera.child, program=Program.HEALTHYSTEPS, healthysteps_tier=2,
                     enrolled_on=today - timedelta(days=90))  # fmt: skip
    return rivera


def _yesterdays_huddle(make, clinic, team, today, rivera: Family, lopez: Family) -> None:
    clinician, navigator = team[Role.CLINICIAN], team[Role.NAVIGATOR]
    huddle = start_huddle(clinic.id, day=today - timedelta(days=1), kind=HuddleKind.DAILY,
                          user_id=clinician.user_id)  # fmt: skip
    older = add_note(huddle, author_id=navigator.user_id, body="Ask about the new apartment",
                     household=rivera.household, child=rivera.child)  # fmt: skip
    older.created_at -= timedelta(hours=2)
    add_note(huddle, author_id=clinician.user_id, body="Mother starts work on Monday",
             household=rivera.household, child=rivera.child)  # fmt: skip
    for title, due in (("Send the WIC letter", today - timedelta(days=1)),
                       ("Book the home visit", today + timedelta(days=5))):  # fmt: skip
        add_action_item(huddle, household=lopez.household, child=lopez.child, title=title,
                        assignee_id=navigator.user_id, due_on=due, created_by_id=clinician.user_id)  # fmt: skip


@pytest.fixture
def day(make, clinic, team) -> Day:
    today, yesterday = make.today, make.today - timedelta(days=1)
    rivera = _rivera(make, clinic, team, today)
    eastside = make.site(clinic, "Eastside")
    okafor = visit(make, clinic, "Okafor", "Chidi", at(today, 10), site_id=eastside.id,
                   clinician_id=team["second_clinician"].user_id)  # fmt: skip
    make.screen(okafor.appointment, "family-checkin", CHECKIN_ALL_NO, caregiver=okafor.caregiver)
    make.screen(okafor.appointment, "hvs", {"hvs-1": "never", "hvs-2": "never"},
                caregiver=okafor.caregiver)  # fmt: skip
    cancelled = visit(make, clinic, "Nguyen", "Linh", at(today, 11),
                      status=AppointmentStatus.CANCELLED)  # fmt: skip
    chen = visit(make, clinic, "Chen", "Wei", at(yesterday, 15), status=AppointmentStatus.NO_SHOW)
    diaz = visit(make, clinic, "Diaz", "Lucia", at(yesterday, 16), status=AppointmentStatus.NO_SHOW)
    create_follow_up(household=diaz.household, child=diaz.child, title="Call to rebook",
                     due_on=today, assignee_id=team[Role.FRONT_DESK].user_id,
                     created_by_id=team[Role.FRONT_DESK].user_id)  # fmt: skip
    lopez = visit(make, clinic, "Lopez", "Sofia", at(today - timedelta(days=3), 14),
                  visit_kind=VisitKind.MONTH_2, status=AppointmentStatus.COMPLETED)  # fmt: skip
    make.screen(lopez.appointment, "phq-9", {**{f"phq-{n}": "0" for n in range(1, 9)}, "phq-9": "2"},
                caregiver=lopez.caregiver, submitted_at=datetime.now(UTC) - timedelta(days=3))  # fmt: skip
    _yesterdays_huddle(make, clinic, team, today, rivera, lopez)
    return Day(rivera, okafor, chen, diaz, lopez, cancelled, eastside.id)


def open_board(client, make, **params):
    query = {"day": make.today.isoformat(), **params}
    page = client.get("/huddles/", query_string=query)
    assert page.status_code == 200
    return page


def test_the_board_lists_every_visit_of_the_day_with_what_the_team_should_know(
    login, make, team, day
):
    page = open_board(login(team[Role.CLINICIAN]), make)
    text = text_of(page)
    assert "Mateo Rivera" in text
    assert "Chidi Okafor" in text
    assert "Linh Nguyen" not in text  # cancelled
    assert "2 visits" in text

    rivera = row_of(page, day.rivera.child)
    assert "9:00 AM · Mateo Rivera · 3 months · 4 months" in rivera
    assert "Spanish" in rivera
    assert "Interpreter: Spanish" in rivera
    assert "a critical answer" in rivera
    assert "not acted on yet" in rivera
    assert rivera.count("a positive screen") == 1  # the Hunger Vital Sign; last year's PHQ-9 is not
    assert "Hunger Vital Sign" in rivera
    assert "Housing" in rivera
    assert "Food" in rivera
    assert "Legal" not in rivera  # an older check-in's answer
    assert "Food → HealthySteps specialist Requested" in rivera
    assert "Utilities" not in rivera
    assert "Overdue follow-ups Call about the pantry due" in rivera
    assert "Check the housing form" not in rivera
    assert "HealthySteps tier 2" in rivera
    assert "Mother starts work on Monday" in rivera
    assert team[Role.CLINICIAN].user.full_name in rivera
    assert "Ask about the new apartment" not in rivera
    assert "Needs attention" in rivera

    okafor = row_of(page, day.okafor.child)
    assert "Needs attention" not in okafor
    assert "a positive screen" not in okafor
    assert "Family needs and priorities check-in done" in okafor
    assert "Hunger Vital Sign done" in okafor
    assert " due" not in okafor
    assert "Programs None Last huddle note None" in okafor


def test_loose_ends_show_yesterdays_no_shows_open_critical_answers_and_unfinished_action_items(
    login, make, team, day
):
    ends = loose_ends_of(open_board(login(team[Role.NURSE_MA]), make))
    assert "Wei Chen" in ends
    assert "Lucia Diaz" in ends
    chen = ends.split("Wei Chen")[1].split("Lucia Diaz")[0]
    assert "No outreach yet" in chen
    assert "Outreach planned" in ends.split("Lucia Diaz")[1]
    assert "Sofia Lopez" in ends
    assert "Mateo Rivera" in ends
    assert ends.count("a critical answer") == 2
    assert "Send the WIC letter" in ends
    assert "Book the home visit" not in ends
    assert "Mother starts work" not in ends


def test_loose_ends_are_the_clinics_own(login, make, team, day):
    other = make.clinic()
    visit(make, other, "Brown", "Ivy", at(make.today - timedelta(days=1), 15),
          status=AppointmentStatus.NO_SHOW)  # fmt: skip
    assert "Ivy Brown" not in text_of(open_board(login(team[Role.FRONT_DESK]), make))


def test_filters_by_clinician_site_and_need_for_attention(login, make, team, day):
    client = login(team[Role.PRACTICE_MANAGER])
    theirs = visits_of(open_board(client, make, clinician_id=team["second_clinician"].user_id))
    assert "Chidi Okafor" in theirs
    assert "Mateo Rivera" not in theirs
    eastside = visits_of(open_board(client, make, site_id=day.site_id))
    assert "Chidi Okafor" in eastside
    assert "Mateo Rivera" not in eastside
    attention = visits_of(open_board(client, make, attention=1))
    assert "Mateo Rivera" in attention
    assert "Chidi Okafor" not in attention
    assert "1 of 2 need attention" in attention


def test_a_bad_filter_shows_today_with_an_error_instead_of_failing(login, make, team, day):
    page = text_of(open_board(login(team[Role.CLINICIAN]), make, day="not-a-day", site_id="999"))
    assert "Not a valid date value." in page
    assert "Mateo Rivera" in page  # today's board, all sites


def test_clinical_roles_open_the_visit_and_the_front_desk_sees_the_board_only(
    login, make, team, day, client
):
    link = f'href="/visits/{day.rivera.appointment.id}"'
    assert link in open_board(login(team[Role.NAVIGATOR]), make).get_data(as_text=True)
    client.post("/sign-out")
    assert link not in open_board(login(team[Role.FRONT_DESK]), make).get_data(as_text=True)


def test_opening_the_board_is_audited_without_names(login, make, team, day, db_session):
    open_board(login(team[Role.CLINICIAN]), make)
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "huddle_board")
    ).one()
    assert event.action == "view"
    assert event.actor_user_id == team[Role.CLINICIAN].user_id
    assert event.details == {"day": make.today.isoformat(), "appointments": 2}


def _busy_day(make, clinic, team, how_many: int) -> None:
    clinician, navigator = team[Role.CLINICIAN], team[Role.NAVIGATOR]
    huddle = start_huddle(clinic.id, day=make.today, kind=HuddleKind.DAILY,
                          user_id=clinician.user_id)  # fmt: skip
    for n in range(how_many):
        family = visit(make, clinic, f"Family{n}", f"Kid{n}", at(make.today, 8) + timedelta(minutes=5 * n),
                       clinician_id=clinician.user_id)  # fmt: skip
        make.caregiver(family.household, given_name="Luis", is_primary_contact=False)
        make.screen(family.appointment, "hvs", {"hvs-1": "often", "hvs-2": "never"},
                    caregiver=family.caregiver)  # fmt: skip
        make.screen(family.appointment, "family-checkin", {**CHECKIN_ALL_NO, "need-food": "yes"},
                    caregiver=family.caregiver)  # fmt: skip
        refer(family, clinician.user_id)
        enrol_in_program(family.child, program=Program.HEALTHYSTEPS, healthysteps_tier=1,
                         enrolled_on=make.today - timedelta(days=30))  # fmt: skip
        add_action_item(huddle, household=family.household, child=family.child,
                        title="Call", assignee_id=navigator.user_id,
                        due_on=make.today - timedelta(days=1), created_by_id=clinician.user_id)  # fmt: skip
        add_note(huddle, author_id=clinician.user_id, body=f"Note {n}",
                 household=family.household, child=family.child)  # fmt: skip
        make.appointment(family.child, at=at(make.today - timedelta(days=1), 9) + timedelta(minutes=n),
                         status=AppointmentStatus.NO_SHOW)  # fmt: skip


def test_the_board_costs_the_same_queries_for_10_or_100_visits(login, make, count_queries):
    counts = []
    for how_many in (10, 100):
        clinic = make.clinic()
        team = {role: make.member(clinic, role) for role in (Role.CLINICIAN, Role.NAVIGATOR)}
        _busy_day(make, clinic, team, how_many)
        client = login(team[Role.CLINICIAN])
        with count_queries() as counted:
            page = open_board(client, make)
        assert page.get_data(as_text=True).count('class="card huddle-row"') == how_many
        assert text_of(page).count("Note ") >= how_many
        counts.append(counted.count)
        client.post("/sign-out")
    assert counts[0] == counts[1]
