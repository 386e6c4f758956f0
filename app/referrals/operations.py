"""State changes of referrals: open one, move it through the status machine. Flush, audit, never commit."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import Membership
from app.appointments.models import Appointment
from app.clinics.models import PartnerKind, PartnerOrganization
from app.consents.queries import covering_consent
from app.core.audit import AuditAction, record_audit
from app.core.errors import DomainError
from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.directory.models import DirectoryService
from app.extensions import db
from app.families.models import Child, Household
from app.inbox.models import Notification
from app.referrals import notify, rules
from app.referrals.models import (
    REFERRAL_NEEDS,
    IhelpDomain,
    ReasonCode,
    Referral,
    ReferralEvent,
    ReferralReason,
    ReferralStatus,
    ReferralTarget,
    Side,
)
from app.screening.models import FamilyPriority, Flag

NOTE_LIMIT = 2000

#: The navigator kind that answers referrals to each internal team; behavioral-health referrals
#: go to the clinic's social workers, who hold its behavioral-health intake.
RESPONDER_KIND = {
    ReferralTarget.HEALTHYSTEPS_SPECIALIST: NavigatorKind.HEALTHYSTEPS_SPECIALIST,
    ReferralTarget.DULCE_FAMILY_SPECIALIST: NavigatorKind.DULCE_FAMILY_SPECIALIST,
    ReferralTarget.COMMUNITY_HEALTH_WORKER: NavigatorKind.COMMUNITY_HEALTH_WORKER,
    ReferralTarget.SOCIAL_WORKER: NavigatorKind.SOCIAL_WORKER,
    ReferralTarget.BEHAVIORAL_HEALTH: NavigatorKind.SOCIAL_WORKER,
}
#: Clinic roles that may ask for a referral and act on the requester's side.
REQUESTER_ROLES = frozenset({Role.CLINICIAN, Role.NURSE_MA, Role.NAVIGATOR, Role.PRACTICE_MANAGER})

STALE = "stale"


def side_of(referral: Referral, membership: Membership) -> Side | None:
    """Which side `membership` acts on for this referral, or None if on neither."""
    if membership.clinic_id != referral.clinic_id or not membership.is_active:
        return None
    if referral.target == ReferralTarget.PARTNER:
        if membership.role == Role.PARTNER:
            organization = membership.partner_organization
            matches = (
                membership.partner_organization_id == referral.partner_organization_id
                and organization is not None
                and organization.is_active
            )
            return Side.RESPONDER if matches else None
    elif (
        membership.role == Role.NAVIGATOR
        and membership.navigator_kind == RESPONDER_KIND[referral.target]
    ):
        return Side.RESPONDER
    return Side.REQUESTER if membership.role in REQUESTER_ROLES else None


def _partner(clinic_id: int, partner_id: int | None) -> PartnerOrganization:
    partner = db.session.get(PartnerOrganization, partner_id) if partner_id else None
    if partner is None or partner.clinic_id != clinic_id or not partner.is_active:
        raise DomainError(_("Choose one of the clinic's active partner organizations."),
                          code="no_partner")  # fmt: skip
    return partner


def _service(clinic_id: int, service_id: int | None) -> DirectoryService | None:
    if service_id is None:
        return None
    service = db.session.get(DirectoryService, service_id)
    if service is None or service.clinic_id != clinic_id or not service.is_active:
        raise DomainError(_("Choose a service from the clinic's directory."), code="no_service")
    return service


def _reasons(household: Household, flag_ids: Iterable[int], priority_ids: Iterable[int]):
    flags = list(db.session.scalars(sa.select(Flag).where(Flag.id.in_(set(flag_ids)))))
    priorities = list(
        db.session.scalars(
            sa.select(FamilyPriority).where(FamilyPriority.id.in_(set(priority_ids)))
        )
    )
    if any(row.household_id != household.id for row in [*flags, *priorities]) or (
        len(flags) != len(set(flag_ids)) or len(priorities) != len(set(priority_ids))
    ):
        raise DomainError(_("The reasons given do not belong to this family."), code="mismatch")
    return [ReferralReason(flag=f) for f in flags] + [
        ReferralReason(priority=p) for p in priorities
    ]


def _check_request(household: Household, child: Child | None, need: str, request_note: str) -> None:
    if child is not None and child.household_id != household.id:
        raise DomainError(_("The child is not in this household."), code="mismatch")
    if need not in REFERRAL_NEEDS:
        raise DomainError(_("Choose the need this referral is for."), code="need_required")
    if len(request_note) > NOTE_LIMIT:
        raise DomainError(_("The note is too long."), code="note_too_long")


def open_referral(
    *,
    household: Household,
    child: Child | None,
    requested_by_id: int,
    need: str,
    target: ReferralTarget,
    partner_organization_id: int | None = None,
    service_id: int | None = None,
    ihelp_domain: IhelpDomain | None = None,
    is_warm_handoff: bool = False,
    request_note: str = "",
    flag_ids: Iterable[int] = (),
    priority_ids: Iterable[int] = (),
    appointment_id: int | None = None,
    submit: bool = True,
) -> Referral:
    """Create a referral (requested at once, or a draft); a partner needs a covering consent."""
    _check_request(household, child, need, request_note)
    referral = Referral(
        clinic_id=household.clinic_id, household_id=household.id,
        child_id=child.id if child else None, appointment_id=appointment_id, need=need,
        target=target, requested_by_id=requested_by_id, is_warm_handoff=is_warm_handoff,
        request_note=request_note.strip() or None, status=ReferralStatus.DRAFT,
        reasons=_reasons(household, flag_ids, priority_ids),
    )  # fmt: skip
    _check_visit(household, appointment_id, is_warm_handoff, target)
    service = _service(household.clinic_id, service_id)
    referral.service_id = service.id if service else None
    if target == ReferralTarget.PARTNER:
        partner_organization_id = _partner_of_service(service, partner_organization_id)
        _address_to_partner(referral, _partner(household.clinic_id, partner_organization_id),
                            ihelp_domain)  # fmt: skip
    db.session.add(referral)
    _record_event(referral, None, ReferralStatus.DRAFT, Side.REQUESTER, requested_by_id)
    record_audit(AuditAction.CREATE, referral, details={"need": need, "target": target.value})
    if submit:
        _move(referral, ReferralStatus.REQUESTED, Side.REQUESTER, requested_by_id, None, "")
    db.session.flush()
    if submit:
        notify.announce_request(referral, requested_by_id, RESPONDER_KIND)
    return referral


def _check_visit(
    household: Household, appointment_id: int | None, is_warm_handoff: bool, target: ReferralTarget
) -> None:
    # A warm handoff is a live introduction to a colleague while the family is still in clinic.
    if is_warm_handoff and appointment_id is None:
        raise DomainError(_("A warm handoff is made during a visit."), code="no_visit")
    if is_warm_handoff and not target.is_internal:
        raise DomainError(_("A warm handoff is made to a team inside the clinic."),
                          code="handoff_internal")  # fmt: skip
    if appointment_id is None:
        return
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.child.household_id != household.id:
        raise DomainError(_("That visit is not this family's."), code="mismatch")


def _partner_of_service(service: DirectoryService | None, partner_id: int | None) -> int | None:
    """The partner that receives referrals to this service, when the directory links one."""
    linked = service.organization.partner_organization_id if service else None
    if linked is None or partner_id is None:
        return partner_id or linked
    if linked != partner_id:
        raise DomainError(_("That service belongs to another organization."),
                          code="service_mismatch")  # fmt: skip
    return partner_id


def _address_to_partner(
    referral: Referral, partner: PartnerOrganization, ihelp_domain: IhelpDomain | None
) -> None:
    # Consent first (DESIGN §6): nothing reaches a partner without a consent naming it and the need.
    consent = covering_consent(partner, referral.household_id, referral.need)
    if consent is None:
        raise DomainError(
            _("The family has not agreed to share this need with %(partner)s. Record their consent first.",
              partner=partner.name),
            code="consent_required",
        )  # fmt: skip
    if partner.kind == PartnerKind.LEGAL_AID and ihelp_domain is None:
        raise DomainError(_("Choose the legal domain (I-HELP) of this referral."),
                          code="ihelp_required")  # fmt: skip
    referral.partner_organization_id, referral.consent_id = partner.id, consent.id
    referral.ihelp_domain = ihelp_domain


REFUSALS = {
    "not_allowed": lambda: _("A referral that is %(status)s cannot become %(target)s."),
    "wrong_side": lambda: _("Only the other side of this referral can make it %(target)s."),
    "reason_required": lambda: _("Choose a reason."),
    "note_required": lambda: _("Describe the reason in the note."),
    "outcome_required": lambda: _("Say what was done for the family to close the loop."),
}


def transition_referral(
    referral: Referral,
    target: ReferralStatus,
    *,
    actor_user_id: int,
    side: Side,
    expected_version: int | None,
    reason_code: ReasonCode | None = None,
    note: str = "",
    outcome: str = "",
) -> Referral:
    """Move the referral one step; a refused move or a stale form changes nothing."""
    if expected_version is not None and expected_version != referral.version:
        raise _stale()
    if len(note) > NOTE_LIMIT or len(outcome) > NOTE_LIMIT:
        raise DomainError(_("The note is too long."), code="note_too_long")
    refusal = rules.check_transition(
        referral.status, target, side, reason=reason_code.value if reason_code else None,
        note=note, outcome=outcome,
    )  # fmt: skip
    if refusal is not None:
        message = REFUSALS[refusal.code]() % {
            "status": referral.status.label, "target": target.label
        }  # fmt: skip
        raise DomainError(message, code=refusal.code)
    if target == ReferralStatus.REQUESTED and referral.target == ReferralTarget.PARTNER:
        _recheck_consent(referral)
    previous = referral.status
    # Worded now: after a failed flush the session cannot load what a translation may need.
    stale = _stale()
    _move(referral, target, side, actor_user_id, reason_code, note, outcome)
    try:
        db.session.flush()
    except StaleDataError:
        raise stale from None
    if previous != target:
        notify.announce_move(referral, target, side, actor_user_id, RESPONDER_KIND)
    return referral


def _recheck_consent(referral: Referral) -> None:
    """A draft to a partner is sent only if the family's consent still covers it."""
    partner = referral.partner_organization
    if partner is None or not partner.is_active:
        raise DomainError(_("Choose one of the clinic's active partner organizations."),
                          code="no_partner")  # fmt: skip
    _address_to_partner(referral, partner, referral.ihelp_domain)


