"""The monthly metrics report PDF: the month's figures, the trend charts, the breakdowns with small
groups hidden, in the language asked for, for managers only."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.core.audit import AuditEvent
from app.core.roles import Role
from app.dashboards import store
from app.dashboards.definitions import DEFINITIONS
from app.dashboards.queries import measured_definitions
from app.dashboards.report import ReportRequest, monthly_report
from app.extensions import db
from tests.dashboards.builders import PHQ2_NEGATIVE, screen, visit
from tests.pdfs import pdf_pages, pdf_text

MARCH = "2026-03"


def two_of_three_screened(make, clinic, site=None) -> None:
    """Three PHQ-2-due visits in March 2026 by Spanish-speaking families, two of them screened."""
    for i, screened in enumerate((True, True, False)):
        household = make.household(clinic)
        make.caregiver(household, preferred_language="es")
        appointment = visit(
            make, make.child(household), date(2026, 3, 3 + i), site_id=site.id if site else None
        )
        if screened:
            screen(make, appointment, "phq-2", PHQ2_NEGATIVE)


@pytest.fixture
def manager(make, clinic, login):
    return login(make.member(clinic, Role.PRACTICE_MANAGER))


def report(client, **args):
    return client.get("/metrics/report.pdf", query_string={"month": MARCH, **args})


def test_english_report_prints_the_months_figures_and_charts(make, clinic, manager):
    north = make.site(clinic, "North")
    two_of_three_screened(make, clinic, site=north)

    response = report(manager, lang="en")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    text = " ".join(" ".join(page.split()) for page in pages)
    assert clinic.name in text
    assert "March 2026" in text
    assert "67%" in text
    assert "2 of 3" in text
    # The trend chart's month labels are drawn as text: the year ending in March 2026.
    assert "Apr" in text
    assert "Screened when due" in text
    assert "By site, March 2026" in text
    assert "By family's language, March 2026" in text
    assert f"1 / {len(pages)}" in pages[0]
    assert "fewer than 11 are hidden" in pages[-1]


def test_three_families_in_a_group_are_hidden_in_the_breakdown(make, clinic, manager):
    two_of_three_screened(make, clinic)

    text = pdf_text(report(manager, lang="en").data)

    # Spanish speakers are 3 families, under the clinic's minimum of 11: their row says so.
    assert "Spanish fewer than 11" in text


def test_report_of_one_site_counts_only_its_visits_and_has_no_site_breakdown(make, clinic, manager):
    north, south = make.site(clinic, "North"), make.site(clinic, "South")
    two_of_three_screened(make, clinic, site=north)
    two_of_three_screened(make, clinic, site=south)

    text = pdf_text(report(manager, lang="en", site=str(north.id)).data)

    assert "North" in text
    assert "2 of 3" in text
    assert "4 of 6" not in text
    assert "By site" not in text


def test_report_reads_as_many_queries_however_many_families_and_sites(make, clinic, count_queries):
    two_of_three_screened(make, clinic, site=make.site(clinic, "North"))
    asked = ReportRequest(date(2026, 3, 1), None, "en")
    store.refresh(clinic.id)
    with count_queries() as few:
        monthly_report(clinic, asked, date(2026, 11, 1))
    for name in ("South", "East", "West"):
        two_of_three_screened(make, clinic, site=make.site(clinic, name))
    store.refresh(clinic.id)

    with count_queries() as more:
        report_of_more = monthly_report(clinic, asked, date(2026, 11, 1))

    assert more.count == few.count
    screened = report_of_more.sections[0].metrics[0]
    assert screened.variants[0].month.detail == "8 of 12"


def test_spanish_report_has_spanish_titles_and_no_english_ones(make, clinic, manager):
    two_of_three_screened(make, clinic)

    text = pdf_text(report(manager, lang="es").data)

    measured = [d for d in DEFINITIONS if d in measured_definitions()]
    with force_locale("es"):
        spanish = [str(d.title) for d in measured]
    english = [str(d.title) for d in measured]
    assert "Informe de indicadores · marzo 2026" in text
    for title in spanish:
        assert title in text
    assert not [title for title in english if title not in spanish and title in text]


def test_report_language_defaults_to_the_readers(make, clinic, login):
    membership = make.member(clinic, Role.CLINIC_ADMIN)
    membership.user.locale = "es"
    client = login(membership)

    text = pdf_text(report(client).data)

    assert "marzo 2026" in text


def test_report_is_audited_as_an_export(make, clinic, manager):
    response = report(manager, lang="en")

    assert response.status_code == 200
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "metrics_report")
    ).one()
    assert event.action == "export"
    assert event.details == {"month": MARCH, "site": None, "lang": "en"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"month": "March"}, "for example 2026-03"),
        ({"month": "2026-13"}, "for example 2026-03"),
        ({"month": "2099-01"}, "has not started yet"),
        ({"site": "999999"}, "not one of this clinic"),
        ({"lang": "fr"}, "English (en) or Spanish (es)"),
    ],
)
def test_bad_month_site_or_language_is_a_400_saying_what_to_fix(manager, args, message):
    response = manager.get("/metrics/report.pdf", query_string={"month": MARCH, **args})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_another_clinics_site_is_refused(make, clinic, manager):
    elsewhere = make.site(make.clinic(), "Elsewhere")

    assert report(manager, site=str(elsewhere.id)).status_code == 400


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.FRONT_DESK, Role.NAVIGATOR])
def test_care_team_cannot_print_the_report(make, clinic, login, role):
    client = login(make.member(clinic, role))

    assert report(client).status_code == 403
