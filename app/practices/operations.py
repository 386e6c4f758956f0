"""State changes for the practice catalogue."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from app.core.audit import AuditAction, changed_fields, record_audit
from app.extensions import db
from app.practices.models import CommonPractice, PracticeAction

CATALOGUE = Path(__file__).with_name("catalogue.json")


@cache
def starting_catalogue() -> tuple[dict[str, Any], ...]:
    """The shipped wording of the 14 practices (DESIGN §2), read once."""
    return tuple(json.loads(CATALOGUE.read_text(encoding="utf-8"))["practices"])


def seed_practice_catalogue(clinic_id: int) -> list[CommonPractice]:
    """Give a new clinic its own editable copy of the 14 practices."""
    practices = [
        CommonPractice(
            clinic_id=clinic_id,
            code=entry["code"],
            action=PracticeAction(entry["action"]),
            position=position,
            title=dict(entry["title"]),
            description=dict(entry["description"]),
        )
        for position, entry in enumerate(starting_catalogue(), start=1)
    ]
    db.session.add_all(practices)
    return practices


def update_practice_wording(
    practice: CommonPractice, *, title: dict[str, str], description: dict[str, str]
) -> CommonPractice:
    """Correct a practice's wording in each language; its code never changes."""
    practice.title = {**practice.title, **title}
    practice.description = {**practice.description, **description}
    record_audit(AuditAction.UPDATE, practice, details={"fields": changed_fields(practice)})
    return practice
