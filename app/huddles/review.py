"""The weekly DULCE case review: the open cases across the panel (infants birth to 6 months),
for the care team in full and for the legal partner as far as each family consented.

DULCE's interdisciplinary team — family specialist, medical provider, legal partner and others —
reviews cases weekly and problem-solves (CSSP; domain-research §4.2). Every read here costs the
same number of statements however many children the panel holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.accounts.models import Membership
from app.clinics.models import PartnerKind, PartnerOrganization
from app.consents.models import Consent
from app.consents.queries import RECIPIENT_FOR_PARTNER, is_for
from app.extensions import db
from app.families.models import Caregiver, Child, Household, Program, ProgramEnrolment
from app.followups.models import FollowUp
from app.huddles.models import Huddle, HuddleAttendee, HuddleKind, HuddleNote
from app.referrals.models import OPEN_STATUSES, IhelpDomain, Referral, ReferralEvent
from app.screening.models import (
    FamilyPriority,
    Flag,
    FlagKind,
    ResponseStatus,
    ScreeningResponse,
    Subject,
    WantsHelp,
)

#: DULCE follows infants from birth through the 6-month visit (CSSP; domain-research §4.2).
DULCE_MAX_AGE_DAYS = 183
#: "New" positives and "stalled" referrals: since the last weekly review.
REVIEW_WINDOW = timedelta(days=7)
#: How far back the family check-in's answer about a legal worry still counts.
CHECKIN_LOOKBACK = timedelta(days=365)
LEGAL_NEED = "legal"
WANTS_HELP = (WantsHelp.YES, WantsHelp.NOT_NOW)


def review_monday(today: date) -> date:
    """The case review is held once a week: it is filed under the Monday of the clinic's week."""
    return today - timedelta(days=today.weekday())


@dataclass(frozen=True)
class StalledReferral:
    referral: Referral
    #: The referral's last event, or its creation when nothing has happened to it since.
    last_activity_at: datetime


@dataclass
class ReviewCase:
    """One DULCE infant and what the team has open about the family."""

    enrolment: ProgramEnrolment
    new_positives: list[Flag] = field(default_factory=list)
    open_critical: list[Flag] = field(default_factory=list)
    stalled: list[StalledReferral] = field(default_factory=list)
    #: The family check-in's newest answer about a legal worry, when it asked for help.
    legal_checkin: WantsHelp | None = None
    legal_referrals: list[Referral] = field(default_factory=list)
    last_note: HuddleNote | None = None

    @property
    def child(self) -> Child:
        return self.enrolment.child

    @property
    def household(self) -> Household:
        return self.enrolment.child.household

    @property
    def caregiver(self) -> Caregiver | None:
        return self.household.primary_caregiver

    @property
    def has_legal_need(self) -> bool:
        return self.legal_checkin is not None or bool(self.legal_referrals)

    @property
    def has_open_issues(self) -> bool:
        return bool(self.new_positives or self.open_critical or self.stalled or self.has_legal_need)


@dataclass(frozen=True)
class PartnerCase:
    """A case as the legal partner may see it: only what the family's consent shares, never a
    flag, a score or another need. Fields outside the consent's scope are None or empty."""

    child_id: int
    household_id: int
    scope: frozenset[str]
    caregiver_name: str | None
    language: str | None
    child_first_name: str | None
    child_born: date | None
    legal_checkin: WantsHelp | None
    ihelp_domains: tuple[IhelpDomain, ...]
    last_note: HuddleNote | None

    def shows(self, item: str) -> bool:
        return item in self.scope


# --- the panel ------------------------------------------------------------------------------------


def _panel(clinic_id: int, today: date) -> list[ProgramEnrolment]:
    """Active DULCE enrolments of children no older than 6 months today, by name."""
    youngest_birthday = today - timedelta(days=DULCE_MAX_AGE_DAYS)
    return list(
        db.session.scalars(
            sa.select(ProgramEnrolment)
            .join(ProgramEnrolment.child)
            .where(
                ProgramEnrolment.clinic_id == clinic_id,
                ProgramEnrolment.program == Program.DULCE,
                ProgramEnrolment.ended_on.is_(None),
                Child.date_of_birth >= youngest_birthday,
                Child.date_of_birth <= today,
            )
            .options(
                contains_eager(ProgramEnrolment.child)
                .joinedload(Child.household)
                .selectinload(Household.caregivers),
                joinedload(ProgramEnrolment.family_specialist),
            )
            .order_by(Child.family_name, Child.given_name, Child.id)
        ).unique()
    )


