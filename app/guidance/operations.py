"""State changes for a clinic's guidance prompts: seeding, installing new shipped prompts, edits."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.audit import AuditAction, changed_fields, record_audit
from app.core.errors import DomainError
from app.extensions import db
from app.guidance.library import (
    BODY_MAX,
    CLINIC_KEY_PREFIX,
    TEXT_LANGUAGES,
    TIP_LANGUAGES,
    TIP_MAX,
    TITLE_MAX,
    VISIT_KINDS,
    WHY_MAX,
    LibraryPrompt,
    practice_codes,
    shipped_prompts,
)
from app.guidance.models import GuidancePrompt, PromptCategory
from app.guidance.triggers import TRIGGER_VOCABULARY

#: What a clinic may set on a prompt; its key never changes.
EDITABLE = frozenset(
    {"category", "visit_kinds", "triggers", "practice_codes", "text", "family_tip", "is_active"}
)


def _row(clinic_id: int, entry: LibraryPrompt) -> GuidancePrompt:
    return GuidancePrompt(
        clinic_id=clinic_id,
        key=entry.key,
        category=PromptCategory(entry.category),
        visit_kinds=list(entry.visit_kinds),
        triggers=list(entry.triggers),
        practice_codes=list(entry.practice_codes),
        text={lang: dict(words) for lang, words in entry.text.items()},
        family_tip=dict(entry.family_tip),
        position=entry.position,
        is_active=True,
    )


def seed_guidance_library(clinic_id: int) -> list[GuidancePrompt]:
    """Give a new clinic its own editable copy of the shipped prompts."""
    prompts = [_row(clinic_id, entry) for entry in shipped_prompts()]
    db.session.add_all(prompts)
    return prompts


def _keys_of(clinic_id: int) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(GuidancePrompt.key).where(GuidancePrompt.clinic_id == clinic_id)
        )
    )


def install_missing_prompts(clinic_id: int) -> int:
    """Add the shipped prompts the clinic lacks (a newer release's); edited prompts stay as they are."""
    have = _keys_of(clinic_id)
    missing = [_row(clinic_id, entry) for entry in shipped_prompts() if entry.key not in have]
    if missing:
        db.session.add_all(missing)
        db.session.flush()
        record_audit(
            AuditAction.CREATE,
            clinic_id=clinic_id,
            object_type=GuidancePrompt.__tablename__,
            details={"installed": sorted(p.key for p in missing)},
        )
    return len(missing)


def _unknown(values: list[str], known: tuple[str, ...]) -> list[str]:
    return [value for value in values if value not in known]


def _check_lists(fields: dict[str, Any]) -> None:
    if "visit_kinds" in fields and (bad := _unknown(fields["visit_kinds"], VISIT_KINDS)):
        raise DomainError(_("Unknown visit: %(value)s.", value=", ".join(bad)), code="invalid")
    if "triggers" in fields and (bad := _unknown(fields["triggers"], TRIGGER_VOCABULARY)):
        raise DomainError(_("Unknown trigger: %(value)s.", value=", ".join(bad)), code="invalid")
    if "practice_codes" in fields:
        if bad := _unknown(fields["practice_codes"], practice_codes()):
            raise DomainError(
                _("Unknown common practice: %(value)s.", value=", ".join(bad)), code="invalid"
            )
        if not fields["practice_codes"]:
            raise DomainError(
                _("Choose at least one common practice the prompt serves."), code="invalid"
            )


def _clean_text(text: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Trimmed wording per language; a language left blank is dropped (English stands in)."""
    cleaned = {}
    for language in TEXT_LANGUAGES:
        words = {
            part: (text.get(language, {}).get(part) or "").strip()
            for part in ("title", "body", "why")
        }
        if not any(words.values()):
            continue
        if not words["title"] or not words["body"]:
            raise DomainError(
                _("Each language needs both a title and what to say or do."), code="invalid"
            )
        if (
            len(words["title"]) > TITLE_MAX
            or len(words["body"]) > BODY_MAX
            or len(words["why"]) > WHY_MAX
        ):
            raise DomainError(_("The wording is too long."), code="invalid")
        cleaned[language] = words
    if "en" not in cleaned:
        raise DomainError(
            _("The English title and what to say or do are required."), code="invalid"
        )
    return cleaned


def _clean_tip(tip: dict[str, str]) -> dict[str, str]:
    """Trimmed tips; English is needed whenever there is a tip, as it stands in for the rest."""
    cleaned = {lang: (tip.get(lang) or "").strip() for lang in TIP_LANGUAGES}
    cleaned = {lang: words for lang, words in cleaned.items() if words}
    if cleaned and "en" not in cleaned:
        raise DomainError(_("Write the family tip in English too."), code="invalid")
    if any(len(words) > TIP_MAX for words in cleaned.values()):
        raise DomainError(_("The family tip is too long."), code="invalid")
    return cleaned


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as they will be stored; DomainError with a message for the admin otherwise."""
    if unknown := set(fields) - EDITABLE:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    checked = dict(fields)
    if "category" in fields:
        try:
            checked["category"] = PromptCategory(fields["category"])
        except ValueError:
            raise DomainError(_("Choose a category."), code="invalid") from None
    for name in ("visit_kinds", "triggers", "practice_codes"):
        if name in fields:
            checked[name] = list(dict.fromkeys(fields[name]))
    _check_lists(checked)
    if "text" in fields:
        checked["text"] = _clean_text(fields["text"])
    if "family_tip" in fields:
        checked["family_tip"] = _clean_tip(fields["family_tip"] or {})
    if "is_active" in fields:
        checked["is_active"] = bool(fields["is_active"])
    return checked


def update_prompt(prompt: GuidancePrompt, **fields: Any) -> GuidancePrompt:
    """Change a prompt's wording, keys or visibility; a shipped prompt keeps its key for good."""
    for name, value in _checked(fields).items():
        setattr(prompt, name, value)
    record_audit(AuditAction.UPDATE, prompt, details={"fields": changed_fields(prompt)})
    return prompt


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")


def _new_key(clinic_id: int, title: str) -> str:
    have = _keys_of(clinic_id)
    stem = f"{CLINIC_KEY_PREFIX}{_slug(title) or len(have) + 1}"
    key, n = stem, 2
    while key in have:
        key, n = f"{stem}-{n}", n + 1
    return key


def create_prompt(clinic_id: int, **fields: Any) -> GuidancePrompt:
    """Add a prompt of the clinic's own, placed after every other prompt."""
    required = {"category", "text", "practice_codes"}
    if missing := required - set(fields):
        raise TypeError(f"missing: {', '.join(sorted(missing))}")
    checked = {"visit_kinds": [], "triggers": [], "family_tip": {}, **_checked(fields)}
    last = db.session.scalar(
        sa.select(sa.func.max(GuidancePrompt.position)).where(GuidancePrompt.clinic_id == clinic_id)
    )
    prompt = GuidancePrompt(
        clinic_id=clinic_id,
        key=_new_key(clinic_id, checked["text"]["en"]["title"]),
        position=(last or 0) + 1,
        **checked,
    )
    db.session.add(prompt)
    record_audit(AuditAction.CREATE, prompt)
    return prompt
