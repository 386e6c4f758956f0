"""What the visit page shows, assembled from a VisitPicture: plain words, prompts, suggestions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import url_for

from app.guidance.models import PromptCategory
from app.guidance.triggers import select_prompts
from app.screening import explain
from app.screening.definitions import shipped_library
from app.screening.forms import AcknowledgeFlagForm
from app.screening.safety import protocol_steps
from app.visits.billing import billing_suggestions
from app.visits.forms import VisitNotesForm
from app.visits.queries import VisitPicture
from app.visits.suggestions import suggested_practices


def ack_form_for(flag_id: int) -> AcknowledgeFlagForm:
    # The same prefix as the screening history page: one form per flag, unique field ids.
    return AcknowledgeFlagForm(formdata=None, prefix=f"flag-{flag_id}")


def prompts_by_category(picture: VisitPicture) -> list[tuple[PromptCategory, list[Any]]]:
    grouped: dict[PromptCategory, list[Any]] = defaultdict(list)
    for prompt in select_prompts(picture.prompts, picture.facts):
        grouped[prompt.category].append(prompt)
    return [(category, grouped[category]) for category in PromptCategory if grouped[category]]


def notes_form(picture: VisitPicture) -> VisitNotesForm:
    form = VisitNotesForm(formdata=None, obj=picture.visit)
    form.version.data = picture.visit.version if picture.visit else None
    return form


def referral_links(picture: VisitPicture) -> dict[str, str]:
    """The visit's "Warm handoff now" and "Refer" buttons, pre-filled for this child and visit."""
    family = {"child_id": picture.child.id, "appointment_id": picture.appointment.id}
    return {
        "handoff": url_for("referrals.new", handoff="1", **family),
        "refer": url_for("referrals.new", **family),
    }


def visit_page_context(picture: VisitPicture) -> dict[str, Any]:
    return {
        "picture": picture,
        "appointment": picture.appointment,
        "child": picture.child,
        "explain": explain,
        "library": shipped_library(),
        "protocol_steps": protocol_steps,
        "ack_form_for": ack_form_for,
        "prompts": prompts_by_category(picture),
        "suggested": {s.code: s.reason for s in suggested_practices(picture.facts)},
        "billing": billing_suggestions(picture.facts),
        "notes_form": notes_form(picture),
        "referral_links": referral_links(picture),
    }
