"""The visit page's "Referrals and warm handoffs" section, as the clinician in the exam room sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.referrals.models import ReasonCode, ReferralStatus, ReferralTarget, Side
from tests.pages import text_of
from tests.referrals.builders import bring_to, family, move, refer

S = ReferralStatus


@pytest.fixture
def clinician(make, clinic):
    return make.member(clinic, Role.CLINICIAN)


@pytest.fixture
def specialist(make, clinic):
    return make.member(clinic, Role.NAVIGATOR, navigator_kind=NavigatorKind.HEALTHYSTEPS_SPECIALIST)


def _section(page) -> str:
    text = text_of(page)
    start = text.index("Referrals and warm handoffs")
    return text[start : text.index("Guidance for this visit")]


def test_open_referrals_show_status_team_need_and_age(make, clinic, login, clinician, specialist):
    rivera = family(make, clinic)
    waiting = refer(rivera, clinician.user_id, need="housing")
    waiting.requested_at = now_utc() - timedelta(days=3, hours=1)
    bring_to(refer(rivera, clinician.user_id, ReferralTarget.SOCIAL_WORKER, submit=False),
             S.IN_PROGRESS, clinician.user_id, specialist.user_id)  # fmt: skip

    section = _section(login(clinician).get(f"/visits/{rivera.appointment.id}"))

    assert "Housing → HealthySteps specialist Requested open 3 days" in section
    assert "Food → Social worker In progress open 0 days" in section
    assert "No open referrals" not in section


def test_a_completed_referral_shows_its_outcome_as_a_closed_loop(
    make, clinic, login, clinician, specialist
):
    rivera = family(make, clinic)
    referral = bring_to(refer(rivera, clinician.user_id, submit=False), S.ACCEPTED,
                        clinician.user_id, specialist.user_id)  # fmt: skip
    move(referral, S.COMPLETED, Side.RESPONDER, specialist.user_id,
         outcome="Picked up a food box; enrolled in WIC")  # fmt: skip

    section = _section(login(clinician).get(f"/visits/{rivera.appointment.id}"))

    assert "No open referrals for this family." in section
    assert "Recently closed" in section
    assert "Completed Loop closed" in section
    assert "Outcome: Picked up a food box; enrolled in WIC" in section


def test_long_closed_and_mistaken_referrals_are_left_out(
    make, db_session, clinic, login, clinician, specialist
):
    rivera = family(make, clinic)
    old = bring_to(refer(rivera, clinician.user_id, need="housing", submit=False), S.COMPLETED,
                   clinician.user_id, specialist.user_id)  # fmt: skip
    old.closed_at = now_utc() - timedelta(days=120)
    bring_to(refer(rivera, clinician.user_id, need="utilities", submit=False),
             S.ENTERED_IN_ERROR, clinician.user_id, specialist.user_id)  # fmt: skip
    declined = refer(rivera, clinician.user_id, need="transportation")
    move(declined, S.REJECTED, Side.RESPONDER, specialist.user_id,
         reason_code=ReasonCode.NO_CAPACITY)  # fmt: skip

    section = _section(login(clinician).get(f"/visits/{rivera.appointment.id}"))

    assert "Housing" not in section
    assert "Utilities" not in section
    assert "Transportation → HealthySteps specialist Declined" in section


def test_the_buttons_start_a_warm_handoff_or_a_referral_for_this_visit(
    make, clinic, login, clinician
):
    rivera = family(make, clinic)
    client = login(clinician)

    html = client.get(f"/visits/{rivera.appointment.id}").get_data(as_text=True)

    handoff = (f"/referrals/new?handoff=1&amp;child_id={rivera.child.id}"
               f"&amp;appointment_id={rivera.appointment.id}")  # fmt: skip
    assert f'href="{handoff}">Warm handoff now</a>' in html
    refer_link = (
        f"/referrals/new?child_id={rivera.child.id}&amp;appointment_id={rivera.appointment.id}"
    )
    assert f'href="{refer_link}">Refer</a>' in html
    form = client.get(handoff.replace("&amp;", "&"))
    assert 'checked id="is_warm_handoff"' in form.get_data(as_text=True)
