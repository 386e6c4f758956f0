"""What each kind of notification says: an event and a link, never a name or a health detail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: kind → the sentence shown in the app and sent by e-mail or text message.
SENTENCES = {
    "referral_requested": _l("A new referral is waiting for your team."),
    "handoff_requested": _l("A family in clinic is waiting for a warm handoff now."),
    "handoff_waiting": _l(
        "A warm handoff has not been accepted yet and the family is still waiting."
    ),
    "referral_accepted": _l("A referral you made was accepted."),
    "referral_declined": _l("A referral you made was declined."),
    "referral_completed": _l("A referral you made was completed: the loop is closed."),
    "referral_failed": _l("A referral you made could not be completed."),
    "referral_cancelled": _l("A referral was cancelled."),
    "referral_updated": _l("A referral you follow was updated."),
    "follow_up_assigned": _l("A follow-up task was assigned to you."),
    "follow_up_needs_review": _l("A follow-up needs review: the family could not be reached."),
    "consent_revoked": _l(
        "A family withdrew its consent: a referral is no longer shared with you."
    ),
}

SUBJECT = _l("Wellthread: something needs your attention")
