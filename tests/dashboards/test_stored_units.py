"""Stored units: a household's rows changing marks it, a refresh works it out again, and the stored
figures are always those the rows themselves give."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.appointments.models import Appointment, VisitKind
from app.dashboards import store
from app.dashboards.cli import refresh as refresh_command
from app.dashboards.definitions import BY_KEY, MetricDefinition
from app.dashboards.dimensions import Dimension
from app.dashboards.models import StaleHousehold
from app.dashboards.periods import months_between
from app.dashboards.queries import measured_definitions
from app.dashboards.registry import MEASURES
from app.dashboards.tally import MetricTally
from app.extensions import db
from app.screening.models import ResponseStatus, ScreeningResponse
from app.screening.operations import mark_entered_in_error
from app.visits.models import PracticeDelivery
from app.visits.operations import withdraw_practice
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
    follow_up,
    referral,
    team,
)
from tests.dashboards.builders_programs import practices
from tests.demo.volume_world import END, START

MARCH = date(2026, 3, 1)


def _stale(clinic) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(StaleHousehold.household_id).where(StaleHousehold.clinic_id == clinic.id)
        )
    )


def _due(clinic, instrument: str = "phq-2") -> tuple[int, int]:
    cell = tally(BY_KEY["screened-when-due"], scope_of(clinic, MARCH), None, 1).row(instrument)
    return cell.total.numerator, cell.total.denominator


def test_a_new_screen_marks_its_household_and_no_other(make, clinic):
    appointment = visit(make, make.child(clinic=clinic), date(2026, 3, 10))
    visit(make, make.child(clinic=clinic), date(2026, 3, 10))
    store.refresh(clinic.id)
    assert _stale(clinic) == set()

    screen(make, appointment, "phq-2", PHQ2_NEGATIVE)

    assert _stale(clinic) == {appointment.child.household_id}


def test_a_child_moved_to_another_household_marks_both(make, clinic):
    child = make.child(clinic=clinic)
    visit(make, child, date(2026, 3, 10))
    other = make.household(clinic, name="Okafor")
    before = child.household_id
    store.refresh(clinic.id)

    child.household = other
    db.session.flush()

    assert _stale(clinic) == {before, other.id}


def test_a_sibling_screened_after_the_figures_were_read_counts_for_the_visit(make, clinic):
    child = make.child(clinic=clinic)
    visit(make, child, date(2026, 3, 10), VisitKind.MONTH_2)
    assert _due(clinic) == (0, 1)

    sibling = make.child(child.household)
    sibling_visit = visit(make, sibling, date(2026, 3, 9), VisitKind.MONTH_9)
    screen(make, sibling_visit, "phq-2", PHQ2_NEGATIVE)

    assert _due(clinic) == (1, 1)


def test_a_screen_withdrawn_after_the_figures_were_read_no_longer_counts(make, clinic):
    appointment = visit(make, make.child(clinic=clinic), date(2026, 3, 10), VisitKind.MONTH_2)
    answered = screen(make, appointment, "phq-2", PHQ2_POSITIVE)
    crew = team(make, clinic)
    assert _due(clinic) == (1, 1)

    mark_entered_in_error(answered, reason="Wrong family", user_id=crew.requester_id)

    assert _due(clinic) == (0, 1)


def test_a_practice_withdrawn_after_the_figures_were_read_no_longer_counts(make, clinic):
    appointment = visit(make, make.child(clinic=clinic), date(2026, 3, 10))
    clinician = make.member(clinic)
    practices(appointment, clinician.user_id, "C1", "C3")
    delivered = BY_KEY["practice-delivered"]
    assert tally(delivered, scope_of(clinic, MARCH), None, 1).row("C3").total.numerator == 1

    withdraw_practice(appointment, "C3")
    db.session.flush()

    result = tally(delivered, scope_of(clinic, MARCH), None, 1)
    assert result.row("C3").total.numerator == 0
    assert result.row("C1").total.numerator == 1


def test_a_refresh_works_out_only_the_households_that_changed(make, clinic):
    appointments = [visit(make, make.child(clinic=clinic), date(2026, 3, d)) for d in (2, 3, 4)]
    first = store.refresh(clinic.id)
    assert set(first.rebuilt) == set(store.stored_keys())

    screen(make, appointments[0], "phq-2", PHQ2_NEGATIVE)
    again = store.refresh(clinic.id)

    assert (again.rebuilt, again.households) == ([], 1)
    assert store.refresh(clinic.id) == store.Refreshed()


def test_a_clinic_setting_a_metric_reads_rebuilds_that_metric_alone(make, clinic):
    store.refresh(clinic.id)
    clinic.critical_flag_escalation_minutes += 15
    db.session.flush()

    assert store.refresh(clinic.id).rebuilt == ["critical-acknowledged"]


def test_a_clinic_moving_to_another_time_zone_rebuilds_every_metric(make, clinic):
    # Denver and Phoenix share their winter offset; only Denver keeps summer time, which moves
    # some units into another month.
    clinic.timezone = "America/Denver"
    store.refresh(clinic.id)
    clinic.timezone = "America/Phoenix"
    db.session.flush()

    assert set(store.refresh(clinic.id).rebuilt) == set(store.stored_keys())


def test_a_follow_up_counts_once_its_day_has_passed_without_any_change(make, clinic):
    crew = team(make, clinic)
    follow_up(make, crew, make.child(clinic=clinic), date(2026, 3, 20))
    overdue = BY_KEY["overdue-follow-ups"]

    on_the_day = tally(overdue, scope_of(clinic, MARCH, today=date(2026, 3, 20)), None, 1)
    next_day = tally(overdue, scope_of(clinic, MARCH, today=date(2026, 3, 21)), None, 1)

    assert on_the_day.rows[0].total.denominator == 0
    assert next_day.rows[0].total.denominator == 1


def test_a_screen_falls_in_its_month_on_the_clinics_clock_in_summer_time(make, clinic):
    # New York in April keeps summer time (UTC−4): 03:30 UTC on 1 April is 23:30 on 31 March
    # there, and 04:30 UTC is 00:30 on 1 April. A month number worked out with the zone's winter
    # offset (UTC−5) would put the second screen in March too.
    clinic.timezone = "America/New_York"
    for hour, minute in ((3, 30), (4, 30)):
        appointment = visit(make, make.child(clinic=clinic), date(2026, 4, 1))
        screen(make, appointment, "phq-2", PHQ2_NEGATIVE).submitted_at = at(
            date(2026, 4, 1), hour
        ) + timedelta(minutes=minute)
    db.session.flush()

    result = tally(BY_KEY["positive-rate"], scope_of(clinic, MARCH, date(2026, 4, 1)), None, 1)

    assert [m.denominator for m in result.row("phq-2").months] == [1, 1]


def _figures(result: MetricTally) -> list[object]:
    """Everything a page shows of a tally, with medians' values in a set order."""

    def cell(c) -> tuple[object, ...]:
        return c.numerator, c.denominator, round(c.value_sum, 6), sorted(c.values), c.is_suppressed

    return [
        (
            row.variant.key,
            cell(row.total),
            [cell(m) for m in row.months],
            {key: cell(c) for key, c in row.groups.items()},
        )
        for row in result.rows
    ]


