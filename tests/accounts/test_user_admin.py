"""Clinic admins give people roles, change them and take access away."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Membership, User
from app.core.roles import Role
from app.extensions import db
from tests.pages import text_of


def _new_member(**overrides):
    data = {
        "full_name": "Rosa Díaz",
        "email": "rosa@example.org",
        "password": "a long first password",
        "role": "navigator",
        "navigator_kind": "community_health_worker",
        "partner_organization_id": "",
        "is_active": "y",
    }
    return {**data, **overrides}


def test_an_admin_gives_a_navigator_access(login, make):
    clinic = make.clinic()
    client = login(make.member(clinic, Role.CLINIC_ADMIN))
    response = client.post("/admin/users/new", data=_new_member())
    assert response.status_code == 302
    assert "Rosa Díaz" in text_of(client.get("/admin/users/"))
    client.post("/sign-out")
    signed_in = client.post(
        "/sign-in", data={"email": "ROSA@example.org", "password": "a long first password"}
    )
    assert signed_in.status_code == 302


def test_a_navigator_needs_a_kind_and_nothing_is_written_without_it(login, make):
    client = login(make.member(make.clinic(), Role.CLINIC_ADMIN))
    response = client.post("/admin/users/new", data=_new_member(navigator_kind=""))
    assert response.status_code == 422
    assert "Choose what kind of navigator" in text_of(response)
    assert db.session.scalar(sa.select(User).where(User.email == "rosa@example.org")) is None


def test_a_partner_user_must_belong_to_one_of_the_clinics_partners(login, make):
    clinic, elsewhere = make.clinic(), make.clinic()
    foreign = make.partner_organization(elsewhere)
    client = login(make.member(clinic, Role.CLINIC_ADMIN))
    response = client.post(
        "/admin/users/new",
        data=_new_member(
            role="partner", navigator_kind="", partner_organization_id=str(foreign.id)
        ),
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(User).where(User.email == "rosa@example.org")) is None


def test_a_short_first_password_is_refused(login, make):
    client = login(make.member(make.clinic(), Role.CLINIC_ADMIN))
    response = client.post("/admin/users/new", data=_new_member(password="short"))
    assert response.status_code == 422


def test_the_last_admin_cannot_be_removed_and_admins_cannot_demote_themselves(login, make):
    clinic = make.clinic()
    admin = make.member(clinic, Role.CLINIC_ADMIN)
    client = login(admin)
    data = {
        "role": "clinician",
        "navigator_kind": "",
        "partner_organization_id": "",
        "is_active": "y",
    }
    response = client.post(f"/admin/users/{admin.id}", data=data, follow_redirects=True)
    assert "You cannot change your own role or access." in text_of(response)
    assert db.session.get(Membership, admin.id).role == Role.CLINIC_ADMIN


def test_deactivating_a_member_ends_their_access(login, make):
    clinic = make.clinic()
    nurse = make.member(clinic, Role.NURSE_MA)
    admin_client = login(make.member(clinic, Role.CLINIC_ADMIN))
    data = {"role": "nurse_ma", "navigator_kind": "", "partner_organization_id": ""}
    assert admin_client.post(f"/admin/users/{nurse.id}", data=data).status_code == 302
    admin_client.post("/sign-out")
    refused = admin_client.post(
        "/sign-in", data={"email": nurse.user.email, "password": make.password}
    )
    assert refused.status_code == 200
    assert "do not match an active account" in text_of(refused)


def test_a_signed_in_member_loses_access_at_once_when_deactivated(login, make):
    clinic = make.clinic()
    nurse = make.member(clinic, Role.NURSE_MA)
    client = login(nurse)
    nurse.is_active = False
    db.session.flush()
    assert client.get("/").status_code == 302
