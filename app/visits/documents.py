"""The visit's PDFs: a summary for the family in their language, and a printout for the clinician."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Response, render_template
from flask_babel import force_locale

from app.core.i18n import RIGHT_TO_LEFT
from app.core.pdf import PDF_MIMETYPE, render_pdf
from app.guidance.triggers import family_tips, select_prompts
from app.referrals.models import Referral, ReferralStatus
from app.visits.facts import VisitFacts
from app.visits.family_words import TEAM_WORDS, need_words
from app.visits.page import visit_page_context
from app.visits.queries import CAREGIVER_DEPRESSION, VisitPicture

#: Never printed for the family: a summary can be read by the person the family fears, and a
#: caregiver's depression is theirs to share.
KEPT_OFF_THE_SUMMARY = frozenset({"safety_home", "caregiver_depression"})
#: Referrals a family can act on: being arranged, under way, or done.
ARRANGED = frozenset(
    {
        ReferralStatus.REQUESTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.ON_HOLD,
        ReferralStatus.COMPLETED,
    }
)


@dataclass(frozen=True)
class Arranged:
    """One referral as the family reads it: for what, with whom, which number to call."""

    need: str
    whom: str
    phone: str | None


def arranged_for_family(referrals: list[Referral]) -> list[Arranged]:
    """The family's referrals in their words (call inside the family's locale)."""
    return [
        Arranged(need=need_words({r.need})[0], whom=_whom(r), phone=_phone(r))
        for r in referrals
        if r.status in ARRANGED and r.need not in KEPT_OFF_THE_SUMMARY and need_words({r.need})
    ]


def _whom(referral: Referral) -> str:
    if referral.service is not None:
        return f"{referral.service.name} ({referral.service.organization.name})"
    if referral.partner_organization is not None:
        return referral.partner_organization.name
    return str(TEAM_WORDS[referral.target.value])


def _phone(referral: Referral) -> str | None:
    if referral.service is not None and referral.service.phone:
        return referral.service.phone
    partner = referral.partner_organization
    return partner.contact_phone if partner is not None else None


def family_summary_pdf(picture: VisitPicture, language: str) -> bytes:
    """Strength noticed, tips for this age, what the family asked for and what was arranged —
    never a score, a band or a flag."""
    chosen = select_prompts(picture.prompts, _shareable(picture.facts))
    with force_locale(language):
        html = render_template(
            "visits/summary_family.html", picture=picture, language=language,
            direction="rtl" if language in RIGHT_TO_LEFT else "ltr",
            tips=family_tips(chosen, language),
            asked_for=need_words(picture.facts.needs_yes - KEPT_OFF_THE_SUMMARY),
            arranged=arranged_for_family(picture.referrals),
        )  # fmt: skip
    return render_pdf(html)


def _shareable(facts: VisitFacts) -> VisitFacts:
    """The visit's facts without what must stay off the family's paper: tips are chosen from
    these, so no tip can hint at a depression screen, a critical answer or a safety request."""
    return replace(
        facts,
        screens=tuple(s for s in facts.screens if s.instrument_key not in CAREGIVER_DEPRESSION),
        critical_codes=frozenset(), open_critical_codes=frozenset(),
        needs_yes=facts.needs_yes - KEPT_OFF_THE_SUMMARY,
        needs_later=facts.needs_later - KEPT_OFF_THE_SUMMARY,
    )  # fmt: skip


def clinician_printout_pdf(picture: VisitPicture) -> bytes:
    """The visit page on paper, in the clinician's language: results, prompts, practices, codes."""
    return render_pdf(render_template("visits/printout.html", **visit_page_context(picture)))


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype=PDF_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
