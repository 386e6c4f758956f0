"""A parent on a phone, in real headless Chromium: answer, go offline, come back, finish; kiosk; Arabic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from app.appointments.models import VisitKind
from app.consents.models import Consent
from app.extensions import db
from app.invitations.models import Channel, Invitation
from app.invitations.operations import create_invitation, revoke_invitation
from app.screening.models import ScreeningResponse

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _invite(live, language="es", channel=Channel.QR) -> tuple[int, str]:
    clinic = live.clinic()
    household = live.household(clinic)
    parent = live.caregiver(household, preferred_language=language)
    child = live.child(household)
    appointment = live.appointment(child, visit_kind=VisitKind.MONTH_2)
    invitation, token = create_invitation(
        appointment, language=language, channel=channel, created_by_id=None, caregiver=parent
    )
    db.session.commit()
    return invitation.id, token


def _rows(live_app, invitation_id: int):
    with live_app.app_context():
        responses = db.session.scalars(
            sa.select(ScreeningResponse).where(ScreeningResponse.invitation_id == invitation_id)
        ).all()
        consents = db.session.scalars(
            sa.select(Consent).where(Consent.invitation_id == invitation_id)
        ).all()
        invitation = db.session.get(Invitation, invitation_id)
        result = (
            [(r.instrument_key, r.language, r.answers) for r in responses],
            [(c.recipient.value, c.scope_needs) for c in consents],
            invitation.completed_at,
        )
        db.session.remove()
        return result


def _answer(page, label: str, times: int = 1) -> None:
    for _ in range(times):
        page.get_by_label(label, exact=True).click()


def _spanish_sitting(page) -> None:
    page.get_by_role("button", name="Comenzar").click()
    _answer(page, "Más de la mitad de los días", 2)  # PHQ-2 total 4: continues to PHQ-9
    _answer(page, "Ningún día", 7)
    _answer(page, "Sí, me gustaría recibir ayuda")  # food
    _answer(page, "No, gracias", 8)
    page.get_by_label("El equipo de la clínica").check()
    page.get_by_role("button", name="Siguiente").click()


def test_a_parent_completes_phq2_to_phq9_and_the_family_checkin_in_spanish(
    phone, live, live_app, live_url
):
    invitation_id, token = _invite(live)
    phone.goto(f"{live_url}/s/{token}")
    _spanish_sitting(phone)
    assert phone.get_by_role("heading", name="Revise sus respuestas").is_visible()
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    phone.get_by_text("Sus respuestas se enviaron.").wait_for()
    responses, consents, completed_at = _rows(live_app, invitation_id)
    assert sorted(key for key, _lang, _answers in responses) == ["family-checkin", "phq-9"]
    assert all(lang == "es" for _key, lang, _answers in responses)
    assert consents == [("clinic_team", ["food"])]
    assert completed_at is not None
    assert phone.evaluate("Object.keys(localStorage).length") == 0
    assert "Más de la mitad" not in phone.locator("body").inner_text()


def test_answers_given_offline_are_sent_once_when_the_connection_returns(
    phone, live, live_app, live_url
):
    invitation_id, token = _invite(live)
    phone.goto(f"{live_url}/s/{token}")
    phone.context.set_offline(True)
    _spanish_sitting(phone)
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    phone.get_by_text(
        "Sus respuestas están guardadas en este teléfono.", exact=False
    ).first.wait_for()
    assert _rows(live_app, invitation_id)[0] == []
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.get_by_text("Sus respuestas se enviaron.").wait_for()
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(500)
    responses, _consents, _completed = _rows(live_app, invitation_id)
    assert sorted(key for key, _lang, _answers in responses) == ["family-checkin", "phq-9"]


@pytest.mark.parametrize("spoil", ["expired", "revoked"])
def test_expired_and_revoked_links_are_refused(phone, live, live_app, live_url, spoil):
    invitation_id, token = _invite(live)
    with live_app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        if spoil == "expired":
            invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        else:
            revoke_invitation(invitation)
        db.session.commit()
        db.session.remove()
    response = phone.goto(f"{live_url}/s/{token}")
    assert response.status == 404
    assert phone.get_by_role("heading", name="Este enlace no se puede abrir").is_visible()


def test_kiosk_mode_clears_itself_after_submit(phone, live, live_url):
    _invitation_id, token = _invite(live, channel=Channel.KIOSK)
    phone.goto(f"{live_url}/s/{token}?kiosk=1")
    _spanish_sitting(phone)
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    phone.wait_for_url(f"{live_url}/s/kiosk-done**")
    assert phone.evaluate("Object.keys(localStorage).length") == 0
    assert "devuelva la tableta" in phone.content()
    phone.go_back()
    assert "Revise sus respuestas" not in phone.content()


def test_the_arabic_page_reads_right_to_left(phone, live, live_url):
    _invitation_id, token = _invite(live, language="en")
    phone.goto(f"{live_url}/s/{token}?lang=ar")
    phone.get_by_role("button", name="ابدأ").wait_for()
    assert phone.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # No question is on file in Arabic, so the family is told staff will go through them with them.
    note = phone.locator(".note")
    assert "مترجم" in note.inner_text()
    border = note.evaluate(
        "n => [getComputedStyle(n).borderRightWidth, getComputedStyle(n).borderLeftWidth]"
    )
    assert border == ["4px", "0px"]  # the accent bar starts on the right
    heading_text = phone.evaluate(
        "() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('h1'));"
        " const box = r.getBoundingClientRect(); return [box.left, box.right]; }"
    )
    assert heading_text[0] > 360 - heading_text[1]  # the words hug the right edge


def test_the_screens_meet_wcag_21_aa(phone, live, live_url):
    _invitation_id, token = _invite(live)
    axe = Axe()
    phone.goto(f"{live_url}/s/{token}")
    phone.get_by_role("button", name="Comenzar").wait_for()
    checked = {"welcome": axe.run(phone, options=WCAG_AA)}
    phone.get_by_role("button", name="Comenzar").click()
    checked["question"] = axe.run(phone, options=WCAG_AA)
    _answer(phone, "Ningún día", 2)
    _answer(phone, "No, gracias", 9)
    checked["review"] = axe.run(phone, options=WCAG_AA)
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    phone.get_by_text("Sus respuestas se enviaron.").wait_for()
    checked["thanks"] = axe.run(phone, options=WCAG_AA)
    violations = {
        page: result.generate_report()
        for page, result in checked.items()
        if result.violations_count
    }
    assert violations == {}


def test_the_language_a_parent_chooses_is_remembered(phone, live, live_url):
    _invitation_id, token = _invite(live, language="es")
    phone.goto(f"{live_url}/s/{token}")
    phone.get_by_role("link", name="English").click()
    phone.get_by_role("button", name="Start").wait_for()
    phone.goto(f"{live_url}/s/{token}")
    phone.get_by_role("button", name="Start").wait_for()
    assert phone.evaluate("document.documentElement.lang") == "en"
