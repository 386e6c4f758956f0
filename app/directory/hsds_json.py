"""Reading an Open Referral HSDS 3 JSON document: a list of service objects (or an API page with a
"contents" list), each record reported on the line where it starts."""

from __future__ import annotations

import bisect
import json
import re
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
    web_address,
)

_SPACE = re.compile(r"[ \t\n\r]*")


def json_records(text: str) -> list[ParsedRecord]:
    """Each service object with the line it starts on; a DomainError when the JSON is unusable."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DomainError(
            _(
                "The file is not valid JSON (line %(line)d, column %(column)d).",
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    except (ValueError, RecursionError):
        raise DomainError(_("The file is not valid JSON.")) from None
    services, start = _service_list(document, text)
    if len(services) > MAX_RECORDS:
        raise DomainError(_("The file has more than %(count)d services.", count=MAX_RECORDS))
    lines = _item_lines(text, start)
    return [
        parse_record(line, _json_service, item) for item, line in zip(services, lines, strict=True)
    ]


def _service_list(document: Any, text: str) -> tuple[list[Any], int]:
    """The list of services (the document, or its "contents" or "services") and where it opens."""
    start = _SPACE.match(text).end()
    if isinstance(document, list):
        return document, start
    for key in ("contents", "services"):
        if isinstance(document, dict) and isinstance(document.get(key), list):
            return document[key], _member_offset(text, start, key)
    raise DomainError(
        _(
            "The JSON file holds no list of services: give a list of HSDS service objects, or an "
            'object with a "contents" list.'
        )
    )


def _member_offset(text: str, start: int, key: str) -> int:
    """Where the value of `key` starts in the JSON object opening at `start` (the last one wins)."""
    decoder, found = json.JSONDecoder(), start
    position = _SPACE.match(text, start + 1).end()
    while text[position] != "}":
        name, end = decoder.raw_decode(text, position)
        position = _SPACE.match(text, _SPACE.match(text, end).end() + 1).end()  # past the colon
        if name == key:
            found = position
        _value, end = decoder.raw_decode(text, position)
        position = _SPACE.match(text, end).end()
        if text[position] == ",":
            position = _SPACE.match(text, position + 1).end()
    return found


def _item_lines(text: str, start: int) -> list[int]:
    """The line each element of the JSON array opening at `start` starts on."""
    newlines = [index for index, char in enumerate(text) if char == "\n"]
    decoder, lines = json.JSONDecoder(), []
    position = _SPACE.match(text, start + 1).end()
    while text[position] != "]":
        lines.append(bisect.bisect_left(newlines, position) + 1)
        _value, end = decoder.raw_decode(text, position)
        position = _SPACE.match(text, end).end()
        if text[position] == ",":
            position = _SPACE.match(text, position + 1).end()
    return lines


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DomainError(_("%(field)s is missing or not a JSON object.", field=field))
    return value


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DomainError(_("%(field)s must be a list.", field=field))
    return value


def _json_service(item: Any) -> ServiceRecord:
    if not isinstance(item, dict):
        raise DomainError(_("This record is not a JSON object."))
    organization = _json_organization(_object(item.get("organization"), "organization"))
    service = Entity(
        required_text(item.get("id"), "id", LIMITS["id"]),
        {
            "name": required_text(item.get("name"), "name", LIMITS["name"]),
            "description": clean_text(item.get("description"), "description"),
            "eligibility": clean_text(
                item.get("eligibility_description"), "eligibility_description"
            ),
            "fees": clean_text(
                item.get("fees_description") or item.get("fees"), "fees_description"
            ),
            "email": email_address(item.get("email"), "email"),
            "website": web_address(item.get("url"), "url"),
            "phone": _first_phone(item.get("phones"), "phones"),
            "languages": _json_languages(item.get("languages"), "languages"),
            "need_domains": _json_needs(item),
            "is_active": is_active_status(item.get("status"), "status"),
        },
    )
    links = [
        _json_link(link, f"service_at_locations[{index}]", organization.fields["name"])
        for index, link in enumerate(
            _list(item.get("service_at_locations"), "service_at_locations")
        )
    ]
    return ServiceRecord(organization, service, tuple(links), lists_every_location=True)


def _json_organization(item: dict[str, Any]) -> Entity:
    return Entity(
        required_text(item.get("id"), "organization.id", LIMITS["id"]),
        {
            "name": required_text(item.get("name"), "organization.name", LIMITS["name"]),
            "description": clean_text(item.get("description"), "organization.description"),
            "email": email_address(item.get("email"), "organization.email"),
            "website": web_address(item.get("website") or item.get("url"), "organization.website"),
            "phone": _first_phone(item.get("phones"), "organization.phones"),
        },
    )


def _first_phone(value: Any, field: str) -> str | None:
    for index, phone in enumerate(_list(value, field)):
        number = clean_text(
            _object(phone, f"{field}[{index}]").get("number"),
            f"{field}[{index}].number",
            LIMITS["phone"],
        )
        if number:
            return number
    return None


def _json_languages(value: Any, field: str) -> list[str]:
    """HSDS language objects ({"code": "es"} or {"name": "Spanish"}), or plain codes."""
    codes = []
    for index, language in enumerate(_list(value, field)):
        where = f"{field}[{index}]"
        if isinstance(language, dict):
            language = clean_text(language.get("code"), where) or clean_text(
                language.get("name"), where
            )
        if not isinstance(language, str) or not language.strip():
            raise DomainError(_("%(field)s has no language code.", field=where))
        codes.append(language)
    return language_codes(codes, field)


def _json_needs(item: dict[str, Any]) -> list[str]:
    """Our `need_domains` extension when present; else what the taxonomy terms point to."""
    if "need_domains" in item:
        needs = _list(item["need_domains"], "need_domains")
        if not all(isinstance(need, str) for need in needs):
            raise DomainError(_("%(field)s must be a list of need codes.", field="need_domains"))
        return need_codes(needs, "need_domains")
    return needs_from_terms(_taxonomy_terms(item))


def _taxonomy_terms(item: dict[str, Any]) -> list[str]:
    """Names and codes of the service's taxonomy terms (attributes, taxonomy_terms, taxonomy)."""
    terms: list[Any] = [
        attribute.get("taxonomy_term")
        for attribute in _loose_list(item.get("attributes"))
        if isinstance(attribute, dict)
    ]
    terms += _loose_list(item.get("taxonomy_terms")) + _loose_list(item.get("taxonomy"))
    words = []
    for term in terms:
        if isinstance(term, str):
            words.append(term)
        elif isinstance(term, dict):
            words.extend(
                str(term[key]) for key in ("name", "term", "code") if isinstance(term.get(key), str)
            )
    return words


