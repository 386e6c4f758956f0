"""Instrument definitions read from versioned data files (FHIR-Questionnaire-shaped JSON).

Pure: no Flask, no database. A malformed file is refused at start-up with the file and the problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

INSTRUMENT_DIR = Path(__file__).with_name("instruments")
SUBJECTS = ("child", "caregiver", "household")
LICENCE_STATUSES = ("open", "licensed_text_required")


class InstrumentFileError(ValueError):
    """An instrument file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Option:
    code: str
    score: int | None
    loinc: str | None
    text: dict[str, str]


@dataclass(frozen=True)
class Item:
    id: str
    required: bool
    text: dict[str, str]
    options: tuple[Option, ...]
    loinc: str | None = None
    need: str | None = None

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    title: dict[str, str]
    subject: str
    licence_status: str
    licence_notice: str
    #: Language → where the wording comes from (a published translation, or our own words).
    languages: dict[str, str]
    stem: dict[str, str]
    items: tuple[Item, ...]
    loinc_panel: str | None = None
    loinc_total: str | None = None
    continues_to: str | None = None
    item_ids: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "item_ids", tuple(item.id for item in self.items))

    @property
    def needs_licensed_text(self) -> bool:
        return self.licence_status == "licensed_text_required"

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]


class _Text(fields.Dict):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            keys=fields.String(validate=validate.Length(min=2, max=16)),
            values=fields.String(validate=validate.Length(min=1)),
            **kwargs,
        )


class _OptionSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    score = fields.Integer(required=True, allow_none=True)
    loinc = fields.String(load_default=None, allow_none=True)
    text = _Text(required=True)

    @post_load
    def make(self, data: dict, **_: Any) -> Option:
        return Option(**data)


class _ItemSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]*$"))
    required = fields.Boolean(load_default=True)
    loinc = fields.String(load_default=None, allow_none=True)
    need = fields.String(load_default=None, allow_none=True)
    text = _Text(required=True)
    options = fields.List(
        fields.Nested(_OptionSchema), required=True, validate=validate.Length(min=2)
    )

    @validates_schema
    def _unique_codes(self, data: dict, **_: Any) -> None:
        codes = [option.code for option in data.get("options") or ()]
        if len(codes) != len(set(codes)):
            raise ValidationError("answer codes repeat", "options")

    @post_load
    def make(self, data: dict, **_: Any) -> Item:
        return Item(**{**data, "options": tuple(data["options"])})


class _InstrumentSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # FHIR fields we do not use (resourceType, status) are allowed

    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]*$"))
    version = fields.String(required=True, validate=validate.Regexp(r"^[1-9][0-9]{0,5}$"))
    title = _Text(required=True)
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    licence = fields.Dict(required=True)
    languages = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)
    stem = _Text(load_default=dict)
    code = fields.Dict(load_default=dict)
    continues_to = fields.String(load_default=None, allow_none=True)
    items = fields.List(fields.Nested(_ItemSchema), required=True, validate=validate.Length(min=1))


def _check_consistency(data: dict) -> list[str]:
    """Rules across the whole file: ids unique, licence honoured, every language complete."""
    problems = []
    ids = [item.id for item in data["items"]]
    if len(ids) != len(set(ids)):
        problems.append("item ids repeat")
    licence = data["licence"]
    if licence.get("status") not in LICENCE_STATUSES or not licence.get("notice"):
        problems.append("licence needs a status (open or licensed_text_required) and a notice")
    if licence.get("status") == "licensed_text_required":
        ships_text = any(item.text or any(o.text for o in item.options) for item in data["items"])
        if data["languages"] or data["stem"] or ships_text:
            problems.append(
                "a licensed instrument may not ship any item text; load it with "
                "`flask instruments load-text`"
            )
        return problems
    for language, meta in data["languages"].items():
        if not meta.get("source"):
            problems.append(f"language {language} does not say where its wording comes from")
        for item in data["items"]:
            missing = language not in item.text or any(language not in o.text for o in item.options)
            if missing:
                problems.append(f"item {item.id} has no {language} text for itself or an answer")
    if not data["languages"]:
        problems.append("an open instrument needs at least one language")
    return problems


