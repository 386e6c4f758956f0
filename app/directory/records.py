"""A directory record as the importer reads it, and the checks every value passes whatever the file's
format: ids and names present, sizes within the columns, e-mail and web addresses, language and need
codes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from babel import Locale
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.directory.needs import DIRECTORY_NEEDS

MAX_RECORDS = 5000
#: Column sizes of the directory tables.
LIMITS = {
    "id": 100,
    "name": 250,
    "email": 254,
    "phone": 40,
    "website": 500,
    "city": 120,
    "postal": 20,
}

#: Every language CLDR can name, by code and by English name ("Spanish" → "es").
KNOWN_LANGUAGES = frozenset(code for code in Locale("en").languages if "_" not in code)
_LANGUAGE_BY_NAME = {
    name.lower(): code for code, name in Locale("en").languages.items() if "_" not in code
}
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


@dataclass(frozen=True)
class Entity:
    """One HSDS row to create or update: its id in the file and the columns the file gives."""

    external_id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class LocationLink:
    """A service offered at a location (HSDS service_at_location)."""

    location: Entity
    link_id: str | None


@dataclass(frozen=True)
class ServiceRecord:
    organization: Entity
    service: Entity
    locations: tuple[LocationLink, ...]
    #: A JSON service lists all its locations, so the others are unlinked; a CSV row names one.
    lists_every_location: bool


@dataclass(frozen=True)
class ParsedRecord:
    """A record with the line of the file it starts on (CSV: ends on), or why it is refused."""

    line: int
    record: ServiceRecord | None = None
    error: str | None = None


def parse_record(line: int, build: Callable[..., ServiceRecord], *args: Any) -> ParsedRecord:
    try:
        return ParsedRecord(line, record=build(*args))
    except DomainError as error:
        return ParsedRecord(line, error=error.message)


def clean_text(value: Any, field: str, limit: int | None = None) -> str | None:
    """Stripped text, or None when blank; numbers are taken as text (ids and postal codes often are)."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise DomainError(_("%(field)s must be text.", field=field))
    if "\x00" in value or not _encodable(value):
        raise DomainError(_("%(field)s contains a character that cannot be stored.", field=field))
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise DomainError(
            _("%(field)s is longer than %(limit)d characters.", field=field, limit=limit)
        )
    return value or None


def _encodable(value: str) -> bool:
    """False for text holding a lone surrogate ("\\ud800" in JSON), which no database stores."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def required_text(value: Any, field: str, limit: int) -> str:
    text = clean_text(value, field, limit)
    if text is None:
        raise DomainError(_("%(field)s is missing.", field=field))
    return text


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


def email_address(value: Any, field: str) -> str | None:
    email = clean_text(value, field, LIMITS["email"])
    if email is not None and not _EMAIL.match(email):
        raise DomainError(
            _("%(field)s is not an e-mail address: %(value)s.", field=field, value=_shown(email))
        )
    return email


def web_address(value: Any, field: str) -> str | None:
    """An http(s) address ("www.example.org" gets https://): pages link to it, so nothing else."""
    url = clean_text(value, field)
    if url is None:
        return None
    if "://" not in url and not url.lower().startswith(("mailto:", "javascript:", "data:")):
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        raise DomainError(
            _("%(field)s is not a web address: %(value)s.", field=field, value=_shown(url))
        )
    if len(url) > LIMITS["website"]:
        raise DomainError(
            _(
                "%(field)s is longer than %(limit)d characters.",
                field=field,
                limit=LIMITS["website"],
            )
        )
    return url


def _language(value: str, field: str) -> str:
    """The primary language subtag of a BCP 47 code ("es-MX" → "es"), or of an English name."""
    value = value.strip()
    code = re.split(r"[-_]", value, maxsplit=1)[0].lower()
    if code in KNOWN_LANGUAGES:
        return code
    if value.lower() in _LANGUAGE_BY_NAME:
        return _LANGUAGE_BY_NAME[value.lower()]
    raise DomainError(
        _(
            "%(field)s: %(value)s is not a language code we know (use codes like es, vi or zh-Hant).",
            field=field,
            value=_shown(value),
        )
    )


def language_codes(values: Iterable[str], field: str) -> list[str]:
    return list(dict.fromkeys(_language(value, field) for value in values if value.strip()))


def need_codes(values: Iterable[str], field: str) -> list[str]:
    needs = []
    for value in values:
        need = value.strip().lower()
        if need and need not in DIRECTORY_NEEDS:
            raise DomainError(
                _(
                    "%(field)s: %(value)s is not a need we know (use %(needs)s).",
                    field=field,
                    value=_shown(value.strip()),
                    needs=", ".join(DIRECTORY_NEEDS),
                )
            )
        needs.append(need)
    return [need for need in DIRECTORY_NEEDS if need in needs]


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def is_active_status(value: Any, field: str) -> bool:
    """HSDS status: active, inactive, defunct or temporarily closed; only active is offered."""
    status = clean_text(value, field)
    return status is None or status.lower() == "active"
