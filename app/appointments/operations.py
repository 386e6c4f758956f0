"""State changes for appointments: scheduling and rescheduling one visit."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.queries import has_role_in_clinic
from app.appointments.models import VISIT_KIND_LABELS, Appointment, VisitKind
from app.clinics.models import Site
from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.clock import local_to_utc
from app.core.errors import DomainError
from app.core.roles import Role
from app.extensions import db
from app.families.models import Child, Insurance, Sex
from app.families.operations import create_household, save_child
from app.families.queries import child_by_record_number

APPOINTMENT_FIELDS = frozenset(
    {
        "child",
        "scheduled_at",
        "visit_kind",
        "clinician_id",
        "site_id",
        "status",
        "needs_interpreter",
        "interpreter_language",
        "is_group_visit",
        "note",
    }
)


def _check(clinic_id: int, fields: dict[str, Any]) -> None:
    unknown = set(fields) - APPOINTMENT_FIELDS
    if unknown:
        raise TypeError(f"unknown appointment fields: {sorted(unknown)}")
    child = fields.get("child")
    if child is not None and child.clinic_id != clinic_id:
        raise DomainError(_("No child has this record number."), code="child")
    clinician_id = fields.get("clinician_id")
    if clinician_id and not has_role_in_clinic(clinician_id, clinic_id, Role.CLINICIAN):
        raise DomainError(_("Choose a clinician of this clinic."), code="clinician")
    site_id = fields.get("site_id")
    if (
        site_id
        and db.session.scalar(
            sa.select(Site.id).where(Site.id == site_id, Site.clinic_id == clinic_id)
        )
        is None
    ):
        raise DomainError(_("Choose one of the clinic's sites."), code="site")
    if fields.get("needs_interpreter") is False:
        fields["interpreter_language"] = None


def _save_unique(appointment: Appointment, fields: dict[str, Any]) -> list[str]:
    """Apply `fields` and flush in a savepoint, so a double booking (even a concurrent one) is a
    clear, clean refusal; returns the names of the fields that changed."""
    name = fields.get("child", appointment.child).full_name
    try:
        # Opening a savepoint first flushes whatever is pending, outside it; so the booking is added
        # and changed only inside it, and its rollback takes a refused booking or change back out.
        with db.session.begin_nested():
            db.session.add(appointment)
            for key, value in fields.items():
                setattr(appointment, key, value)
            changed = changed_fields(appointment)
            db.session.flush()
    except IntegrityError:
        raise DomainError(
            _("%(name)s already has an appointment at this time.", name=name),
            code="double_booking",
        ) from None
    return changed


def schedule_appointment(child: Child, *, scheduled_at: datetime, **fields: Any) -> Appointment:
    """Book a visit for a child."""
    _check(child.clinic_id, fields)
    appointment = Appointment(clinic_id=child.clinic_id, child=child)
    _save_unique(appointment, {"scheduled_at": scheduled_at, **fields})
    record_audit(AuditAction.CREATE, appointment)
    return appointment


def update_appointment(appointment: Appointment, **fields: Any) -> Appointment:
    """Change an appointment's time, kind, clinician, status or details."""
    _check(appointment.clinic_id, fields)
    changed = _save_unique(appointment, fields)
    if changed:
        record_audit(AuditAction.UPDATE, appointment, details={"fields": changed})
    return appointment


# --- importing a day's schedule from CSV ---------------------------------------------------------

IMPORT_MAX_ROWS = 2000
REQUIRED_COLUMNS = ("record_number", "time", "visit_kind")
KNOWN_COLUMNS = frozenset(
    {
        *REQUIRED_COLUMNS,
        "date",
        "clinician_email",
        "site",
        "interpreter_language",
        "group_visit",
        "given_name",
        "family_name",
        "date_of_birth",
        "note",
    }
)
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "si", "sí", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n"})


@dataclass
class ImportRow:
    line: int
    outcome: str  # "created", "skipped" or "error"
    message: str
    appointment: Appointment | None = None


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_error: str | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


@dataclass(frozen=True)
class ImportContext:
    clinic_id: int
    day: date
    zone: ZoneInfo
    clinicians: dict[str, int]  # lower-cased e-mail → user id
    sites: dict[str, int]  # lower-cased name → site id
    languages: frozenset[str]


def _parse_time(value: str) -> time:
    for pattern in ("%H:%M", "%I:%M %p", "%I:%M%p", "%H.%M"):
        try:
            return datetime.strptime(value.strip().upper(), pattern).time()
        except ValueError:
            continue
    raise DomainError(_("The time %(value)s is not a time like 09:30 or 2:15 PM.", value=value))


