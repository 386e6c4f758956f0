"""Screens answered at the volume clinic's completed visits, scored by the real scoring code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from app.demo.volume_world import Family, SiteWork, Visit
from app.screening import schedule
from app.screening.definitions import Instrument, shipped_library
from app.screening.models import FamilyPriority, Flag, ScreeningResponse
from app.screening.scoring import Score, score

RESPONSE_COLUMNS = (
    "id", "clinic_id", "household_id", "child_id", "caregiver_id", "appointment_id",
    "instrument_key", "instrument_version", "subject", "language", "answers", "total_score",
    "answered_total", "band", "is_positive", "is_complete", "source", "status",
    "client_submission_id", "submitted_at", "entered_by_id", "error_reason",
    "marked_in_error_at", "marked_in_error_by_id", "created_at", "updated_at",
)  # fmt: skip
FLAG_COLUMNS = (
    "id", "clinic_id", "response_id", "household_id", "child_id", "kind", "code", "item_id",
    "need", "raised_at", "acknowledged_at", "acknowledged_by_id", "action", "note", "escalated_at",
)  # fmt: skip
PRIORITY_COLUMNS = ("clinic_id", "household_id", "response_id", "need", "wants_help", "recorded_at")

#: Families answer most of what is due: a visit without screens is a busy day or a refusal.
SCREENED_VISIT_SHARE, ANSWERED_SHARE = 0.9, 0.975
PHQ_NEGATIVE_WEIGHTS = (60, 30, 8, 2)
PHQ9_ITEM_WEIGHTS = (35, 35, 20, 10)
#: PHQ-9 item 9 above 0 (thoughts of self-harm) in about 0.5% of the sittings.
ITEM9_SHARE = 0.005
HVS_AT_RISK_WEIGHTS = {"often": 30, "sometimes": 60, "never": 40}
IN_ERROR_SHARE = 0.003
IN_ERROR_REASONS = (
    "Answered for the wrong child.",
    "The parent's phone sent the form twice.",
    "Typed in from the wrong paper form.",
)
ACK_ACTIONS = {"assessed": 70, "warm_handoff": 22, "emergency_services": 3, "other": 5}
ACK_NOTES = {
    "assessed": "Talked with the caregiver; safety plan made, follow-up call tomorrow.",
    "warm_handoff": "Introduced to the social worker during the visit.",
    "emergency_services": "Crisis line called with the caregiver.",
    "other": "Caregiver's partner joined; the family will see their own doctor today.",
}
ESCALATION_MINUTES = 30
#: Need a referral is for, by the flag code's instrument.
NEED_OF_INSTRUMENT = {
    "phq-2": "caregiver_depression",
    "phq-9": "caregiver_depression",
    "hvs": "food",
}


@dataclass(frozen=True)
class RaisedFlag:
    id: int
    kind: str
    need: str


@cache
def _library() -> dict[str, Instrument]:
    return shipped_library()


@cache
def _offered() -> dict[str, bool]:
    """Instruments the clinic can offer: every shipped one with text (no licensed text loaded)."""
    return {key: bool(inst.languages) for key, inst in _library().items()}


@cache
def _scored(key: str, answers: tuple[tuple[str, str], ...]) -> Score:
    return score(_library()[key], dict(answers))


def _pair(work: SiteWork, positive: bool) -> tuple[int, int]:
    """The two PHQ-2 answers, drawn until they land on the wanted side of the cut-off of 3."""
    rng = work.rng
    while True:
        if positive:
            a, b = rng.randint(0, 3), rng.randint(0, 3)
        else:
            a, b = rng.choices(range(4), weights=PHQ_NEGATIVE_WEIGHTS, k=2)
        if (a + b >= 3) == positive:
            return a, b


def _phq_answers(work: SiteWork, family: Family) -> tuple[str, dict[str, str]]:
    """A PHQ-2 sitting; most positive ones continue to the PHQ-9 and are stored as that."""
    rng = work.rng
    positive = rng.random() < (0.45 if family.has_low_mood else 0.03)
    a, b = _pair(work, positive)
    answers = {"phq-1": str(a), "phq-2": str(b)}
    if not positive or rng.random() >= 0.92:
        return "phq-2", answers
    for n in range(3, 9):
        answers[f"phq-{n}"] = str(rng.choices(range(4), weights=PHQ9_ITEM_WEIGHTS)[0])
    answers["phq-9"] = ("1" if rng.random() < 0.8 else "2") if rng.random() < ITEM9_SHARE else "0"
    return "phq-9", answers


def _hvs_answers(work: SiteWork, family: Family) -> dict[str, str]:
    rng = work.rng
    if rng.random() >= (0.6 if family.is_food_insecure else 0.02):
        return {"hvs-1": "never", "hvs-2": "never"}
    codes, weights = list(HVS_AT_RISK_WEIGHTS), list(HVS_AT_RISK_WEIGHTS.values())
    while True:
        answers = {item: rng.choices(codes, weights=weights)[0] for item in ("hvs-1", "hvs-2")}
        if set(answers.values()) != {"never"}:
            return answers


def _checkin_answers(work: SiteWork, family: Family) -> dict[str, str]:
    rng = work.rng
    answers = {}
    for need, odds in family.need_odds.items():
        draw = rng.random()
        answers[f"need-{need}"] = (
            "yes" if draw < odds else "not_now" if draw < odds + 0.03 else "no"
        )
    return answers


def _answers(work: SiteWork, family: Family, key: str) -> tuple[str, dict[str, str]]:
    if key == "phq-2":
        return _phq_answers(work, family)
    if key == "hvs":
        return key, _hvs_answers(work, family)
    return key, _checkin_answers(work, family)


def _source(work: SiteWork, visit: Visit) -> tuple[str, int | None]:
    """How the screen reached the record: mostly the parent's phone, some paper typed in by staff."""
    draw = work.rng.random()
    paper = 0.25 if visit.kid.family.needs_interpreter else 0.08
    if draw < paper:
        return "staff_entered", visit.team.nurse_id
    return ("kiosk", None) if draw < paper + 0.12 else ("parent_device", None)


