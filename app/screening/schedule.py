"""Which instruments are due at a visit. Pure: visit, clinic rules and the household's history in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Rule:
    instrument_key: str
    is_enabled: bool
    #: Visit kinds at which the instrument is due; empty = any visit once the last screen expired.
    visit_kinds: frozenset[str]
    #: A screen of the household at most this many days old counts (for siblings too).
    validity_days: int


# Caregiver depression at the 1, 2, 4 and 6-month visits (AAP 2019 policy statement on perinatal
# depression; Bright Futures periodicity schedule). A screen of the same caregiver within 14 days
# (twins, siblings seen the same week) counts.
# Family needs at the first visit and at least yearly per household (HealthySteps core component 2;
# AAP screening recommendations): no visit kinds, valid 365 days, so a household never screened is
# due at whatever visit comes first.
# EPDS is off until a clinic loads its licensed text and turns it on.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("phq-2", True, frozenset({"1m", "2m", "4m", "6m"}), 14),
    Rule("epds", False, frozenset({"1m", "2m", "4m", "6m"}), 14),
    Rule("family-checkin", True, frozenset(), 365),
    Rule("hvs", True, frozenset(), 365),
)

#: A continued sitting is stored under the instrument it continued to; it counts for the first.
COUNTS_FOR = {"phq-9": "phq-2"}


@dataclass(frozen=True)
class PriorScreen:
    instrument_key: str
    submitted_on: date
    appointment_id: int | None


@dataclass(frozen=True)
class DueItem:
    instrument_key: str
    #: "due", "done" or "unavailable"
    status: str
    #: "this_visit" (done for this appointment), "recent" (done within the validity window),
    #: "licensed_text_missing", or "" for due.
    reason: str = ""
    done_on: date | None = None


def _latest_counting(
    key: str, rule: Rule, visit_on: date, appointment_id: int | None, prior: Iterable[PriorScreen]
) -> PriorScreen | None:
    oldest = visit_on - timedelta(days=rule.validity_days)
    matches = [
        p
        for p in prior
        if key in (p.instrument_key, COUNTS_FOR.get(p.instrument_key))
        and (
            (appointment_id is not None and p.appointment_id == appointment_id)
            or oldest <= p.submitted_on <= visit_on
        )
    ]
    return max(matches, key=lambda p: p.submitted_on, default=None)


def due_instruments(
    *,
    visit_kind: str,
    visit_on: date,
    appointment_id: int | None,
    rules: Iterable[Rule],
    prior: Iterable[PriorScreen],
    offered: Mapping[str, bool],
) -> list[DueItem]:
    """The instruments this visit calls for, each due, already done, or not offered and why."""
    prior = list(prior)
    items = []
    for rule in rules:
        if not rule.is_enabled or (rule.visit_kinds and visit_kind not in rule.visit_kinds):
            continue
        done = _latest_counting(rule.instrument_key, rule, visit_on, appointment_id, prior)
        if done is not None:
            this_visit = appointment_id is not None and done.appointment_id == appointment_id
            reason = "this_visit" if this_visit else "recent"
            items.append(DueItem(rule.instrument_key, "done", reason, done.submitted_on))
        elif not offered.get(rule.instrument_key, False):
            items.append(DueItem(rule.instrument_key, "unavailable", "licensed_text_missing"))
        else:
            items.append(DueItem(rule.instrument_key, "due"))
    return items


def merge_rules(defaults: Iterable[Rule], overrides: Mapping[str, Rule]) -> list[Rule]:
    """The clinic's own choices replace the defaults, instrument by instrument."""
    return [overrides.get(rule.instrument_key, rule) for rule in defaults]
