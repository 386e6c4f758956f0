"""`flask seed-volume` at toy size: the data hangs together the way the app's own rules make it."""

import itertools
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.appointments.models import Appointment, AppointmentStatus
from app.clinics.models import Clinic, Site
from app.consents.models import Consent
from app.demo.volume_cli import seed_volume_command
from app.demo.volume_staff import MANAGER_EMAIL, VOLUME_SLUG, VOLUME_TIMEZONE
from app.families.models import Caregiver, Child, ProgramEnrolment
from app.followups.models import FollowUp, FollowUpSource
from app.huddles.models import Huddle
from app.referrals.models import Referral, ReferralEvent, ReferralReason, ReferralStatus
from app.screening.definitions import shipped_library
from app.screening.models import ScreeningResponse
from app.screening.scoring import score
from app.visits.models import PracticeDelivery
from tests.demo.volume_world import ARGS, END, PASSWORD, START

ZONE = ZoneInfo(VOLUME_TIMEZONE)


def _all(db_session, model, clinic):
    return db_session.scalars(sa.select(model).where(model.clinic_id == clinic.id)).all()


def test_the_clinic_has_the_proportions_of_a_practice(volume, db_session):
    children = _all(db_session, Child, volume)
    appointments = _all(db_session, Appointment, volume)
    completed = [a for a in appointments if a.status == AppointmentStatus.COMPLETED]
    responses = _all(db_session, ScreeningResponse, volume)

    assert len(_all(db_session, Site, volume)) == 2
    assert 2 * 15 * 4 * 0.9 <= len(children) <= 2 * 15 * 4 * 1.1  # births over [start − 3y, end]
    assert 2 * 15 * 13 * 0.8 <= len(appointments) <= 2 * 15 * 13 * 1.25
    assert 0.78 <= len(completed) / len(appointments) <= 0.94
    assert 1.0 <= len(responses) / len(completed) <= 2.5
    assert _all(db_session, Referral, volume)
    assert _all(db_session, ProgramEnrolment, volume)
    huddles = _all(db_session, Huddle, volume)
    assert len(huddles) >= 2 * 200  # about four working days in five at each site
    sources = Counter(f.source for f in _all(db_session, FollowUp, volume))
    assert sources[FollowUpSource.HUDDLE]
    assert sources[FollowUpSource.REFERRAL]


def test_every_household_has_exactly_one_primary_contact(volume, db_session):
    primaries = Counter()
    for caregiver in _all(db_session, Caregiver, volume):
        primaries[caregiver.household_id] += caregiver.is_primary_contact
    assert set(primaries.values()) == {1}


def test_appointments_are_weekday_visits_inside_the_window(volume, db_session):
    for appointment in _all(db_session, Appointment, volume):
        local = appointment.scheduled_at.astimezone(ZONE)
        assert START <= local.date() <= END
        assert local.weekday() < 5
        assert 8 <= local.hour < 17
        assert appointment.scheduled_at.date() >= appointment.child.date_of_birth


def test_practices_are_recorded_only_at_completed_visits_three_to_seven_each(volume, db_session):
    per_visit = Counter(d.appointment_id for d in _all(db_session, PracticeDelivery, volume))
    completed = {
        a.id
        for a in _all(db_session, Appointment, volume)
        if a.status == AppointmentStatus.COMPLETED
    }
    assert set(per_visit) == completed
    assert set(per_visit.values()) <= set(range(3, 8))


def test_screens_belong_to_their_visit_and_score_as_the_app_scores(volume, db_session):
    library = shipped_library()
    for response in _all(db_session, ScreeningResponse, volume):
        assert response.appointment.child_id == response.child_id
        assert response.child.household_id == response.household_id
        assert response.appointment.status == AppointmentStatus.COMPLETED
        result = score(library[response.instrument_key], response.answers)
        assert (response.total_score, response.band, response.is_positive) == (
            result.total, result.band, result.is_positive,
        )  # fmt: skip
        assert sorted(f.code for f in response.flags) == sorted(s.code for s in result.flags)
        for flag in response.flags:
            assert (flag.household_id, flag.child_id) == (response.household_id, response.child_id)
            assert flag.raised_at == response.submitted_at < response.appointment.scheduled_at
            if flag.acknowledged_at is not None:
                assert flag.kind.value == "critical"
                assert flag.acknowledged_at > flag.raised_at
    assert any(response.flags for response in _all(db_session, ScreeningResponse, volume))


def _events_by_referral(db_session) -> dict[int, list[ReferralEvent]]:
    by_referral = defaultdict(list)
    for event in db_session.scalars(sa.select(ReferralEvent).order_by(ReferralEvent.id)):
        by_referral[event.referral_id].append(event)
    return by_referral


def test_referral_histories_run_forward_and_end_where_the_referral_stands(volume, db_session):
    events = _events_by_referral(db_session)
    for referral in _all(db_session, Referral, volume):
        history = events[referral.id]
        assert [e.to_status for e in history[:2]] == [
            ReferralStatus.DRAFT,
            ReferralStatus.REQUESTED,
        ]
        assert [e.from_status for e in history[1:]] == [e.to_status for e in history[:-1]]
        times = [e.occurred_at for e in history]
        assert times == sorted(times)
        assert history[-1].to_status == referral.status
        assert referral.requested_at == times[0]
        if referral.accepted_at is not None:
            assert referral.requested_at <= referral.accepted_at
        if referral.closed_at is not None:
            assert (referral.accepted_at or referral.requested_at) <= referral.closed_at
        assert (referral.closed_at is None) == referral.status.is_open


def test_referrals_answer_their_familys_flags_and_partners_hold_consent(volume, db_session):
    for reason in db_session.scalars(sa.select(ReferralReason)):
        assert reason.flag.household_id == reason.referral.household_id
    for referral in _all(db_session, Referral, volume):
        if referral.partner_organization_id is not None:
            consent = db_session.get(Consent, referral.consent_id)
            assert consent.household_id == referral.household_id
            assert referral.need in consent.scope_needs
            assert consent.granted_at <= referral.requested_at
        if referral.is_warm_handoff:
            assert referral.appointment_id is not None


def test_the_practice_manager_signs_in(volume, client):
    response = client.post("/sign-in", data={"email": MANAGER_EMAIL, "password": PASSWORD})
    assert response.status_code == 302


def test_a_second_run_is_refused_and_writes_nothing(app, volume, db_session):
    before = db_session.scalar(sa.select(sa.func.count(Appointment.id)))
    result = app.test_cli_runner().invoke(seed_volume_command, ARGS)
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert db_session.scalar(sa.select(sa.func.count(Appointment.id))) == before
    assert (
        db_session.scalar(sa.select(sa.func.count(Clinic.id)).where(Clinic.slug == VOLUME_SLUG))
        == 1
    )


def test_yearly_family_screens_ask_each_household_at_most_once_a_year(app, db_session):
    result = app.test_cli_runner().invoke(
        seed_volume_command, [*ARGS, "--family-screens", "yearly"]
    )
    assert result.exit_code == 0, result.output
    clinic = db_session.scalar(sa.select(Clinic).where(Clinic.slug == VOLUME_SLUG))
    check_ins = defaultdict(list)
    for response in _all(db_session, ScreeningResponse, clinic):
        if response.instrument_key == "family-checkin" and response.status.value == "final":
            check_ins[response.household_id].append(response.submitted_at)
    assert check_ins
    for times in check_ins.values():
        times.sort()
        assert all((later - earlier).days >= 364 for earlier, later in itertools.pairwise(times))
