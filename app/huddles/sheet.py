"""The one-page huddle sheet: the day's visits on paper with as few identifiers as will do —
initials and age, never a name or record number — in the reader's language.

Paper leaves the clinic's control (it is left on counters, read over shoulders), so a sensitive
priority is never spelled out: "safety at home" is printed as a neutral "private: ask the
clinician", and a critical answer is a mark with no screen named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.appointments.models import VisitKind
from app.clinics.models import Site
from app.core.pdf import render_pdf
from app.families.models import Program
from app.huddles.board import BoardRow, board_for_day
from app.referrals.present import need_label

#: Short names that fit a cell; anything else is printed by its key.
SCREEN_SHORT_NAMES = {
    "phq-2": "PHQ-2",
    "phq-9": "PHQ-9",
    "epds": "EPDS",
    "hvs": "HVS",
    "family-checkin": _l("Check-in"),
}
#: Priorities a reader of the paper must not learn: the clinician asks in private.
PRIVATE_PRIORITIES = frozenset({"safety_home"})


def screen_short_name(key: str) -> str:
    return str(SCREEN_SHORT_NAMES.get(key, key.upper()))


@dataclass(frozen=True)
class SheetRow:
    """One visit as printed: nothing on it names the child or the family."""

    time: datetime
    initials: str
    born: date
    visit_kind: VisitKind
    language: str | None
    needs_interpreter: bool
    screens_due: tuple[str, ...]
    critical: int
    positive_screens: tuple[str, ...]
    priorities: tuple[str, ...]
    open_referrals: int
    programs: tuple[str, ...]

    def priority_words(self) -> list[str]:
        """The family's priorities in the reader's language, the private ones in neutral words."""
        words = [need_label(need) for need in self.priorities if need not in PRIVATE_PRIORITIES]
        if any(need in PRIVATE_PRIORITIES for need in self.priorities):
            words.append(_("private: ask the clinician"))
        return words


def _initials(given: str, family: str) -> str:
    return "".join(part[:1].upper() for part in (given, family) if part)


def _programs(row: BoardRow) -> tuple[str, ...]:
    return tuple(
        f"HS {e.healthysteps_tier}" if e.program == Program.HEALTHYSTEPS else e.program.label
        for e in row.programs
    )


def _language(row: BoardRow) -> str | None:
    if row.appointment.interpreter_language:
        return row.appointment.interpreter_language
    return row.caregiver.preferred_language if row.caregiver else None


def as_sheet_row(row: BoardRow) -> SheetRow:
    child = row.child
    positives = dict.fromkeys(f.code.split(":")[0] for f in row.positive_flags)
    return SheetRow(
        time=row.appointment.scheduled_at, initials=_initials(child.given_name, child.family_name),
        born=child.date_of_birth, visit_kind=row.appointment.visit_kind, language=_language(row),
        needs_interpreter=row.needs_interpreter,
        screens_due=tuple(screen_short_name(item.instrument_key) for item in row.screens_due),
        critical=len(row.critical_flags),
        positive_screens=tuple(screen_short_name(key) for key in positives),
        priorities=tuple(row.priorities), open_referrals=len(row.open_referrals),
        programs=_programs(row),
    )  # fmt: skip


def sheet_rows(clinic_id: int, day: date, site_id: int | None = None) -> list[SheetRow]:
    """The day's visits (of one site, when given), as the board reads them."""
    return [as_sheet_row(row) for row in board_for_day(clinic_id, day, site_id=site_id).rows]


def sheet_pdf(rows: list[SheetRow], day: date, site: Site | None) -> bytes:
    """One landscape page in the request's language (call inside the request)."""
    return render_pdf(render_template("huddles/sheet.html", rows=rows, day=day, site=site))
