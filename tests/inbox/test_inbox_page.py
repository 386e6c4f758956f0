"""The in-app inbox and the unread badge in the header, for staff and partner users."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.clinics.models import PartnerKind
from app.core.roles import NavigatorKind, Role
from app.inbox.models import Notification
from app.inbox.operations import notify
from app.referrals.models import ReferralTarget
from tests.pages import text_of
from tests.referrals.builders import consent_for, family, refer


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


@pytest.fixture
def specialist(make, clinic):
    return make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.HEALTHYSTEPS_SPECIALIST)


def _badge(page) -> int:
    found = re.search(r'class="inbox-link">[^<]*(?:<span class="tag tag-warn">(\d+))?',
                      page.get_data(as_text=True))  # fmt: skip
    assert found, "the header has no inbox link"
    return int(found.group(1) or 0)


def test_the_badge_counts_unread_notifications_and_the_inbox_lists_them_newest_first(
    make, clinic, login, clinician, specialist
):
    first = refer(family(make, clinic, name="Rivera"), clinician.user_id)
    handoff_family = family(make, clinic, name="Okafor")
    handoff = refer(handoff_family, clinician.user_id, is_warm_handoff=True,
                    appointment_id=handoff_family.appointment.id)  # fmt: skip
    client = login(specialist)

    home = client.get("/")
    assert _badge(home) == 2

    page = client.get("/inbox/")
    text, html = text_of(page), page.get_data(as_text=True)
    assert text.index("A family in clinic is waiting for a warm handoff now.") < text.index(
        "A new referral is waiting for your team."
    )
    assert html.index(f"/referrals/{handoff.id}") < html.index(f"/referrals/{first.id}")
    assert "2 unread notifications" in text
    for name in ("Rivera", "Okafor", "Mateo", "Ana"):
        assert name not in text.split("Inbox", 2)[-1]


def test_mark_all_read_clears_the_badge(make, db_session, clinic, login, clinician, specialist):
    refer(family(make, clinic), clinician.user_id)
    client = login(specialist)

    page = client.post("/inbox/read", follow_redirects=True)

    assert "Every notification is marked as read." in text_of(page)
    assert _badge(page) == 0
    assert "0 unread notifications" in text_of(page)
    assert db_session.scalar(sa.select(Notification.read_at)) is not None


def test_each_user_sees_only_their_own_notifications_of_this_clinic(
    make, db_session, clinic, login, clinician, specialist
):
    refer(family(make, clinic), clinician.user_id)
    elsewhere = make.clinic()
    notify(elsewhere.id, [specialist.user_id], "follow_up_assigned")  # another clinic's

    client = login(clinician)
    page = client.get("/inbox/")
    assert _badge(page) == 0
    assert "No notifications yet." in text_of(page)
    client.post("/sign-out")
    client = login(specialist)
    assert _badge(client.get("/inbox/")) == 1
    client.post("/inbox/read")
    assert (
        db_session.scalar(
            sa.select(Notification.read_at).where(Notification.clinic_id == elsewhere.id)
        )
        is None
    )


def test_a_partner_user_reads_its_inbox_and_is_led_to_the_partner_portal(
    make, clinic, login, clinician
):
    pantry = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    partner_user = make.member(clinic, Role.PARTNER, partner_organization_id=pantry.id)
    rivera = family(make, clinic)
    consent_for(rivera, pantry, clinician.user_id)
    referral = refer(rivera, clinician.user_id, ReferralTarget.PARTNER,
                     partner_organization_id=pantry.id)  # fmt: skip

    page = login(partner_user).get("/inbox/")

    assert page.status_code == 200
    assert _badge(page) == 1
    html = page.get_data(as_text=True)
    assert f"/partner/referrals/{referral.id}" in html
    assert f'href="/referrals/{referral.id}"' not in html


def test_the_badge_costs_the_same_queries_however_many_notifications(
    make, clinic, login, clinician, specialist, count_queries
):
    client = login(specialist)
    client.get("/practices/")  # the same state of the session before each count
    with count_queries() as none:
        client.get("/practices/")

    for name in ("Rivera", "Okafor", "Nguyen", "Haddad"):
        refer(family(make, clinic, name=name), clinician.user_id)
    client.get("/practices/")
    with count_queries() as four:
        client.get("/practices/")

    assert four.count == none.count
