"""Reading a resource-directory file: an HSDS 3 JSON document (a list of service objects), or a flat
CSV with one row per service at a location. Parsing only, no database: each record comes out as a
`ServiceRecord` ready to save, or as the reason it cannot be imported; a problem with the file as a
whole is a `DomainError`."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.directory.csv_rows import csv_records
from app.directory.hsds_json import json_records
from app.directory.records import ParsedRecord


@dataclass(frozen=True)
class DirectoryFile:
    format: str  # "json" or "csv"
    records: list[ParsedRecord]


def read_directory_file(content: bytes, *, max_bytes: int) -> DirectoryFile:
    """Parse an uploaded directory file; a DomainError names what is wrong with the file as a whole."""
    text = _decode(content, max_bytes)
    is_json = text.lstrip()[:1] in ("[", "{")
    records = json_records(text) if is_json else csv_records(text)
    if not records:
        raise DomainError(_("The file lists no services."))
    return DirectoryFile("json" if is_json else "csv", records)


def _decode(content: bytes, max_bytes: int) -> str:
    if len(content) > max_bytes:
        raise DomainError(
            _(
                "The file is larger than %(size)s MB. Split it into smaller files.",
                size=format_decimal(max_bytes / 1_048_576, "#,##0.#"),
            )
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _("The file is not UTF-8 text. Save it as CSV UTF-8 or as JSON and try again.")
        ) from None
    if "\x00" in text:
        raise DomainError(_("The file is not a text file: save it as CSV or JSON."))
    if not text.strip():
        raise DomainError(_("The file is empty."))
    return text
