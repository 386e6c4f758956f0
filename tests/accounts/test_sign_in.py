"""Signing in and out, idle time-out, cookies, CSRF and password storage, as staff experience them."""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.accounts.models import User
from app.core.audit import AuditEvent
from app.core.roles import Role
from app.extensions import db
from tests.pages import text_of

WRONG_CREDENTIALS = "That e-mail and password do not match an active account."


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_signing_in_opens_the_role_home_page(client, make):
    member = make.member(make.clinic(), Role.FRONT_DESK)
    response = client.post(
        "/sign-in", data={"email": member.user.email.upper(), "password": make.password}
    )
    assert response.headers["Location"] == "/"
    page = text_of(client.get("/"))
    assert "Today's visits" in page
    assert "Book an appointment" in page
    assert member.user.full_name in page
    assert _events("sign_in")[0].actor_user_id == member.user_id


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make):
    member = make.member(make.clinic())
    wrong = client.post("/sign-in", data={"email": member.user.email, "password": "not it at all"})
    unknown = client.post(
        "/sign-in", data={"email": "nobody@example.org", "password": "whatever1234"}
    )
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert WRONG_CREDENTIALS in response.get_data(as_text=True)
    assert wrong.get_data(as_text=True).count(WRONG_CREDENTIALS) == 1
    assert len(_events("sign_in_failed")) == 2
    assert client.get("/").status_code == 302


def test_a_deactivated_member_cannot_sign_in(client, make):
    member = make.member(make.clinic())
    member.is_active = False
    db.session.flush()
    response = client.post("/sign-in", data={"email": member.user.email, "password": make.password})
    assert WRONG_CREDENTIALS in response.get_data(as_text=True)


def test_passwords_are_stored_as_argon2id_hashes(make):
    member = make.member(make.clinic())
    stored = db.session.get(User, member.user_id).password_hash
    assert stored.startswith("$argon2id$")
    assert make.password not in stored


def test_sign_out_ends_the_session(login, make):
    client = login(make.member(make.clinic()))
    assert client.get("/").status_code == 200
    client.post("/sign-out")
    assert client.get("/").status_code == 302
    assert len(_events("sign_out")) == 1


def test_an_idle_session_is_signed_out(app: Flask, login, make):
    client = login(make.member(make.clinic()))
    idle = app.config["WELLTHREAD_IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - idle - 1
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out because the page was idle" in page
    assert client.get("/").status_code == 302


def test_an_active_session_survives_within_the_idle_limit(app: Flask, login, make):
    client = login(make.member(make.clinic()))
    idle = app.config["WELLTHREAD_IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - idle + 30
    assert client.get("/").status_code == 200


def test_sign_in_only_redirects_within_the_app(client, make):
    member = make.member(make.clinic())
    data = {"email": member.user.email, "password": make.password}
    response = client.post("/sign-in?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"


def test_session_cookie_is_secure_httponly_and_samesite_by_default(tmp_path):
    production_like = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    response = production_like.test_client().post("/language", data={"locale": "es"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("wellthread_session=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_forms_are_refused_without_a_csrf_token(app: Flask, client, make):
    member = make.member(make.clinic())
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/sign-in", data={"email": member.user.email, "password": make.password}
        )
        page = client.get("/sign-in").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        accepted = client.post(
            "/sign-in",
            data={"email": member.user.email, "password": make.password, "csrf_token": token},
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert accepted.status_code == 302


def test_pages_are_never_cached_and_framing_is_refused(login, make):
    response = login(make.member(make.clinic())).get("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_admins_see_failed_attempts_on_their_own_clinics_accounts_only(app, login, make):
    clinic, elsewhere = make.clinic(), make.clinic()
    nurse = make.member(clinic, Role.NURSE_MA)
    admin, other_admin = (
        make.member(clinic, Role.CLINIC_ADMIN),
        make.member(elsewhere, Role.CLINIC_ADMIN),
    )
    app.test_client().post(
        "/sign-in", data={"email": nurse.user.email, "password": "guessing at it"}
    )
    client = login(admin)
    assert "No entries match." not in text_of(client.get("/admin/audit/?action=sign_in_failed"))
    client.post("/sign-out")
    client = login(other_admin)
    assert "No entries match." in text_of(client.get("/admin/audit/?action=sign_in_failed"))
