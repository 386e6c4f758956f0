"""Referrals made from the volume clinic's positive screens, their histories and follow-ups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.clinics.models import PartnerKind
from app.consents.models import Consent
from app.demo.volume_followups import add_follow_up
from app.demo.volume_screens import RaisedFlag
from app.demo.volume_world import SiteWork, Visit, business_minutes, weekday_on_or_after
from app.referrals.models import Referral, ReferralEvent, ReferralReason

REFERRAL_COLUMNS = (
    "id", "clinic_id", "household_id", "child_id", "appointment_id", "need", "ihelp_domain",
    "target", "partner_organization_id", "is_warm_handoff", "status", "requested_by_id",
    "owner_user_id", "consent_id", "request_note", "outcome", "requested_at", "accepted_at",
    "closed_at", "handoff_alerted_at", "version", "created_at", "updated_at",
)  # fmt: skip
REASON_COLUMNS = ("referral_id", "flag_id")
EVENT_COLUMNS = (
    "clinic_id", "referral_id", "from_status", "to_status", "side", "actor_user_id",
    "reason_code", "note", "occurred_at",
)  # fmt: skip
CONSENT_COLUMNS = (
    "id", "clinic_id", "household_id", "caregiver_id", "recipient", "partner_organization_id",
    "scope_needs", "scope_data", "method", "recorded_by_id", "granted_at",
)  # fmt: skip

REFER_SHARE, REFER_CRITICAL_SHARE = 0.65, 0.95
HANDOFF_SHARE, HANDOFF_CRITICAL_SHARE = 0.27, 0.6
HANDOFF_ALERT_MINUTES = 10
#: Where each need goes: (target, weight); "legal_aid"/"community" are the partner organizations.
ROUTES: dict[str, dict[str, int]] = {
    "caregiver_depression": {"behavioral_health": 55, "healthysteps_specialist": 45},
    "stress_support": {"healthysteps_specialist": 70, "social_worker": 30},
    "safety_home": {"social_worker": 100},
    "legal": {"legal_aid": 85, "social_worker": 15},
    "housing": {"legal_aid": 25, "community_health_worker": 55, "social_worker": 20},
    "income_benefits": {"legal_aid": 20, "community_health_worker": 80},
    "food": {"community": 35, "community_health_worker": 65},
    "utilities": {"community_health_worker": 75, "community": 25},
    "child_care": {"community_health_worker": 70, "community": 30},
    "transportation": {"community_health_worker": 100},
}
PARTNERS = {"legal_aid": PartnerKind.LEGAL_AID, "community": PartnerKind.COMMUNITY}
RECIPIENTS = {PartnerKind.LEGAL_AID: "legal_partner", PartnerKind.COMMUNITY: "community_partners"}
IHELP = {"housing": "housing_utilities", "utilities": "housing_utilities",
         "income_benefits": "income", "legal": "legal_status"}  # fmt: skip
FATES = {"completed": 60, "failed": 10, "rejected": 6, "cancelled": 8, "stalled": 16}
NOTES = {
    "caregiver_depression": "Caregiver would like someone to talk to about how she has been feeling.",
    "food": "Would like a food pantry close to home and help with WIC.",
    "housing": "Behind on rent; worried about an eviction notice.",
    "legal": "Has questions about immigration paperwork for the family.",
    "safety_home": "Asked for help with safety at home; spoke privately with the caregiver.",
}
OUTCOMES = (
    "Connected the family with the service; they have a first appointment.",
    "Family enrolled; benefits start next month.",
    "Met with the caregiver twice; the family says the need is met.",
    "Gave resources and followed up by phone; family is all set.",
)
REJECT_REASONS = ("not_eligible", "no_capacity", "wrong_service")
CANCEL_REASONS = ("family_declined", "need_resolved", "duplicate")
FAIL_REASONS = ("could_not_contact", "family_declined")


@dataclass
class _Referral:
    """A referral's planned history; only what happened before the cutoff is written."""

    id: int
    requested_at: datetime
    requester_id: int
    responder_id: int
    #: (from, to, side, actor, reason, at)
    events: list[tuple] = field(default_factory=list)
    outcome: str | None = None

    def move(self, to: str, side: str, at: datetime, reason: str | None = None) -> None:
        previous = self.events[-1][1] if self.events else None
        actor = self.requester_id if side == "requester" else self.responder_id
        self.events.append((previous, to, side, actor, reason, at))

    @property
    def closes_at(self) -> datetime | None:
        last = self.events[-1]
        return last[5] if last[1] in ("completed", "failed", "rejected", "cancelled") else None


