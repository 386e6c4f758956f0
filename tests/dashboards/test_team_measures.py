"""Care-team measures on hand-built visit days, huddles and action items with known figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.appointments.models import AppointmentStatus
from app.dashboards.definitions import BY_KEY
from app.dashboards.dimensions import Dimension
from app.dashboards.queries import metric_tallies  # noqa: F401 — registers the measures
from app.extensions import db
from app.followups.models import FollowUpSource
from app.followups.operations import create_follow_up
from app.huddles.models import HuddleKind
from tests.dashboards.builders import at, scope_of, tally, visit
from tests.dashboards.builders_programs import action_item, huddle, site, staff

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


def figures(cell) -> tuple[int, int]:
    return cell.numerator, cell.denominator


def test_huddles_held_counts_visit_days_per_site_covered_by_a_daily_huddle(make, clinic):
    north, south = site(make, clinic, "North"), site(make, clinic, "South")

    def seen(day: int, where, month: int = 3, status=AppointmentStatus.COMPLETED):
        child = make.child(clinic=clinic)
        visit(make, child, date(2026, month, day), status=status,
              site_id=where.id if where else None)  # fmt: skip

    for day, where in ((3, north), (3, north), (4, north), (4, south), (5, south), (6, north)):
        seen(day, where)
    seen(10, None)
    seen(11, None)
    seen(9, north, status=AppointmentStatus.NO_SHOW)  # a no-show day is not a visit day
    seen(2, north, month=4)
    huddle(make, clinic, date(2026, 3, 3), north)  # hit
    huddle(make, clinic, date(2026, 3, 4))  # whole clinic: both sites' days
    huddle(make, clinic, date(2026, 3, 5), north)  # north had no visits; south's day is missed
    huddle(make, clinic, date(2026, 3, 6), kind=HuddleKind.CASE_REVIEW)  # not a daily huddle
    huddle(make, clinic, date(2026, 3, 9), north)  # no visit that day: no unit
    huddle(make, clinic, date(2026, 3, 10))  # covers the site-less visit day
    huddle(
        make, clinic, date(2026, 3, 11), north
    )  # a site's huddle does not cover site-less visits

    result = tally(BY_KEY["huddles-held"], scope_of(clinic, MARCH, APRIL), Dimension.SITE, 1)

    days = result.row("all")
    assert figures(days.total) == (4, 8)
    assert [figures(m) for m in days.months] == [(4, 7), (0, 1)]
    by_site = {k: figures(c) for k, c in days.groups.items()}
    assert by_site == {str(north.id): (2, 4), str(south.id): (1, 2), "not_recorded": (1, 2)}
    north_only = tally(BY_KEY["huddles-held"], scope_of(clinic, MARCH, site=north), None, 1)
    assert figures(north_only.row("all").total) == (2, 3)


def test_huddles_held_uses_the_clinic_day_not_the_utc_day(make, clinic):
    clinic.timezone = "America/Chicago"
    child = make.child(clinic=clinic)
    # 02:00 UTC on 4 March is the evening of 3 March in Chicago.
    evening = make.appointment(child, at=datetime(2026, 3, 4, 2, tzinfo=UTC))
    evening.status = AppointmentStatus.COMPLETED
    db.session.flush()
    huddle(make, clinic, date(2026, 3, 3))
    huddle(make, clinic, date(2026, 3, 4))

    result = tally(BY_KEY["huddles-held"], scope_of(clinic, MARCH), None, 1)

    assert figures(result.row("all").total) == (1, 1)


def test_action_items_closed_counts_items_agreed_in_huddles_in_the_period(make, clinic):
    north = site(make, clinic, "North")
    child = make.child(clinic=clinic)
    daily = huddle(make, clinic, date(2026, 3, 2), north)
    for is_done in (True, True, False):
        action_item(daily, child, at(date(2026, 3, 2)), is_done=is_done)
    review = huddle(make, clinic, date(2026, 3, 10), kind=HuddleKind.CASE_REVIEW)
    action_item(review, child, at(date(2026, 3, 10)), is_done=True)  # a case review is a huddle
    earlier = huddle(make, clinic, date(2026, 2, 27), north)
    action_item(earlier, child, at(date(2026, 2, 27)), is_done=True)  # agreed before the period
    user_id = staff(make, clinic)
    manual = create_follow_up(
        household=child.household, child=child, title="Call", assignee_id=user_id,
        due_on=date(2026, 3, 5), created_by_id=user_id,
    )  # fmt: skip
    manual.created_at, manual.done_at = at(date(2026, 3, 5)), at(date(2026, 3, 5))
    db.session.flush()
    assert manual.source == FollowUpSource.MANUAL  # not from a huddle: not counted

    result = tally(BY_KEY["action-items-closed"], scope_of(clinic, MARCH), Dimension.SITE, 1)

    items = result.row("all")
    assert figures(items.total) == (3, 4)
    assert {k: figures(c) for k, c in items.groups.items()} == {
        str(north.id): (2, 3),
        "not_recorded": (1, 1),
    }
    north_only = tally(BY_KEY["action-items-closed"], scope_of(clinic, MARCH, site=north), None, 1)
    assert figures(north_only.row("all").total) == (2, 3)


def test_action_items_by_site_suppress_small_groups(make, clinic):
    child = make.child(clinic=clinic)
    sites = {}
    for name, count in (("North", 12), ("South", 11), ("East", 2)):
        sites[name] = site(make, clinic, name)
        held = huddle(make, clinic, date(2026, 3, 2), sites[name])
        for i in range(count):
            action_item(held, child, at(date(2026, 3, 2 + i)), is_done=i % 3 == 0)

    result = tally(BY_KEY["action-items-closed"], scope_of(clinic, MARCH), Dimension.SITE, 11)

    items = result.row("all")
    assert figures(items.total) == (4 + 4 + 1, 25)
    groups = {k: items.groups[str(s.id)] for k, s in sites.items()}
    assert figures(groups["North"]) == (4, 12)
    assert not groups["North"].is_suppressed
    assert groups["East"].is_suppressed
    # East alone would be given away by the total minus North: South hides too.
    assert groups["South"].is_suppressed