def _live(monkeypatch, definition: MetricDefinition) -> None:
    """Count this metric from its rows, not from the stored units."""
    measure = MEASURES[definition.key]
    monkeypatch.setitem(MEASURES, definition.key, dataclasses.replace(measure, is_stored=False))


@pytest.mark.parametrize("key", store.stored_keys())
def test_stored_figures_are_those_the_rows_give_at_a_whole_practice(volume, monkeypatch, make, key):
    """A year of a toy practice, changed after the first build (a screen withdrawn, a referral and
    a follow-up and a critical answer added, a practice withdrawn), read by every breakdown the metric has."""
    store.refresh(volume.id)
    _change_a_few_households(make, volume)
    scope = dataclasses.replace(
        scope_of(volume, START.replace(day=1), END), today=END + timedelta(days=1)
    )
    assert len(scope.months) == len(months_between(START, END)) == 13
    definition = BY_KEY[key]

    stored = [tally(definition, scope, by, 3) for by in (None, *definition.dimensions)]
    assert store.refresh(volume.id) == store.Refreshed()
    _live(monkeypatch, definition)
    live = [tally(definition, scope, by, 3) for by in (None, *definition.dimensions)]

    assert [_figures(t) for t in stored] == [_figures(t) for t in live]
    assert any(row.total.denominator for row in stored[0].rows)