def _parse_date(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(
            _(
                "%(column)s must be a date like 2026-03-31, not %(value)s.",
                column=column,
                value=value,
            )
        ) from None


def _parse_visit_kind(value: str) -> VisitKind:
    wanted = value.strip().lower()
    for kind in VisitKind:
        if wanted in {kind.value, str(VISIT_KIND_LABELS[kind]).lower()}:
            return kind
    raise DomainError(_("The visit kind %(value)s is not one we know.", value=value))


def _parse_flag(value: str, column: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise DomainError(_("%(column)s must be yes or no, not %(value)s.", column=column, value=value))


def _lookup(table: dict[str, int], value: str, message: str) -> int | None:
    if not value.strip():
        return None
    if value.strip().lower() not in table:
        raise DomainError(message)
    return table[value.strip().lower()]


def _child_for_row(context: ImportContext, row: dict[str, str]) -> Child:
    number = row["record_number"].strip()
    if not number:
        raise DomainError(_("The record number is missing."))
    child = child_by_record_number(context.clinic_id, number)
    if child is not None:
        return child
    given, family, born = (
        row.get("given_name", ""),
        row.get("family_name", ""),
        row.get("date_of_birth", ""),
    )
    if not (given.strip() and family.strip() and born.strip()):
        raise DomainError(
            _(
                "No child has record number %(number)s; add given_name, family_name and date_of_birth "
                "to create one.",
                number=number,
            )
        )
    household = create_household(context.clinic_id, name=family.strip())
    return save_child(
        household,
        None,
        today=context.day,
        given_name=given,
        family_name=family,
        date_of_birth=_parse_date(born, "date_of_birth"),
        sex=Sex.UNKNOWN,
        record_number=number,
        insurance=Insurance.UNKNOWN,
    )


def _appointment_fields(context: ImportContext, row: dict[str, str]) -> dict[str, Any]:
    day = _parse_date(row["date"], "date") if row.get("date", "").strip() else context.day
    language = row.get("interpreter_language", "").strip().lower() or None
    if language and language not in context.languages:
        raise DomainError(
            _("The interpreter language %(value)s is not a language code we know.", value=language)
        )
    return {
        "scheduled_at": local_to_utc(day, _parse_time(row["time"]), context.zone),
        "visit_kind": _parse_visit_kind(row["visit_kind"]),
        "clinician_id": _lookup(
            context.clinicians,
            row.get("clinician_email", ""),
            _(
                "No clinician of this clinic has the e-mail %(value)s.",
                value=row.get("clinician_email", ""),
            ),
        ),
        "site_id": _lookup(
            context.sites,
            row.get("site", ""),
            _("The clinic has no site called %(value)s.", value=row.get("site", "")),
        ),
        "needs_interpreter": language is not None,
        "interpreter_language": language,
        "is_group_visit": _parse_flag(row.get("group_visit", ""), "group_visit"),
        "note": row.get("note", "").strip() or None,
    }


def _import_row(context: ImportContext, line: int, row: dict[str, str]) -> ImportRow:
    """One row, all or nothing: its savepoint is rolled back if any part of it fails."""
    try:
        with db.session.begin_nested():
            fields = _appointment_fields(context, row)
            child = _child_for_row(context, row)
            appointment = schedule_appointment(child, **fields)
    except DomainError as error:
        if error.code == "double_booking":
            return ImportRow(line, "skipped", _("Already on the schedule."))
        return ImportRow(line, "error", error.message)
    return ImportRow(line, "created", _("Added %(name)s.", name=child.full_name), appointment)


def _read_csv(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each row with the line it ends on (blank lines are skipped, not renumbered)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.")
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise DomainError(
            _("The file has no column named %(columns)s.", columns=", ".join(missing))
        )
    reader.fieldnames = header
    rows = []
    for raw in reader:
        if len(rows) >= IMPORT_MAX_ROWS:
            raise DomainError(_("The file has more than %(count)d rows.", count=IMPORT_MAX_ROWS))
        fields = {key: (value or "") for key, value in raw.items() if key in KNOWN_COLUMNS}
        rows.append((reader.line_num, fields))
    return header, rows


def import_schedule(context: ImportContext, content: bytes) -> ImportReport:
    """Add every good row of a schedule CSV; report each bad row without touching the others."""
    report = ImportReport()
    try:
        _header, rows = _read_csv(content)
    except (DomainError, csv.Error) as error:
        report.file_error = getattr(error, "message", None) or _("The file is not a readable CSV.")
        return report
    for line, row in rows:
        report.rows.append(_import_row(context, line, row))
    record_audit(
        AuditAction.IMPORT,
        object_type="appointments",
        clinic_id=context.clinic_id,
        details={
            "created": report.count("created"),
            "skipped": report.count("skipped"),
            "errors": report.count("error"),
        },
    )
    return report