def _flags(household_ids: set[int], since: datetime) -> list[tuple[Flag, Subject]]:
    """Flags raised since `since`, and critical ones still open, with the subject of their screen."""
    open_critical = sa.and_(Flag.kind == FlagKind.CRITICAL, Flag.acknowledged_at.is_(None))
    rows = db.session.execute(
        sa.select(Flag, ScreeningResponse.subject)
        .join(Flag.response)
        .where(
            Flag.household_id.in_(household_ids),
            ScreeningResponse.status == ResponseStatus.FINAL,
            sa.or_(Flag.raised_at >= since, open_critical),
        )
        .order_by(Flag.raised_at.desc(), Flag.id.desc())
    )
    return [(flag, subject) for flag, subject in rows]


def _concerns(flag: Flag, subject: Subject, child_id: int) -> bool:
    """A child's own screens and the caregiver's or household's (whoever's visit they were at)."""
    return flag.child_id == child_id or subject != Subject.CHILD


def _open_referrals(household_ids: set[int]) -> list[tuple[Referral, datetime, PartnerKind | None]]:
    """Open referrals with the time of their last event and the kind of partner they went to."""
    last_event = (
        sa.select(
            ReferralEvent.referral_id, sa.func.max(ReferralEvent.occurred_at).label("last_at")
        )
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .where(Referral.household_id.in_(household_ids))
        .group_by(ReferralEvent.referral_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Referral, last_event.c.last_at, PartnerOrganization.kind)
        .outerjoin(last_event, last_event.c.referral_id == Referral.id)
        .outerjoin(PartnerOrganization, PartnerOrganization.id == Referral.partner_organization_id)
        .where(Referral.household_id.in_(household_ids), Referral.status.in_(OPEN_STATUSES))
        .order_by(Referral.created_at, Referral.id)
    )
    return [(referral, last_at or referral.created_at, kind) for referral, last_at, kind in rows]


def _is_legal(referral: Referral, partner_kind: PartnerKind | None) -> bool:
    return (
        referral.need == LEGAL_NEED
        or referral.ihelp_domain is not None
        or partner_kind == PartnerKind.LEGAL_AID
    )


def _legal_checkins(household_ids: set[int], now: datetime) -> dict[int, WantsHelp]:
    """Household → its newest check-in answer about a legal worry, where it wants help."""
    rows = db.session.execute(
        sa.select(FamilyPriority.household_id, FamilyPriority.wants_help)
        .join(FamilyPriority.response)
        .where(
            FamilyPriority.household_id.in_(household_ids),
            FamilyPriority.need == LEGAL_NEED,
            FamilyPriority.recorded_at >= now - CHECKIN_LOOKBACK,
            ScreeningResponse.status == ResponseStatus.FINAL,
        )
        .order_by(FamilyPriority.recorded_at.desc(), FamilyPriority.id.desc())
    )
    newest: dict[int, WantsHelp] = {}
    for household_id, wants_help in rows:
        newest.setdefault(household_id, wants_help)
    return {hid: answer for hid, answer in newest.items() if answer in WANTS_HELP}


def _last_review_notes(
    child_ids: set[int], authors: sa.Select | None = None
) -> dict[int, HuddleNote]:
    """Child → the newest note written about it in a case review (by `authors`, when given)."""
    conditions = [Huddle.kind == HuddleKind.CASE_REVIEW, HuddleNote.child_id.in_(child_ids)]
    if authors is not None:
        conditions.append(HuddleNote.author_id.in_(authors))
    ranked = (
        sa.select(
            HuddleNote.id,
            sa.func.row_number()
            .over(
                partition_by=HuddleNote.child_id,
                order_by=(HuddleNote.created_at.desc(), HuddleNote.id.desc()),
            )
            .label("rank"),
        )
        .join(Huddle, Huddle.id == HuddleNote.huddle_id)
        .where(*conditions)
        .subquery()
    )
    notes = db.session.scalars(
        sa.select(HuddleNote)
        .join(ranked, ranked.c.id == HuddleNote.id)
        .where(ranked.c.rank == 1)
        .options(joinedload(HuddleNote.author))
    )
    return {note.child_id: note for note in notes}


