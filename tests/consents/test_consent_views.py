"""A household's consent page as the care team uses it: read, record, revoke."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from app.clinics.models import PartnerKind
from app.consents.models import Consent
from app.consents.operations import revoke_consent
from app.core.roles import Role
from tests.pages import text_of
from tests.partners.sharing import refer
from tests.records import count, events


@pytest.fixture
def family(make, clinic):
    household = make.household(clinic, name="Okafor")
    return household, make.caregiver(household, given_name="Ngozi")


def url(household) -> str:
    return f"/families/households/{household.id}/consents"


def form(caregiver, partner=None, **changes) -> dict:
    data = {
        "caregiver_id": str(caregiver.id),
        "recipient": "legal_partner",
        "partner_organization_id": str(partner.id) if partner else "",
        "scope_needs": ["legal", "housing"],
        "scope_data": ["contact", "needs"],
        "method": "verbal",
        "expires_on": "",
    }
    return {**data, **changes}


def table_of(response) -> str:
    """The visible text of the consents table (the form below lists every choice)."""
    html = response.get_data(as_text=True)
    table = html[html.index("<table") : html.index("</table>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", table)).split())


def consents_of(db_session, household) -> list[Consent]:
    return list(db_session.scalars(sa.select(Consent).where(Consent.household_id == household.id)))


def test_the_list_shows_every_consent_with_its_scope_and_history(make, clinic, login, db_session):
    clinician = make.member(clinic, Role.CLINICIAN)
    navigator = make.member(clinic, Role.NAVIGATOR)
    partner = make.partner_organization(clinic)
    shared = refer(make, clinic, partner, clinician, data=("needs",), consent_needs=("legal",))
    revoke_consent(shared.consent, user_id=navigator.user_id, note="Asked by phone")

    page = table_of(login(clinician).get(url(shared.household)))

    assert "The clinic's legal partner" in page
    assert partner.name in page
    assert "A legal worry" in page
    assert "Needs: the need, its legal domain and the request note" in page
    assert "Contact: the caregiver's name" not in page
    assert "Verbal, recorded by staff" in page
    assert "by Ana Rivera" in page
    assert f"recorded by {clinician.user.full_name}" in page
    assert "Does not expire" in page
    assert "Revoked" in page
    assert f"by {navigator.user.full_name}" in page
    assert "Asked by phone" in page
    [viewed] = events(db_session, "view", object_type="households")
    assert viewed.household_id == shared.household.id


def test_the_care_team_records_a_consent_given_aloud(make, clinic, login, family, db_session):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    expiry = make.today + timedelta(days=90)
    client = login(make.member(clinic, Role.FRONT_DESK))

    response = client.post(url(household), data=form(caregiver, partner, expires_on=str(expiry)))

    assert response.status_code == 302
    [consent] = consents_of(db_session, household)
    assert consent.partner_organization_id == partner.id
    assert consent.scope_needs == ["housing", "legal"]
    assert consent.caregiver_id == caregiver.id
    assert consent.expires_at.date() == expiry + timedelta(days=1)  # valid through that day (UTC)
    page = text_of(client.get(url(household)))
    assert "The consent is recorded." in page
    assert "Active" in page


REFUSED_FORMS = {
    "past expiry": ({"expires_on": "2020-01-01"}, "The expiry date must be in the future."),
    "unknown need": ({"scope_needs": ["legal", "lottery"]}, "is not a valid choice"),
    "no need": ({"scope_needs": []}, "This field is required."),
    "another household's caregiver": (None, "Not a valid choice"),
    "a community partner for the legal partner": (
        "community",
        "is not a recipient of this kind",
    ),
}


@pytest.mark.parametrize("case", REFUSED_FORMS, ids=list(REFUSED_FORMS))
def test_a_refused_form_says_why_and_records_nothing(make, clinic, login, family, db_session, case):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    changes, message = REFUSED_FORMS[case]
    if changes is None:
        changes = {"caregiver_id": str(make.caregiver(make.household(clinic)).id)}
    elif changes == "community":
        community = make.partner_organization(clinic, PartnerKind.COMMUNITY)
        changes = {"partner_organization_id": str(community.id)}
    client = login(make.member(clinic, Role.NAVIGATOR))

    response = client.post(url(household), data=form(caregiver, partner, **changes))

    assert response.status_code == 422
    assert message in text_of(response)
    assert consents_of(db_session, household) == []


def test_another_clinics_partner_cannot_be_named(make, clinic, login, family, db_session):
    household, caregiver = family
    elsewhere = make.partner_organization(make.clinic())
    client = login(make.member(clinic, Role.NURSE_MA))

    response = client.post(url(household), data=form(caregiver, elsewhere))

    assert response.status_code == 422
    assert consents_of(db_session, household) == []


def test_a_practice_manager_reads_but_does_not_record(make, clinic, login, family, db_session):
    household, caregiver = family
    client = login(make.member(clinic, Role.PRACTICE_MANAGER))

    page = client.get(url(household))
    assert page.status_code == 200
    assert "Record a consent" not in text_of(page)
    assert client.post(url(household), data=form(caregiver)).status_code == 403
    assert count(db_session, Consent) == 0


def test_revoking_from_the_page_hides_the_referral_from_the_partner_at_once(
    make, clinic, login, db_session
):
    clinician = make.member(clinic, Role.CLINICIAN)
    partner = make.partner_organization(clinic)
    partner_user = make.member(clinic, Role.PARTNER, partner_organization_id=partner.id)
    shared = refer(make, clinic, partner, clinician, family="Okafor", caregiver_name="Ngozi")
    detail = f"/partner/referrals/{shared.referral.id}"
    assert "Ngozi Okafor" in text_of(login(partner_user).get(detail))
    login(partner_user).post("/sign-out")

    staff = login(clinician)
    response = staff.post(
        f"/families/consents/{shared.consent.id}/revoke", data={"note": "Called to withdraw"}
    )
    assert response.status_code == 302
    assert "The consent is revoked." in text_of(staff.get(url(shared.household)))
    staff.post("/sign-out")

    page = text_of(login(partner_user).get(detail))
    assert "The family has withdrawn consent; details are hidden." in page
    assert "Ngozi" not in page


def test_a_revocation_without_a_note_is_refused(make, clinic, login, db_session):
    clinician = make.member(clinic, Role.CLINICIAN)
    shared = refer(make, clinic, make.partner_organization(clinic), clinician)

    response = login(clinician).post(
        f"/families/consents/{shared.consent.id}/revoke", data={"note": "  "}
    )

    assert response.status_code == 422
    assert "This field is required." in text_of(response)
    db_session.refresh(shared.consent)
    assert shared.consent.revoked_at is None
