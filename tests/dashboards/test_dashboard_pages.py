"""The metrics dashboard and catalogue as a practice manager reads them: known figures, filters,
hidden small groups, bad filters, who may open them, the clinic's small-group setting, and a
fixed number of queries whatever the amount of data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
import sqlalchemy as sa

from app.clinics.models import Clinic
from app.core import clock
from app.core.audit import AuditEvent
from app.core.roles import Role
from app.dashboards.definitions import DEFINITIONS
from app.dashboards.queries import measured_definitions
from app.extensions import db
from app.referrals.models import ReferralStatus
from tests.core.test_i18n import _english_left, english_only_strings  # noqa: F401 — a fixture
from tests.dashboards.builders import PHQ2_NEGATIVE, PHQ2_POSITIVE, at, screen, visit
from tests.dashboards.builders_connecting import PHQ9_ITEM_9, follow_up, referral, team
from tests.dashboards.builders_programs import action_item, healthysteps, huddle, practices
from tests.pages import text_chunks, text_of

MARCH = {"from": "2026-03", "to": "2026-03"}


def visits_at(make, clinic, site, screened: int, unscreened: int, *, month: int = 3):
    """PHQ-2-due visits in `month` of 2026 at `site`, by Spanish-speaking households named after
    the site ("North0"…); the first `screened` answered the PHQ-2 (the first one positive)."""
    children = []
    for i in range(screened + unscreened):
        household = make.household(clinic, name=f"{site.name if site else 'Family'}{i}")
        make.caregiver(household)
        child = make.child(household, date_of_birth=date(2026, 1, 2))
        appointment = visit(
            make, child, date(2026, month, 2 + i), site_id=site.id if site else None
        )
        if i < screened:
            screen(make, appointment, "phq-2", PHQ2_POSITIVE if i == 0 else PHQ2_NEGATIVE)
        children.append(child)
    return children


def north_east_south(make, clinic) -> None:
    """North: 4 of 5 screened, East: 2 of 4, South: 1 of 1. With groups under 3 hidden, South is,
    and East with it, or the total minus North would give South away."""
    clinic.small_cell_minimum = 3
    north, east, south = (make.site(clinic, n) for n in ("North", "East", "South"))
    visits_at(make, clinic, north, screened=4, unscreened=1)
    visits_at(make, clinic, east, screened=2, unscreened=2)
    visits_at(make, clinic, south, screened=1, unscreened=0)


def metric_text(response, key: str) -> str:
    """The visible text of one metric's card."""
    html = response.get_data(as_text=True)
    start = html.index(f'id="metric-{key}"')
    card = html[start : html.index("</article>", start)]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", card)))


def row_text(response, key: str, variant_title: str) -> str:
    """The text of one variant's row in a metric's card, up to the next row."""
    text = metric_text(response, key)
    start = text.index(variant_title)
    return text[start : start + 400]


@pytest.fixture
def manager(make, clinic, login):
    return login(make.member(clinic, Role.PRACTICE_MANAGER))


@pytest.fixture
def login_manager_of(login):
    return lambda make, clinic: login(make.member(clinic, Role.PRACTICE_MANAGER))


def test_the_dashboard_shows_a_known_figure_and_is_audited(make, clinic, manager):
    visits_at(make, clinic, None, screened=2, unscreened=1)

    response = manager.get("/metrics/", query_string={**MARCH, "by": ""})

    assert response.status_code == 200
    phq = row_text(response, "screened-when-due", "PHQ-2")
    assert "67%" in phq
    assert "2 of 3" in phq
    assert "target 90%" in metric_text(response, "screened-when-due")
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "metrics_dashboard")
    ).one()
    assert event.action == "view"
    assert event.details == {"period": "2026-03/2026-03", "site": None, "by": ""}


def test_each_metric_says_what_it_counts_and_links_its_numbers(make, clinic, manager):
    visits_at(make, clinic, None, screened=2, unscreened=1)

    response = manager.get("/metrics/", query_string={**MARCH, "by": ""})

    text = metric_text(response, "screened-when-due")
    for words in ("Screened when due", "Visits at which the screen was done or still valid",
                  "screened-when-due v1", "AAP developmental-screening"):  # fmt: skip
        assert words in text
    html = response.get_data(as_text=True)
    assert re.search(
        r"/metrics/screened-when-due/children\?[^\"]*variant=phq-2[^\"]*part=numerator", html
    )
    assert 'href="/metrics/definitions"' in html
    assert "/metrics/export.csv?table=screened-when-due" in html
    assert "report.pdf?month=2026-03" in html
    assert 'role="img"' in html  # the trend chart


