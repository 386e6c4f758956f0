"""Importing the resource directory from HSDS JSON and CSV: good records kept, bad ones reported by
line, re-imports in place, unreadable files refused whole."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEvent
from app.directory.models import (
    DirectoryLocation,
    DirectoryOrganization,
    DirectoryService,
    DirectoryServiceAtLocation,
)
from app.directory.operations import import_directory
from tests.directory.hsds import csv_file, hsds_location, hsds_service, json_file

MAX = 100_000


def outcomes(report) -> list[tuple[int, str, str]]:
    return [(row.line, row.outcome, row.message) for row in report.rows]


def services_of(db_session, clinic) -> dict[str, DirectoryService]:
    rows = db_session.scalars(
        sa.select(DirectoryService).where(DirectoryService.clinic_id == clinic.id)
    )
    return {row.external_id: row for row in rows}


def row_counts(db_session, clinic) -> dict[str, int]:
    models = (
        DirectoryOrganization,
        DirectoryService,
        DirectoryLocation,
        DirectoryServiceAtLocation,
    )
    return {
        model.__tablename__: db_session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.clinic_id == clinic.id)
        )
        for model in models
    }


def import_events(db_session, clinic) -> list[AuditEvent]:
    return list(
        db_session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "import",
                AuditEvent.clinic_id == clinic.id,
                AuditEvent.object_type == "directory_services",
            )
        )
    )


# --- CSV ----------------------------------------------------------------------------------------

MIXED_CSV = csv_file(
    "org-fb,Riverside Food Bank,svc-pantry,Family food pantry,Groceries weekly,Anyone,Free,"
    "555-0141,help@foodbank.example,foodbank.example,en;es-MX,food,loc-mill,Warehouse,"
    "120 Mill Street,Riverside,02140",
    ",No Id Org,svc-x,Service without organization id,,,,,,,,,,,,,",
    "org-fb,Riverside Food Bank,svc-nameless,,,,,,,,,,,,,,",
    "org-fb,Riverside Food Bank,svc-bad-need,Pantry too,,,,,,,,snacks,,,,,",
    "org-fb,Riverside Food Bank,svc-bad-lang,Pantry three,,,,,,,xx;es,food,,,,,",
    "org-fb,Riverside Food Bank,svc-bad-web,Pantry four,,,,,,javascript:alert(1),,,,,,,",
    'org-ca,"Child Care Connections, Inc.",svc-subsidy,Child-care subsidy,"Help paying for child care,'
    ' and finding it",Working parents,,,,,en;zh-Hant,child_care;income_benefits,loc-ccc,Office,'
    "60 Union Street,Riverside,02140",
    "org-fb,Riverside Food Bank,svc-pantry,Family food pantry,Groceries weekly,Anyone,Free,"
    "555-0141,help@foodbank.example,foodbank.example,en;es,food,loc-east,Eastside church,45 Harbor Road,Riverside,02143",
)


def test_a_csv_keeps_the_good_rows_and_reports_each_bad_one_by_line(db_session, clinic):
    report = import_directory(clinic.id, MIXED_CSV, max_bytes=MAX)

    assert report.format == "csv"
    assert outcomes(report) == [
        (2, "created", "Added Family food pantry (Riverside Food Bank)."),
        (3, "error", "organization_id is missing."),
        (4, "error", "service_name is missing."),
        (
            5,
            "error",
            "need_domains: snacks is not a need we know (use food, housing, utilities, "
            "transportation, child_care, income_benefits, legal, safety_home, stress_support, "
            "caregiver_depression, child_development, parenting).",
        ),
        (
            6,
            "error",
            "languages: xx is not a language code we know (use codes like es, vi or zh-Hant).",
        ),
        (7, "error", "website is not a web address: javascript:alert(1)."),
        (8, "created", "Added Child-care subsidy (Child Care Connections, Inc.)."),
        (9, "updated", "Updated Family food pantry (Riverside Food Bank)."),
    ]
    services = services_of(db_session, clinic)
    assert set(services) == {"svc-pantry", "svc-subsidy"}
    pantry = services["svc-pantry"]
    assert pantry.languages == ["en", "es"]  # regional subtags dropped: "es-MX" is Spanish
    assert pantry.need_domains == ["food"]
    assert pantry.website == "https://foodbank.example"  # an address without a scheme
    assert [location.name for location in pantry.locations] == ["Eastside church", "Warehouse"]
    subsidy = services["svc-subsidy"]
    assert subsidy.description == "Help paying for child care, and finding it"
    assert subsidy.languages == ["en", "zh"]
    assert subsidy.need_domains == ["child_care", "income_benefits"]
    assert subsidy.organization.name == "Child Care Connections, Inc."


def test_a_blank_cell_clears_the_field_and_a_missing_column_leaves_it(db_session, clinic):
    import_directory(clinic.id, MIXED_CSV, max_bytes=MAX)
    content = csv_file(
        "org-fb,Riverside Food Bank,svc-pantry,Family food pantry,,",
        header="organization_id,organization_name,service_id,service_name,description,website",
    )

    import_directory(clinic.id, content, max_bytes=MAX)

    pantry = services_of(db_session, clinic)["svc-pantry"]
    assert (pantry.description, pantry.website) == (None, None)
    assert (pantry.eligibility, pantry.languages, pantry.need_domains) == (
        "Anyone",
        ["en", "es"],
        ["food"],
    )
    assert len(pantry.locations) == 2


def test_a_semicolon_csv_with_a_byte_order_mark_is_read(db_session, clinic):
    content = "\ufeff".encode() + csv_file(
        "org-fb;Riverside Food Bank;svc-pantry;Family food pantry;;;;;;;en,es;food;;;;;",
        delimiter=";",
    ).replace(b"en,es", b'"en;es"')

    report = import_directory(clinic.id, content, max_bytes=MAX)

    assert [row.outcome for row in report.rows] == ["created"]
    assert services_of(db_session, clinic)["svc-pantry"].languages == ["en", "es"]


def test_taxonomy_terms_give_the_needs_when_need_domains_are_absent(db_session, clinic):
    content = csv_file(
        "org-h,Housing Partnership,svc-rent,Rent help,,,,,,,en,,,,,,",
        "org-h,Housing Partnership,svc-misc,Notary,,,,,,,en,,,,,,",
        header="organization_id,organization_name,service_id,service_name,description,eligibility,"
        "fees,phone,email,website,languages,taxonomy,location_id,location_name,address,city,"
        "postal_code",
    ).replace(
        b"svc-rent,Rent help,,,,,,,en,",
        b"svc-rent,Rent help,,,,,,,en,BH-3800.7000;Rent Payment Assistance",
    )

    report = import_directory(clinic.id, content, max_bytes=MAX)

    assert [row.outcome for row in report.rows] == ["created", "created"]
    services = services_of(db_session, clinic)
    assert services["svc-rent"].need_domains == ["housing"]
    assert services["svc-misc"].need_domains == []


def test_a_csv_location_needs_an_id_and_a_service_may_have_none(db_session, clinic):
    content = csv_file(
        "org-a,Action Agency,svc-rides,Ride vouchers,,,,555-0172,,,en,transportation,,,,,",
        "org-a,Action Agency,svc-energy,Utility help,,,,,,,en,utilities,,,77 Water Street,,",
        "org-a,Action Agency,svc-tax,Tax help,,,,,,,en,income_benefits,loc-1,,77 Water Street,,",
    )

    report = import_directory(clinic.id, content, max_bytes=MAX)

    assert [(row.line, row.outcome, row.message) for row in report.rows][1] == (
        3,
        "error",
        "location_id is missing.",
    )
    services = services_of(db_session, clinic)
    assert services["svc-rides"].locations == []
    # A location without a name is called by its address.
    assert [loc.name for loc in services["svc-tax"].locations] == ["77 Water Street"]


# --- JSON ---------------------------------------------------------------------------------------


def test_a_json_document_keeps_the_good_services_and_reports_each_bad_one_by_line(
    db_session, clinic
):
    services = [
        hsds_service(
            "svc-wic",
            name="WIC nutrition program",
            organization_id="org-health",
            organization_name="County Health",
            languages=("en", "es"),
            need_domains=None,
            attributes=[{"taxonomy_term": {"code": "BD-5000.8300", "name": "WIC"}}],
            locations=(hsds_location("loc-wic", "WIC Office", languages=("vi",)),),
            eligibility_description="Pregnant people and children under 5",
        ),
        "not an object",
        hsds_service("svc-no-org", organization_id=""),
        hsds_service("svc-bad-lang", languages=("qq",)),
        hsds_service("svc-bad-need", need_domains=("pizza",)),
        {
            **hsds_service("svc-bad-loc"),
            "service_at_locations": [{"location": {"name": "Nowhere"}}],
        },
        hsds_service("svc-diapers", name="Diaper bank", need_domains=("income_benefits",)),
    ]
    text = json.dumps(services, indent=2)
    expected_lines = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line in ("  {", '  "not an object",')
    ]

    report = import_directory(clinic.id, text.encode(), max_bytes=MAX)

    assert report.format == "json"
    assert [row.line for row in report.rows] == expected_lines
    assert [(row.outcome, row.message) for row in report.rows] == [
        ("created", "Added WIC nutrition program (County Health)."),
        ("error", "This record is not a JSON object."),
        ("error", "organization.id is missing."),
        (
            "error",
            "languages: qq is not a language code we know (use codes like es, vi or zh-Hant).",
        ),
        ("error", "need_domains: pizza is not a need we know (use food, housing, utilities, "
         "transportation, child_care, income_benefits, legal, safety_home, stress_support, "
         "caregiver_depression, child_development, parenting)."),
        ("error", "service_at_locations[0].location.id is missing."),
        ("created", "Added Diaper bank (Riverside Food Bank)."),
    ]  # fmt: skip
    kept = services_of(db_session, clinic)
    assert set(kept) == {"svc-wic", "svc-diapers"}
    wic = kept["svc-wic"]
    assert wic.need_domains == ["food"]  # from the taxonomy term "WIC"
    assert wic.eligibility == "Pregnant people and children under 5"
    assert [(loc.name, loc.address, loc.languages) for loc in wic.locations] == [
        ("WIC Office", "1 Main Street", ["vi"])
    ]


def test_an_hsds_api_page_with_contents_is_read(db_session, clinic):
    page = {"total_items": 1, "page_number": 1, "contents": [hsds_service("svc-pantry")]}

    report = import_directory(clinic.id, json.dumps(page, indent=2).encode(), max_bytes=MAX)

    assert [(row.line, row.outcome) for row in report.rows] == [(5, "created")]


def test_language_names_are_taken_as_well_as_codes(db_session, clinic):
    service = hsds_service(languages=())
    service["languages"] = [{"name": "Spanish"}, "vi", {"code": "ht"}]

    import_directory(clinic.id, json_file(service), max_bytes=MAX)

    assert services_of(db_session, clinic)["svc-pantry"].languages == ["es", "vi", "ht"]


# --- re-importing -------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_says_so(db_session, clinic):
    content = json_file(
        hsds_service("svc-a", locations=(hsds_location("loc-1", "Warehouse"),)),
        hsds_service("svc-b", name="Meals", locations=(hsds_location("loc-1", "Warehouse"),)),
    )
    import_directory(clinic.id, content, max_bytes=MAX)
    counts = row_counts(db_session, clinic)

    again = import_directory(clinic.id, content, max_bytes=MAX)

    assert [row.outcome for row in again.rows] == ["unchanged", "unchanged"]
    assert row_counts(db_session, clinic) == counts
    assert counts == {
        "directory_organizations": 1,
        "directory_services": 2,
        "directory_locations": 1,
        "directory_service_at_location": 2,
    }


def test_reimporting_a_changed_file_updates_in_place(db_session, clinic):
    import_directory(clinic.id, MIXED_CSV, max_bytes=MAX)
    counts = row_counts(db_session, clinic)
    pantry_id = services_of(db_session, clinic)["svc-pantry"].id
    changed = MIXED_CSV.replace(b"Groceries weekly", b"Groceries twice a week").replace(
        b"Riverside Food Bank", b"Riverside Community Food Bank"
    )

    report = import_directory(clinic.id, changed, max_bytes=MAX)

    assert [row.outcome for row in report.rows if row.outcome != "error"] == [
        "updated",
        "unchanged",
        "unchanged",
    ]
    assert row_counts(db_session, clinic) == counts
    pantry = services_of(db_session, clinic)["svc-pantry"]
    assert pantry.id == pantry_id
    assert pantry.description == "Groceries twice a week"
    assert pantry.organization.name == "Riverside Community Food Bank"


def test_a_json_service_is_unlinked_from_locations_it_no_longer_lists(db_session, clinic):
    both = (hsds_location("loc-1", "Warehouse"), hsds_location("loc-2", "Church"))
    import_directory(clinic.id, json_file(hsds_service(locations=both)), max_bytes=MAX)

    report = import_directory(clinic.id, json_file(hsds_service(locations=both[1:])), max_bytes=MAX)

    assert [row.outcome for row in report.rows] == ["updated"]
    assert [loc.name for loc in services_of(db_session, clinic)["svc-pantry"].locations] == [
        "Church"
    ]
    assert row_counts(db_session, clinic)["directory_locations"] == 2  # the site itself stays


def test_an_inactive_status_takes_a_service_out_of_the_directory(db_session, clinic):
    import_directory(clinic.id, json_file(hsds_service()), max_bytes=MAX)

    import_directory(clinic.id, json_file(hsds_service(status="defunct")), max_bytes=MAX)

    assert services_of(db_session, clinic)["svc-pantry"].is_active is False


def test_another_clinics_directory_is_untouched(make, db_session, clinic):
    other = make.clinic(name="Other Pediatrics")
    import_directory(other.id, json_file(hsds_service(name="Their pantry")), max_bytes=MAX)

    import_directory(clinic.id, json_file(hsds_service(name="Our pantry")), max_bytes=MAX)

    assert services_of(db_session, other)["svc-pantry"].name == "Their pantry"
    assert services_of(db_session, clinic)["svc-pantry"].name == "Our pantry"


# --- the file as a whole ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        (
            "organization_id,service_id\nü".encode("latin-1"),
            "The file is not UTF-8 text. Save it as CSV UTF-8 or as JSON and try again.",
        ),
        (b"PK\x03\x04\x00\x00binary", "The file is not a text file: save it as CSV or JSON."),
        (b'[{"id": "svc",', "The file is not valid JSON (line 1, column 15)."),
        (
            b'{"name": "not a list"}',
            "The JSON file holds no list of services: give a list of HSDS service objects, "
            'or an object with a "contents" list.',
        ),
        (b"[]", "The file lists no services."),
        (
            b"name,phone\nFood bank,555-0100\n",
            "The file is neither an HSDS JSON document nor a directory CSV with the columns "
            "organization_id, organization_name, service_id, service_name.",
        ),
        (csv_file(), "The file lists no services."),
        (b"x" * (MAX + 1), "The file is larger than 0.1 MB. Split it into smaller files."),
    ],
)
def test_an_unreadable_file_changes_nothing(db_session, clinic, content, message):
    import_directory(clinic.id, json_file(hsds_service()), max_bytes=MAX)
    counts = row_counts(db_session, clinic)
    events = len(import_events(db_session, clinic))

    report = import_directory(clinic.id, content, max_bytes=MAX)

    assert report.file_error == message
    assert report.rows == []
    assert row_counts(db_session, clinic) == counts
    assert len(import_events(db_session, clinic)) == events


def test_every_import_is_audited_with_counts_only(db_session, clinic):
    import_directory(clinic.id, MIXED_CSV, max_bytes=MAX)

    [event] = import_events(db_session, clinic)
    assert event.details == {
        "format": "csv",
        "created": 2,
        "updated": 1,
        "unchanged": 0,
        "error": 5,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": {"en": "Pantry"}}, "name must be text."),
        ({"languages": "es"}, "languages must be a list."),
        ({"organization": "Food Bank"}, "organization is missing or not a JSON object."),
        ({"url": "https://example.org/" + "a" * 490}, "url is longer than 500 characters."),
        ({"email": "pantry at example"}, "email is not an e-mail address: pantry at example."),
        ({"id": "x" * 101}, "id is longer than 100 characters."),
        ({"phones": [{"number": "5" * 41}]}, "phones[0].number is longer than 40 characters."),
        ({"status": 1.5, "name": "\x00"}, "name contains a character that cannot be stored."),
    ],
)
def test_a_malformed_value_refuses_only_its_record(db_session, clinic, change, message):
    content = json_file({**hsds_service("svc-bad"), **change}, hsds_service("svc-good"))

    report = import_directory(clinic.id, content, max_bytes=MAX)

    assert [(row.outcome, row.message) for row in report.rows] == [
        ("error", message),
        ("created", "Added Family food pantry (Riverside Food Bank)."),
    ]
    assert set(services_of(db_session, clinic)) == {"svc-good"}


def test_text_no_database_can_store_is_refused(db_session, clinic):
    content = b'[{"id": "svc", "name": "Pantry \\ud800", "organization": {"id": "o", "name": "O"}}]'

    report = import_directory(clinic.id, content, max_bytes=MAX)

    assert [row.message for row in report.rows] == [
        "name contains a character that cannot be stored."
    ]
    assert services_of(db_session, clinic) == {}
