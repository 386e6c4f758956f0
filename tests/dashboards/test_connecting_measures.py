"""Connecting measures on hand-built referrals and follow-ups whose figures are known."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.dashboards.definitions import BY_KEY
from app.dashboards.dimensions import Dimension
from app.dashboards.queries import metric_tallies  # noqa: F401 — registers the measures
from app.families.models import Insurance
from app.referrals.models import ReferralStatus
from app.screening.operations import mark_entered_in_error
from tests.dashboards.builders import (
    PHQ2_NEGATIVE,
    PHQ2_POSITIVE,
    at,
    scope_of,
    screen,
    tally,
    visit,
)
from tests.dashboards.builders_connecting import follow_up, referral, team

S = ReferralStatus
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def figures(result, key: str = "all") -> tuple[int, int]:
    cell = result.row(key).total
    return cell.numerator, cell.denominator


def _screened(make, clinic, answers=PHQ2_POSITIVE, day: date = date(2026, 3, 10)):
    """A child's visit at 14:00 with a screen answered at 13:40 (UTC)."""
    appointment = visit(make, make.child(clinic=clinic), day)
    return screen(make, appointment, "phq-2", answers)


def test_referred_within_7_days_of_a_positive_screen(make, clinic):
    crew = team(make, clinic)
    sibling_referred = _screened(make, clinic)
    sibling = make.child(sibling_referred.child.household)
    referral(crew, sibling, sibling_referred.submitted_at + 2 * DAY)
    last_hour = _screened(make, clinic)
    referral(crew, last_hour.child, last_hour.submitted_at + 7 * DAY - HOUR)
    earlier_that_day = _screened(make, clinic)
    referral(crew, earlier_that_day.child, at(date(2026, 3, 10), 9))
    day_8 = _screened(make, clinic)
    referral(crew, day_8.child, day_8.submitted_at + 7 * DAY + HOUR)
    day_before = _screened(make, clinic)
    referral(crew, day_before.child, at(date(2026, 3, 9), 20))
    in_error = _screened(make, clinic)
    referral(crew, in_error.child, in_error.submitted_at + DAY, S.ENTERED_IN_ERROR)
    draft_only = _screened(make, clinic)
    referral(crew, draft_only.child, draft_only.submitted_at + DAY, S.DRAFT)
    _screened(make, clinic)  # nobody referred
    negative = _screened(make, clinic, PHQ2_NEGATIVE)
    referral(crew, negative.child, negative.submitted_at + DAY)
    withdrawn = _screened(make, clinic)
    mark_entered_in_error(withdrawn, reason="Wrong family", user_id=crew.requester_id)

    result = tally(BY_KEY["referred-within-7-days"], scope_of(clinic, MARCH), None, 1)

    assert figures(result) == (3, 8)


def test_loops_closed_counts_outcomes_reported_and_the_median_days(make, clinic):
    crew = team(make, clinic)
    child = make.child(clinic=clinic)
    sent = at(date(2026, 3, 5))
    for status, days in ((S.COMPLETED, 2), (S.FAILED, 5), (S.REJECTED, 1), (S.CANCELLED, 3)):
        referral(crew, child, sent, status, closed_after=days * DAY)
    referral(crew, child, sent)  # still waiting
    referral(crew, child, sent, S.ACCEPTED)  # taken on, not yet closed
    referral(crew, child, sent, S.DRAFT)
    referral(crew, child, sent, S.ENTERED_IN_ERROR)
    referral(crew, child, at(date(2026, 4, 2)), S.COMPLETED, closed_after=9 * DAY)

    result = tally(BY_KEY["loops-closed"], scope_of(clinic, MARCH), None, 1)

    assert figures(result) == (3, 6)
    assert result.row("all").total.median == pytest.approx(2, abs=0.001)


def test_loops_closed_by_insurance_hides_small_groups(make, clinic):
    crew = team(make, clinic)
    for insurance, closed, still_open in (
        (Insurance.MEDICAID, 3, 1),
        (Insurance.PRIVATE, 1, 2),
        (Insurance.NONE, 1, 0),
    ):
        child = make.child(clinic=clinic, insurance=insurance)
        for i in range(closed + still_open):
            status = S.COMPLETED if i < closed else S.REQUESTED
            referral(crew, child, at(date(2026, 3, 2 + i)), status, closed_after=(i + 1) * DAY)

    result = tally(BY_KEY["loops-closed"], scope_of(clinic, MARCH), Dimension.INSURANCE, 3)

    row = result.row("all")
    assert figures(result) == (5, 8)
    assert result.group_order == ["medicaid", "private", "none"]
    medicaid = row.groups["medicaid"]
    assert (medicaid.numerator, medicaid.denominator) == (3, 4)
    assert medicaid.median == pytest.approx(2, abs=0.001)
    assert not medicaid.is_suppressed
    # One uninsured child is hidden, and private too, or the total minus Medicaid would show it.
    assert row.groups["none"].is_suppressed
    assert row.groups["private"].is_suppressed


