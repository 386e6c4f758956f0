"""Guidance triggers and visit lists in plain words for the admin pages."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.appointments.models import VisitKind
from app.screening.explain import need_label

_FIXED = {
    "positive:phq-2": _l("Caregiver depression screen positive (PHQ-2)"),
    "positive:phq-9": _l("Caregiver depression screen positive (PHQ-9)"),
    "positive:epds": _l("Caregiver depression screen positive (EPDS)"),
    "positive:hvs": _l("Hunger Vital Sign positive: food may run short"),
    "positive:family-checkin": _l("The family asked for help in the check-in"),
    "critical": _l("A critical answer: follow the safety protocol"),
    "program:healthysteps": _l("Enrolled in HealthySteps"),
    "program:dulce": _l("Enrolled in DULCE"),
    "due:phq-2": _l("Caregiver depression screen still due (PHQ-2)"),
    "due:epds": _l("Caregiver depression screen still due (EPDS)"),
    "due:family-checkin": _l("Family check-in still due"),
    "due:hvs": _l("Hunger Vital Sign still due"),
    "first_visit": _l("First visit at the clinic"),
    "group_visit": _l("Group visit"),
}


def trigger_label(trigger: str) -> str:
    """What raises the trigger, in the page's language."""
    if trigger in _FIXED:
        return str(_FIXED[trigger])
    kind, _sep, need = trigger.partition(":")
    if kind == "help":
        return _("Wants help now with: %(need)s", need=need_label(need))
    if kind == "later":
        return _("Wants help later with: %(need)s", need=need_label(need))
    return trigger


def visit_kinds_label(visit_kinds: Iterable[str]) -> str:
    """The visits a prompt belongs to ("Every visit" when it names none)."""
    kinds = list(visit_kinds)
    if not kinds:
        return _("Every visit")
    return ", ".join(VisitKind(kind).label for kind in kinds)
