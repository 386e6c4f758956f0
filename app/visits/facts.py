"""What a visit's data says, as plain values: the input of guidance, practice and billing suggestions.

Built once per visit page by `app.visits.queries`; the rules that read it stay pure and table-tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScreenFact:
    """One final screening response that counts for this visit."""

    instrument_key: str
    band: str | None
    is_positive: bool | None
    is_complete: bool
    #: Answered for this appointment (not a sibling's or an earlier visit's screen still valid).
    this_visit: bool
    #: Who answered it: "parent_device", "kiosk" or "staff_entered".
    source: str = "parent_device"


@dataclass(frozen=True)
class VisitFacts:
    #: VisitKind value; "other" visits carry the scheduled visit nearest the child's age here.
    visit_kind: str
    age_days: int
    screens: tuple[ScreenFact, ...] = ()
    #: Instrument keys this visit calls for that nobody has answered yet.
    due: frozenset[str] = frozenset()
    #: Family check-in needs the family wants help with now, and those for later.
    needs_yes: frozenset[str] = frozenset()
    needs_later: frozenset[str] = frozenset()
    #: Critical flag codes raised on screens that count for this visit, and those still unacknowledged.
    critical_codes: frozenset[str] = frozenset()
    open_critical_codes: frozenset[str] = frozenset()
    #: "healthysteps", "dulce": programs the child is enrolled in now.
    programs: frozenset[str] = frozenset()
    healthysteps_tier: int | None = None
    #: The child's insurance (Insurance value: "medicaid", "chip", "private", "none") or None.
    insurance: str | None = None
    is_group_visit: bool = False
    is_first_visit: bool = False
    has_strength_noticed: bool = False
    practices_delivered: frozenset[str] = field(default_factory=frozenset)

    def positive(self, instrument_key: str) -> bool:
        return any(s.instrument_key == instrument_key and s.is_positive for s in self.screens)

    def done(self, instrument_key: str) -> bool:
        return any(s.instrument_key == instrument_key for s in self.screens)
