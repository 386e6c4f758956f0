"""The demo clinic's resource directory: ten community services, imported through the HSDS importer
from directory.hsds.json so the demo proves the importer too."""

from __future__ import annotations

from pathlib import Path

from app.clinics.queries import partner_organizations_of
from app.directory.operations import import_directory, link_partner_organization
from app.directory.queries import organization_by_external_id

DIRECTORY_FILE = Path(__file__).with_name("directory.hsds.json")
#: HSDS organization id → the demo partner organization whose portal receives its referrals.
PARTNER_LINKS = {
    "org-community-legal-aid": "Community Legal Aid",
    "org-northside": "Northside Family Resource Center",
}


def seed_directory(clinic_id: int) -> int:
    """Import the demo directory and link its organizations to the demo partners; returns the
    number of services. A record the importer refuses is a bug in the shipped file."""
    report = import_directory(clinic_id, DIRECTORY_FILE.read_bytes())
    refused = [f"line {row.line}: {row.message}" for row in report.rows if row.outcome == "error"]
    if report.file_error or refused:
        raise ValueError(f"{DIRECTORY_FILE.name}: {report.file_error or '; '.join(refused)}")
    partners = {partner.name: partner for partner in partner_organizations_of(clinic_id)}
    for external_id, partner_name in PARTNER_LINKS.items():
        organization = organization_by_external_id(clinic_id, external_id)
        link_partner_organization(organization, partners[partner_name].id)
    return report.count("created")
