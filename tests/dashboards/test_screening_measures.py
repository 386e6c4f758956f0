"""Screening measures on hand-built visits whose numerators and denominators are known."""

from __future__ import annotations

from datetime import date, timedelta

from app.appointments.models import AppointmentStatus, VisitKind
from app.dashboards.definitions import BY_KEY
from app.dashboards.dimensions import Dimension
from app.dashboards.queries import metric_tallies  # noqa: F401 — registers the measures
from app.extensions import db
from app.referrals.models import ReferralStatus
from app.screening.operations import mark_entered_in_error
from app.visits.operations import record_practice
from tests.dashboards.builders import (
    PHQ2_NEGATIVE,
    PHQ2_POSITIVE,
    at,
    scope_of,
    screen,
    tally,
    visit,
)
from tests.dashboards.builders_connecting import (
    PHQ9_ITEM_9,
    acknowledge,
    critical_flag,
    referral,
    team,
)

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


def test_screened_when_due_counts_due_visits_and_done_screens(make, clinic):
    children = [make.child(clinic=clinic) for _ in range(4)]
    done = visit(make, children[0], date(2026, 3, 3))
    screen(make, done, "phq-2", PHQ2_NEGATIVE)
    visit(make, children[1], date(2026, 3, 10))  # due, not done
    late = visit(make, children[2], date(2026, 4, 7), kind=VisitKind.MONTH_4)
    screen(make, late, "phq-2", PHQ2_POSITIVE)
    visit(make, children[3], date(2026, 4, 8), kind=VisitKind.MONTH_9)  # PHQ-2 not due at 9 months
    visit(make, children[3], date(2026, 3, 20), status=AppointmentStatus.NO_SHOW)  # not attended

    result = tally(
        BY_KEY["screened-when-due"], scope_of(clinic, MARCH, APRIL), Dimension.VISIT_KIND, 1
    )

    phq = result.row("phq-2")
    assert (phq.total.numerator, phq.total.denominator) == (2, 3)
    assert [(m.numerator, m.denominator) for m in phq.months] == [(1, 2), (1, 1)]
    by_visit = {k: (c.numerator, c.denominator) for k, c in phq.groups.items() if c.denominator}
    assert by_visit == {"2m": (1, 2), "4m": (1, 1)}
    checkin = result.row("family-checkin")
    assert (checkin.total.numerator, checkin.total.denominator) == (0, 4)


def test_positive_rate_by_language_suppresses_small_groups(make, clinic):
    for language, count in (("es", 12), ("en", 11), ("ar", 2)):
        for i in range(count):
            household = make.household(clinic)
            make.caregiver(household, preferred_language=language)
            child = make.child(household)
            appointment = visit(make, child, date(2026, 3, 2 + i))
            screen(make, appointment, "phq-2", PHQ2_POSITIVE if i % 2 == 0 else PHQ2_NEGATIVE)

    result = tally(BY_KEY["positive-rate"], scope_of(clinic, MARCH), Dimension.LANGUAGE, 11)

    phq = result.row("phq-2")
    assert (phq.total.numerator, phq.total.denominator) == (6 + 6 + 1, 25)
    assert list(phq.groups) == ["es", "en", "ar"]
    assert (phq.groups["es"].numerator, phq.groups["es"].denominator) == (6, 12)
    assert phq.groups["ar"].is_suppressed
    # "ar" alone would be given away by the total minus "es": the next smallest hides too.
    assert phq.groups["en"].is_suppressed
    assert not phq.groups["es"].is_suppressed


def _critical_screen(make, clinic, day: date, **visit_fields):
    appointment = visit(make, make.child(clinic=clinic), day, **visit_fields)
    return screen(make, appointment, "phq-9", PHQ9_ITEM_9)


def test_critical_answers_count_when_acted_on_within_the_clinics_minutes(make, clinic):
    clinic.critical_flag_escalation_minutes = 45
    crew = team(make, clinic)
    in_time = critical_flag(_critical_screen(make, clinic, date(2026, 3, 3)))
    acknowledge(in_time, in_time.raised_at + timedelta(minutes=44), crew.requester_id)
    late = critical_flag(_critical_screen(make, clinic, date(2026, 3, 4)))
    acknowledge(late, late.raised_at + timedelta(minutes=46), crew.requester_id)
    _critical_screen(make, clinic, date(2026, 3, 5))  # never acted on
    withdrawn = _critical_screen(make, clinic, date(2026, 3, 6))
    acknowledge(critical_flag(withdrawn), withdrawn.submitted_at, crew.requester_id)
    mark_entered_in_error(withdrawn, reason="Wrong family", user_id=crew.requester_id)
    april = critical_flag(_critical_screen(make, clinic, date(2026, 4, 1)))
    acknowledge(april, april.raised_at + timedelta(minutes=5), crew.requester_id)
    _critical_screen(make, clinic, date(2026, 5, 1))  # after the period
    # Positive but not critical: nothing to act on urgently.
    screen(make, visit(make, make.child(clinic=clinic), date(2026, 3, 9)), "phq-2", PHQ2_POSITIVE)

    result = tally(BY_KEY["critical-acknowledged"], scope_of(clinic, MARCH, APRIL), None, 1)

    row = result.row("all")
    assert (row.total.numerator, row.total.denominator) == (2, 4)
    assert [(m.numerator, m.denominator) for m in row.months] == [(1, 3), (1, 1)]


