"""Practice, HealthySteps and DULCE measures on hand-built visits with known figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from app.appointments.models import AppointmentStatus, VisitKind
from app.dashboards.definitions import BY_KEY
from app.dashboards.dimensions import Dimension
from app.dashboards.queries import metric_tallies  # noqa: F401 — registers the measures
from app.families.models import Insurance
from tests.dashboards.builders import scope_of, tally, visit
from tests.dashboards.builders_programs import dulce, healthysteps, practices, site, staff

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
BORN = date(2025, 12, 1)


def figures(cell) -> tuple[int, int]:
    return cell.numerator, cell.denominator


@pytest.fixture
def recorded_visits(make, clinic):
    """Three attended March visits with 3, 1 and 0 practices; a no-show with two."""
    user_id = staff(make, clinic)
    children = [make.child(clinic=clinic, date_of_birth=BORN) for _ in range(4)]
    practices(visit(make, children[0], date(2026, 3, 2)), user_id, "N1", "N2", "C1")
    practices(visit(make, children[1], date(2026, 3, 9)), user_id, "N1")
    visit(make, children[2], date(2026, 3, 16))
    missed = visit(make, children[3], date(2026, 3, 23), status=AppointmentStatus.NO_SHOW)
    practices(missed, user_id, "N1", "N2")  # recorded at a no-show: not counted
    practices(visit(make, children[3], date(2026, 4, 6)), user_id, "D1")  # after the period


def test_practices_per_visit_is_the_mean_over_attended_visits(clinic, recorded_visits):
    result = tally(BY_KEY["practices-per-visit"], scope_of(clinic, MARCH), None, 1)

    visits = result.row("all").total
    assert visits.denominator == 3
    assert visits.mean == pytest.approx(4 / 3)


def test_practice_delivered_has_a_row_per_practice_of_the_catalogue(clinic, recorded_visits):
    result = tally(BY_KEY["practice-delivered"], scope_of(clinic, MARCH), None, 1)

    assert len(result.rows) == 14
    by_code = {r.variant.key: figures(r.total) for r in result.rows}
    assert by_code["N1"] == (2, 3)
    assert by_code["N2"] == (1, 3)
    assert by_code["C1"] == (1, 3)
    assert by_code["N3"] == (0, 3)
    assert by_code["D1"] == (0, 3)
    assert str(result.row("N1").variant.label).startswith("N1 · Build trusting")


def test_practice_labels_follow_the_page_language(clinic):
    with force_locale("es"):
        result = tally(BY_KEY["practice-delivered"], scope_of(clinic, MARCH), None, 1)

    assert str(result.row("N1").variant.label).startswith("N1 · Construir relaciones")


def test_practice_delivered_by_insurance_suppresses_small_groups(make, clinic):
    user_id = staff(make, clinic)
    groups = ((Insurance.MEDICAID, 12), (Insurance.PRIVATE, 11), (Insurance.NONE, 2))
    for insurance, count in groups:
        for i in range(count):
            child = make.child(clinic=clinic, date_of_birth=BORN, insurance=insurance)
            appointment = visit(make, child, date(2026, 3, 2 + i))
            if i % 2 == 0:
                practices(appointment, user_id, "N4")

    result = tally(BY_KEY["practice-delivered"], scope_of(clinic, MARCH), Dimension.INSURANCE, 11)

    reading = result.row("N4")
    assert figures(reading.total) == (6 + 6 + 1, 25)
    assert list(reading.groups) == ["medicaid", "private", "none"]
    assert figures(reading.groups["medicaid"]) == (6, 12)
    assert not reading.groups["medicaid"].is_suppressed
    assert reading.groups["none"].is_suppressed
    # "none" alone would be given away by the total minus Medicaid: Private hides too.
    assert reading.groups["private"].is_suppressed


def test_healthysteps_reach_counts_visits_on_enrolled_days(make, clinic):
    def child_seen(day: date):
        child = make.child(clinic=clinic, date_of_birth=BORN)
        visit(make, child, day)
        return child

    tier_1 = child_seen(date(2026, 3, 3))
    healthysteps(tier_1, 1, date(2026, 2, 1))
    visit(make, tier_1, date(2026, 3, 20), status=AppointmentStatus.NO_SHOW)  # not a visit
    healthysteps(child_seen(date(2026, 3, 3)), 3, date(2026, 3, 3))  # enrolled that very day
    healthysteps(child_seen(date(2026, 3, 5)), 2, date(2026, 1, 5), date(2026, 3, 1))  # ended
    healthysteps(child_seen(date(2026, 3, 5)), 2, date(2026, 3, 10))  # enrolled after the visit
    healthysteps(child_seen(date(2026, 3, 5)), 2, date(2026, 1, 5), date(2026, 3, 5))  # last day
    dulce(make, clinic, child_seen(date(2026, 3, 6)), date(2026, 3, 6))  # another program

    result = tally(BY_KEY["healthysteps-reach"], scope_of(clinic, MARCH), None, 1)

    assert figures(result.row("any").total) == (3, 6)
    assert figures(result.row("tier-2-3").total) == (2, 6)
    assert str(result.row("tier-2-3").variant.label) == "Tiers 2–3"


def seven_months(born: date) -> date:
    return born + timedelta(days=213)


def dulce_child(make, clinic, born: date, visits: dict[VisitKind, int], where=None, **fields):
    """A DULCE child seen at `visits` (kind → age in days) at site `where`."""
    child = make.child(clinic=clinic, date_of_birth=born, **fields)
    dulce(make, clinic, child, born + timedelta(days=3))
    for kind, age in visits.items():
        visit(make, child, born + timedelta(days=age), kind=kind,
              site_id=where.id if where else None)  # fmt: skip
    return child


#: Every visit of the schedule on its last on-time day (age + 30 days).
ON_TIME = {
    VisitKind.NEWBORN: 31,
    VisitKind.MONTH_1: 60,
    VisitKind.MONTH_2: 91,
    VisitKind.MONTH_4: 152,
    VisitKind.MONTH_6: 213,
}


def test_dulce_on_time_needs_all_five_visits_within_a_month_of_their_age(make, clinic):
    north, south = site(make, clinic, "North"), site(make, clinic, "South")
    born = date(2025, 8, 10)  # 7 months on 11 March 2026
    assert seven_months(born) == date(2026, 3, 11)
    dulce_child(make, clinic, born, ON_TIME, north)
    dulce_child(make, clinic, born, {**ON_TIME, VisitKind.MONTH_4: 153}, north)  # 4 months late
    first_week_at_3_5_days = {VisitKind.DAYS_3_5: 34, **ON_TIME}
    del first_week_at_3_5_days[VisitKind.NEWBORN]
    moved = dulce_child(make, clinic, born - timedelta(days=5), first_week_at_3_5_days, south)
    visit(make, moved, born + timedelta(days=260), kind=VisitKind.MONTH_9, site_id=north.id)
    no_show = dulce_child(make, clinic, born, {k: a for k, a in ON_TIME.items() if k != "2m"})
    visit(make, no_show, born + timedelta(days=61), status=AppointmentStatus.NO_SHOW)
    dulce_child(make, clinic, born + timedelta(days=10), ON_TIME)  # 7 months after "today"
    dulce_child(make, clinic, date(2025, 9, 15), ON_TIME)  # 7 months in April
    not_in_dulce = make.child(clinic=clinic, date_of_birth=born)
    for kind, age in ON_TIME.items():
        visit(make, not_in_dulce, born + timedelta(days=age), kind=kind)

    scope = scope_of(clinic, MARCH, today=date(2026, 3, 15))
    result = tally(BY_KEY["dulce-on-time"], scope, Dimension.SITE, 1)

    children = result.row("all")
    assert figures(children.total) == (2, 4)
    # The site is where the child was last seen by 7 months (a later 9-month visit elsewhere
    # does not move them).
    assert {k: figures(c) for k, c in children.groups.items()} == {
        str(north.id): (1, 2),
        str(south.id): (1, 1),
        "not_recorded": (0, 1),
    }
    south_only = tally(BY_KEY["dulce-on-time"], scope_of(clinic, MARCH, site=south), None, 1)
    assert figures(south_only.row("all").total) == (1, 1)
