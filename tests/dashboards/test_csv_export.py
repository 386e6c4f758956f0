"""CSV of the dashboard's tables and of a drill-down: the rows a spreadsheet user expects, no
numbers for a hidden cell, no formula from a typed-in name, and an audit entry for each export."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEvent
from app.core.roles import Role
from app.extensions import db
from tests.dashboards.test_dashboard_pages import north_east_south, visits_at
from tests.pages import text_of

HEADER = ["metric", "version", "variant", "group", "numerator", "denominator", "figure", "extra"]


@pytest.fixture
def manager(make, clinic, login):
    return login(make.member(clinic, Role.PRACTICE_MANAGER))


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def export(client, **args):
    query = {"table": "screened-when-due", "from": "2026-03", "to": "2026-03", **args}
    return client.get("/metrics/export.csv", query_string=query)


def test_the_breakdown_has_a_row_per_variant_and_group_and_hides_small_cells(make, clinic, manager):
    north_east_south(make, clinic)

    response = export(manager, view="breakdown", by="site")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=screened-when-due-breakdown-2026-03.csv"
    )
    rows = rows_of(response)
    assert rows[0] == HEADER
    phq = [r[3:] for r in rows[1:] if r[2] == "Patient Health Questionnaire-2 (PHQ-2)"]
    assert phq == [
        ["Total", "7", "10", "70%", ""],
        ["North", "4", "5", "80%", ""],
        ["East", "", "", "fewer than 3", ""],  # the complement of South
        ["South", "", "", "fewer than 3", ""],
    ]
    assert {r[0] for r in rows[1:]} == {"screened-when-due"}
    assert {r[1] for r in rows[1:]} == {"1"}
    variants = {r[2] for r in rows[1:]}
    assert len(rows) == 1 + 4 * len(variants)


def test_the_trend_has_a_row_per_variant_and_month(make, clinic, manager):
    north = make.site(clinic, "North")
    visits_at(make, clinic, north, screened=2, unscreened=1, month=3)
    visits_at(make, clinic, north, screened=1, unscreened=0, month=5)

    response = export(manager, view="trend", to="2026-05")

    rows = rows_of(response)
    assert rows[0] == [*HEADER[:3], "month", *HEADER[4:]]
    phq = [r[3:7] for r in rows[1:] if r[2] == "Patient Health Questionnaire-2 (PHQ-2)"]
    assert phq == [
        ["2026-03", "2", "3", "67%"],
        ["2026-04", "0", "0", "—"],
        ["2026-05", "1", "1", "100%"],
    ]
    assert response.headers["Content-Disposition"].endswith(
        "screened-when-due-trend-2026-03-to-2026-05.csv"
    )


def test_a_typed_in_name_never_becomes_a_formula(make, clinic, manager):
    clinic.small_cell_minimum = 1
    sneaky = make.site(clinic, '=HYPERLINK("http://evil.example","click")')
    visits_at(make, clinic, sneaky, screened=1, unscreened=0)

    rows = rows_of(export(manager, view="breakdown", by="site"))

    groups = {r[3] for r in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example","click")' in groups
    assert not [g for g in groups if g[:1] in "=+-@"]


def test_an_export_is_audited_without_naming_a_child(make, clinic, manager):
    visits_at(make, clinic, make.site(clinic, "North"), screened=1, unscreened=0)

    export(manager, view="trend", by="")

    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "metrics_table")
    ).one()
    assert event.action == "export"
    assert event.child_id is None
    assert event.details == {
        "metric": "screened-when-due", "view": "trend", "period": "2026-03/2026-03",
        "site": None, "by": "",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"table": "nonsense"}, "Choose a table"),
        ({"view": "pie"}, "Choose the breakdown or the month-by-month table"),
        ({"from": "2026-3-1"}, "Enter months as year and month"),
        ({"site": "0"}, "not one of this clinic's"),
    ],
)
def test_a_bad_export_is_a_clear_400(manager, args, message):
    response = export(manager, **args)

    assert response.status_code == 400
    assert message in text_of(response)


# --- a drill-down as CSV ------------------------------------------------------------------------


def test_the_drill_down_csv_lists_every_child_and_audits_each(
    app, make, clinic, manager, monkeypatch
):
    monkeypatch.setitem(app.config, "WELLTHREAD_PAGE_SIZE", 1)  # a CSV is never paged
    north = make.site(clinic, "North")
    visits_at(make, clinic, north, screened=2, unscreened=1)

    response = manager.get(
        "/metrics/screened-when-due/children.csv",
        query_string={"from": "2026-03", "to": "2026-03", "variant": "phq-2", "part": "numerator"},
    )

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=screened-when-due-numerator-2026-03.csv"
    )
    rows = rows_of(response)
    assert rows[0] == ["date", "child", "record_number", "age", "household", "site"]
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == [
        ("2026-03-03", "North1", "North"),
        ("2026-03-02", "North0", "North"),
    ]
    assert rows[1][3] == "8 weeks"  # born 2 January, seen 3 March
    exported = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.child_id.is_not(None))
    ).all()
    assert len(exported) == 2
    assert {e.details["metric"] for e in exported} == {"screened-when-due"}
