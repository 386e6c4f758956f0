"""Invitation pages as the front desk and the care team use them: invite, QR code, today's list, kiosk."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from app.appointments.models import VisitKind
from app.core.roles import Role
from app.invitations import queries
from app.invitations.models import Channel, Invitation
from app.invitations.operations import (
    create_invitation,
    record_completed,
    record_opened,
    revoke_invitation,
)
from tests.factories import CHECKIN_ALL_NO
from tests.pages import text_of
from tests.records import count, events

TOKEN_IN_LINK = re.compile(r"http://localhost/s/([A-Za-z0-9_-]{20,64})")


@pytest.fixture
def front_desk(make, clinic):
    return make.member(clinic, Role.FRONT_DESK)


def two_month_visit(make, clinic, given_name: str = "Mateo", **caregiver):
    household = make.household(clinic)
    parent = make.caregiver(household, **caregiver)
    child = make.child(household, given_name=given_name)
    return make.appointment(child, visit_kind=VisitKind.MONTH_2), parent


def invite(appointment, parent, channel: Channel = Channel.QR, language: str = "en"):
    return create_invitation(
        appointment, language=language, channel=channel, created_by_id=None, caregiver=parent
    )


def invitations_of(db_session, clinic) -> list[Invitation]:
    return list(
        db_session.scalars(
            sa.select(Invitation).where(Invitation.clinic_id == clinic.id).order_by(Invitation.id)
        )
    )


def form_for(parent, channel: str = "sms", language: str = "es") -> dict:
    return {"caregiver_id": str(parent.id), "language": language, "channel": channel}


def selected(response, field: str) -> str:
    html = response.get_data(as_text=True)
    select = re.search(rf'<select[^>]*name="{field}".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', select).group(1)


def options(response, field: str) -> list[str]:
    html = response.get_data(as_text=True)
    select = re.search(rf'<select[^>]*name="{field}".*?</select>', html, re.S).group(0)
    return re.findall(r'value="([^"]*)"', select)


def row_of(response, name: str) -> str:
    """The visible text of the table row that names `name`."""
    rows = re.findall(r"<tr>.*?</tr>", response.get_data(as_text=True), re.S)
    [row] = [r for r in rows if name in r]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())


# --- inviting ----------------------------------------------------------------------------------


def test_the_page_shows_what_is_due_and_starts_from_the_familys_language(
    make, login, clinic, front_desk
):
    appointment, parent = two_month_visit(make, clinic, phone="555-0100", preferred_language="es")
    page = login(front_desk).get(f"/invitations/appointments/{appointment.id}/new")

    assert page.status_code == 200
    text = text_of(page)
    for title in ("(PHQ-2)", "Family needs and priorities check-in", "Hunger Vital Sign"):
        assert title in text
    assert selected(page, "caregiver_id") == str(parent.id)
    assert selected(page, "language") == "es"
    assert selected(page, "channel") == "sms"
    assert sorted(options(page, "language")) == ["en", "es"]  # nothing due is offered in others
    assert "Not available in Spanish" in text
    assert "Hunger Vital Sign. An interpreter is needed" in text


def test_a_family_whose_language_no_screen_speaks_starts_in_english(
    make, login, clinic, front_desk
):
    appointment, _parent = two_month_visit(make, clinic, preferred_language="so")
    page = login(front_desk).get(f"/invitations/appointments/{appointment.id}/new")
    assert selected(page, "language") == "en"
    assert selected(page, "channel") == "qr"  # no phone, no e-mail
    assert "Not available in Somali" in text_of(page)


@pytest.mark.parametrize(
    ("channel", "contact", "to"),
    [("sms", "phone", "555-0100"), ("email", "email", "ana@example.org")],
)
def test_front_desk_sends_an_invitation_for_a_two_month_visit(
    make, db_session, login, outbox, clinic, front_desk, channel, contact, to
):
    appointment, parent = two_month_visit(make, clinic, **{contact: to})
    client = login(front_desk)

    page = client.post(
        f"/invitations/appointments/{appointment.id}/new", data=form_for(parent, channel)
    )

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = TOKEN_IN_LINK.search(html).group(1)
    assert "<svg" in html
    assert f"/invitations/qr/{token}.png" in html
    assert f"/invitations/qr/{token}.svg" in html
    [invitation] = invitations_of(db_session, clinic)
    assert queries.usable_invitation(token) is invitation
    assert invitation.instruments == ["phq-2", "family-checkin"]  # HVS has no Spanish text
    assert "Not included, because it is not offered in Spanish: Hunger Vital Sign" in text_of(page)
    assert invitation.channel == Channel(channel)
    assert invitation.caregiver_id == parent.id
    assert invitation.created_by_id == front_desk.user_id
    [message] = outbox
    assert message.to == to
    assert f"http://localhost/s/{token}" in message.body
    for health_word in ("PHQ", "depres", "hunger", "hambre", "Mateo"):
        assert health_word not in message.body


def test_a_qr_invitation_sends_nothing_and_shows_the_code(
    make, db_session, login, outbox, clinic, front_desk
):
    appointment, parent = two_month_visit(make, clinic, phone="555-0100")
    page = login(front_desk).post(
        f"/invitations/appointments/{appointment.id}/new", data=form_for(parent, "qr", "en")
    )
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)
    [invitation] = invitations_of(db_session, clinic)
    assert invitation.instruments == ["phq-2", "family-checkin", "hvs"]
    assert invitation.sent_at is None
    assert outbox == []


def test_a_text_message_needs_a_phone_number(make, db_session, login, outbox, clinic, front_desk):
    appointment, parent = two_month_visit(make, clinic, phone=None, email="ana@example.org")
    page = login(front_desk).post(
        f"/invitations/appointments/{appointment.id}/new", data=form_for(parent, "sms")
    )
    assert page.status_code == 422
    assert "has no phone or e-mail for this channel" in text_of(page)
    assert invitations_of(db_session, clinic) == []
    assert outbox == []


def test_nothing_due_means_nothing_to_send(make, db_session, login, clinic, front_desk):
    household = make.household(clinic)
    parent = make.caregiver(household, phone="555-0100")
    appointment = make.appointment(make.child(household), visit_kind=VisitKind.MONTH_9)
    make.screen(appointment, "family-checkin", CHECKIN_ALL_NO)
    make.screen(appointment, "hvs", {"hvs-1": "never", "hvs-2": "never"})
    client = login(front_desk)
    url = f"/invitations/appointments/{appointment.id}/new"

    page = client.get(url)
    assert "No screen is due for this visit" in text_of(page)
    assert "Create the invitation" not in text_of(page)
    refused = client.post(url, data=form_for(parent, "sms", "en"))
    assert refused.status_code == 422
    assert "No screen is due for this visit" in text_of(refused)
    assert invitations_of(db_session, clinic) == []


def test_the_schedule_offers_an_invitation_for_each_visit(make, login, clinic, front_desk):
    appointment, _parent = two_month_visit(make, clinic)
    manager = make.member(clinic, Role.PRACTICE_MANAGER)
    link = f'href="/invitations/appointments/{appointment.id}/new"'
    client = login(front_desk)
    assert link in client.get("/appointments/").get_data(as_text=True)
    client.post("/sign-out")
    assert link not in login(manager).get("/appointments/").get_data(as_text=True)


# --- QR code downloads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mimetype", "start"),
    [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<?xml")],
)
def test_the_qr_code_downloads_for_a_live_link_of_this_clinic(
    make, login, clinic, front_desk, fmt, mimetype, start
):
    _invitation, token = invite(*two_month_visit(make, clinic))
    response = login(front_desk).get(f"/invitations/qr/{token}.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(start)
    assert response.headers["Cache-Control"] == "no-store"


def test_no_qr_code_for_a_bad_foreign_or_revoked_token(make, login, clinic, front_desk):
    revoked, revoked_token = invite(*two_month_visit(make, clinic))
    revoke_invitation(revoked)
    _theirs, their_token = invite(*two_month_visit(make, make.clinic()))
    client = login(front_desk)
    for token in ("x" * 32, "not a token", revoked_token, their_token):
        for fmt in ("png", "svg"):
            assert client.get(f"/invitations/qr/{token}.{fmt}").status_code == 404, token


# --- today's list ------------------------------------------------------------------------------


def test_todays_list_follows_each_familys_progress(make, db_session, login, clinic, front_desk):
    invitation, _token = invite(*two_month_visit(make, clinic, given_name="Lucia"))
    client = login(front_desk)

    row = row_of(client.get("/invitations/"), "Lucia")
    assert "Sent" in row
    assert "QR code or link" in row
    assert "Patient Health Questionnaire-2 (PHQ-2), Family needs" in row
    assert "Revoke" in row
    record_opened(invitation)
    assert "Opened" in row_of(client.get("/invitations/"), "Lucia")
    record_completed(invitation)
    row = row_of(client.get("/invitations/"), "Lucia")
    assert "Completed" in row
    assert "Revoke" not in row
    invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    invitation.completed_at = None
    assert "Expired" in row_of(client.get("/invitations/"), "Lucia")
    assert len(events(db_session, "view", object_type="invitations")) == 4


def test_todays_list_filters_by_status(make, login, clinic, front_desk):
    done, _token = invite(*two_month_visit(make, clinic, given_name="Lucia"))
    record_completed(done)
    invite(*two_month_visit(make, clinic, given_name="Tomas"))
    client = login(front_desk)

    completed = text_of(client.get("/invitations/?status=completed"))
    assert "Lucia" in completed
    assert "Tomas" not in completed
    sent = text_of(client.get("/invitations/?status=sent"))
    assert "Tomas" in sent
    assert "Lucia" not in sent
    everyone = text_of(client.get("/invitations/?status=nonsense"))
    assert "Lucia" in everyone
    assert "Tomas" in everyone


def test_the_list_costs_the_same_queries_for_2_or_12_invitations(
    make, db_session, login, clinic, front_desk, count_queries
):
    for _ in range(2):
        invite(*two_month_visit(make, clinic))
    client = login(front_desk)
    db_session.commit()
    db_session.expire_all()  # rows come from the page's own queries, not the test's identity map
    with count_queries() as few:
        client.get("/invitations/")
    for _ in range(10):
        invite(*two_month_visit(make, clinic))
    db_session.commit()
    db_session.expire_all()
    with count_queries() as many:
        page = client.get("/invitations/")
    assert "12 invitations" in text_of(page)
    assert many.count == few.count


def test_navigators_and_managers_see_the_list_but_partners_do_not(make, login, clinic):
    invite(*two_month_visit(make, clinic, given_name="Lucia"))
    client = login(make.member(clinic, Role.NAVIGATOR))
    navigator = client.get("/invitations/")
    assert navigator.status_code == 200
    assert "Revoke" in row_of(navigator, "Lucia")
    client.post("/sign-out")
    manager = login(make.member(clinic, Role.PRACTICE_MANAGER)).get("/invitations/")
    assert "Lucia" in text_of(manager)
    assert "Revoke" not in row_of(manager, "Lucia")
    client.post("/sign-out")
    assert login(make.member(clinic, Role.PARTNER)).get("/invitations/").status_code == 403


# --- revoking ----------------------------------------------------------------------------------


def test_a_revoked_link_stops_working_at_once(make, db_session, login, clinic, front_desk):
    invitation, token = invite(*two_month_visit(make, clinic, given_name="Lucia"))
    client = login(front_desk)

    response = client.post(f"/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/invitations/")
    assert queries.usable_invitation(token) is None
    page = client.get("/invitations/")
    assert "The link no longer works" in text_of(page)
    assert "Revoked" in row_of(page, "Lucia")
    again = client.post(f"/invitations/{invitation.id}/revoke", follow_redirects=True)
    assert "already revoked" in text_of(again)


# --- kiosk -------------------------------------------------------------------------------------


def test_kiosk_mode_signs_staff_out_and_opens_the_screener(
    make, db_session, login, clinic, front_desk
):
    appointment, parent = two_month_visit(make, clinic)
    client = login(front_desk)

    response = client.post(
        f"/invitations/appointments/{appointment.id}/kiosk",
        data={"caregiver_id": str(parent.id), "language": "es"},
    )

    assert response.status_code == 302
    location = response.headers["Location"]
    token = re.fullmatch(r"(?:http://localhost)?/s/([A-Za-z0-9_-]+)\?kiosk=1", location).group(1)
    invitation = queries.usable_invitation(token)
    assert invitation.channel == Channel.KIOSK
    assert invitation.language == "es"
    assert invitation.expires_at - datetime.now(UTC) <= timedelta(minutes=30)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    staff_page = client.get("/invitations/")
    assert staff_page.status_code == 302
    assert "/sign-in" in staff_page.headers["Location"]
    assert len(events(db_session, "sign_out", actor_user_id=front_desk.user_id)) == 1


def test_kiosk_mode_keeps_staff_signed_in_when_nothing_can_start(
    make, db_session, login, clinic, front_desk
):
    appointment, parent = two_month_visit(make, clinic)
    client = login(front_desk)
    response = client.post(
        f"/invitations/appointments/{appointment.id}/kiosk",
        data={"caregiver_id": str(parent.id), "language": "fr"},
    )
    assert response.headers["Location"].endswith(f"/invitations/appointments/{appointment.id}/new")
    assert client.get("/invitations/").status_code == 200
    assert count(db_session, Invitation) == 0


# --- other clinics -----------------------------------------------------------------------------


def test_another_clinics_visits_and_invitations_do_not_exist(make, login, clinic, front_desk):
    appointment, parent = two_month_visit(make, make.clinic())
    theirs, token = invite(appointment, parent)
    client = login(front_desk)
    assert client.get(f"/invitations/appointments/{appointment.id}/new").status_code == 404
    assert (
        client.post(
            f"/invitations/appointments/{appointment.id}/new", data=form_for(parent, "qr", "en")
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/invitations/appointments/{appointment.id}/kiosk", data=form_for(parent, "qr", "en")
        ).status_code
        == 404
    )
    assert client.post(f"/invitations/{theirs.id}/revoke").status_code == 404
    assert queries.usable_invitation(token) is theirs
    assert client.get("/invitations/").status_code == 200  # still signed in