def test_the_default_period_is_the_year_to_this_month_in_the_clinic(
    make, clinic, login_manager_of, monkeypatch
):
    # 20:00 UTC on 28 February is already 1 March on Kiritimati (UTC+14): March is this month.
    clinic.timezone = "Pacific/Kiritimati"
    monkeypatch.setattr(clock, "now_utc", lambda: datetime(2026, 2, 28, 20, 0, tzinfo=UTC))
    client = login_manager_of(make, clinic)

    response = client.get("/metrics/")

    assert "Metrics · Apr 2025 to Mar 2026" in text_of(response)
    html = response.get_data(as_text=True)
    assert re.search(r'<input [^>]*name="from" [^>]*value="2025-04"', html)
    assert re.search(r'<input [^>]*name="to" [^>]*value="2026-03"', html)


def test_the_site_filter_changes_the_figures(make, clinic, manager):
    north, south = make.site(clinic, "North"), make.site(clinic, "South")
    visits_at(make, clinic, north, screened=2, unscreened=1)
    visits_at(make, clinic, south, screened=1, unscreened=3)

    everywhere = manager.get("/metrics/", query_string={**MARCH, "by": ""})
    north_only = manager.get("/metrics/", query_string={**MARCH, "by": "", "site": north.id})

    assert "3 of 7" in row_text(everywhere, "screened-when-due", "PHQ-2")
    assert "2 of 3" in row_text(north_only, "screened-when-due", "PHQ-2")
    assert "3 of 7" not in metric_text(north_only, "screened-when-due")
    assert "North" in text_of(north_only).split("Metrics", 2)[-1][:200]


def test_small_groups_are_hidden_with_their_complement(make, clinic, manager):
    north_east_south(make, clinic)

    response = manager.get("/metrics/", query_string=MARCH)

    phq = row_text(response, "screened-when-due", "PHQ-2")
    assert "North 80% 4 of 5" in phq
    # South (1 visit) is hidden, and East too: the total minus North would give South away.
    assert "East fewer than 3" in phq
    assert "South fewer than 3" in phq
    assert "Groups counting fewer than 3 are hidden" in text_of(response)


def test_a_breakdown_the_metric_has_not_is_said_so(make, clinic, manager):
    visits_at(make, clinic, None, screened=1, unscreened=0)

    response = manager.get("/metrics/", query_string={**MARCH, "by": "visit_kind"})

    assert "2 months" in row_text(response, "screened-when-due", "PHQ-2")
    assert "is not broken down by “Visit”" in metric_text(response, "positive-rate")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": "2026-13"}, "Enter months as year and month"),
        ({"from": "March"}, "Enter months as year and month"),
        ({"from": "2026-05", "to": "2026-03"}, "The last month comes before the first"),
        ({"from": "2020-01", "to": "2026-03"}, "at most 60 months"),
        ({"site": "north"}, "not one of this clinic's"),
        ({"by": "shoe-size"}, "Choose a breakdown from the list"),
    ],
)
def test_bad_filters_are_a_clear_400(manager, args, message):
    response = manager.get("/metrics/", query_string=args)

    assert response.status_code == 400
    assert message in text_of(response)
    assert "From" in text_of(response)  # the filter is there to correct


def test_another_clinics_site_is_refused(make, clinic, manager):
    elsewhere = make.site(make.clinic(), "Elsewhere")

    response = manager.get("/metrics/", query_string={"site": elsewhere.id})

    assert response.status_code == 400
    assert "not one of this clinic's" in text_of(response)


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.NAVIGATOR, Role.NURSE_MA, Role.PARTNER])
def test_only_managers_and_admins_open_the_metrics(make, clinic, login, role):
    client = login(make.member(clinic, role))

    for path in ("/metrics/", "/metrics/definitions", "/metrics/export.csv",
                 "/metrics/screened-when-due/children"):  # fmt: skip
        assert client.get(path).status_code == 403


def test_a_clinic_admin_opens_the_metrics_from_the_menu(make, clinic, login):
    client = login(make.member(clinic, Role.CLINIC_ADMIN))

    home = client.get("/").get_data(as_text=True)

    assert 'href="/metrics/"' in home
    assert client.get("/metrics/").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/metrics/")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_the_catalogue_lists_every_definition(manager):
    text = text_of(manager.get("/metrics/definitions"))

    for definition in DEFINITIONS:
        assert str(definition.title) in text
        assert definition.code in text
    assert "AAP developmental-screening quality collaborative" in text
    assert "DULCE visit schedule" in text


def test_the_dashboard_reads_fully_in_spanish(make, clinic, login, english_only_strings):  # noqa: F811
    clinic.small_cell_minimum = 2
    member = make.member(clinic, Role.PRACTICE_MANAGER)
    manager = login(member)
    visits_at(make, clinic, make.site(clinic, "Norte"), screened=2, unscreened=1)
    member.user.locale = "es"
    leftovers = {}
    for path in ("/metrics/?from=2026-03&to=2026-03", "/metrics/definitions",
                 "/metrics/screened-when-due/children?from=2026-03&to=2026-03&variant=phq-2"):  # fmt: skip
        response = manager.get(path)
        assert response.status_code == 200
        found = _english_left(text_chunks(response, only_lang="es"), english_only_strings)
        if found:
            leftovers[path] = found
    assert leftovers == {}


