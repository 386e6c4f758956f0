"""Drill-down: the children behind a number, exactly; each one listed is audited; a hidden
group is never listed; a bad question is a 400."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.families.models import RaceEthnicity
from tests.dashboards.builders import PHQ2_NEGATIVE, screen, visit
from tests.dashboards.builders_programs import huddle
from tests.pages import text_of

MARCH = {"from": "2026-03", "to": "2026-03", "by": ""}
PHQ = {**MARCH, "variant": "phq-2"}


@pytest.fixture
def manager(make, clinic, login):
    return login(make.member(clinic, Role.PRACTICE_MANAGER))


def family_visit(make, clinic, name: str, day: date, *, site=None, screened=True, race=None):
    """A Spanish-speaking family's 2-month visit; the PHQ-2 answered when `screened`."""
    household = make.household(clinic, name=name)
    make.caregiver(household, race_ethnicity=race)
    child = make.child(household, given_name=f"{name}child", date_of_birth=date(2026, 1, 2))
    appointment = visit(make, child, day, site_id=site.id if site else None)
    if screened:
        screen(make, appointment, "phq-2", PHQ2_NEGATIVE)
    return child


def listed(response) -> str:
    return text_of(response).split("Household Site", 1)[-1]


def drill(client, key="screened-when-due", **args):
    return client.get(f"/metrics/{key}/children", query_string={**PHQ, **args})


def test_the_list_holds_exactly_the_children_behind_the_number(make, clinic, manager):
    ortiz = family_visit(make, clinic, "Ortiz", date(2026, 3, 3))
    nguyen = family_visit(make, clinic, "Nguyen", date(2026, 3, 9))
    family_visit(make, clinic, "Haddad", date(2026, 3, 5), screened=False)
    family_visit(make, clinic, "Later", date(2026, 4, 2))  # after the period

    counted = drill(manager, part="numerator")
    missed = drill(manager, part="missed")
    everyone = drill(manager, part="all")

    assert counted.status_code == 200
    assert "2 listed" in text_of(counted)
    rows = listed(counted)
    assert "Nguyenchild Nguyen" in rows
    assert "Ortizchild Ortiz" in rows
    assert rows.index("Nguyen") < rows.index("Ortiz")  # newest first
    assert ortiz.record_number in rows
    assert nguyen.record_number in rows
    assert "Haddad" not in rows
    assert "Later" not in rows
    assert "1 listed" in text_of(missed)
    assert "Haddadchild Haddad" in listed(missed)
    assert "Ortiz" not in listed(missed)
    assert "3 listed" in text_of(everyone)
    assert f'href="/families/children/{ortiz.id}"' in counted.get_data(as_text=True)


def test_each_child_listed_is_audited_once_with_the_metric(make, clinic, manager):
    children = [family_visit(make, clinic, n, date(2026, 3, 3 + i))
                for i, n in enumerate(("Ortiz", "Nguyen"))]  # fmt: skip
    family_visit(make, clinic, "Haddad", date(2026, 3, 5), screened=False)

    drill(manager, part="numerator")

    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.child_id.is_not(None), AuditEvent.action == "view")
    ).all()
    assert sorted(e.child_id for e in events) == sorted(c.id for c in children)
    assert {(e.details["metric"], e.household_id) for e in events} == {
        ("screened-when-due", c.household_id) for c in children
    }


def test_a_month_and_a_group_narrow_the_list(make, clinic, manager):
    north, south = make.site(clinic, "North"), make.site(clinic, "South")
    family_visit(make, clinic, "Ortiz", date(2026, 3, 3), site=north)
    family_visit(make, clinic, "Nguyen", date(2026, 4, 9), site=north)
    family_visit(make, clinic, "Haddad", date(2026, 3, 5), site=south)
    clinic.small_cell_minimum = 1
    args = {"from": "2026-03", "to": "2026-04", "by": "site", "part": "all"}

    march = drill(manager, **args, month="2026-03")
    north_only = drill(manager, **args, group=str(north.id))
    both = drill(manager, **args, month="2026-03", group=str(north.id))

    assert {"Ortiz", "Haddad"} == {n for n in ("Ortiz", "Nguyen", "Haddad") if n in listed(march)}
    assert {"Ortiz", "Nguyen"} == {
        n for n in ("Ortiz", "Nguyen", "Haddad") if n in listed(north_only)
    }
    assert "Ortiz" in listed(both)
    assert "Nguyen" not in listed(both)
    assert "Site: North" in text_of(both)


