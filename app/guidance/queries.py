"""Named reads of a clinic's guidance prompts."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.guidance.models import GuidancePrompt, PromptCategory


def _of_clinic(clinic_id: int) -> sa.Select[tuple[GuidancePrompt]]:
    return (
        sa.select(GuidancePrompt)
        .where(GuidancePrompt.clinic_id == clinic_id)
        .order_by(GuidancePrompt.position, GuidancePrompt.id)
    )


def active_prompts(clinic_id: int) -> list[GuidancePrompt]:
    """Every prompt the clinic shows, in one query: the candidates of `select_prompts`."""
    return list(db.session.scalars(_of_clinic(clinic_id).where(GuidancePrompt.is_active)))


def prompts_of(
    clinic_id: int, visit_kind: str | None = None, category: PromptCategory | None = None
) -> list[GuidancePrompt]:
    """The clinic's prompts for the admin list, active or not.

    A prompt for every visit (no visit kinds) belongs to each visit's list. The visit filter runs
    here rather than in SQL: JSON list containment is spelt differently on SQLite and PostgreSQL,
    and a clinic's library is a hundred rows or so.
    """
    query = _of_clinic(clinic_id)
    if category is not None:
        query = query.where(GuidancePrompt.category == category)
    prompts = db.session.scalars(query)
    return [
        p for p in prompts if not visit_kind or not p.visit_kinds or visit_kind in p.visit_kinds
    ]
