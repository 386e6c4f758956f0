"""The access matrix: every registered endpoint × anonymous, every wrong role, the wrong clinic.

Endpoints are read from the app's URL map, so a new endpoint is covered without editing this file;
one that declares neither `require_role` nor `public` fails here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask

from app.consents.models import Consent, ConsentMethod, Recipient
from app.consents.operations import record_consent, revoke_consent
from app.core.roles import NavigatorKind, Role
from app.extensions import limiter
from app.families.models import Program
from app.families.operations import enrol_in_program
from app.followups.operations import create_follow_up
from app.guidance.queries import prompts_of
from app.huddles.models import HuddleKind
from app.huddles.operations import add_note, start_huddle
from app.invitations.models import Channel
from app.invitations.operations import create_invitation
from app.practices.queries import practices_of
from app.referrals.models import IhelpDomain, ReferralTarget
from app.referrals.operations import open_referral
from tests.directory.hsds import add_directory_service
from tests.pages import text_of

PUBLIC_ENDPOINTS = {
    "accounts.sign_in",
    "accounts.set_language",
    "home.health",
    # Parent pages: the invitation token in the URL is the only key, and reveals nothing without it.
    "screener.start",
    "screener.kiosk_done",
    "screener.service_worker",
    "screener.manifest",
    # The screener API: the token in the path is the scope; the OpenAPI document holds no data.
    "screener_api.session",
    "screener_api.started",
    "screener_api.submissions",
    "api-docs.openapi_json",
}


@dataclass
class ClinicWorld:
    clinic: object
    members: dict
    ids: dict


def build_world(make) -> ClinicWorld:
    clinic = make.clinic()
    members = {role: make.member(clinic, role) for role in Role}
    specialist = make.member(
        clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.DULCE_FAMILY_SPECIALIST
    )
    household = make.household(clinic)
    caregiver = make.caregiver(household)
    child = make.child(household, date_of_birth=make.today - timedelta(days=40))
    enrolment = enrol_in_program(
        child,
        program=Program.DULCE,
        enrolled_on=make.today,
        family_specialist_id=specialist.user_id,
    )
    appointment = make.appointment(child)
    response = make.screen(appointment, "phq-9", {f"phq-{n}": "1" for n in range(1, 10)})
    invitation, token = create_invitation(
        appointment, language="en", channel=Channel.QR, created_by_id=None, caregiver=caregiver
    )
    consent, referral = _legal_referral(make, members, household, caregiver, child)
    follow_up = create_follow_up(
        household=household, child=child, title="Call back", due_on=make.today,
        assignee_id=members[Role.NAVIGATOR].user_id, created_by_id=members[Role.CLINICIAN].user_id,
    )  # fmt: skip
    service = add_directory_service(clinic.id)
    huddle = start_huddle(
        clinic.id, day=make.today, kind=HuddleKind.DAILY, user_id=members[Role.CLINICIAN].user_id
    )
    note = add_note(
        huddle, author_id=members[Role.CLINICIAN].user_id, body="Pantry list: Tuesday 10:00",
        household=household, child=child,
    )  # fmt: skip
    ids = {
        "household_id": household.id,
        "caregiver_id": caregiver.id,
        "child_id": child.id,
        "enrolment_id": enrolment.id,
        "appointment_id": appointment.id,
        "membership_id": members[Role.FRONT_DESK].id,
        "organization_id": members[Role.PARTNER].partner_organization_id,
        "practice_id": practices_of(clinic.id)[0].id,
        "prompt_id": prompts_of(clinic.id)[0].id,
        "response_id": response.id,
        "flag_id": next(f.id for f in response.flags if f.kind.value == "critical"),
        "invitation_id": invitation.id,
        "token": token,  # parent pages are public; staff pages (the QR code) need a live one
        "consent_id": consent.id,
        "referral_id": referral.id,  # to the world's partner organization, with the family's consent
        "follow_up_id": follow_up.id,
        "service_id": service.id,  # a resource-directory service, and its organization
        "directory_organization_id": service.organization_id,
        "huddle_id": huddle.id,  # today's daily huddle, still running
        "note_id": note.id,  # a huddle note about the child, by the clinician
        "metric_key": "screened-when-due",  # a metric of the catalogue (drill-down, its CSV)
    }
    return ClinicWorld(clinic, members, ids)


def _legal_referral(make, members, household, caregiver, child, partner_id=None):
    """A consent to the legal partner and a referral sent to it under that consent."""
    partner_id = partner_id or members[Role.PARTNER].partner_organization_id
    consent = record_consent(
        household, caregiver_id=caregiver.id, recipient=Recipient.LEGAL_PARTNER,
        partner_organization_id=partner_id, scope_needs=["legal"],
        scope_data=["contact", "child", "needs"], method=ConsentMethod.VERBAL, expires_at=None,
        recorded_by_id=members[Role.NAVIGATOR].user_id,
    )  # fmt: skip
    referral = open_referral(
        household=household, child=child, requested_by_id=members[Role.CLINICIAN].user_id,
        need="legal", target=ReferralTarget.PARTNER, partner_organization_id=partner_id,
        ihelp_domain=IhelpDomain.HOUSING_UTILITIES, request_note="Eviction notice",
    )  # fmt: skip
    return consent, referral


def endpoint_requests(app: Flask):
    """(endpoint, method, path arguments) for every route of the app."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        arguments = sorted(rule.arguments - set(rule.defaults or {}))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, arguments


