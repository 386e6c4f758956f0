"""The common practices delivered at the volume clinic's completed visits, and some visit notes."""

from __future__ import annotations

from datetime import timedelta

from app.demo.volume_world import SiteWork, Visit
from app.visits.models import PracticeDelivery
from app.visits.models import Visit as VisitRecord

DELIVERY_COLUMNS = (
    "clinic_id", "appointment_id", "child_id", "practice_code", "delivered_by_id",
    "delivered_at", "note",
)  # fmt: skip
VISIT_COLUMNS = (
    "clinic_id", "appointment_id", "child_id", "strength_noticed", "next_steps",
    "updated_by_id", "version", "created_at", "updated_at",
)  # fmt: skip

#: How often each practice is recorded at a visit: relationships (N1) and noticing strengths (N3)
#: at most visits, the team- and clinic-level practices rarely. Screening (C2) and linking (C3)
#: are recorded when the visit had a screen or a referral, and then not every time.
PRACTICE_WEIGHTS = {
    "N1": 9.0, "N2": 5.0, "N3": 8.0, "N4": 4.0, "N5": 1.0, "C1": 4.0, "C4": 2.0, "C5": 0.5,
    "D1": 2.0, "D2": 1.0, "D3": 0.5, "D4": 0.5,
}  # fmt: skip
DRAWN = tuple(PRACTICE_WEIGHTS)
C2_RECORDED_SHARE, C3_RECORDED_SHARE = 0.8, 0.85
NAVIGATOR_PRACTICES = frozenset({"N5", "C3", "C4", "C5", "D1"})
TEAM_PRACTICES = frozenset({"D2", "D3", "D4"})
VISIT_RECORD_SHARE = 0.35
STRENGTHS = (
    "You calmed her so quickly when she cried: she knows your voice.",
    "He watched your face the whole time you talked to him.",
    "Reading together every night is already paying off: look at those words!",
)
NEXT_STEPS = (
    "Next visit at the usual time; call the nurse line with any questions.",
    "The HealthySteps specialist will call you this week.",
    "Bring the WIC letter to the next visit.",
    None,
)


def _codes(work: SiteWork, visit: Visit) -> list[str]:
    """3 to 7 practices: those the visit's events imply (not always ticked), then a weighted draw."""
    rng = work.rng
    chosen = []
    if visit.screened and rng.random() < C2_RECORDED_SHARE:
        chosen.append("C2")
    if visit.referred and rng.random() < C3_RECORDED_SHARE:
        chosen.append("C3")
    if "partner" in visit.referred:
        chosen.append("C5")
    wanted = max(rng.randint(3, 7), len(chosen))
    # Weighted sampling without replacement (Efraimidis & Spirakis 2006): key u^(1/w), largest first.
    rest = sorted(DRAWN, key=lambda c: rng.random() ** (1 / PRACTICE_WEIGHTS[c]), reverse=True)
    return chosen + [c for c in rest if c not in chosen][: wanted - len(chosen)]


def _deliverer(visit: Visit, code: str) -> int:
    if code in NAVIGATOR_PRACTICES:
        return visit.kid.family.team.healthysteps_id
    return visit.team.nurse_id if code in TEAM_PRACTICES else visit.clinician_id


def seed_practices(work: SiteWork) -> None:
    rng, clinic_id = work.rng, work.run.clinic_id
    for visit in work.visits:
        if not visit.is_completed:
            continue
        codes = _codes(work, visit)
        for code in codes:
            at = visit.at + timedelta(minutes=rng.uniform(5, 40))
            work.add(PracticeDelivery, (clinic_id, visit.id, visit.kid.id, code,
                                        _deliverer(visit, code), at, None))  # fmt: skip
        if rng.random() < VISIT_RECORD_SHARE:
            at = visit.at + timedelta(minutes=rng.uniform(30, 60))
            strength = rng.choice(STRENGTHS) if "N3" in codes else None
            work.add(VisitRecord, (clinic_id, visit.id, visit.kid.id, strength,
                                   rng.choice(NEXT_STEPS), visit.clinician_id, 1, at, at))  # fmt: skip