def _requested_at(work: SiteWork, visit: Visit, warm: bool) -> tuple[datetime, bool]:
    """When it was asked for, and whether that was at the visit (most are the same day)."""
    rng = work.rng
    if warm:
        return visit.at + timedelta(minutes=rng.uniform(10, 35)), True
    if rng.random() < 0.65:
        return visit.at + timedelta(minutes=rng.uniform(30, 150)), True
    day = weekday_on_or_after(visit.day + timedelta(days=rng.randint(1, 10)))
    return work.run.at(day, business_minutes(rng)), False


def _accept_after(work: SiteWork, warm: bool, partner: bool) -> timedelta | None:
    """A handoff is taken in minutes (85% within the clinic's 10), other referrals in days."""
    rng = work.rng
    if not warm:
        median = 3 * 1440 if partner else 1440
        return timedelta(minutes=max(20, work.lognormal_minutes(median, 1.0)))
    if rng.random() < 0.85:
        return timedelta(minutes=min(work.lognormal_minutes(6, 0.45), HANDOFF_ALERT_MINUTES - 0.5))
    if rng.random() < 0.6:
        return timedelta(minutes=rng.uniform(12, 120))
    return None


def _progress(work: SiteWork, plan: _Referral, accepted: datetime, fate: str) -> None:
    """From accepted to the end of the story: completed or failed about two weeks on, or stalled."""
    rng = work.rng
    closing = plan.requested_at + timedelta(minutes=work.lognormal_minutes(14 * 1440, 0.7))
    closing = max(closing, accepted + timedelta(hours=rng.uniform(2, 48)))
    started = accepted + (closing - accepted) * rng.uniform(0.1, 0.5)
    if fate == "failed" or rng.random() < 0.65 or fate == "stalled":
        plan.move("in-progress", "responder", started)
        if fate != "stalled" and rng.random() < 0.08:
            plan.move("on-hold", "responder", started + (closing - started) * 0.3, "no_capacity")
            plan.move("in-progress", "responder", started + (closing - started) * 0.6)
    if fate == "completed":
        plan.move("completed", "responder", closing)
        plan.outcome = rng.choice(OUTCOMES)
    elif fate == "failed":
        plan.move("failed", "responder", closing, rng.choice(FAIL_REASONS))
    elif fate == "cancelled":
        plan.move("cancelled", "requester", closing, rng.choice(CANCEL_REASONS))


def _plan(work: SiteWork, plan: _Referral, warm: bool, partner: bool) -> datetime | None:
    """Lay out the events; returns when the handoff alert went out, if it did."""
    rng = work.rng
    plan.move("draft", "requester", plan.requested_at)
    plan.move("requested", "requester", plan.requested_at)
    fate = rng.choices(list(FATES), weights=list(FATES.values()))[0]
    delay = _accept_after(work, warm, partner)
    waited = timedelta(minutes=HANDOFF_ALERT_MINUTES)
    alerted = plan.requested_at + waited if warm and (delay is None or delay > waited) else None
    if delay is None:  # nobody free: the clinician tells the family someone will call instead
        gave_up = plan.requested_at + timedelta(minutes=rng.uniform(30, 90))
        plan.move("cancelled", "requester", gave_up, "no_capacity")
        return alerted
    if fate == "rejected":
        plan.move("rejected", "responder", plan.requested_at + delay, rng.choice(REJECT_REASONS))
        return alerted
    if fate == "cancelled" and rng.random() < 0.4:
        plan.move("cancelled", "requester", plan.requested_at + delay, rng.choice(CANCEL_REASONS))
        return alerted
    plan.move("accepted", "responder", plan.requested_at + delay)
    if fate != "stalled" or rng.random() < 0.7:
        _progress(work, plan, plan.requested_at + delay, fate)
    return alerted


def _route(work: SiteWork, visit: Visit, need: str, critical: bool) -> tuple[str, int]:
    """(target, responder user id); a critical answer always goes to someone inside the clinic."""
    rng, team = work.rng, visit.kid.family.team
    routes = ROUTES[need]
    target = rng.choices(list(routes), weights=list(routes.values()))[0]
    if critical and target in PARTNERS:
        target = "social_worker"
    if (
        need == "stress_support"
        and visit.kid.is_in_dulce
        and (visit.day - visit.kid.born).days < 183
    ):
        target = "dulce_family_specialist"
    if target in PARTNERS:
        return target, rng.choice(work.run.clinic.partners[PARTNERS[target]][1])
    responders = {
        "healthysteps_specialist": team.healthysteps_id, "dulce_family_specialist": team.dulce_id,
        "community_health_worker": team.chw_id, "social_worker": team.social_worker_id,
        "behavioral_health": team.social_worker_id,
    }  # fmt: skip
    return target, responders[target]


