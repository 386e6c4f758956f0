"""The shipped guidance library (library.json), validated once; each clinic gets its own copy.

A malformed library is refused at start-up with the prompt and the problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.appointments.models import VisitKind
from app.guidance.triggers import CATEGORY_ORDER, TRIGGER_VOCABULARY
from app.practices.operations import starting_catalogue

LIBRARY_FILE = Path(__file__).with_name("library.json")
#: The scheduled visits a prompt can be keyed to ("other" visits carry the nearest of these).
VISIT_KINDS = tuple(kind.value for kind in VisitKind if kind != VisitKind.OTHER)
#: Languages of the clinician's wording, and of the tips printed on the family's summary.
TEXT_LANGUAGES = ("en", "es")
TIP_LANGUAGES = ("en", "es", "ar")
#: Keys a clinic's own prompts get; a shipped prompt may not use the prefix.
CLINIC_KEY_PREFIX = "clinic-"
TITLE_MAX, BODY_MAX, WHY_MAX, TIP_MAX = 120, 1000, 500, 400


def practice_codes() -> tuple[str, ...]:
    """The 14 common practice codes (N1…D4), as shipped in the practice catalogue."""
    return tuple(entry["code"] for entry in starting_catalogue())


class LibraryFileError(ValueError):
    """A guidance library that cannot be used; the message names the prompt and the problem."""


@dataclass(frozen=True)
class LibraryPrompt:
    key: str
    category: str
    visit_kinds: tuple[str, ...]
    triggers: tuple[str, ...]
    practice_codes: tuple[str, ...]
    text: dict[str, dict[str, str]]
    family_tip: dict[str, str]
    position: int
    is_active: bool = field(default=True)


def _words(max_length: int) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length))


def _unique_list(choices: tuple[str, ...], **kwargs: Any) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(choices)), **kwargs)


def _not_a_clinic_key(key: str) -> None:
    if key.startswith(CLINIC_KEY_PREFIX):
        raise ValidationError(f"keys starting {CLINIC_KEY_PREFIX!r} belong to clinics' own prompts")


class _WordsSchema(Schema):
    title = _words(TITLE_MAX)
    body = _words(BODY_MAX)
    why = _words(WHY_MAX)


class _TextSchema(Schema):
    en = fields.Nested(_WordsSchema, required=True)
    es = fields.Nested(_WordsSchema, required=True)


class _TipSchema(Schema):
    en = fields.String(validate=validate.Length(min=1, max=TIP_MAX))
    es = fields.String(validate=validate.Length(min=1, max=TIP_MAX))
    ar = fields.String(validate=validate.Length(min=1, max=TIP_MAX))

    @validates_schema
    def _all_or_none(self, data: dict, **_: Any) -> None:
        if data and set(data) != set(TIP_LANGUAGES):
            missing = ", ".join(lang for lang in TIP_LANGUAGES if lang not in data)
            raise ValidationError(f"a family tip needs every family language (missing {missing})")


class _PromptSchema(Schema):
    key = fields.String(
        required=True,
        validate=[
            validate.Regexp(r"^[a-z0-9][a-z0-9-]*$"),
            validate.Length(max=80),
            _not_a_clinic_key,
        ],
    )
    category = fields.String(required=True, validate=validate.OneOf(CATEGORY_ORDER))
    visit_kinds = _unique_list(VISIT_KINDS, required=True)
    triggers = _unique_list(TRIGGER_VOCABULARY, required=True)
    practice_codes = _unique_list(practice_codes(), required=True, validate=validate.Length(min=1))
    text = fields.Nested(_TextSchema, required=True)
    family_tip = fields.Nested(_TipSchema, load_default=dict)

    @validates_schema
    def _no_repeats(self, data: dict, **_: Any) -> None:
        for name in ("visit_kinds", "triggers", "practice_codes"):
            values = data.get(name) or []
            if len(values) != len(set(values)):
                raise ValidationError("values repeat", name)


class _LibrarySchema(Schema):
    source = fields.String(required=True, validate=validate.Length(min=1))
    prompts = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1))


def _prompt_name(entry: Any, position: int) -> str:
    key = entry.get("key") if isinstance(entry, dict) else None
    return f"prompt {key!r}" if isinstance(key, str) and key else f"prompt #{position}"


def _parse_prompt(entry: dict[str, Any], position: int, origin: str) -> LibraryPrompt:
    try:
        data = _PromptSchema().load(entry)
    except ValidationError as error:
        raise LibraryFileError(
            f"{origin}: {_prompt_name(entry, position)}: {error.messages}"
        ) from None
    return LibraryPrompt(
        key=data["key"],
        category=data["category"],
        visit_kinds=tuple(data["visit_kinds"]),
        triggers=tuple(data["triggers"]),
        practice_codes=tuple(data["practice_codes"]),
        text=data["text"],
        family_tip=data["family_tip"],
        position=position,
    )


def parse_library(raw: Any, origin: str = LIBRARY_FILE.name) -> tuple[LibraryPrompt, ...]:
    """Validate a library document; raise LibraryFileError naming `origin`, the prompt and the problem."""
    try:
        data = _LibrarySchema().load(raw if isinstance(raw, dict) else {})
    except ValidationError as error:
        raise LibraryFileError(f"{origin}: {error.messages}") from None
    prompts = tuple(
        _parse_prompt(entry, position, origin)
        for position, entry in enumerate(data["prompts"], start=1)
    )
    keys = [prompt.key for prompt in prompts]
    if repeated := sorted({key for key in keys if keys.count(key) > 1}):
        raise LibraryFileError(f"{origin}: keys repeat: {', '.join(repeated)}")
    return prompts


def load_library(path: Path = LIBRARY_FILE) -> tuple[LibraryPrompt, ...]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LibraryFileError(f"{path.name}: not readable JSON ({error})") from None
    return parse_library(raw, path.name)


@cache
def shipped_prompts() -> tuple[LibraryPrompt, ...]:
    """The guidance prompts that ship with Wellthread, loaded once."""
    return load_library(LIBRARY_FILE)
