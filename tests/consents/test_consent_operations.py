"""Recording and revoking a consent: what is refused writes nothing; revoking tells the partner."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clinics.models import PartnerKind
from app.consents.models import Consent, ConsentMethod, Recipient
from app.consents.operations import record_consent, revoke_consent
from app.consents.queries import consent_rows, covering_consent
from app.core.errors import DomainError
from app.core.roles import Role
from app.db import now_utc
from app.inbox.models import Notification
from tests.partners.sharing import refer
from tests.records import count, events


@pytest.fixture
def family(make, clinic):
    household = make.household(clinic)
    return household, make.caregiver(household)


@pytest.fixture
def navigator(make, clinic):
    return make.member(clinic, Role.NAVIGATOR)


def valid(household, caregiver, navigator, partner, **changes):
    fields = {
        "caregiver_id": caregiver.id,
        "recipient": Recipient.LEGAL_PARTNER,
        "partner_organization_id": partner.id,
        "scope_needs": ["legal", "housing"],
        "scope_data": ["needs", "contact"],
        "method": ConsentMethod.SIGNED_PAPER,
        "expires_at": now_utc() + timedelta(days=180),
        "recorded_by_id": navigator.user_id,
    }
    return {**fields, **changes}


def test_a_consent_given_on_paper_is_recorded_and_covers_its_partner(
    make, clinic, family, navigator, db_session
):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    consent = record_consent(household, **valid(household, caregiver, navigator, partner))
    db_session.flush()

    assert consent.scope_needs == ["housing", "legal"]
    assert consent.scope_data == ["contact", "needs"]
    assert consent.recorded_by_id == navigator.user_id
    assert covering_consent(partner, household.id, "legal") == consent
    assert covering_consent(partner, household.id, "food") is None
    [created] = events(db_session, "create", object_type="consents")
    assert created.household_id == household.id
    assert created.details["recipient"] == "legal_partner"


def _another_clinics_partner(make, clinic, family, navigator):
    return {"partner_organization_id": make.partner_organization(make.clinic()).id}


def _another_households_caregiver(make, clinic, family, navigator):
    return {"caregiver_id": make.caregiver(make.household(clinic, name="Okafor")).id}


REFUSED = {
    "unknown need": lambda *_: {"scope_needs": ["legal", "lottery"]},
    "no need": lambda *_: {"scope_needs": []},
    "nothing to see": lambda *_: {"scope_data": []},
    "unknown data": lambda *_: {"scope_data": ["contact", "screening_scores"]},
    "past expiry": lambda *_: {"expires_at": now_utc() - timedelta(minutes=1)},
    "another clinic's partner": _another_clinics_partner,
    "another household's caregiver": _another_households_caregiver,
    "no caregiver": lambda *_: {"caregiver_id": None},
    "a community partner named as the legal partner": lambda make, clinic, *_: {
        "partner_organization_id": make.partner_organization(clinic, PartnerKind.COMMUNITY).id
    },
    "a partner named for the clinic team": lambda *_: {"recipient": Recipient.CLINIC_TEAM},
    "the phone's method, used by staff": lambda *_: {"method": ConsentMethod.PARENT_DEVICE},
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_refused_consent_writes_nothing(make, clinic, family, navigator, db_session, case):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    changes = REFUSED[case](make, clinic, family, navigator)
    db_session.commit()
    before = count(db_session, Consent)

    with pytest.raises(DomainError):
        record_consent(household, **valid(household, caregiver, navigator, partner, **changes))
    db_session.rollback()

    assert count(db_session, Consent) == before
    assert events(db_session, "create", object_type="consents") == []


def test_the_partners_of_a_revoked_consent_are_told_and_nothing_more(
    make, clinic, navigator, db_session, outbox
):
    partner = make.partner_organization(clinic)
    bystander = make.partner_organization(clinic)
    users = [make.member(clinic, Role.PARTNER, partner_organization_id=partner.id) for _ in "ab"]
    other = make.member(clinic, Role.PARTNER, partner_organization_id=bystander.id)
    clinician = make.member(clinic, Role.CLINICIAN)
    shared = refer(make, clinic, partner, clinician, family="Okafor", caregiver_name="Ngozi")
    db_session.commit()
    outbox.clear()

    revoke_consent(shared.consent, user_id=navigator.user_id, note="Called to withdraw")
    db_session.commit()

    told = db_session.scalars(
        sa.select(Notification).where(Notification.kind == "consent_revoked")
    ).all()
    assert sorted(n.user_id for n in told) == sorted(u.user_id for u in users)
    assert other.user_id not in {n.user_id for n in told}
    assert all(n.referral_id is None for n in told)
    mails = [m for m in outbox if m.to in {u.user.email for u in users}]
    assert len(mails) == 2
    for mail in mails:
        assert "withdrew its consent" in mail.body
        for detail in ("Okafor", "Ngozi", "legal", "Eviction", "Mateo"):
            assert detail not in mail.body


def test_revoking_ends_the_consent_at_once_and_keeps_the_note(
    make, clinic, family, navigator, db_session
):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    consent = record_consent(household, **valid(household, caregiver, navigator, partner))

    revoke_consent(consent, user_id=navigator.user_id, note="  Asked by phone to stop sharing ")

    assert consent.revoked_by_id == navigator.user_id
    assert covering_consent(partner, household.id, "legal") is None
    [row] = consent_rows(household.id)
    assert row.status(now_utc()) == "revoked"
    assert row.revocation_note == "Asked by phone to stop sharing"
    assert row.revoked_by == navigator.user.full_name
    [audit] = events(db_session, "update", object_type="consents")
    assert audit.household_id == household.id


@pytest.mark.parametrize("note", ["", "   ", "x" * 2001])
def test_a_revocation_needs_a_note(make, clinic, family, navigator, note):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    consent = record_consent(household, **valid(household, caregiver, navigator, partner))

    with pytest.raises(DomainError):
        revoke_consent(consent, user_id=navigator.user_id, note=note)
    assert consent.revoked_at is None


def test_a_consent_is_revoked_only_once(make, clinic, family, navigator):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    consent = record_consent(household, **valid(household, caregiver, navigator, partner))
    revoke_consent(consent, user_id=navigator.user_id, note="First")
    first = consent.revoked_at

    with pytest.raises(DomainError) as refused:
        revoke_consent(consent, user_id=navigator.user_id, note="Again")
    assert refused.value.code == "already_revoked"
    assert consent.revoked_at == first


def test_an_expired_consent_no_longer_covers(make, clinic, family, navigator, db_session):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    consent = record_consent(household, **valid(household, caregiver, navigator, partner))
    consent.expires_at = now_utc() - timedelta(seconds=1)

    assert covering_consent(partner, household.id, "legal") is None
    [row] = consent_rows(household.id)
    assert row.status(now_utc()) == "expired"


def test_of_two_people_revoking_at_once_the_second_is_told_it_is_done(
    make, clinic, family, navigator, db_session
):
    household, caregiver = family
    partner = make.partner_organization(clinic)
    consent = record_consent(household, **valid(household, caregiver, navigator, partner))
    db_session.flush()
    colleague = make.member(clinic, Role.FRONT_DESK)
    # A colleague's revocation has reached the database; this page still shows the consent active.
    db_session.execute(
        sa.update(Consent)
        .where(Consent.id == consent.id)
        .values(revoked_at=now_utc(), revoked_by_id=colleague.user_id)
        .execution_options(synchronize_session=False)
    )
    assert consent.revoked_at is None

    with pytest.raises(DomainError) as refused:
        revoke_consent(consent, user_id=navigator.user_id, note="Also asked")

    assert refused.value.code == "already_revoked"
    db_session.refresh(consent)
    assert consent.revoked_by_id == colleague.user_id