def test_warm_handoffs_accepted_and_the_median_minutes_waited(make, clinic):
    crew = team(make, clinic)
    north, south = make.site(clinic, "North"), make.site(clinic, "South")
    child = make.child(clinic=clinic)

    def handoff(status, minutes=None, site=north, day=10, **fields):
        appointment = visit(make, child, date(2026, 3, day), site_id=site.id)
        accepted = timedelta(minutes=minutes) if minutes else None
        return referral(
            crew, child, appointment.scheduled_at + HOUR, status, accepted_after=accepted,
            appointment=appointment, is_warm_handoff=True, **fields,
        )  # fmt: skip

    handoff(S.ACCEPTED, 5, day=2)
    handoff(S.COMPLETED, 12, day=3, closed_after=DAY)
    handoff(S.ACCEPTED, 30, site=south, day=4)
    handoff(S.REQUESTED, day=5)  # nobody came
    handoff(S.CANCELLED, day=6)
    handoff(S.ENTERED_IN_ERROR, day=7)
    referral(crew, child, at(date(2026, 3, 8)), S.ACCEPTED, accepted_after=timedelta(minutes=1))

    result = tally(BY_KEY["warm-handoffs"], scope_of(clinic, MARCH), Dimension.SITE, 1)

    row = result.row("all")
    assert figures(result) == (3, 5)
    assert row.total.median == pytest.approx(12, abs=0.01)
    assert (row.groups[str(south.id)].numerator, row.groups[str(south.id)].denominator) == (1, 1)
    at_north = tally(BY_KEY["warm-handoffs"], scope_of(clinic, MARCH, site=north), None, 1)
    assert figures(at_north) == (2, 4)
    assert at_north.row("all").total.median == pytest.approx(8.5, abs=0.01)


def test_overdue_follow_ups_count_what_was_due_before_today(make, clinic):
    # New York: done at 22:00 local on the due day is on time, though already the next UTC day.
    clinic.timezone = "America/New_York"
    crew = team(make, clinic)
    north = make.site(clinic, "North")
    child = make.child(clinic=clinic)
    appointment = visit(make, child, date(2026, 3, 2), site_id=north.id)
    from_visit = referral(crew, child, appointment.scheduled_at, appointment=appointment)
    follow_up(make, crew, child, date(2026, 3, 19), referral=from_visit)  # open, due yesterday
    follow_up(make, crew, child, date(2026, 3, 10), done_at=at(date(2026, 3, 11), 3))
    follow_up(make, crew, child, date(2026, 3, 10), done_at=at(date(2026, 3, 11), 15))
    follow_up(make, crew, child, date(2026, 3, 5), done_at=at(date(2026, 3, 4)))
    follow_up(make, crew, child, date(2026, 3, 20))  # due today: not late yet
    follow_up(make, crew, child, date(2026, 3, 25))  # due after today
    follow_up(make, crew, child, date(2026, 2, 27))  # before the period

    result = tally(
        BY_KEY["overdue-follow-ups"], scope_of(clinic, MARCH, today=date(2026, 3, 20)), None, 1
    )

    assert figures(result) == (2, 4)
    at_north = tally(
        BY_KEY["overdue-follow-ups"],
        scope_of(clinic, MARCH, site=north, today=date(2026, 3, 20)),
        None,
        1,
    )
    assert figures(at_north) == (1, 1)


def test_overdue_follow_ups_fall_in_the_month_they_were_due(make, clinic):
    crew = team(make, clinic)
    child = make.child(clinic=clinic)
    follow_up(make, crew, child, date(2026, 3, 31))
    follow_up(make, crew, child, date(2026, 4, 1), done_at=at(date(2026, 4, 1)))

    result = tally(
        BY_KEY["overdue-follow-ups"], scope_of(clinic, MARCH, APRIL, today=date(2026, 5, 1)),
        None, 1,
    )  # fmt: skip

    assert [(m.numerator, m.denominator) for m in result.row("all").months] == [(1, 1), (0, 1)]