def parse_instrument(raw: dict[str, Any], origin: str) -> Instrument:
    """Validate one instrument document; raise InstrumentFileError naming `origin` and the problem."""
    try:
        data = _InstrumentSchema().load(raw)
    except ValidationError as error:
        raise InstrumentFileError(f"{origin}: {error.messages}") from None
    if problems := _check_consistency(data):
        raise InstrumentFileError(f"{origin}: {'; '.join(problems)}")
    code = data["code"]
    return Instrument(
        key=data["key"],
        version=data["version"],
        title=data["title"],
        subject=data["subject"],
        licence_status=data["licence"]["status"],
        licence_notice=data["licence"]["notice"],
        languages={lang: meta["source"] for lang, meta in data["languages"].items()},
        stem=data["stem"],
        items=tuple(data["items"]),
        loinc_panel=code.get("panel"),
        loinc_total=code.get("total"),
        continues_to=data["continues_to"],
    )


def load_instrument_file(path: Path) -> Instrument:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InstrumentFileError(f"{path.name}: not readable JSON ({error})") from None
    instrument = parse_instrument(raw, path.name)
    expected = f"{instrument.key}.v{instrument.version}.json"
    if path.name != expected:
        raise InstrumentFileError(f"{path.name}: key and version say the file should be {expected}")
    return instrument


def load_library(directory: Path = INSTRUMENT_DIR) -> dict[str, Instrument]:
    """Every instrument file of `directory`, newest version per key."""
    library: dict[str, Instrument] = {}
    files: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        instrument = load_instrument_file(path)
        current = library.get(instrument.key)
        if current is None or int(instrument.version) > int(current.version):
            library[instrument.key], files[instrument.key] = instrument, path.name
    for key, instrument in library.items():
        if instrument.continues_to and instrument.continues_to not in library:
            raise InstrumentFileError(
                f"{files[key]}: continues to unknown {instrument.continues_to}"
            )
    return library


@cache
def shipped_library() -> dict[str, Instrument]:
    """The instruments that ship with Wellthread, loaded once."""
    return load_library()


@dataclass(frozen=True)
class Wording:
    """An instrument's words in one language: shipped with it, or loaded by a clinic with permission."""

    language: str
    source: str
    title: str
    stem: str
    items: dict[str, str]
    options: dict[str, dict[str, str]]  # item id → answer code → text


def shipped_wording(instrument: Instrument, language: str) -> Wording | None:
    if language not in instrument.languages:
        return None
    return Wording(
        language=language,
        source=instrument.languages[language],
        title=instrument.title_in(language),
        stem=instrument.stem.get(language, ""),
        items={item.id: item.text[language] for item in instrument.items},
        options={
            item.id: {o.code: o.text[language] for o in item.options} for item in instrument.items
        },
    )


def loaded_wording(
    instrument: Instrument, language: str, source: str, content: dict[str, Any]
) -> Wording:
    """Wording from a clinic's licensed text file; raise InstrumentFileError when it is incomplete."""
    items = content.get("items") if isinstance(content, dict) else None
    if not isinstance(items, dict):
        raise InstrumentFileError(f"{instrument.key}: the text has no items")
    texts, options, problems = {}, {}, []
    for item in instrument.items:
        entry = items.get(item.id)
        option_texts = entry.get("options") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("text"), str)
            or not entry["text"].strip()
        ):
            problems.append(f"item {item.id} has no text")
            continue
        if not isinstance(option_texts, dict) or any(
            not isinstance(option_texts.get(o.code), str) or not option_texts[o.code].strip()
            for o in item.options
        ):
            problems.append(
                f"item {item.id} needs a text for each answer ({', '.join(o.code for o in item.options)})"
            )
            continue
        texts[item.id] = entry["text"].strip()
        options[item.id] = {o.code: option_texts[o.code].strip() for o in item.options}
    unknown = sorted(set(items) - set(instrument.item_ids))
    if unknown:
        problems.append(f"unknown items {', '.join(unknown)}")
    if problems:
        raise InstrumentFileError(f"{instrument.key} ({language}): {'; '.join(problems)}")
    title = (
        content.get("title")
        if isinstance(content.get("title"), str)
        else instrument.title_in(language)
    )
    stem = content.get("stem") if isinstance(content.get("stem"), str) else ""
    return Wording(language, source, title, stem, texts, options)