def _by_household(rows, household_of) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[household_of(row)].append(row)
    return grouped


def review_cases(clinic_id: int, today: date, now: datetime) -> list[ReviewCase]:
    """The DULCE panel with each family's open issues; cases with any come first."""
    enrolments = _panel(clinic_id, today)
    if not enrolments:
        return []
    since = now - REVIEW_WINDOW
    households = {e.child.household_id for e in enrolments}
    flags = _by_household(_flags(households, since), lambda row: row[0].household_id)
    referrals = _by_household(_open_referrals(households), lambda row: row[0].household_id)
    checkins = _legal_checkins(households, now)
    notes = _last_review_notes({e.child_id for e in enrolments})
    cases = []
    for enrolment in enrolments:
        household_id = enrolment.child.household_id
        case = ReviewCase(enrolment, legal_checkin=checkins.get(household_id),
                          last_note=notes.get(enrolment.child_id))  # fmt: skip
        _add_flags(case, flags[household_id], since)
        _add_referrals(case, referrals[household_id], since)
        cases.append(case)
    return [c for c in cases if c.has_open_issues] + [c for c in cases if not c.has_open_issues]


def _add_flags(case: ReviewCase, flags: list[tuple[Flag, Subject]], since: datetime) -> None:
    for flag, subject in flags:
        if not _concerns(flag, subject, case.child.id):
            continue
        if flag.is_open:
            case.open_critical.append(flag)
        if flag.raised_at >= since:
            case.new_positives.append(flag)


def _add_referrals(case: ReviewCase, referrals, since: datetime) -> None:
    for referral, last_activity_at, partner_kind in referrals:
        if referral.child_id not in (None, case.child.id):
            continue  # a sibling's referral is the sibling's case
        if last_activity_at < since:
            case.stalled.append(StalledReferral(referral, last_activity_at))
        if _is_legal(referral, partner_kind):
            case.legal_referrals.append(referral)


# --- what the legal partner sees ------------------------------------------------------------------


def _covering_consents(
    partner: PartnerOrganization, household_ids: set[int], now: datetime
) -> dict[int, Consent]:
    """Household → the newest active consent letting `partner` receive its legal need: the same
    rule as app.consents.queries.covering_consent, for many households in one statement."""
    rows = db.session.scalars(
        sa.select(Consent)
        .where(
            Consent.household_id.in_(household_ids),
            Consent.clinic_id == partner.clinic_id,
            Consent.recipient == RECIPIENT_FOR_PARTNER[partner.kind],
            Consent.revoked_at.is_(None),
            sa.or_(Consent.expires_at.is_(None), Consent.expires_at > now),
        )
        .order_by(Consent.granted_at.desc(), Consent.id.desc())
    )
    covering: dict[int, Consent] = {}
    for consent in rows:
        if is_for(consent, partner, consent.household_id, LEGAL_NEED):
            covering.setdefault(consent.household_id, consent)
    return covering


def _organization_authors(partner: PartnerOrganization) -> sa.Select:
    return sa.select(Membership.user_id).where(
        Membership.partner_organization_id == partner.id,
        Membership.clinic_id == partner.clinic_id,
    )


def _as_partner_sees(enrolment: ProgramEnrolment, consent: Consent, legal, note) -> PartnerCase:
    scope = frozenset(consent.scope_data)
    child, household = enrolment.child, enrolment.child.household
    chosen = next((c for c in household.caregivers if c.id == consent.caregiver_id), None)
    caregiver = chosen or household.primary_caregiver
    contact = "contact" in scope and caregiver is not None
    shows_child, needs = "child" in scope, "needs" in scope
    checkin, referrals = legal
    return PartnerCase(
        child_id=child.id, household_id=household.id, scope=scope,
        caregiver_name=caregiver.full_name if contact else None,
        language=caregiver.preferred_language if contact else None,
        child_first_name=child.given_name if shows_child else None,
        child_born=child.date_of_birth if shows_child else None,
        legal_checkin=checkin if needs else None,
        ihelp_domains=tuple(r.ihelp_domain for r in referrals if r.ihelp_domain) if needs else (),
        last_note=note,
    )  # fmt: skip