def mark_referral_read(user_id: int, referral_id: int) -> None:
    """Opening a referral reads the user's notifications about it."""
    db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.referral_id == referral_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=now_utc())
    )


def _stale() -> DomainError:
    return DomainError(
        _("Someone else changed this referral while you were looking at it. Reload the page and try again."),
        code=STALE,
    )  # fmt: skip


def _move(
    referral: Referral,
    target: ReferralStatus,
    side: Side,
    actor_user_id: int | None,
    reason_code: ReasonCode | None,
    note: str,
    outcome: str = "",
) -> None:
    previous, moment = referral.status, now_utc()
    referral.status = target
    if target == ReferralStatus.REQUESTED:
        referral.requested_at = moment
    elif target == ReferralStatus.ACCEPTED:
        referral.accepted_at, referral.owner_user_id = moment, actor_user_id
    if not target.is_open:
        referral.closed_at = moment
    if outcome.strip():
        referral.outcome = outcome.strip()
    _record_event(referral, previous, target, side, actor_user_id, reason_code, note)
    record_audit(
        AuditAction.UPDATE, referral,
        details={"fields": ["status"], "from": previous.value, "to": target.value},
    )  # fmt: skip


def _record_event(
    referral: Referral,
    previous: ReferralStatus | None,
    target: ReferralStatus,
    side: Side,
    actor_user_id: int | None,
    reason_code: ReasonCode | None = None,
    note: str = "",
) -> None:
    referral.events.append(
        ReferralEvent(
            clinic_id=referral.clinic_id, from_status=previous, to_status=target, side=side,
            actor_user_id=actor_user_id, reason_code=reason_code, note=note.strip() or None,
        )
    )  # fmt: skip
