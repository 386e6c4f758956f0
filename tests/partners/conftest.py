"""A partner organization of the test's clinic, one of its users, and a clinician who refers to it."""

from __future__ import annotations

import pytest

from app.core.roles import Role


@pytest.fixture
def partner(make, clinic):
    return make.partner_organization(clinic)


@pytest.fixture
def partner_user(make, clinic, partner):
    return make.member(clinic, Role.PARTNER, partner_organization_id=partner.id)


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)