#: Path arguments naming something every clinic shares (the metric catalogue), not a record.
SHARED_ARGUMENTS = {"metric_key"}


def url_for_world(rule, arguments, world: ClinicWorld) -> str:
    missing = [name for name in arguments if name not in world.ids]
    assert not missing, f"{rule.endpoint}: teach the access matrix how to build {missing}"
    return rule.build({name: world.ids[name] for name in arguments}, append_unknown=False)[1]


def view_of(app: Flask, endpoint: str):
    return app.view_functions[endpoint]


@pytest.fixture
def world(make) -> ClinicWorld:
    return build_world(make)


@pytest.fixture
def other_world(make) -> ClinicWorld:
    return build_world(make)


def test_every_endpoint_declares_who_may_use_it(app):
    undeclared = [
        rule.endpoint
        for rule, _method, _args in endpoint_requests(app)
        if not hasattr(view_of(app, rule.endpoint), "allowed_roles")
        and not getattr(view_of(app, rule.endpoint), "is_public", False)
    ]
    assert undeclared == []


def test_only_the_intended_endpoints_are_public(app):
    public = {
        rule.endpoint
        for rule, _m, _a in endpoint_requests(app)
        if getattr(view_of(app, rule.endpoint), "is_public", False)
    }
    assert public == PUBLIC_ENDPOINTS


def test_anonymous_visitors_are_sent_to_sign_in(app, client, world):
    leaks = []
    for rule, method, arguments in endpoint_requests(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url_for_world(rule, arguments, world), method=method)
        if response.status_code != 302 or "/sign-in" not in response.headers["Location"]:
            leaks.append((rule.endpoint, method, response.status_code))
    assert leaks == []


@pytest.mark.parametrize("role", list(Role))
def test_wrong_roles_are_refused(app, login, world, role):
    client = login(world.members[role])
    leaks = []
    for rule, method, arguments in endpoint_requests(app):
        allowed = getattr(view_of(app, rule.endpoint), "allowed_roles", None)
        if allowed is None or role in allowed:
            continue
        response = client.open(url_for_world(rule, arguments, world), method=method)
        if response.status_code != 403:
            leaks.append((rule.endpoint, method, response.status_code))
    assert leaks == []


def _a_role_allowed(app, endpoint: str) -> Role:
    allowed = view_of(app, endpoint).allowed_roles
    return next(role for role in Role if role in allowed)


def test_other_clinics_records_do_not_exist(app, login, world, other_world):
    leaks = []
    for rule, method, arguments in endpoint_requests(app):
        if rule.endpoint in PUBLIC_ENDPOINTS or not set(arguments) - SHARED_ARGUMENTS:
            continue
        client = login(world.members[_a_role_allowed(app, rule.endpoint)])
        response = client.open(url_for_world(rule, arguments, other_world), method=method)
        client.post("/sign-out")
        if response.status_code != 404:
            leaks.append((rule.endpoint, method, response.status_code))
    assert leaks == []