def partner_cases(partner: PartnerOrganization, today: date, now: datetime) -> list[PartnerCase]:
    """The panel's cases the family let this legal partner receive for its legal need; nothing
    for a community organization. Notes shown are the partner organization's own."""
    if partner.kind != PartnerKind.LEGAL_AID or not partner.is_active:
        return []
    enrolments = _panel(partner.clinic_id, today)
    consents = _covering_consents(partner, {e.child.household_id for e in enrolments}, now)
    enrolments = [e for e in enrolments if e.child.household_id in consents]
    if not enrolments:
        return []
    households = set(consents)
    checkins = _legal_checkins(households, now)
    legal_referrals: dict[int, list[Referral]] = defaultdict(list)
    for referral, _at, kind in _open_referrals(households):
        # Only referrals sent to this partner: another organization's work is not theirs to see.
        if _is_legal(referral, kind) and referral.partner_organization_id == partner.id:
            legal_referrals[referral.household_id].append(referral)
    notes = _last_review_notes({e.child_id for e in enrolments}, _organization_authors(partner))
    return [
        _as_partner_sees(
            e, consents[e.child.household_id],
            (checkins.get(e.child.household_id), [r for r in legal_referrals[e.child.household_id]
                                                  if r.child_id in (None, e.child_id)]),
            notes.get(e.child_id),
        )
        for e in enrolments
    ]  # fmt: skip


# --- this week's review ---------------------------------------------------------------------------


def review_of_week(clinic_id: int, today: date) -> Huddle | None:
    """This week's case review (whole clinic), if someone has started it, with who attends."""
    return db.session.scalar(
        sa.select(Huddle)
        .where(
            Huddle.clinic_id == clinic_id,
            Huddle.kind == HuddleKind.CASE_REVIEW,
            Huddle.site_scope == 0,
            Huddle.held_on == review_monday(today),
        )
        .options(selectinload(Huddle.attendees).joinedload(HuddleAttendee.user))
    )


def case_review_in_clinic(huddle_id: int, clinic_id: int) -> Huddle | None:
    return db.session.scalar(
        sa.select(Huddle).where(
            Huddle.id == huddle_id,
            Huddle.clinic_id == clinic_id,
            Huddle.kind == HuddleKind.CASE_REVIEW,
        )
    )


@dataclass
class ReviewRecord:
    """What was written and decided in one review, by child (None: notes for the team)."""

    notes: dict[int | None, list[HuddleNote]] = field(default_factory=lambda: defaultdict(list))
    action_items: dict[int | None, list[FollowUp]] = field(
        default_factory=lambda: defaultdict(list)
    )


def review_record(
    huddle: Huddle | None, partner: PartnerOrganization | None = None
) -> ReviewRecord:
    """The review's notes and action items; for a partner, only its organization's own notes."""
    record = ReviewRecord()
    if huddle is None:
        return record
    query = (
        sa.select(HuddleNote)
        .where(HuddleNote.huddle_id == huddle.id)
        .options(joinedload(HuddleNote.author))
        .order_by(HuddleNote.created_at, HuddleNote.id)
    )
    if partner is not None:
        query = query.where(
            HuddleNote.author_id.in_(_organization_authors(partner)),
            HuddleNote.child_id.is_not(None),
        )
    for note in db.session.scalars(query):
        record.notes[note.child_id].append(note)
    if partner is None:
        items = db.session.scalars(
            sa.select(FollowUp)
            .where(FollowUp.huddle_id == huddle.id)
            .options(joinedload(FollowUp.assignee))
            .order_by(FollowUp.created_at, FollowUp.id)
        )
        for item in items:
            record.action_items[item.child_id].append(item)
    return record