def test_critical_answers_follow_the_clinics_own_minutes(make, clinic):
    crew = team(make, clinic)
    found = critical_flag(_critical_screen(make, clinic, date(2026, 3, 3)))
    acknowledge(found, found.raised_at + timedelta(minutes=50), crew.requester_id)
    scope = scope_of(clinic, MARCH)

    assert tally(BY_KEY["critical-acknowledged"], scope, None, 1).rows[0].total.numerator == 0
    clinic.critical_flag_escalation_minutes = 60
    db.session.flush()
    assert tally(BY_KEY["critical-acknowledged"], scope, None, 1).rows[0].total.numerator == 1


def _positive_visit(make, clinic, day: date = date(2026, 3, 10), answers=PHQ2_POSITIVE, **fields):
    appointment = visit(make, make.child(clinic=clinic), day, **fields)
    return appointment, screen(make, appointment, "phq-2", answers)


def test_same_day_discussion_counts_practices_referrals_and_acted_on_answers(make, clinic):
    # New York: a referral at 22:00 local is still the visit day, though the next day in UTC.
    clinic.timezone = "America/New_York"
    crew = team(make, clinic)
    evening, next_morning = at(date(2026, 3, 11), 3), at(date(2026, 3, 11), 14)
    with_c3, _ = _positive_visit(make, clinic)
    record_practice(with_c3, "C3", user_id=crew.requester_id)
    referred, _ = _positive_visit(make, clinic)
    referral(crew, referred.child, evening)
    drafted, _ = _positive_visit(make, clinic)
    referral(crew, drafted.child, at(date(2026, 3, 10), 15), ReferralStatus.DRAFT)
    acted = _critical_screen(make, clinic, date(2026, 3, 10))
    acknowledge(critical_flag(acted), at(date(2026, 3, 10), 15), crew.requester_id)
    referred_late, _ = _positive_visit(make, clinic)
    referral(crew, referred_late.child, next_morning)
    in_error, _ = _positive_visit(make, clinic)
    referral(crew, in_error.child, evening, ReferralStatus.ENTERED_IN_ERROR)
    other_practice, _ = _positive_visit(make, clinic)
    record_practice(other_practice, "C1", user_id=crew.requester_id)
    _positive_visit(make, clinic, answers=PHQ2_NEGATIVE)  # negative: not in the denominator
    _, withdrawn = _positive_visit(make, clinic)
    mark_entered_in_error(withdrawn, reason="Wrong family", user_id=crew.requester_id)

    result = tally(BY_KEY["same-day-discussion"], scope_of(clinic, MARCH), None, 1)

    row = result.row("all")
    assert (row.total.numerator, row.total.denominator) == (4, 7)


def test_same_day_discussion_by_site_hides_small_sites_and_filters_to_one(make, clinic):
    crew = team(make, clinic)
    north, south, east = (make.site(clinic, name) for name in ("North", "South", "East"))
    for site, discussed, not_discussed in ((north, 3, 1), (south, 1, 2), (east, 1, 0)):
        for i in range(discussed + not_discussed):
            appointment, _ = _positive_visit(make, clinic, date(2026, 3, 2 + i), site_id=site.id)
            if i < discussed:
                record_practice(appointment, "C3", user_id=crew.requester_id)

    result = tally(BY_KEY["same-day-discussion"], scope_of(clinic, MARCH), Dimension.SITE, 3)

    row = result.row("all")
    assert (row.total.numerator, row.total.denominator) == (5, 8)
    assert result.group_order == [str(north.id), str(south.id), str(east.id)]
    assert result.group_names[str(north.id)] == "North"
    assert (row.groups[str(north.id)].numerator, row.groups[str(north.id)].denominator) == (3, 4)
    assert not row.groups[str(north.id)].is_suppressed
    # East (1 screen) is hidden, and South too, or the total minus North would give East away.
    assert row.groups[str(east.id)].is_suppressed
    assert row.groups[str(south.id)].is_suppressed

    south_only = tally(BY_KEY["same-day-discussion"], scope_of(clinic, MARCH, site=south), None, 3)
    assert (south_only.rows[0].total.numerator, south_only.rows[0].total.denominator) == (1, 3)


def test_same_day_discussion_reads_the_visit_day_in_each_clinics_zone(make):
    results = []
    for zone in ("America/New_York", "UTC"):
        clinic = make.clinic()
        clinic.timezone = zone
        crew = team(make, clinic)
        appointment, _ = _positive_visit(make, clinic)
        referral(crew, appointment.child, at(date(2026, 3, 11), 3))  # 22:00 in New York
        result = tally(BY_KEY["same-day-discussion"], scope_of(clinic, MARCH), None, 1)
        results.append((result.rows[0].total.numerator, result.rows[0].total.denominator))

    assert results == [(1, 1), (0, 1)]
