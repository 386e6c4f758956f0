"""The demo clinic's directory is imported through the HSDS importer from the shipped JSON file."""

from __future__ import annotations

import json

from app.clinics.models import PartnerKind
from app.clinics.operations import save_partner_organization
from app.demo.directory import DIRECTORY_FILE, seed_directory
from app.directory.needs import DIRECTORY_NEEDS
from app.directory.operations import import_directory
from app.directory.queries import organization_by_external_id, search_services


def _demo_partners(clinic_id: int) -> dict[str, int]:
    partners = {}
    for name, kind in (
        ("Community Legal Aid", PartnerKind.LEGAL_AID),
        ("Northside Family Resource Center", PartnerKind.COMMUNITY),
    ):
        partners[name] = save_partner_organization(clinic_id, None, name=name, kind=kind).id
    return partners


def test_the_demo_directory_is_ten_services_in_several_languages(db_session, clinic):
    partners = _demo_partners(clinic.id)

    assert seed_directory(clinic.id) == 10

    services = search_services(clinic.id)
    assert len(services) == 10
    assert all(service.need_domains for service in services)
    assert all(set(service.need_domains) <= set(DIRECTORY_NEEDS) for service in services)
    languages = {code for service in services for code in service.languages}
    assert {"en", "es", "vi", "ar", "ht", "zh", "so", "pt"} <= languages
    legal = organization_by_external_id(clinic.id, "org-community-legal-aid")
    assert legal.partner_organization_id == partners["Community Legal Aid"]
    northside = organization_by_external_id(clinic.id, "org-northside")
    assert northside.partner_organization_id == partners["Northside Family Resource Center"]


def test_taxonomy_terms_in_the_demo_file_give_the_needs(db_session, clinic):
    _demo_partners(clinic.id)
    seed_directory(clinic.id)

    by_name = {service.name: service for service in search_services(clinic.id)}

    # These services carry AIRS/211 taxonomy terms instead of need_domains.
    assert by_name["Family food pantry"].need_domains == ["food"]
    assert by_name["Housing counselling and rental assistance"].need_domains == ["housing"]
    assert by_name["Parents Together group"].need_domains == ["stress_support", "parenting"]
    assert by_name["Rides to medical and WIC appointments"].need_domains == ["transportation"]


def test_a_somali_speaking_family_finds_the_northside_center(db_session, clinic):
    _demo_partners(clinic.id)
    seed_directory(clinic.id)

    found = search_services(clinic.id, language="so")

    assert [service.name for service in found] == ["Diaper bank", "Parents Together group"]


def test_the_shipped_file_is_valid_hsds_and_reimports_unchanged(db_session, clinic):
    _demo_partners(clinic.id)
    seed_directory(clinic.id)
    services = json.loads(DIRECTORY_FILE.read_text(encoding="utf-8"))

    report = import_directory(clinic.id, DIRECTORY_FILE.read_bytes())

    assert len(services) == 10
    assert all(service["status"] == "active" for service in services)
    assert [row.outcome for row in report.rows] == ["unchanged"] * 10
