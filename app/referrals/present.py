"""How referrals are worded on staff pages: needs, sides, actions and reasons in plain words."""

from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.db import now_utc
from app.referrals.models import Referral, ReferralStatus, ReferralTarget, Side
from app.screening.definitions import shipped_library
from app.screening.explain import NEED_LABELS as CHECKIN_NEED_LABELS
from app.screening.models import FamilyPriority, Flag, FlagKind, WantsHelp

#: Every referral need in plain words: the family check-in's, and those a visit brings up.
NEED_LABELS = {
    **CHECKIN_NEED_LABELS,
    "caregiver_depression": _l("Caregiver depression"),
    "child_development": _l("Child development"),
    "parenting": _l("Parenting support"),
}

#: The need a screen's positive result points to, for screens whose flags name no need.
SCREEN_NEEDS = {
    "hvs": "food",
    "phq-2": "caregiver_depression",
    "phq-9": "caregiver_depression",
    "epds": "caregiver_depression",
}

SIDE_LABELS = {
    Side.REQUESTER: _l("Clinic (asked for it)"),
    Side.RESPONDER: _l("Team or partner (answers it)"),
    Side.SYSTEM: _l("Wellthread"),
}

#: The button that makes each move, in the words of the person pressing it.
ACTION_LABELS = {
    ReferralStatus.REQUESTED: _l("Send the referral"),
    ReferralStatus.ACCEPTED: _l("Accept"),
    ReferralStatus.REJECTED: _l("Decline"),
    ReferralStatus.IN_PROGRESS: _l("Mark as in progress"),
    ReferralStatus.ON_HOLD: _l("Put on hold"),
    ReferralStatus.COMPLETED: _l("Complete: close the loop"),
    ReferralStatus.FAILED: _l("Could not be completed"),
    ReferralStatus.CANCELLED: _l("Cancel the referral"),
    ReferralStatus.ENTERED_IN_ERROR: _l("Mark as entered in error"),
}


def need_label(need: str | None) -> str:
    return str(NEED_LABELS.get(need or "", need or ""))


def side_label(side: Side) -> str:
    return str(SIDE_LABELS[side])


def action_label(status: ReferralStatus) -> str:
    return str(ACTION_LABELS[status])


def flag_need(flag: Flag) -> str | None:
    """The referral need a flag points to: its own need, or its screen's."""
    return flag.need or SCREEN_NEEDS.get(flag.code.split(":")[0])


def _screen_title(flag: Flag) -> str:
    key = flag.code.split(":")[0]
    instrument = shipped_library().get(key)
    return instrument.title_in(str(get_locale())) if instrument else key


def flag_label(flag: Flag) -> str:
    if flag.kind == FlagKind.CRITICAL:
        return _("%(screen)s: a critical answer", screen=_screen_title(flag))
    return _("%(screen)s: a positive screen", screen=_screen_title(flag))


def priority_label(priority: FamilyPriority) -> str:
    if priority.wants_help == WantsHelp.YES:
        return _("Check-in: wants help with %(need)s", need=need_label(priority.need))
    return _("Check-in: maybe later, help with %(need)s", need=need_label(priority.need))


def target_label(referral: Referral) -> str:
    """The team, or the partner organization (and the directory service when one was chosen)."""
    if referral.target != ReferralTarget.PARTNER:
        return referral.target.label
    name = referral.partner_organization.name if referral.partner_organization else ""
    if referral.service is not None:
        return _("%(partner)s: %(service)s", partner=name, service=referral.service.name)
    return name


def days_open(referral: Referral, moment: datetime | None = None) -> int:
    """Whole days since the referral was sent (or drafted), to now or to when it closed."""
    start = referral.requested_at or referral.created_at
    end = referral.closed_at or moment or now_utc()
    return max((end - start).days, 0) if start else 0