def _consent(work: SiteWork, visit: Visit, kind: PartnerKind, need: str, at: datetime,
             recorded_by: int) -> int:  # fmt: skip
    """The family's consent to share this need with the partner (reused for a later referral)."""
    family, rng = visit.kid.family, work.rng
    partner_id = work.run.clinic.partners[kind][0]
    if (partner_id, need) in family.consents:
        return family.consents[(partner_id, need)]
    consent_id = work.new_id(Consent)
    method = rng.choices(("verbal", "parent_device", "signed_paper"), weights=(55, 30, 15))[0]
    scope = ["contact", "needs"] if rng.random() < 0.7 else ["contact", "child", "needs"]
    work.add(Consent, (consent_id, work.run.clinic_id, family.id, family.caregiver_id,
                       RECIPIENTS[kind], partner_id, [need], scope, method, recorded_by,
                       at - timedelta(minutes=rng.uniform(1, 10))))  # fmt: skip
    family.consents[(partner_id, need)] = consent_id
    return consent_id


def _write(work: SiteWork, plan: _Referral, row: dict, flags: list[RaisedFlag]) -> dict:
    """Write what happened up to the cutoff; returns the referral as it stands then."""
    cutoff, clinic_id = work.run.cutoff, work.run.clinic_id
    events = [e for e in plan.events if e[5] <= cutoff]
    status = events[-1][1]
    accepted = next((e[5] for e in events if e[1] == "accepted"), None)
    closed = events[-1][5] if status in ("completed", "failed", "rejected", "cancelled") else None
    row |= {
        "status": status, "accepted_at": accepted, "closed_at": closed,
        "owner_user_id": plan.responder_id if accepted else None,
        "outcome": plan.outcome if status == "completed" else None,
        "version": len(events) - 1, "updated_at": events[-1][5],
    }  # fmt: skip
    work.add(Referral, tuple(row[name] for name in REFERRAL_COLUMNS))
    for flag in flags:
        work.add(ReferralReason, (plan.id, flag.id))
    for previous, to, side, actor, reason, at in events:
        work.add(ReferralEvent, (clinic_id, plan.id, previous, to, side, actor, reason, None, at))
    return row


def _refer(
    work: SiteWork, visit: Visit, need: str, flags: list[RaisedFlag], critical: bool
) -> None:
    rng, family = work.rng, visit.kid.family
    target, responder = _route(work, visit, need, critical)
    partner = PARTNERS.get(target)
    warm = partner is None and rng.random() < (
        HANDOFF_CRITICAL_SHARE if critical else HANDOFF_SHARE
    )
    requested_at, at_visit = _requested_at(work, visit, warm)
    if requested_at > work.run.cutoff:
        return
    requester = visit.clinician_id if rng.random() < 0.8 else visit.team.nurse_id
    plan = _Referral(work.new_id(Referral), requested_at, requester, responder)
    alerted = _plan(work, plan, warm, partner is not None)
    family.open_until[need] = plan.closes_at
    row = {
        "id": plan.id, "clinic_id": work.run.clinic_id, "household_id": family.id,
        "child_id": visit.kid.id, "appointment_id": visit.id if at_visit else None, "need": need,
        "ihelp_domain": IHELP.get(need, "personal_family_stability") if partner == PartnerKind.LEGAL_AID else None,
        "target": "partner" if partner else target,
        "partner_organization_id": work.run.clinic.partners[partner][0] if partner else None,
        "is_warm_handoff": warm, "requested_by_id": requester,
        "consent_id": _consent(work, visit, partner, need, requested_at, requester) if partner else None,
        "request_note": NOTES.get(need) if rng.random() < 0.6 else None,
        "requested_at": requested_at,
        "handoff_alerted_at": alerted if alerted and alerted <= work.run.cutoff else None,
        "created_at": requested_at,
    }  # fmt: skip
    row = _write(work, plan, row, flags)
    visit.referred.append("partner" if partner else target)
    if row["accepted_at"] and (partner is None or rng.random() < 0.5):
        assignee = responder if partner is None else family.team.chw_id
        add_follow_up(work, visit, row, assignee)


def refer_from_visit(work: SiteWork, visit: Visit, flags: list[RaisedFlag]) -> None:
    """Most positive screens get a referral for their need, unless one for it is still open."""
    by_need: dict[str, list[RaisedFlag]] = defaultdict(list)
    for flag in flags:
        by_need[flag.need].append(flag)
    family = visit.kid.family
    for need, group in by_need.items():
        if need in family.open_until:
            closes = family.open_until[need]
            if closes is None or closes > visit.at:
                continue  # the family is already being helped with this need
        critical = any(flag.kind == "critical" for flag in group)
        if work.rng.random() < (REFER_CRITICAL_SHARE if critical else REFER_SHARE):
            _refer(work, visit, need, group, critical)