# --- the clinic's small-group setting ---------------------------------------------------------------


def _settings(clinic: Clinic, **changes) -> dict:
    form = {
        "name": clinic.name, "default_locale": "en", "timezone": "America/New_York",
        "critical_flag_escalation_minutes": "45", "on_duty_manager_id": "",
        "handoff_accept_minutes": "10", "failed_contacts_before_review": "3",
        "small_cell_minimum": "11",
    }  # fmt: skip
    return {**form, **changes}


def test_the_admin_sets_the_smallest_group_shown(make, clinic, login):
    admin = login(make.member(clinic, Role.CLINIC_ADMIN))

    page = text_of(admin.get("/admin/clinic/"))
    saved = admin.post("/admin/clinic/", data=_settings(clinic, small_cell_minimum="5"))

    assert "no family can be singled out" in page
    assert saved.status_code == 302
    assert db.session.get(Clinic, clinic.id).small_cell_minimum == 5
    assert "Groups counting fewer than 5 are hidden" in text_of(admin.get("/metrics/"))


@pytest.mark.parametrize("value", ["0", "101", "ten"])
def test_a_smallest_group_outside_1_to_100_is_refused(make, clinic, login, value):
    admin = login(make.member(clinic, Role.CLINIC_ADMIN))

    response = admin.post("/admin/clinic/", data=_settings(clinic, small_cell_minimum=value))

    assert response.status_code == 422
    assert "Enter a number of families from 1 to 100." in text_of(response)
    assert db.session.get(Clinic, clinic.id).small_cell_minimum == 11


# --- a fixed number of queries ------------------------------------------------------------------


def _world(make, clinic, scale: int) -> None:
    """`scale` copies of the same day at two sites: each copy has visits by families of two
    languages seen by two clinicians, screens positive, negative and critical, a referral and a
    warm handoff, a follow-up, a huddle with an action item, practices and HealthySteps. Copies
    differ only in their day, so every metric and group that has units at one scale has some at
    the other."""
    crew = team(make, clinic)
    clinicians = [make.member(clinic, Role.CLINICIAN).user_id for _ in range(2)]
    sites = [make.site(clinic, name) for name in ("North", "South")]
    for i in range(scale):
        day = date(2026, 3, 2 + i)
        for site, clinician_id in zip(sites, clinicians, strict=True):
            _visit_day(make, clinic, crew, site, clinician_id, day)


def _visit_day(make, clinic, crew, site, clinician_id, day: date) -> None:
    board = huddle(make, clinic, day, site=site)
    for language, answers in (("es", PHQ2_POSITIVE), ("en", PHQ2_NEGATIVE), ("es", None)):
        household = make.household(clinic)
        make.caregiver(household, preferred_language=language)
        child = make.child(household, date_of_birth=date(2026, 1, 2))
        appointment = visit(make, child, day, site_id=site.id, clinician_id=clinician_id)
        practices(appointment, clinician_id, "C1", "C2")
        if answers is None:
            healthysteps(child, 2, day)
            action_item(board, child, at(day, 9), is_done=True)
            continue
        screen(make, appointment, "phq-2", answers)
        if answers is PHQ2_POSITIVE:
            screen(make, appointment, "phq-9", PHQ9_ITEM_9)
            referral(crew, child, at(day, 15), ReferralStatus.COMPLETED, appointment=appointment)
            referral(crew, child, at(day, 14), appointment=appointment, is_warm_handoff=True)
            follow_up(make, crew, child, day)


@pytest.mark.parametrize("by", ["site", "clinician", "language", ""])
def test_the_dashboard_costs_the_same_queries_for_6_or_60_visits(make, login, count_queries, by):
    """The first read also builds the stored units; later reads only add them up."""
    first, again = [], []
    for scale in (1, 10):
        clinic = make.clinic()
        _world(make, clinic, scale)
        client = login(make.member(clinic, Role.PRACTICE_MANAGER))
        for counts in (first, again):
            with count_queries() as counted:
                response = client.get(
                    "/metrics/", query_string={"from": "2026-02", "to": "2026-03", "by": by}
                )
            assert response.status_code == 200
            counts.append(counted.count)
        client.post("/sign-out")
    assert first[0] == first[1]
    assert again[0] == again[1]
    # A bound that grows only with the catalogue: a few queries per metric, never per row (and on
    # PostgreSQL the refresh's lock and JIT setting).
    assert again[0] <= 16 + 4 * len(measured_definitions())
