"""The live warm-handoff panel in real headless Chromium: a new handoff appears without a reload,
under the app's Content-Security-Policy, and Accept works in place."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa

from app.core.roles import Role
from app.extensions import db
from app.families.models import Child
from app.referrals.models import Referral, ReferralStatus, ReferralTarget
from app.referrals.operations import open_referral
from tests.browser.conftest import CHROMIUM_ARGS, _chromium, live_app, live_url  # noqa: F401
from tests.factories import Factory


def _in_own_thread(scenario: Callable[[], Any]) -> Any:
    """Run a Playwright scenario on a thread of its own: the sync API refuses a thread where
    another browser (the screener tests' session-wide one) already runs its event loop."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = scenario()
        except BaseException as error:  # re-raised on the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="handoff-browser")
    thread.start()
    thread.join(timeout=90)
    assert not thread.is_alive(), "the browser scenario did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _seed(app) -> dict[str, Any]:
    with app.app_context():
        make = Factory(today=date.today())
        clinic = make.clinic()
        navigator, clinician = make.member(clinic, Role.NAVIGATOR), make.member(clinic)
        household = make.household(clinic, name="Quintero")
        make.caregiver(household, given_name="Marisol", preferred_language="es")
        child = make.child(household, given_name="Tomasito")
        appointment = make.appointment(child)
        db.session.commit()
        seeded = {
            "email": navigator.user.email, "navigator_id": navigator.user_id,
            "clinician_id": clinician.user_id, "child_id": child.id,
            "appointment_id": appointment.id,
        }  # fmt: skip
        db.session.remove()
        return seeded


def _ask_for_handoff(app, seeded: dict[str, Any]) -> int:
    """The clinician asks for a warm handoff while the navigator's page is open."""
    with app.app_context():
        child = db.session.get(Child, seeded["child_id"])
        referral = open_referral(
            household=child.household, child=child, requested_by_id=seeded["clinician_id"],
            need="parenting", target=ReferralTarget.HEALTHYSTEPS_SPECIALIST,
            is_warm_handoff=True, appointment_id=seeded["appointment_id"],
        )  # fmt: skip
        db.session.commit()
        referral_id = referral.id
        db.session.remove()
        return referral_id


def _watch(page, origin: str) -> list[str]:
    """Script errors and CSP refusals (console), failed loads and requests leaving the origin."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("request", lambda r: None if r.url.startswith(origin) else problems.append(r.url))
    return problems


def _navigator_at_the_desk(executable: str, app, origin: str, seeded: dict[str, Any]):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
        page.set_default_timeout(15_000)
        problems = _watch(page, origin)
        page.goto(f"{origin}/sign-in")
        page.get_by_label("E-mail").fill(seeded["email"])
        page.get_by_label("Password").fill(Factory.password)
        page.get_by_role("button", name="Sign in").click()
        panel = page.locator("#live-handoffs")
        panel.get_by_text("No family is waiting for a warm handoff.").wait_for()
        page.evaluate("() => { window.notReloaded = true; }")

        referral_id = _ask_for_handoff(app, seeded)
        panel.get_by_text("Tomasito").wait_for()  # brought in by the poll
        shown = panel.inner_text()
        still_same_page = page.evaluate("() => window.notReloaded === true")

        panel.get_by_role("button", name="Accept").click()
        panel.get_by_text("You accepted the warm handoff.").wait_for()
        panel.get_by_text("No family is waiting for a warm handoff.").wait_for()
        browser.close()
    return referral_id, shown, still_same_page, problems


def test_a_new_handoff_appears_without_reload_and_is_accepted_in_place(
    live_app,  # noqa: F811
    live_url,  # noqa: F811
):
    executable = _chromium()
    seeded = _seed(live_app)
    referral_id, shown, still_same_page, problems = _in_own_thread(
        lambda: _navigator_at_the_desk(executable, live_app, live_url, seeded)
    )
    assert still_same_page
    assert "Parenting support" in shown
    assert "Quintero" not in shown
    assert problems == []
    with live_app.app_context():
        saved = db.session.scalar(sa.select(Referral).where(Referral.id == referral_id))
        assert saved.status == ReferralStatus.ACCEPTED
        assert saved.owner_user_id == seeded["navigator_id"]
        db.session.remove()