def _in_error(work: SiteWork, submitted: datetime, result: Score) -> tuple:
    """(status, reason, marked at, marked by) — a few screens withdrawn as entered in error."""
    if any(f.kind == "critical" for f in result.flags) or work.rng.random() >= IN_ERROR_SHARE:
        return ("final", None, None, None)
    marked = submitted + timedelta(minutes=work.rng.randint(10, 2880))
    if marked > work.run.cutoff:
        return ("final", None, None, None)
    return ("entered_in_error", work.rng.choice(IN_ERROR_REASONS), marked, work.team.nurse_id)


def _acknowledgement(work: SiteWork, raised: datetime, clinician_id: int) -> tuple:
    """(acknowledged at, by, action, note, escalated at): most within the clinic's 30 minutes."""
    rng, cutoff = work.rng, work.run.cutoff
    draw = rng.random()
    minutes = rng.uniform(2, 29) if draw < 0.9 else rng.uniform(31, 360) if draw < 0.98 else None
    escalated = raised + timedelta(minutes=ESCALATION_MINUTES, seconds=rng.randint(0, 60))
    escalated = (
        escalated
        if (minutes is None or minutes > ESCALATION_MINUTES) and escalated <= cutoff
        else None
    )
    acknowledged = raised + timedelta(minutes=minutes) if minutes is not None else None
    if acknowledged is None or acknowledged > cutoff:
        return (None, None, None, None, escalated)
    action = rng.choices(list(ACK_ACTIONS), weights=list(ACK_ACTIONS.values()))[0]
    note = ACK_NOTES[action] if action == "other" or rng.random() < 0.3 else None
    return (acknowledged, clinician_id, action, note, escalated)


def _flags(work: SiteWork, visit: Visit, response_id: int, submitted: datetime,
           result: Score) -> list[RaisedFlag]:  # fmt: skip
    raised = []
    family = visit.kid.family
    for spec in result.flags:
        flag_id = work.new_id(Flag)
        ack = (
            _acknowledgement(work, submitted, visit.clinician_id)
            if spec.kind == "critical"
            else (None, None, None, None, None)
        )
        work.add(Flag, (flag_id, work.run.clinic_id, response_id, family.id, visit.kid.id,
                        spec.kind, spec.code, spec.item_id, spec.need, submitted, *ack))  # fmt: skip
        instrument = spec.code.split(":")[0]
        raised.append(RaisedFlag(flag_id, spec.kind, spec.need or NEED_OF_INSTRUMENT[instrument]))
    return raised


def _sit(work: SiteWork, visit: Visit, key: str) -> tuple[str, bool, list[RaisedFlag]]:
    """One instrument answered before the visit; returns what was stored, if it counts, its flags."""
    run, rng, family = work.run, work.rng, visit.kid.family
    stored_key, answers = _answers(work, family, key)
    inst = _library()[stored_key]
    result = _scored(stored_key, tuple(sorted(answers.items())))
    response_id = work.new_id(ScreeningResponse)
    submitted = visit.at - timedelta(minutes=rng.uniform(5, 40))
    source, entered_by = _source(work, visit)
    status = _in_error(work, submitted, result)
    language = family.language if family.language in inst.languages else "en"
    work.add(ScreeningResponse, (
        response_id, run.clinic_id, family.id, visit.kid.id, family.caregiver_id, visit.id,
        inst.key, inst.version, inst.subject, language, answers, result.total,
        result.answered_total, result.band, result.is_positive, result.is_complete, source,
        status[0], f"volume-{response_id:010d}", submitted, entered_by,
        *status[1:], submitted, status[2] or submitted,
    ))  # fmt: skip
    for need, wants in result.needs.items():
        work.add(FamilyPriority, (run.clinic_id, family.id, response_id, need, wants, submitted))
    flags = _flags(work, visit, response_id, submitted, result)
    counts = status[0] == "final"
    return stored_key, counts, flags if counts else []


def screen_visit(
    work: SiteWork, visit: Visit, prior: list[schedule.PriorScreen]
) -> list[RaisedFlag]:
    """Answer what the clinic's rules call for at this completed visit; `prior` grows with it."""
    due = schedule.due_instruments(
        visit_kind=visit.kind, visit_on=visit.day, appointment_id=visit.id,
        rules=work.run.clinic.rules, prior=prior, offered=_offered(),
    )  # fmt: skip
    keys = [item.instrument_key for item in due if item.status == "due"]
    if not keys or work.rng.random() >= SCREENED_VISIT_SHARE:
        return []
    raised: list[RaisedFlag] = []
    for key in keys:
        if work.rng.random() >= ANSWERED_SHARE:
            continue
        stored_key, counts, flags = _sit(work, visit, key)
        visit.screened.append(stored_key)
        if counts:
            prior.append(schedule.PriorScreen(stored_key, visit.day, visit.id))
        raised += flags
    return raised


def recent(prior: list[schedule.PriorScreen], day: date) -> list[schedule.PriorScreen]:
    """The screens that can still count on `day` (no rule looks back more than a year)."""
    oldest = day - timedelta(days=366)
    return [p for p in prior if p.submitted_on >= oldest]
