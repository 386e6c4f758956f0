"""Building HSDS directory files for tests, and services imported through the real importer."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from app.directory.models import DirectoryService
from app.directory.operations import import_directory
from app.extensions import db

CSV_HEADER = (
    "organization_id,organization_name,service_id,service_name,description,eligibility,fees,"
    "phone,email,website,languages,need_domains,location_id,location_name,address,city,postal_code"
)


def hsds_location(
    location_id: str,
    name: str,
    *,
    languages: tuple[str, ...] = (),
    link_id: str | None = None,
    address: str = "1 Main Street",
) -> dict[str, Any]:
    """One HSDS 3 service_at_location with its location."""
    return {
        "id": link_id or f"sal-{location_id}",
        "location": {
            "id": location_id,
            "name": name,
            "addresses": [{"address_1": address, "city": "Riverside", "postal_code": "02139"}],
            "languages": [{"code": code} for code in languages],
        },
    }


def hsds_service(
    service_id: str = "svc-pantry",
    *,
    name: str = "Family food pantry",
    organization_id: str = "org-food-bank",
    organization_name: str = "Riverside Food Bank",
    languages: tuple[str, ...] = ("en",),
    need_domains: tuple[str, ...] | None = ("food",),
    locations: tuple[dict[str, Any], ...] = (),
    **fields: Any,
) -> dict[str, Any]:
    """One HSDS 3 service object with its organization (need_domains=None: none given)."""
    service = {
        "id": service_id,
        "name": name,
        "status": "active",
        "organization": {"id": organization_id, "name": organization_name},
        "languages": [{"code": code} for code in languages],
        "phones": [{"number": "555-0100"}],
        "service_at_locations": list(locations),
        **fields,
    }
    if need_domains is not None:
        service["need_domains"] = list(need_domains)
    return service


def json_file(*services: Any) -> bytes:
    return json.dumps(list(services), indent=2, ensure_ascii=False).encode()


def csv_file(*rows: str, header: str = CSV_HEADER, delimiter: str = ",") -> bytes:
    return "\n".join([header.replace(",", delimiter), *rows, ""]).encode()


def add_directory_service(clinic_id: int, **fields: Any) -> DirectoryService:
    """A service of the clinic's directory, imported as an HSDS JSON file would be."""
    service = hsds_service(**fields)
    report = import_directory(clinic_id, json_file(service), max_bytes=1_000_000)
    assert [row.outcome for row in report.rows] in (["created"], ["updated"], ["unchanged"])
    return db.session.scalar(
        sa.select(DirectoryService).where(
            DirectoryService.clinic_id == clinic_id,
            DirectoryService.external_id == service["id"],
        )
    )
