"""Trend charts: valid SVG that a screen reader can read, one dot per month with a figure."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from flask_babel import force_locale

from app.dashboards.charts import nice_ceiling, trend_chart
from app.dashboards.definitions import BY_KEY
from app.dashboards.periods import months_between
from app.dashboards.tally import Cell

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = months_between(date(2025, 10, 1), date(2026, 3, 1))
SCREENED = BY_KEY["screened-when-due"]  # a rate with a 90% target
POSITIVE = BY_KEY["positive-rate"]  # a rate without a target
PRACTICES = BY_KEY["practices-per-visit"]  # a mean


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 — the app's own markup, not outside input


def chart(definition, cells, months=MONTHS, title="Screened when due", minimum=11) -> ET.Element:
    return parse(trend_chart(definition, months, cells, title=title, minimum_cell=minimum))


def texts(svg: ET.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text")]


def test_chart_has_a_title_and_a_description_naming_each_months_figure():
    cells = [Cell(2, 3), Cell(), Cell(1, 4), Cell(3, 3), Cell(0, 2), Cell(5, 5)]

    svg = chart(SCREENED, cells)

    assert svg.get("role") == "img"
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Screened when due"
    assert "Oct 2025: 67% (2 of 3)" in desc.text
    assert "Nov 2025: nothing to count" in desc.text
    assert "Mar 2026: 100% (5 of 5)" in desc.text
    assert "The target is 90%" in desc.text


def test_one_dot_per_month_with_figures_and_a_gap_for_an_empty_month():
    cells = [Cell(2, 3), Cell(1, 2), Cell(), Cell(3, 3), Cell(0, 2), Cell(1, 1)]

    svg = chart(POSITIVE, cells)

    assert len(list(svg.iter(f"{SVG}circle"))) == 5
    path = next(svg.iter(f"{SVG}path")).get("d")
    # The line lifts its pen at the empty month: two runs, not one line through zero.
    assert path.count("M") == 2
    assert path.count("L") == 3


def test_hidden_month_is_a_gap_and_named_as_hidden():
    cells = [Cell(2, 3), Cell(1, 2, is_suppressed=True), Cell(3, 4), Cell(), Cell(), Cell()]

    svg = chart(POSITIVE, cells, minimum=11)

    assert len(list(svg.iter(f"{SVG}circle"))) == 2
    assert "Nov 2025: fewer than 11" in svg.find(f"{SVG}desc").text


def test_target_line_only_when_the_metric_has_a_target():
    cells = [Cell(1, 2)] * 6

    with_target = chart(SCREENED, cells)
    without = chart(POSITIVE, cells)

    assert [line.get("class") for line in with_target.iter(f"{SVG}line")].count("target") == 1
    assert "target 90%" in texts(with_target)
    assert "target" not in [line.get("class") for line in without.iter(f"{SVG}line")]


def test_rate_axis_runs_from_0_to_100_percent_and_the_last_value_is_labelled():
    cells = [Cell(1, 4), Cell(1, 2), Cell(), Cell(), Cell(2, 3), Cell()]

    labels = texts(chart(POSITIVE, cells))

    assert {"0%", "50%", "100%"} <= set(labels)
    assert labels[-1] == "67%"  # the last month with a figure, drawn last so it sits on top


def test_mean_axis_reaches_a_round_number_above_the_largest_month():
    cells = [Cell(3, 3, value_sum=6.0), Cell(2, 2, value_sum=7.0)] + [Cell()] * 4

    labels = texts(chart(PRACTICES, cells, title="Practices"))

    assert {"0", "2.5", "5"} <= set(labels)  # 3.5 at most: an axis to 5
    assert labels[-1] == "3.5"


@pytest.mark.parametrize(
    ("largest", "top"), [(0, 1), (0.7, 1), (1, 1), (3.5, 5), (2.4, 2.5), (14, 20), (60, 100)]
)
def test_nice_ceiling(largest, top):
    assert nice_ceiling(largest) == pytest.approx(top)


def test_month_labels_thin_out_over_a_long_period_and_always_name_the_last_month():
    months = months_between(date(2024, 1, 1), date(2026, 3, 1))  # 27 months
    cells = [Cell(1, 2)] * len(months)

    labels = [t for t in texts(chart(POSITIVE, cells, months=months)) if t.isalpha()]

    assert 6 <= len(labels) <= 12
    assert labels[-1] == "Mar"
    assert len(list(chart(POSITIVE, cells, months=months).iter(f"{SVG}circle"))) == 27


def test_title_and_words_are_escaped():
    svg = trend_chart(POSITIVE, MONTHS, [Cell(1, 2)] * 6, title="PHQ-2 <b>&", minimum_cell=11)

    assert "<b>" not in str(svg)
    assert parse(svg).find(f"{SVG}title").text == "PHQ-2 <b>&"


def test_same_figures_draw_the_same_chart_and_in_the_readers_language():
    cells = [Cell(2, 3)] * 6
    english = trend_chart(SCREENED, MONTHS, cells, title="x", minimum_cell=11)

    assert english == trend_chart(SCREENED, MONTHS, cells, title="x", minimum_cell=11)
    with force_locale("es"):
        spanish = trend_chart(SCREENED, MONTHS, cells, title="x", minimum_cell=11)
    spanish_months = texts(parse(spanish))
    assert "ene" in spanish_months
    assert "Jan" not in spanish_months
    assert len(english) < 6000
