"""The partner portal as a partner organization's user reads it: only its referrals, only what the
family agreed to share, for as long as the family agrees; every read audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.clinics.models import PartnerKind
from app.core.clock import whole_months_between
from app.core.roles import Role
from app.db import now_utc
from app.referrals.models import ReferralStatus, ReferralTarget, Side
from app.referrals.operations import open_referral, transition_referral
from tests.pages import text_of
from tests.partners.sharing import consent_to, refer
from tests.records import events

HIDDEN = "The family has withdrawn consent; details are hidden."
EXPIRED = "The family's consent has expired; details are hidden."


def detail(shared) -> str:
    return f"/partner/referrals/{shared.referral.id}"


def test_a_partner_sees_only_its_own_organizations_referrals(
    make, clinic, partner, partner_user, clinician, login
):
    mine = refer(make, clinic, partner, clinician, family="Okafor", caregiver_name="Ngozi")
    other = make.partner_organization(clinic)
    theirs = refer(make, clinic, other, clinician, family="Nguyen", caregiver_name="Linh")
    client = login(partner_user)

    page = text_of(client.get("/partner/"))

    assert "Ngozi Okafor" in page
    assert "Linh" not in page
    assert "1 referral" in page
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404


def _contact(shared):
    return ["Ana Rivera", "+1 555 0100", "Spanish"]


def _child(shared):
    months = whole_months_between(shared.child.date_of_birth, date.today())
    return ["Mateo", f"{months} months"]


def _needs(shared):
    return ["A legal worry", "Housing and utilities", "Eviction notice on the door"]


SHOWN_BY = {"contact": _contact, "child": _child, "needs": _needs}


@pytest.mark.parametrize(
    "scope",
    [("needs",), ("contact",), ("child",), ("contact", "needs"), ("contact", "child", "needs")],
)
def test_the_detail_shows_exactly_what_the_consent_shares(
    make, clinic, partner, partner_user, clinician, login, scope
):
    shared = refer(make, clinic, partner, clinician, data=scope)

    page = text_of(login(partner_user).get(detail(shared)))

    for item, shown in SHOWN_BY.items():
        for words in shown(shared):
            assert (words in page) == (item in scope), (item, words)


def test_a_consent_sharing_only_needs_shows_no_phone_in_the_list(
    make, clinic, partner, partner_user, clinician, login
):
    refer(make, clinic, partner, clinician, data=("needs",))

    page = text_of(login(partner_user).get("/partner/"))

    assert "A legal worry" in page
    for hidden in ("Ana Rivera", "+1 555 0100", "Mateo"):
        assert hidden not in page


def test_never_a_score_a_flag_or_another_need(make, clinic, login, db_session):
    community = make.partner_organization(clinic, PartnerKind.COMMUNITY)
    partner_user = make.member(clinic, Role.PARTNER, partner_organization_id=community.id)
    clinician = make.member(clinic, Role.CLINICIAN)
    household = make.household(clinic, name="Haddad")
    caregiver = make.caregiver(household, given_name="Rania", phone="+1 555 0199")
    child = make.child(household, given_name="Omar")
    visit = make.appointment(child)
    screen = make.screen(visit, "phq-9", {f"phq-{n}": "2" for n in range(1, 10)})
    consent_to(household, community, caregiver, clinician.user_id,
               needs=("caregiver_depression", "food"), partner_organization_id=None)  # fmt: skip
    referral = open_referral(
        household=household, child=child, requested_by_id=clinician.user_id,
        need="caregiver_depression", target=ReferralTarget.PARTNER,
        partner_organization_id=community.id, request_note="Would like a parents' group",
        flag_ids=[f.id for f in screen.flags],
    )  # fmt: skip

    page = text_of(login(partner_user).get(f"/partner/referrals/{referral.id}"))

    assert "Caregiver depression" in page
    assert "Would like a parents' group" in page
    for never in ("PHQ", "Score", "of 27", "depressive", "critical", "Food", "safety"):
        assert never not in page


def test_a_revoked_consent_leaves_only_the_withdrawal_notice(
    make, clinic, partner, partner_user, clinician, login, db_session
):
    shared = refer(make, clinic, partner, clinician, family="Okafor", caregiver_name="Ngozi")
    shared.consent.revoked_at = now_utc()
    client = login(partner_user)

    listed = text_of(client.get("/partner/"))
    page = text_of(client.get(detail(shared)))

    for seen in (listed, page):
        assert HIDDEN in seen
        for hidden in ("Ngozi", "Okafor", "Mateo", "A legal worry", "Eviction", "+1 555"):
            assert hidden not in seen
    assert "Accept" not in page


def test_an_expired_consent_hides_the_details_too(
    make, clinic, partner, partner_user, clinician, login
):
    shared = refer(make, clinic, partner, clinician, caregiver_name="Ngozi")
    shared.consent.expires_at = now_utc() - timedelta(minutes=1)

    page = text_of(login(partner_user).get(detail(shared)))

    assert EXPIRED in page
    assert "Ngozi" not in page


def test_a_referral_its_consent_never_covered_does_not_exist_for_the_partner(
    make, clinic, partner, partner_user, clinician, login
):
    shared = refer(make, clinic, partner, clinician, caregiver_name="Ngozi")
    # The referral points at a consent of the family that does not name its need.
    food_only = consent_to(shared.household, partner, shared.caregiver, clinician.user_id,
                           needs=("food",))  # fmt: skip
    shared.referral.consent_id = food_only.id
    client = login(partner_user)

    assert client.get(detail(shared)).status_code == 404
    assert "Ngozi" not in text_of(client.get("/partner/"))


def test_a_draft_never_reaches_the_partner(make, clinic, partner, partner_user, clinician, login):
    draft = refer(make, clinic, partner, clinician, caregiver_name="Ngozi", submit=False)
    client = login(partner_user)

    assert client.get(detail(draft)).status_code == 404
    assert "Ngozi" not in text_of(client.get("/partner/"))


def test_every_partner_read_is_audited_with_the_family(
    make, clinic, partner, partner_user, clinician, login, db_session
):
    shared = refer(make, clinic, partner, clinician)
    client = login(partner_user)

    client.get("/partner/")
    client.get(detail(shared))

    reads = events(db_session, "view", object_type="referrals", actor_user_id=partner_user.user_id)
    assert [e.details["page"] for e in reads] == ["partner_list", "partner_referral"]
    for read in reads:
        assert read.child_id == shared.child.id
        assert read.household_id == shared.household.id
        assert read.details["shared"] == ["child", "contact", "needs"]


def test_the_status_filter(make, clinic, partner, partner_user, clinician, login):
    new = refer(make, clinic, partner, clinician, caregiver_name="Nadia")
    working = refer(make, clinic, partner, clinician, caregiver_name="Wen")
    closed = refer(make, clinic, partner, clinician, caregiver_name="Clara")
    for referral, target in ((working.referral, ReferralStatus.ACCEPTED),
                             (closed.referral, ReferralStatus.ACCEPTED),
                             (closed.referral, ReferralStatus.COMPLETED)):  # fmt: skip
        transition_referral(referral, target, actor_user_id=partner_user.user_id,
                            side=Side.RESPONDER, expected_version=None, outcome="Done")  # fmt: skip
    client = login(partner_user)

    def names(status: str) -> set[str]:
        page = text_of(client.get("/partner/", query_string={"status": status}))
        return {name for name in ("Nadia", "Wen", "Clara") if name in page}

    assert names("") == {"Nadia", "Wen", "Clara"}
    assert names("new") == {"Nadia"}
    assert names("in_progress") == {"Wen"}
    assert names("closed") == {"Clara"}
    assert new.referral.status == ReferralStatus.REQUESTED


def _list_queries(make, clinic, partner, partner_user, clinician, login, count_queries, n):
    for i in range(n):
        refer(make, clinic, partner, clinician, caregiver_name=f"Parent{i}")
    client = login(partner_user)
    with count_queries() as counted:
        page = text_of(client.get("/partner/"))
    assert f"{n} referrals" in page
    client.post("/sign-out")
    return counted.count


def test_the_list_costs_the_same_queries_for_3_or_30_referrals(
    make, clinic, login, count_queries, clinician
):
    counts = []
    for n in (3, 30):
        partner = make.partner_organization(clinic)
        user = make.member(clinic, Role.PARTNER, partner_organization_id=partner.id)
        counts.append(
            _list_queries(make, clinic, partner, user, clinician, login, count_queries, n)
        )
    assert counts[0] == counts[1]


def test_the_partner_home_counts_new_and_in_progress_referrals(
    make, clinic, partner, partner_user, clinician, login
):
    for _ in range(2):
        refer(make, clinic, partner, clinician)
    accepted = refer(make, clinic, partner, clinician)
    transition_referral(accepted.referral, ReferralStatus.ACCEPTED, side=Side.RESPONDER,
                        actor_user_id=partner_user.user_id, expected_version=None)  # fmt: skip
    withdrawn = refer(make, clinic, partner, clinician)
    withdrawn.consent.revoked_at = now_utc()

    page = text_of(login(partner_user).get("/"))

    assert "Referrals sent to you" in page
    assert "2 new referrals waiting for your answer" in page
    assert "1 referral in progress" in page


def test_users_of_a_partnership_that_ended_see_nothing(make, clinic, login, db_session):
    partner_user = make.member(clinic, Role.PARTNER)
    partner_user.partner_organization.is_active = False
    db_session.flush()
    client = login(partner_user)

    assert client.get("/partner/").status_code == 403
    assert client.get("/").status_code == 403
