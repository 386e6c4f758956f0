"""Named reads of the dashboards: every metric of a scope, one metric, its drill-down."""

from __future__ import annotations

# Importing the measure modules registers each metric's units.
from app.dashboards import (  # noqa: F401
    measures_connecting,
    measures_programs,
    measures_screening,
    measures_team,
)
from app.dashboards.definitions import DEFINITIONS, MetricDefinition
from app.dashboards.dimensions import Dimension
from app.dashboards.periods import Scope
from app.dashboards.registry import MEASURES
from app.dashboards.tally import MetricTally, tally


def metric_tallies(
    scope: Scope,
    by: Dimension | None,
    minimum_cell: int,
    definitions: tuple[MetricDefinition, ...] = DEFINITIONS,
) -> list[MetricTally]:
    """Every metric of the catalogue over the scope: a fixed number of queries per metric."""
    return [tally(d, scope, by, minimum_cell) for d in definitions if d.key in MEASURES]


def measured_definitions() -> tuple[MetricDefinition, ...]:
    """The catalogue's metrics that have a measure, in catalogue order."""
    return tuple(d for d in DEFINITIONS if d.key in MEASURES)


def measured_definition(key: str) -> MetricDefinition | None:
    return next((d for d in measured_definitions() if d.key == key), None)


def metric_tally(
    definition: MetricDefinition, scope: Scope, by: Dimension | None, minimum_cell: int
) -> MetricTally:
    """One metric over the scope (a CSV table, or the cell a drill-down opens)."""
    return tally(definition, scope, by, minimum_cell)