def _change_a_few_households(make, clinic) -> None:
    crew = team(make, clinic)
    positives = db.session.scalars(
        sa.select(ScreeningResponse)
        .where(
            ScreeningResponse.clinic_id == clinic.id,
            ScreeningResponse.status == ResponseStatus.FINAL,
            ScreeningResponse.is_positive.is_(True),
            ScreeningResponse.child_id.is_not(None),
        )
        .order_by(ScreeningResponse.id)
        .limit(3)
    ).all()
    mark_entered_in_error(positives[0], reason="Wrong family", user_id=crew.requester_id)
    referral(crew, positives[1].child, positives[1].submitted_at + timedelta(days=2))
    follow_up(make, crew, positives[2].child, positives[2].submitted_at.date())
    delivery = db.session.scalars(
        sa.select(PracticeDelivery)
        .where(PracticeDelivery.clinic_id == clinic.id)
        .order_by(PracticeDelivery.id)
        .limit(1)
    ).one()
    visited = db.session.get(Appointment, delivery.appointment_id)
    withdraw_practice(visited, delivery.practice_code)
    acknowledge(critical_flag(screen(make, visited, "phq-9", PHQ9_ITEM_9)), visited.scheduled_at,
                crew.requester_id)  # fmt: skip
    db.session.flush()


def test_every_metric_with_a_household_is_stored():
    """Team days have no household to mark; every other metric is stored."""
    assert {d.key for d in measured_definitions()} - set(store.stored_keys()) == {
        "huddles-held",
        "action-items-closed",
    }


def test_a_family_whose_language_changes_moves_to_its_new_group(make, clinic):
    household = make.household(clinic)
    caregiver = make.caregiver(household, preferred_language="en")
    visit(make, make.child(household), date(2026, 3, 10))
    by_language = BY_KEY["practices-per-visit"], scope_of(clinic, MARCH), Dimension.LANGUAGE, 1
    assert list(tally(*by_language).group_order) == ["en"]

    caregiver.preferred_language = "es"
    db.session.flush()

    assert list(tally(*by_language).group_order) == ["es"]


def test_the_refresh_command_builds_again_and_compacts_when_asked(app, make, clinic):
    visit(make, make.child(clinic=clinic), date(2026, 3, 10))
    runner = app.test_cli_runner()

    first = runner.invoke(refresh_command, ["--clinic", clinic.slug])
    again = runner.invoke(refresh_command, ["--clinic", clinic.slug])
    rebuilt = runner.invoke(refresh_command, ["--clinic", clinic.slug, "--rebuild"])
    compacted = runner.invoke(refresh_command, ["--clinic", clinic.slug, "--compact"])
    unknown = runner.invoke(refresh_command, ["--clinic", "nowhere"])

    assert f"{len(store.stored_keys())} metrics built" in first.output
    assert "put in reading order" in first.output
    assert "0 metrics built, 0 households" in again.output
    assert "reading order" not in again.output
    assert f"{len(store.stored_keys())} metrics built" in rebuilt.output
    assert "0 metrics built, 0 households" in compacted.output
    assert "put in reading order" in compacted.output
    assert compacted.exit_code == 0
    assert unknown.exit_code == 1
    assert "no clinic has the short name nowhere" in unknown.output


def test_compacting_gives_up_while_another_transaction_reads_the_units(make, clinic, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's stored units are never rewritten")
    visit(make, make.child(clinic=clinic), date(2026, 3, 10))
    monkeypatch.setattr(store, "COMPACT_LOCK_WAIT", "200ms")
    with db.engine.connect() as reader:
        reader.execute(sa.text("LOCK TABLE metric_units IN ACCESS SHARE MODE"))
        assert store.compact() is False

    # The transaction goes on: the figures are still there to read.
    assert _due(clinic) == (0, 1)
