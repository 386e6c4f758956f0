"""Navigator worklist and partner referral list at volume: queries per page and server latency.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/wellthread_bench \
        .venv/bin/python bench/referrals.py        # the database is emptied and rebuilt
    .venv/bin/python bench/referrals.py            # SQLite in a temp folder

Builds the demo clinic, then 10,000 referrals over its families (internal teams and the legal-aid
and community partners, every status, the events of each transition, consents for the partner ones)
and 2,000 follow-ups with contact attempts. Prints the queries and median server time of the
HealthySteps specialist's worklist and of the legal partner's referral list, with the number of
rows each shows (tests assert the query counts do not grow with the rows).
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from app.accounts.models import Membership
from app.clinics.models import PartnerOrganization
from app.consents.models import Consent, ConsentMethod
from app.consents.queries import RECIPIENT_FOR_PARTNER
from app.core.roles import NavigatorKind, Role
from app.db import now_utc
from app.demo.seed import DEMO_TIMEZONE, demo_clinic, seed_demo_clinic
from app.extensions import db
from app.families.models import Household
from app.followups.models import ContactAttempt, ContactMethod, FollowUp
from app.referrals.models import (
    OPEN_STATUSES,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferralTarget,
    Side,
)
from bench.common import bench_app, median_ms

REFERRALS, FOLLOW_UPS, RUNS = 10_000, 2_000, 30
NEEDS = ("food", "housing", "utilities", "transportation", "child_care", "income_benefits", "legal")


def _member(clinic_id: int, role: Role, kind: NavigatorKind | None = None) -> Membership:
    query = sa.select(Membership).where(Membership.clinic_id == clinic_id, Membership.role == role)
    if kind:
        query = query.where(Membership.navigator_kind == kind)
    return db.session.scalars(query).first()


def _referral(
    rng: Random, clinic_id: int, household: Household, people: dict, partners
) -> Referral:
    target = rng.choice([*RESPONDER_TARGETS, ReferralTarget.PARTNER, ReferralTarget.PARTNER])
    status = rng.choice(list(ReferralStatus))
    requested = now_utc() - timedelta(days=rng.randint(0, 1000), minutes=rng.randint(0, 600))
    referral = Referral(
        clinic_id=clinic_id, household_id=household.id,
        child_id=household.children[0].id if household.children else None,
        need=rng.choice(NEEDS), target=target, status=status,
        requested_by_id=people["clinician"].user_id, requested_at=requested,
        is_warm_handoff=rng.random() < 0.1,
    )  # fmt: skip
    if target == ReferralTarget.PARTNER:
        partner = rng.choice(partners)
        referral.partner_organization_id = partner.id
        referral.consent = people["consents"][(household.id, partner.id)]
    elif status not in (ReferralStatus.DRAFT, ReferralStatus.REQUESTED):
        referral.owner_user_id = people["healthysteps"].user_id
    if status not in (ReferralStatus.DRAFT, ReferralStatus.REQUESTED, ReferralStatus.REJECTED):
        referral.accepted_at = requested + timedelta(minutes=rng.randint(2, 3000))
    if status not in OPEN_STATUSES:
        referral.closed_at = requested + timedelta(days=rng.randint(1, 60))
        referral.outcome = (
            "Connected with the service." if status == ReferralStatus.COMPLETED else None
        )
    referral.events = [
        ReferralEvent(clinic_id=clinic_id, from_status=None, to_status=ReferralStatus.REQUESTED,
                      side=Side.REQUESTER, actor_user_id=people["clinician"].user_id,
                      occurred_at=requested),
        ReferralEvent(clinic_id=clinic_id, from_status=ReferralStatus.REQUESTED, to_status=status,
                      side=Side.RESPONDER, occurred_at=requested + timedelta(hours=2)),
    ]  # fmt: skip
    return referral


RESPONDER_TARGETS = (
    ReferralTarget.HEALTHYSTEPS_SPECIALIST,
    ReferralTarget.DULCE_FAMILY_SPECIALIST,
    ReferralTarget.COMMUNITY_HEALTH_WORKER,
    ReferralTarget.SOCIAL_WORKER,
)


def _consents(clinic_id: int, households, partners) -> dict:
    consents = {}
    for household in households:
        for partner in partners:
            recipient = RECIPIENT_FOR_PARTNER[partner.kind]
            consents[(household.id, partner.id)] = Consent(
                clinic_id=clinic_id, household_id=household.id, recipient=recipient,
                partner_organization_id=partner.id, scope_needs=list(NEEDS),
                scope_data=["contact", "child", "needs"], method=ConsentMethod.VERBAL,
            )  # fmt: skip
    db.session.add_all(consents.values())
    return consents


def _volume(clinic_id: int, people: dict) -> None:
    rng = Random(8)  # noqa: S311 — synthetic data, reproducible on purpose
    households = list(
        db.session.scalars(sa.select(Household).where(Household.clinic_id == clinic_id))
    )
    partners = list(
        db.session.scalars(
            sa.select(PartnerOrganization).where(PartnerOrganization.clinic_id == clinic_id)
        )
    )
    people["consents"] = _consents(clinic_id, households, partners)
    for _batch in range(REFERRALS // 1000):
        db.session.add_all(
            _referral(rng, clinic_id, rng.choice(households), people, partners) for _ in range(1000)
        )
        db.session.flush()
    today = now_utc().astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
    for n in range(FOLLOW_UPS):
        household = rng.choice(households)
        done = rng.random() < 0.7
        follow_up = FollowUp(
            clinic_id=clinic_id, household_id=household.id, title="Call about the food pantry",
            assignee_id=people["healthysteps"].user_id if n % 4 == 0 else people["chw"].user_id,
            due_on=today + timedelta(days=rng.randint(-60, 30)),
            created_by_id=people["clinician"].user_id, done_at=now_utc() if done else None,
        )  # fmt: skip
        follow_up.attempts = [
            ContactAttempt(
                clinic_id=clinic_id,
                household_id=household.id,
                method=rng.choice(list(ContactMethod)),
                is_reached=rng.random() < 0.5,
                attempted_by_id=follow_up.assignee_id,
            )
            for _ in range(rng.randint(0, 3))
        ]
        db.session.add(follow_up)
    db.session.flush()


def _measure(app, email: str, password: str, path: str, counted: list) -> tuple[int, float, int]:
    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": password})
    counted.clear()
    page = client.get(path)
    if page.status_code != 200:
        raise SystemExit(f"{path} answered {page.status_code}")
    queries = len(counted)
    rows = page.get_data(as_text=True).count("<tr") - 1
    return queries, median_ms(lambda: client.get(path), RUNS), rows


def main() -> None:
    app = bench_app()
    password = secrets.token_urlsafe(12)
    with app.app_context():
        today = now_utc().astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
        seed_demo_clinic(today, password=password)
        clinic = demo_clinic()
        people = {
            "clinician": _member(clinic.id, Role.CLINICIAN),
            "healthysteps": _member(
                clinic.id, Role.NAVIGATOR, NavigatorKind.HEALTHYSTEPS_SPECIALIST
            ),
            "chw": _member(clinic.id, Role.NAVIGATOR, NavigatorKind.COMMUNITY_HEALTH_WORKER),
            "partner": _member(clinic.id, Role.PARTNER),
        }
        _volume(clinic.id, people)
        db.session.commit()
        emails = {key: people[key].user.email for key in ("healthysteps", "partner")}
        total = db.session.scalar(sa.select(sa.func.count(Referral.id)))
        engine = db.engine.url.get_backend_name()
        counted: list = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: counted.append(1))

    print(f"engine: {engine}; referrals: {total}; follow-ups: {FOLLOW_UPS}")
    for label, key, path in (
        ("navigator worklist (HealthySteps specialist)", "healthysteps", "/followups/"),
        ("partner referral list (legal aid), every status", "partner", "/partner/"),
        ("partner referral list (legal aid), new", "partner", "/partner/?status=new"),
    ):
        queries, ms, rows = _measure(app, emails[key], password, path, counted)
        print(f"{label}: {rows} rows, {queries} queries, median {ms:.1f} ms over {RUNS}")


if __name__ == "__main__":
    main()
