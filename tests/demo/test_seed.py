"""The demo clinic: every role can sign in and the schedule looks like a clinic's working week."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.accounts.models import Membership
from app.appointments.models import VISIT_AGE_DAYS, Appointment, VisitKind
from app.appointments.queries import appointments_on_day
from app.clinics.models import Clinic, PartnerKind
from app.core.roles import NavigatorKind, Role
from app.demo.cli import seed_demo
from app.demo.seed import DEMO_SLUG, DEMO_TIMEZONE, seed_demo_clinic
from app.families.models import Caregiver, Child, Household
from app.followups.models import FollowUp
from app.huddles.board import board_for_day
from app.referrals.models import Referral, ReferralStatus
from app.screening.queries import open_critical_flags

WEDNESDAY = date(2026, 3, 11)
SATURDAY = date(2026, 3, 14)
PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(db_session):
    return seed_demo_clinic(WEDNESDAY, password=PASSWORD)


def _closest_visit(age_in_days: int) -> VisitKind:
    return min(VISIT_AGE_DAYS, key=lambda kind: abs(VISIT_AGE_DAYS[kind] - age_in_days))


def test_every_role_has_a_demo_account(demo, db_session):
    memberships = db_session.scalars(
        sa.select(Membership).where(Membership.clinic_id == demo.clinic.id)
    ).all()
    assert {m.role for m in memberships} == set(Role)
    assert {m.navigator_kind for m in memberships if m.navigator_kind} == set(NavigatorKind)
    assert all(m.user.email.endswith("@riverside.example") for m in memberships)
    assert len(demo.accounts) == len(memberships)


def test_demo_has_at_least_sixty_households(demo, db_session):
    households = db_session.scalar(
        sa.select(sa.func.count(Household.id)).where(Household.clinic_id == demo.clinic.id)
    )
    assert households >= 60
    assert demo.households == households


def test_every_well_child_visit_age_is_represented(demo, db_session):
    children = db_session.scalars(sa.select(Child).where(Child.clinic_id == demo.clinic.id)).all()
    closest = {_closest_visit((WEDNESDAY - child.date_of_birth).days) for child in children}
    booked = set(
        db_session.scalars(
            sa.select(Appointment.visit_kind).where(Appointment.clinic_id == demo.clinic.id)
        )
    )
    assert set(VisitKind) - {VisitKind.OTHER} <= closest | booked


def test_caregivers_speak_at_least_four_languages(demo, db_session):
    languages = set(
        db_session.scalars(
            sa.select(Caregiver.preferred_language).where(Caregiver.clinic_id == demo.clinic.id)
        )
    )
    assert len(languages) >= 4


@pytest.mark.parametrize("today", [WEDNESDAY, SATURDAY])
def test_today_is_busy_at_both_sites_with_both_clinicians(db_session, today):
    summary = seed_demo_clinic(today, password=PASSWORD)
    todays = appointments_on_day(summary.clinic.id, today, ZoneInfo(DEMO_TIMEZONE))
    assert len(todays) >= 12
    assert summary.appointments_today == len(todays)
    assert len({a.site_id for a in todays}) == 2
    assert len({a.clinician_id for a in todays}) == 2


def test_seeding_again_changes_nothing_and_shows_the_accounts(app, demo, db_session):
    result = app.test_cli_runner().invoke(seed_demo, [])
    assert result.exit_code == 0
    assert "already" in result.output
    assert "dr.okafor@riverside.example" in result.output
    assert (
        db_session.scalar(sa.select(sa.func.count(Clinic.id)).where(Clinic.slug == DEMO_SLUG)) == 1
    )


def test_reset_is_refused_because_the_audit_log_is_append_only(app, demo):
    result = app.test_cli_runner().invoke(seed_demo, ["--reset"])
    assert result.exit_code == 1
    assert "append-only" in result.output


def test_seed_demo_prints_how_to_sign_in_as_every_role(app, db_session):
    result = app.test_cli_runner().invoke(seed_demo, ["--password", PASSWORD])
    assert result.exit_code == 0, result.output
    for mailbox in ("admin", "manager", "nurse", "frontdesk", "dulce", "legal"):
        assert f"{mailbox}@riverside.example" in result.output
    assert PASSWORD in result.output
    assert db_session.scalar(sa.select(Clinic.id).where(Clinic.slug == DEMO_SLUG)) is not None


def test_the_demo_shows_every_stage_of_a_referral(demo, db_session):
    referrals = db_session.scalars(sa.select(Referral)).all()

    handoffs = [r for r in referrals if r.is_warm_handoff]
    assert [r.status for r in handoffs] == [ReferralStatus.REQUESTED]
    partner_targets = {r.partner_organization.kind for r in referrals if r.partner_organization}
    assert partner_targets == {PartnerKind.LEGAL_AID, PartnerKind.COMMUNITY}
    assert all(r.consent_id for r in referrals if r.partner_organization_id)
    closed = [r for r in referrals if r.status == ReferralStatus.COMPLETED]
    assert closed
    assert closed[0].outcome
    overdue = db_session.scalars(sa.select(FollowUp).where(FollowUp.due_on < WEDNESDAY)).all()
    assert len(overdue) == 1
    assert len(overdue[0].attempts) == 2


def test_todays_board_lists_every_demo_visit_with_yesterdays_loose_ends(demo, db_session, make):
    clinic = db_session.scalar(sa.select(Clinic).where(Clinic.slug == DEMO_SLUG))
    today_visits = appointments_on_day(clinic.id, WEDNESDAY, ZoneInfo(DEMO_TIMEZONE))
    first = today_visits[0]
    make.screen(first, "phq-2", {f"phq-{n}": "2" for n in range(1, 9)} | {"phq-9": "1"},
                caregiver=first.child.household.primary_caregiver,
                client_submission_id="board-critical")  # fmt: skip
    board = board_for_day(clinic.id, WEDNESDAY)

    assert [row.appointment.id for row in board.rows] == [
        a.id for a in today_visits if a.status.value != "cancelled"
    ]
    critical = {f.household_id for f in open_critical_flags(clinic.id)}
    flagged = {row.child.household_id for row in board.rows if row.critical_flags}
    assert first.child.household_id in flagged
    assert flagged == critical & {row.child.household_id for row in board.rows}
    noted = [row for row in board.rows if row.last_note is not None]
    assert len(noted) == 2
    assert [item.title for item in board.loose_ends.action_items] == [
        "Bring a sibling-adjustment handout to today's visit"
    ]