def _loose_list(value: Any) -> list[Any]:
    """Taxonomy is read leniently: it only ever adds needs, so an odd shape is skipped, not refused."""
    return value if isinstance(value, list) else []


def _json_link(item: Any, field: str, organization_name: str) -> LocationLink:
    link = _object(item, field)
    location = _object(link.get("location"), f"{field}.location")
    where = f"{field}.location"
    address = _json_address(location, where)
    name = clean_text(location.get("name"), f"{where}.name", LIMITS["name"])
    fields = {
        "name": name or (address.get("address") or organization_name)[: LIMITS["name"]],
        **address,
        "languages": _json_languages(location.get("languages"), f"{where}.languages"),
    }
    return LocationLink(
        Entity(required_text(location.get("id"), f"{where}.id", LIMITS["id"]), fields),
        clean_text(link.get("id"), f"{field}.id", LIMITS["id"]),
    )


def _json_address(location: dict[str, Any], where: str) -> dict[str, str | None]:
    """The physical address (else the first) of HSDS 3 `addresses`, or of `address`."""
    key = "addresses" if "addresses" in location else "address"
    addresses = location.get(key)
    addresses = [addresses] if isinstance(addresses, dict) else _list(addresses, f"{where}.{key}")
    addresses = [_object(a, f"{where}.{key}[{i}]") for i, a in enumerate(addresses)]
    chosen = next(
        (a for a in addresses if a.get("address_type") == "physical"),
        addresses[0] if addresses else {},
    )
    field = f"{where}.{key}"
    lines = [clean_text(chosen.get(part), f"{field}.{part}") for part in ("address_1", "address_2")]
    return {
        "address": ", ".join(line for line in lines if line) or None,
        "city": clean_text(chosen.get("city"), f"{field}.city", LIMITS["city"]),
        "postal_code": clean_text(
            chosen.get("postal_code"), f"{field}.postal_code", LIMITS["postal"]
        ),
    }
