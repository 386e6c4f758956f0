"""The directory pages: search for the care team, service pages, the admin's import and partner link,
and `flask directory import`."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.clinics.models import PartnerKind
from app.core.audit import AuditEvent
from app.core.roles import Role
from app.directory.models import DirectoryOrganization, DirectoryService
from tests.directory.hsds import add_directory_service, csv_file, hsds_location, json_file
from tests.directory.hsds import hsds_service as service_json
from tests.pages import text_of


@pytest.fixture
def admin(make, clinic):
    return make.member(clinic, Role.CLINIC_ADMIN)


@pytest.fixture
def front_desk(make, clinic):
    return make.member(clinic, Role.FRONT_DESK)


@pytest.fixture
def pantry(clinic):
    return add_directory_service(
        clinic.id,
        service_id="svc-pantry",
        name="Family food pantry",
        languages=("en", "es"),
        need_domains=("food",),
        locations=(hsds_location("loc-mill", "Food Bank Warehouse", languages=("vi",)),),
        eligibility_description="Families living in Riverside County",
    )


@pytest.fixture
def housing(clinic):
    return add_directory_service(
        clinic.id,
        service_id="svc-housing",
        name="Housing counselling",
        organization_id="org-housing",
        organization_name="Housing Partnership",
        languages=("en",),
        need_domains=("housing",),
    )


# --- search -------------------------------------------------------------------------------------


def test_the_front_desk_finds_food_help_in_spanish(login, front_desk, pantry, housing):
    client = login(front_desk)

    page = client.get("/directory/?need=food&language=es")

    assert page.status_code == 200
    text = text_of(page)
    assert "1 service found" in text
    assert "Family food pantry" in text
    assert "Riverside Food Bank" in text
    assert "Families living in Riverside County" in text
    assert "English, Spanish, Vietnamese" in text
    assert "555-0100" in text
    assert "Food Bank Warehouse" in text
    assert "Housing counselling" not in text


def test_language_names_follow_the_pages_language(login, front_desk, pantry):
    client = login(front_desk)
    client.post("/account", data={"locale": "es"})

    text = text_of(client.get("/directory/?language=vi"))

    assert "inglés, español, vietnamita" in text.lower()


def test_words_search_and_no_result_is_said_plainly(login, front_desk, pantry, housing):
    client = login(front_desk)

    assert "Housing counselling" in text_of(client.get("/directory/?q=PARTNERSHIP"))
    text = text_of(client.get("/directory/?q=legal+aid"))
    assert "0 services found" in text
    assert "No service matches." in text


def test_a_need_that_does_not_exist_is_refused_clearly(login, front_desk, pantry):
    page = login(front_desk).get("/directory/?need=pizza")

    assert page.status_code == 200
    assert "Not a valid choice" in text_of(page)
    assert "Family food pantry" not in text_of(page)


def test_the_search_page_costs_the_same_queries_for_few_and_many_results(
    make, login, count_queries
):
    counts = []
    for how_many in (1, 8):
        clinic = make.clinic()
        for n in range(how_many):
            add_directory_service(
                clinic.id,
                service_id=f"svc-{n}",
                name=f"Pantry {n}",
                organization_id=f"org-{n}",
                organization_name=f"Food bank {n}",
                locations=(hsds_location(f"loc-{n}", f"Site {n}", languages=("es",)),),
            )
        client = login(make.member(clinic, Role.NAVIGATOR))
        with count_queries() as counted:
            page = client.get("/directory/?need=food&language=es")
        assert page.get_data(as_text=True).count("/directory/services/") == how_many
        counts.append(counted.count)
        client.post("/sign-out")
    assert counts[0] == counts[1]


def test_a_partner_user_cannot_search_the_directory(make, login, clinic, pantry):
    partner = make.member(clinic, Role.PARTNER)

    assert login(partner).get("/directory/").status_code == 403


# --- a service ----------------------------------------------------------------------------------


def test_a_service_page_shows_what_a_family_needs_to_get_there(login, front_desk, pantry):
    text = text_of(login(front_desk).get(f"/directory/services/{pantry.id}"))

    assert "Family food pantry" in text
    assert "Food" in text
    assert "Food Bank Warehouse 1 Main Street, Riverside 02139" in text
    assert "Languages spoken here: Vietnamese" in text
    assert "Riverside Food Bank has no partner portal" in text


def test_another_clinics_service_does_not_exist(make, login, front_desk, clinic):
    theirs = add_directory_service(make.clinic(name="Other Pediatrics").id)

    assert login(front_desk).get(f"/directory/services/{theirs.id}").status_code == 404


# --- import -------------------------------------------------------------------------------------


def upload(client, content: bytes, filename: str = "directory.csv"):
    return client.post(
        "/directory/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_the_admin_imports_a_file_and_sees_each_rows_result(login, admin, db_session, clinic):
    content = csv_file(
        "org-1,Food Bank,svc-1,Pantry,,,,,,,en;es,food,,,,,",
        "org-1,Food Bank,svc-2,,,,,,,,en,food,,,,,",
    )

    page = upload(login(admin), content)

    assert page.status_code == 200
    text = text_of(page)
    assert "1 added, 0 updated, 0 already up to date, 1 with problems." in text
    assert "2 Added Added Pantry (Food Bank)." in text
    assert "3 Not imported service_name is missing." in text
    names = db_session.scalars(
        sa.select(DirectoryService.name).where(DirectoryService.clinic_id == clinic.id)
    ).all()
    assert names == ["Pantry"]


def test_an_unreadable_file_is_refused_whole_on_the_page(login, admin, db_session, clinic):
    page = upload(login(admin), b"\xff\xfe not utf-8", "directory.json")

    assert page.status_code == 422
    assert "The file is not UTF-8 text." in text_of(page)
    assert "Nothing was imported." in text_of(page)
    services = sa.select(DirectoryService.id).where(DirectoryService.clinic_id == clinic.id)
    assert db_session.scalars(services).all() == []


def test_a_file_over_the_size_limit_is_refused(app, login, admin):
    app.config["WELLTHREAD_CSV_MAX_BYTES"] = 50
    try:
        page = upload(login(admin), csv_file("org-1,Food Bank,svc-1,Pantry,,,,,,,,,,,,,"))
    finally:
        app.config["WELLTHREAD_CSV_MAX_BYTES"] = 2 * 1024 * 1024

    assert page.status_code == 422
    assert "The file is larger than" in text_of(page)


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.NAVIGATOR, Role.PRACTICE_MANAGER])
def test_only_the_clinic_admin_imports(make, login, clinic, role):
    client = login(make.member(clinic, role))

    assert client.get("/directory/import").status_code == 403
    assert upload(client, csv_file("org-1,Food Bank,svc-1,Pantry,,,,,,,,,,,,,")).status_code == 403


# --- partner link -------------------------------------------------------------------------------


def test_the_admin_links_an_organization_to_a_partner_portal(
    make, login, admin, db_session, clinic, pantry
):
    partner = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    client = login(admin)
    url = f"/directory/organizations/{pantry.organization_id}"

    response = client.post(url, data={"partner_organization_id": str(partner.id)})

    assert response.status_code == 302
    organization = db_session.get(DirectoryOrganization, pantry.organization_id)
    assert organization.partner_organization_id == partner.id
    text = text_of(client.get(f"/directory/services/{pantry.id}"))
    assert f"Referrals to this service reach the partner portal of {partner.name}." in text
    [event] = db_session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.object_type == "directory_organizations", AuditEvent.action == "update"
        )
    ).all()
    assert event.details == {"fields": ["partner_organization_id"]}
    assert event.actor_user_id == admin.user_id


def test_a_partner_of_another_clinic_cannot_be_linked(make, login, admin, db_session, pantry):
    theirs = make.partner_organization(make.clinic(name="Other Pediatrics"))

    response = login(admin).post(
        f"/directory/organizations/{pantry.organization_id}",
        data={"partner_organization_id": str(theirs.id)},
    )

    assert response.status_code == 422
    assert "Not a valid choice" in text_of(response)
    organization = db_session.get(DirectoryOrganization, pantry.organization_id)
    assert organization.partner_organization_id is None


def test_another_clinics_organization_does_not_exist(make, login, admin):
    theirs = add_directory_service(make.clinic(name="Other Pediatrics").id)

    page = login(admin).get(f"/directory/organizations/{theirs.organization_id}")

    assert page.status_code == 404


# --- the command line ---------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_the_report(app, db_session, clinic, tmp_path):
    path = tmp_path / "directory.json"
    path.write_bytes(json_file(service_json("svc-1", name="Pantry"), service_json("", name="x")))

    result = app.test_cli_runner().invoke(
        args=["directory", "import", str(path), "--clinic", clinic.slug]
    )

    assert result.exit_code == 1  # one record was refused; the other is kept
    first, second = (" ".join(line.split()) for line in result.output.splitlines()[:2])
    assert first == "line 2 added Added Pantry (Riverside Food Bank)."
    assert second == "line 25 NOT IMPORTED id is missing."
    assert f"{clinic.name}: 1 added, 0 updated, 0 unchanged, 1 not imported." in result.output
    names = sa.select(DirectoryService.name).where(DirectoryService.clinic_id == clinic.id)
    assert db_session.scalars(names).all() == ["Pantry"]


def test_the_command_refuses_an_unreadable_file(app, clinic, tmp_path):
    path = tmp_path / "directory.csv"
    path.write_bytes(b"")

    result = app.test_cli_runner().invoke(
        args=["directory", "import", str(path), "--clinic", clinic.slug]
    )

    assert result.exit_code == 1
    assert "directory.csv: The file is empty. Nothing was imported." in result.output