def test_race_and_ethnicity_groups_fold_each_caregivers_answers(make, clinic, manager):
    clinic.small_cell_minimum = 1
    black = [RaceEthnicity.BLACK_AFRICAN_AMERICAN.value]
    family_visit(make, clinic, "Okafor", date(2026, 3, 3), race=black)
    family_visit(make, clinic, "Mensah", date(2026, 3, 4), race=[*black, "declined"])
    family_visit(make, clinic, "Garcia", date(2026, 3, 5), race=["hispanic_latino", *black])
    family_visit(make, clinic, "Smith", date(2026, 3, 6))

    response = drill(manager, by="race_ethnicity", group=black[0])
    multiple = drill(manager, by="race_ethnicity", group="multiple")

    assert "2 listed" in text_of(response)
    assert "Okafor" in listed(response)
    assert "Mensah" in listed(response)
    assert "Garcia" in listed(multiple)
    assert "Okafor" not in listed(multiple)


def test_a_hidden_group_is_never_listed(make, clinic, manager):
    clinic.small_cell_minimum = 3
    north, east, south = (make.site(clinic, n) for n in ("North", "East", "South"))
    for i in range(4):
        family_visit(make, clinic, f"North{i}", date(2026, 3, 2 + i), site=north)
    for i in range(3):
        family_visit(make, clinic, f"East{i}", date(2026, 3, 2 + i), site=east)
    family_visit(make, clinic, "Lonely", date(2026, 3, 9), site=south)
    args = {**PHQ, "by": "site", "part": "all"}

    small = drill(manager, **args, group=str(south.id))
    complement = drill(manager, **args, group=str(east.id))
    shown = drill(manager, **args, group=str(north.id))

    assert small.status_code == 403
    assert "too small to list" in text_of(small)
    assert "Lonely" not in text_of(small)
    assert complement.status_code == 403  # East would give South away
    assert "East0" not in text_of(complement)
    assert shown.status_code == 200
    assert "4 listed" in text_of(shown)
    audited = db.session.scalars(
        sa.select(AuditEvent.child_id).where(
            AuditEvent.child_id.is_not(None), AuditEvent.action == "view"
        )
    ).all()
    assert len(audited) == 4  # North's four: the refused pages listed nobody
    csv = manager.get(
        "/metrics/screened-when-due/children.csv", query_string={**args, "group": str(south.id)}
    )
    assert csv.status_code == 403
    assert "Lonely" not in csv.get_data(as_text=True)


def test_the_list_is_paged_with_its_total(app, make, clinic, manager, monkeypatch):
    monkeypatch.setitem(app.config, "WELLTHREAD_PAGE_SIZE", 2)
    for i, name in enumerate(("Ana", "Bea", "Cleo")):
        family_visit(make, clinic, name, date(2026, 3, 3 + i))

    first = drill(manager, part="all")
    second = drill(manager, part="all", page=2)

    assert "3 listed" in text_of(first)
    assert "3 listed" in text_of(second)
    assert "Cleo" in listed(first)
    assert "Bea" in listed(first)
    assert "Ana" not in listed(first)
    assert "Next page" in text_of(first)
    assert "Ana" in listed(second)
    assert "Cleo" not in listed(second)
    assert "Previous page" in text_of(second)
    assert "Next page" not in text_of(second)


def test_clinic_days_are_listed_as_days_and_sites(make, clinic, manager):
    north = make.site(clinic, "North")
    family_visit(make, clinic, "Ortiz", date(2026, 3, 3), site=north)
    family_visit(make, clinic, "Nguyen", date(2026, 3, 4), site=north)
    huddle(make, clinic, date(2026, 3, 3), site=north)

    held = drill(manager, "huddles-held", variant="all", part="numerator")
    missed = drill(manager, "huddles-held", variant="all", part="missed")

    assert held.status_code == 200
    assert "Mar 3, 2026 North" in text_of(held)
    assert "Mar 4, 2026 North" in text_of(missed)
    assert "Ortiz" not in text_of(held)
    assert "Record number" not in text_of(held)


def test_a_clinic_admin_sees_names_without_links_to_records_they_cannot_open(make, clinic, login):
    family_visit(make, clinic, "Ortiz", date(2026, 3, 3))
    admin = login(make.member(clinic, Role.CLINIC_ADMIN))

    response = drill(admin, part="numerator")

    assert "Ortizchild Ortiz" in listed(response)
    assert "/families/" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"variant": "phq-99"}, "no such row"),
        ({"part": "everyone"}, "Choose what to list"),
        ({"month": "2026-05"}, "Choose a month of the period shown"),
        ({"month": "soon"}, "Choose a month of the period shown"),
        ({"group": "1"}, "not broken down that way"),  # no breakdown asked for
        ({"by": "site", "group": "999999"}, "no such group"),
        ({"by": "site", "group": "../etc"}, "no such group"),
        ({"from": "2026-04", "to": "2026-03"}, "comes before the first"),
    ],
)
def test_a_bad_question_is_a_clear_400(make, clinic, manager, args, message):
    family_visit(make, clinic, "Ortiz", date(2026, 3, 3))

    response = drill(manager, **args)

    assert response.status_code == 400
    assert message in text_of(response)


def test_an_unknown_metric_does_not_exist(manager):
    assert manager.get("/metrics/nonsense/children").status_code == 404
    assert manager.get("/metrics/nonsense/children.csv").status_code == 404