def test_every_page_opens_for_a_role_allowed_to_see_it(app, login, world):
    broken = []
    for rule, method, arguments in endpoint_requests(app):
        if method != "GET" or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        client = login(world.members[_a_role_allowed(app, rule.endpoint)])
        response = client.get(url_for_world(rule, arguments, world))
        client.post("/sign-out")
        if response.status_code != 200:
            broken.append((rule.endpoint, response.status_code))
    assert broken == []


def _token_api_requests(app: Flask):
    for rule, method, arguments in endpoint_requests(app):
        if "token" in arguments and rule.rule.startswith("/api/"):
            yield rule, method, arguments


def test_token_endpoints_answer_nothing_without_a_live_token(app, client, world):
    limiter.reset()
    made_up = ClinicWorld(world.clinic, world.members, {"token": "Z" * 32})
    answers = set()
    for rule, method, arguments in _token_api_requests(app):
        body = {"language": "en", "responses": []} if method == "POST" else None
        response = client.open(url_for_world(rule, arguments, made_up), method=method, json=body)
        answers.add((rule.endpoint, response.status_code, response.get_json()["error"]["code"]))
    limiter.reset()
    assert {(code, status) for _endpoint, code, status in answers} == {
        (404, "invitation_unavailable")
    }
    assert len(answers) == 3


def test_a_token_opens_its_own_clinics_link_whoever_is_signed_in(app, login, world, other_world):
    """Tokens are not clinic-scoped: they are the scope. Staff of one clinic holding another
    clinic's link see that clinic's questions, and nothing of their own clinic."""
    client = login(world.members[Role.FRONT_DESK])
    response = client.get(f"/api/v1/screener/{other_world.ids['token']}")
    assert response.status_code == 200
    assert response.get_json()["clinic"] == {"name": other_world.clinic.name}
    assert f'"{world.clinic.name}"' not in response.get_data(as_text=True)


# --- the partner dimension ----------------------------------------------------------------------

#: What a partner user may reach besides the portal: its home page, its account, its inbox, and
#: (the legal partner only, as far as each family consented) the weekly DULCE case review.
PARTNER_REACHABLE = (
    "home.index", "accounts.", "partners.", "inbox.",
    "huddle_review.review_page", "huddle_review.add_note",
)  # fmt: skip


def test_a_partner_reaches_no_clinic_page(app):
    reachable = {
        rule.endpoint
        for rule, _m, _a in endpoint_requests(app)
        if Role.PARTNER in getattr(view_of(app, rule.endpoint), "allowed_roles", ())
    }
    assert {"partners.index", "partners.referral", "partners.answer"} <= reachable
    assert [e for e in reachable if not e.startswith(PARTNER_REACHABLE)] == []
    partner_only = {e for e in reachable if e.startswith("partners.")}
    assert all(view_of(app, e).allowed_roles == {Role.PARTNER} for e in partner_only)


def test_a_partner_cannot_open_another_organizations_referral(make, login, world):
    other = make.partner_organization(world.clinic)
    household = make.household(world.clinic, name="Okafor")
    caregiver = make.caregiver(household, given_name="Ngozi")
    child = make.child(household, given_name="Chidi")
    _consent, theirs = _legal_referral(
        make, world.members, household, caregiver, child, partner_id=other.id
    )
    client = login(world.members[Role.PARTNER])
    assert client.get(f"/partner/referrals/{theirs.id}").status_code == 404
    answer = {"target": "accepted", "version": str(theirs.version)}
    assert client.post(f"/partner/referrals/{theirs.id}/answer", data=answer).status_code == 404
    assert "Ngozi" not in text_of(client.get("/partner/"))
    assert client.get(f"/partner/referrals/{world.ids['referral_id']}").status_code == 200


def test_a_partner_sees_nothing_of_a_referral_whose_consent_was_revoked(
    make, login, world, db_session
):
    consent = db_session.get(Consent, world.ids["consent_id"])
    revoke_consent(consent, user_id=world.members[Role.NAVIGATOR].user_id, note="By phone")
    client = login(world.members[Role.PARTNER])
    referral_id = world.ids["referral_id"]
    page = text_of(client.get(f"/partner/referrals/{referral_id}"))
    assert "The family has withdrawn consent; details are hidden." in page
    for detail in ("Ana Rivera", "Mateo", "Eviction", "Housing"):
        assert detail not in page
    answer = {"target": "accepted", "version": "2"}
    assert client.post(f"/partner/referrals/{referral_id}/answer", data=answer).status_code == 404
