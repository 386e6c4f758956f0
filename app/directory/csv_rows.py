"""Reading a flat directory CSV: one row per service at a location, lists separated by semicolons."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import gettext as _

from app.core.errors import DomainError
from app.directory.needs import needs_from_terms
from app.directory.records import (
    LIMITS,
    MAX_RECORDS,
    Entity,
    LocationLink,
    ParsedRecord,
    ServiceRecord,
    clean_text,
    email_address,
    is_active_status,
    language_codes,
    need_codes,
    parse_record,
    required_text,
    split_list,
    web_address,
)

CSV_REQUIRED = ("organization_id", "organization_name", "service_id", "service_name")
#: Optional CSV columns and the service column each fills (a column the file lacks is left alone).
CSV_SERVICE_TEXT = {"description": "description", "eligibility": "eligibility", "fees": "fees"}
CSV_LOCATION_COLUMNS = ("location_name", "address", "city", "postal_code", "location_languages")


def csv_records(text: str) -> list[ParsedRecord]:
    """Each row with a value, with the line it ends on; a DomainError when the file is no such CSV."""
    header_line = text.split("\n", 1)[0]
    # The header names the delimiter: a row's lists (languages, needs) are separated by semicolons.
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
        if any(column not in header for column in CSV_REQUIRED):
            raise DomainError(
                _(
                    "The file is neither an HSDS JSON document nor a directory CSV with the "
                    "columns %(columns)s.",
                    columns=", ".join(CSV_REQUIRED),
                )
            )
        records = []
        for row in reader:
            if not any(value.strip() for value in row):
                continue
            if len(records) >= MAX_RECORDS:
                raise DomainError(_("The file has more than %(count)d rows.", count=MAX_RECORDS))
            values = dict(zip(header, row, strict=False))
            records.append(parse_record(reader.line_num, _csv_service, values, header))
    except csv.Error:
        raise DomainError(
            _("The file is not a readable CSV (line %(line)d).", line=reader.line_num)
        ) from None
    return records


def _csv_service(row: dict[str, str], columns: list[str]) -> ServiceRecord:
    organization = Entity(
        required_text(row.get("organization_id"), "organization_id", LIMITS["id"]),
        {"name": required_text(row.get("organization_name"), "organization_name", LIMITS["name"])},
    )
    fields: dict[str, Any] = {
        "name": required_text(row.get("service_name"), "service_name", LIMITS["name"])
    }
    for column, attribute in CSV_SERVICE_TEXT.items():
        if column in columns:
            fields[attribute] = clean_text(row.get(column), column)
    _csv_contacts(row, columns, fields)
    if "languages" in columns:
        fields["languages"] = language_codes(split_list(row.get("languages")), "languages")
    if (needs := _csv_needs(row, columns)) is not None:
        fields["need_domains"] = needs
    if "status" in columns:
        fields["is_active"] = is_active_status(row.get("status"), "status")
    service = Entity(required_text(row.get("service_id"), "service_id", LIMITS["id"]), fields)
    location = _csv_location(row, columns, organization.fields["name"])
    return ServiceRecord(organization, service, location, lists_every_location=False)


def _csv_contacts(row: dict[str, str], columns: list[str], fields: dict[str, Any]) -> None:
    if "phone" in columns:
        fields["phone"] = clean_text(row.get("phone"), "phone", LIMITS["phone"])
    if "email" in columns:
        fields["email"] = email_address(row.get("email"), "email")
    if "website" in columns:
        fields["website"] = web_address(row.get("website"), "website")


def _csv_needs(row: dict[str, str], columns: list[str]) -> list[str] | None:
    """Explicit need_domains win; else the taxonomy terms; None when the file has neither column."""
    if split_list(row.get("need_domains")):
        return need_codes(split_list(row.get("need_domains")), "need_domains")
    if split_list(row.get("taxonomy")):
        return needs_from_terms(split_list(row.get("taxonomy")))
    return [] if {"need_domains", "taxonomy"} & set(columns) else None


def _csv_location(
    row: dict[str, str], columns: list[str], organization_name: str
) -> tuple[LocationLink, ...]:
    external_id = clean_text(row.get("location_id"), "location_id", LIMITS["id"])
    if external_id is None:
        if any((row.get(column) or "").strip() for column in CSV_LOCATION_COLUMNS):
            raise DomainError(_("%(field)s is missing.", field="location_id"))
        return ()
    address = clean_text(row.get("address"), "address")
    fields: dict[str, Any] = {
        "name": clean_text(row.get("location_name"), "location_name", LIMITS["name"])
        or (address or organization_name)[: LIMITS["name"]],
    }
    if "address" in columns:
        fields["address"] = address
    if "city" in columns:
        fields["city"] = clean_text(row.get("city"), "city", LIMITS["city"])
    if "postal_code" in columns:
        fields["postal_code"] = clean_text(row.get("postal_code"), "postal_code", LIMITS["postal"])
    if "location_languages" in columns:
        fields["languages"] = language_codes(
            split_list(row.get("location_languages")), "location_languages"
        )
    return (LocationLink(Entity(external_id, fields), None),)
