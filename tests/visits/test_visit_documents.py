"""The visit's PDFs: the family's summary in their language, and the clinician's printout."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.appointments.models import VisitKind
from app.clinics.models import Clinic
from app.core.audit import AuditEvent
from app.core.roles import Role
from app.extensions import db
from app.guidance.models import GuidancePrompt
from app.referrals.models import ReferralTarget
from app.referrals.operations import open_referral
from tests.factories import CHECKIN_ALL_NO
from tests.pdfs import pdf_text

PHQ9_MODERATE = {f"phq-{n}": "1" for n in range(1, 10)} | {"phq-1": "2", "phq-2": "2", "phq-9": "0"}

HEADINGS = {
    "en": ("Your visit summary", "A strength we noticed today", "What you asked us to help with"),
    "es": (
        "Resumen de su consulta",
        "Una fortaleza que notamos hoy",
        "Lo que nos pidió que le ayudáramos",
    ),
    "ar": ("ملخص زيارتكم", "نقطة قوة لاحظناها اليوم", "ما طلبتم مساعدتنا فيه"),
}
FOOD = {"en": "Food", "es": "Comida", "ar": "الطعام"}


@pytest.fixture
def visit(make, clinic, login):
    """A 2-month visit: a moderate PHQ-9, the family wants help with food and safety at home."""
    clinician = make.member(clinic, Role.CLINICIAN)
    household = make.household(clinic)
    caregiver = make.caregiver(household, preferred_language="ar")
    child = make.child(household, given_name="Yara", date_of_birth=make.today - timedelta(days=61))
    appointment = make.appointment(child, visit_kind=VisitKind.MONTH_2)
    make.screen(appointment, "phq-2", PHQ9_MODERATE, caregiver=caregiver)
    needs = {**CHECKIN_ALL_NO, "need-food": "yes", "need-safety_home": "yes"}
    make.screen(appointment, "family-checkin", needs, caregiver=caregiver)
    client = login(clinician)
    client.post(f"/visits/{appointment.id}/notes", data={
        "strength_noticed": "Yara calms when you hum to her.",
        "next_steps": "Maria from the food pantry will call you on Tuesday.",
    })  # fmt: skip
    return client, appointment


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_the_family_summary_is_in_the_familys_language_and_has_no_score(visit, language):
    client, appointment = visit

    response = client.get(f"/visits/{appointment.id}/summary.pdf?language={language}")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for heading in HEADINGS[language]:
        assert heading in text
    assert FOOD[language] in text
    # The clinician's own words, as written (a right-to-left page moves only the final stop).
    assert "Yara calms when you hum to her" in text
    assert "Maria from the food pantry will call you on Tuesday" in text
    for clinical in ("PHQ", "Score", "score", "depress", "positive", "of 27", "/ 27", "feel low"):
        assert clinical not in text


def test_the_summary_defaults_to_the_caregivers_language(visit):
    client, appointment = visit

    response = client.get(f"/visits/{appointment.id}/summary.pdf")

    assert HEADINGS["ar"][0] in pdf_text(response.data)


def test_the_summary_never_prints_a_request_for_help_with_safety_at_home(visit):
    client, appointment = visit

    text = pdf_text(client.get(f"/visits/{appointment.id}/summary.pdf?language=en").data)

    assert "Food" in text
    assert "Safety at home" not in text


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_the_summary_has_the_tips_for_a_two_month_old(visit, language):
    client, appointment = visit
    prompts = db.session.scalars(
        sa.select(GuidancePrompt).where(GuidancePrompt.clinic_id == appointment.clinic_id)
    ).all()
    tips_for = lambda kind: [p.family_tip[language] for p in prompts  # noqa: E731
                             if p.visit_kinds == [kind] and p.family_tip]  # fmt: skip

    text = pdf_text(client.get(f"/visits/{appointment.id}/summary.pdf?language={language}").data)

    assert sum(_opening(tip) in text for tip in tips_for("2m")) >= 2
    assert not any(_opening(tip) in text for tip in tips_for("9m"))


def _opening(tip: str) -> str:
    """The tip's first words, as they come out of the PDF (no line break falls inside them)."""
    return " ".join(tip.split()[:3])


def test_a_language_we_have_no_summary_in_is_not_found(visit):
    client, appointment = visit

    assert client.get(f"/visits/{appointment.id}/summary.pdf?language=xx").status_code == 404


def test_printing_the_summary_is_audited(visit):
    client, appointment = visit

    client.get(f"/visits/{appointment.id}/summary.pdf?language=es")

    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.child_id == appointment.child_id
    assert event.details == {"document": "family_summary", "language": "es"}


def test_the_clinicians_printout_carries_the_score_in_plain_words(visit):
    client, appointment = visit

    text = pdf_text(client.get(f"/visits/{appointment.id}/printout.pdf").data)

    assert "Confidential: for the care team." in text
    assert "moderate depressive symptoms" in text
    assert "96161" in text


def test_the_summary_lists_what_was_arranged_but_never_a_safety_referral(visit, make):
    client, appointment = visit
    household = appointment.child.household
    requester = make.member(db.session.get(Clinic, household.clinic_id), Role.NURSE_MA).user_id
    for need in ("food", "safety_home"):
        open_referral(household=household, child=appointment.child, requested_by_id=requester,
                      need=need, target=ReferralTarget.COMMUNITY_HEALTH_WORKER)  # fmt: skip

    text = pdf_text(client.get(f"/visits/{appointment.id}/summary.pdf?language=en").data)
    spanish = pdf_text(client.get(f"/visits/{appointment.id}/summary.pdf?language=es").data)

    arranged = text.split("What we arranged and whom to contact", 1)[1]
    assert "Food Our community health worker" in arranged
    assert "Safety at home" not in text
    assert "Comida Nuestro promotor de salud" in spanish
