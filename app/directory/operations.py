"""State changes for the resource directory: importing an HSDS file, and linking a directory
organization to one of the clinic's partner organizations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.clinics.models import PartnerOrganization
from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.errors import DomainError
from app.directory.importer import read_directory_file
from app.directory.models import (
    DirectoryLocation,
    DirectoryOrganization,
    DirectoryService,
    DirectoryServiceAtLocation,
)
from app.directory.records import Entity, ParsedRecord, ServiceRecord
from app.extensions import db

OUTCOMES = ("created", "updated", "unchanged", "error")


@dataclass
class ImportRow:
    line: int
    outcome: str  # one of OUTCOMES
    message: str


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_error: str | None = None
    format: str | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


class _Directory:
    """The clinic's directory rows by HSDS id, loaded once per import; rows added by a record that
    fails are forgotten again, as its savepoint takes them out of the database."""

    def __init__(self, clinic_id: int) -> None:
        self.clinic_id = clinic_id
        self.tables: dict[type, dict[str, Any]] = {
            model: {row.external_id: row for row in _rows_of(model, clinic_id)}
            for model in (DirectoryOrganization, DirectoryService, DirectoryLocation)
        }
        self.links: dict[int, dict[int, DirectoryServiceAtLocation]] = defaultdict(dict)
        for link in _rows_of(DirectoryServiceAtLocation, clinic_id):
            self.links[link.service_id][link.location_id] = link
        self._undo: list[tuple[dict, Any, Any]] = []

    def get_or_add(self, model: type, entity: Entity, **defaults: Any) -> tuple[Any, bool]:
        table = self.tables[model]
        if entity.external_id in table:
            return table[entity.external_id], False
        row = model(clinic_id=self.clinic_id, external_id=entity.external_id, **defaults)
        db.session.add(row)
        self.put(table, entity.external_id, row)
        return row, True

    def put(self, table: dict, key: Any, row: Any) -> None:
        self._undo.append((table, key, table.get(key)))
        if row is None:
            table.pop(key, None)
        else:
            table[key] = row

    def keep(self) -> None:
        self._undo.clear()

    def forget(self) -> None:
        for table, key, previous in reversed(self._undo):
            if previous is None:
                table.pop(key, None)
            else:
                table[key] = previous
        self._undo.clear()


def _rows_of(model: type, clinic_id: int) -> list[Any]:
    return list(db.session.scalars(sa.select(model).where(model.clinic_id == clinic_id)))


def _assign(row: Any, fields: dict[str, Any]) -> bool:
    """Set the fields that differ; whether any did (so an unchanged row keeps its updated_at)."""
    changed = False
    for key, value in fields.items():
        if getattr(row, key) != value:
            setattr(row, key, list(value) if isinstance(value, list) else value)
            changed = True
    return changed


def _save_locations(
    directory: _Directory, record: ServiceRecord, owner_id: int
) -> tuple[dict[int, str | None], bool]:
    """Create or update the record's locations: their ids with the service_at_location ids, and
    whether any changed."""
    located: list[tuple[DirectoryLocation, str | None]] = []
    changed = False
    for link in record.locations:
        location, created = directory.get_or_add(DirectoryLocation, link.location, languages=[])
        fields = dict(link.location.fields)
        # A site several organizations use stays with the one that first published it.
        if location.organization_id is None:
            fields["organization_id"] = owner_id
        changed |= _assign(location, fields) or created
        located.append((location, link.link_id))
    db.session.flush()  # new locations get their ids
    wanted: dict[int, str | None] = {}
    for location, link_id in located:
        wanted[location.id] = link_id or wanted.get(location.id)
    return wanted, changed


def _link_locations(
    directory: _Directory,
    service: DirectoryService,
    wanted: dict[int, str | None],
    *,
    unlink_others: bool,
) -> bool:
    """Offer the service at the wanted locations (and, for a JSON service, at no other)."""
    existing = directory.links[service.id]
    changed = False
    for location_id, link_id in wanted.items():
        row = existing.get(location_id)
        if row is None:
            row = DirectoryServiceAtLocation(
                clinic_id=directory.clinic_id,
                service_id=service.id,
                location_id=location_id,
                external_id=link_id,
            )
            db.session.add(row)
            directory.put(existing, location_id, row)
            changed = True
        elif link_id and row.external_id != link_id:
            row.external_id, changed = link_id, True
    for location_id in set(existing) - set(wanted) if unlink_others else ():
        db.session.delete(existing[location_id])
        directory.put(existing, location_id, None)
        changed = True
    return changed


def _save_record(directory: _Directory, record: ServiceRecord) -> str:
    organization, _created = directory.get_or_add(DirectoryOrganization, record.organization)
    changed = _assign(organization, record.organization.fields)
    service, created = directory.get_or_add(
        DirectoryService,
        record.service,
        organization=organization,
        need_domains=[],
        languages=[],
        is_active=True,
    )
    changed |= _assign(service, {**record.service.fields, "organization": organization})
    db.session.flush()
    wanted, changed_sites = _save_locations(directory, record, organization.id)
    if _link_locations(directory, service, wanted, unlink_others=record.lists_every_location):
        changed = True
        db.session.expire(service, ["locations"])
    changed |= changed_sites
    if created:
        return "created"
    return "updated" if changed else "unchanged"


def _import_record(directory: _Directory, parsed: ParsedRecord) -> ImportRow:
    """One record, all or nothing: its savepoint is rolled back if any part of it fails."""
    if parsed.record is None:
        return ImportRow(parsed.line, "error", parsed.error or "")
    record = parsed.record
    try:
        with db.session.begin_nested():
            outcome = _save_record(directory, record)
    except IntegrityError:
        directory.forget()
        return ImportRow(
            parsed.line,
            "error",
            _("This record conflicts with another one of the directory; it was not imported."),
        )
    directory.keep()
    names = {
        "service": record.service.fields["name"],
        "organization": record.organization.fields["name"],
    }
    messages = {
        "created": _("Added %(service)s (%(organization)s).", **names),
        "updated": _("Updated %(service)s (%(organization)s).", **names),
        "unchanged": _("Already up to date: %(service)s (%(organization)s).", **names),
    }
    return ImportRow(parsed.line, outcome, messages[outcome])


def import_directory(
    clinic_id: int, content: bytes, *, max_bytes: int | None = None
) -> ImportReport:
    """Add or update every good record of an HSDS JSON or CSV file by its HSDS ids; report each bad
    record without touching the others. A file that cannot be read changes nothing."""
    if max_bytes is None:
        max_bytes = current_app.config["WELLTHREAD_CSV_MAX_BYTES"]
    report = ImportReport()
    try:
        parsed = read_directory_file(content, max_bytes=max_bytes)
    except DomainError as error:
        report.file_error = error.message
        return report
    report.format = parsed.format
    directory = _Directory(clinic_id)
    report.rows = [_import_record(directory, record) for record in parsed.records]
    record_audit(
        AuditAction.IMPORT,
        object_type="directory_services",
        clinic_id=clinic_id,
        details={
            "format": parsed.format,
            **{outcome: report.count(outcome) for outcome in OUTCOMES},
        },
    )
    return report


def link_partner_organization(
    organization: DirectoryOrganization, partner_organization_id: int | None
) -> DirectoryOrganization:
    """Send referrals to this organization's services to a partner's portal (None: to nobody's)."""
    partner = None
    if partner_organization_id is not None:
        partner = db.session.scalar(
            sa.select(PartnerOrganization).where(
                PartnerOrganization.id == partner_organization_id,
                PartnerOrganization.clinic_id == organization.clinic_id,
                PartnerOrganization.is_active,
            )
        )
        if partner is None:
            raise DomainError(
                _("Choose an active partner organization of this clinic."), code="partner"
            )
    organization.partner_organization_id = partner_organization_id
    changed = changed_fields(organization)
    organization.partner_organization = partner  # the loaded relationship follows the id
    if changed:
        record_audit(AuditAction.UPDATE, organization, details={"fields": changed})
    return organization
