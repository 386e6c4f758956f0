"""Screening pages as the care team uses them: history, critical answers, paper entry, settings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from flask_babel import force_locale, gettext

from app.appointments.models import VisitKind
from app.core.roles import Role
from app.screening import queries
from app.screening.definitions import shipped_library
from app.screening.models import (
    Flag,
    FlagAction,
    FlagKind,
    ResponseSource,
    ScreeningResponse,
    ScreeningSetting,
)
from app.screening.operations import (
    acknowledge_critical_flag,
    load_instrument_text,
    mark_entered_in_error,
)
from tests.factories import CHECKIN_ALL_NO
from tests.pages import text_chunks, text_of
from tests.records import count, events

PHQ9_MODERATE = {f"phq-{n}": code for n, code in enumerate("112212210", start=1)}  # 12 of 27
SPANISH = {"Accept-Language": "es"}


def spanish(message: str) -> str:
    """The catalogue's Spanish for `message`; the test is skipped while it is not translated yet."""
    with force_locale("es"):
        translated = gettext(message)
    if translated == message:
        pytest.skip(f"Spanish catalogue has no translation yet for {message!r}")
    return translated


@pytest.fixture
def household(make, clinic):
    return make.household(clinic)


@pytest.fixture
def caregiver(make, household):
    return make.caregiver(household, given_name="Marisol")


@pytest.fixture
def child(make, household):
    return make.child(household)


@pytest.fixture
def appointment(make, child):
    return make.appointment(child, visit_kind=VisitKind.MONTH_2)


@pytest.fixture
def members(make, clinic) -> dict[Role, Any]:
    return {role: make.member(clinic, role) for role in Role}


def history_url(child) -> str:
    return f"/screening/children/{child.id}"


def critical_flag_of(response: ScreeningResponse) -> Flag:
    return next(f for f in response.flags if f.kind == FlagKind.CRITICAL)


# --- the child's screening history ------------------------------------------------------------


def test_history_explains_each_screen_in_plain_words(
    make, login, members, appointment, caregiver, child
):
    make.screen(appointment, "phq-9", PHQ9_MODERATE, caregiver=caregiver)
    make.screen(appointment, "family-checkin", {**CHECKIN_ALL_NO, "need-food": "yes"})
    make.screen(appointment, "hvs", {"hvs-1": "never"})
    make.screen(appointment, "phq-2", {"phq-1": "0", "phq-2": "1"})

    page = text_of(login(members[Role.NURSE_MA]).get(history_url(child)))

    assert "Score 12 of 27: moderate depressive symptoms: a positive screen (10 or more)." in page
    assert "Would like help with: Food." in page
    assert (
        "Not finished: some questions were not answered, so this screen cannot rule anything out."
        in page
    )
    assert "Score 1 of 6: below the cut-off of 3: no sign of depression on this screen." in page
    assert "answered by Marisol Rivera" in page
    assert f"at the visit of {child.full_name}" in page


def test_history_never_shows_a_score_without_its_meaning(make, login, members, appointment, child):
    make.screen(appointment, "phq-9", PHQ9_MODERATE)
    make.screen(appointment, "phq-9", {"phq-1": "3", "phq-2": "3", "phq-3": "3", "phq-4": "3"})
    make.screen(appointment, "phq-2", {"phq-1": "3", "phq-2": "0"})

    response = login(members[Role.CLINICIAN]).get(history_url(child))

    chunks, page = text_chunks(response), text_of(response)
    scores = [chunk for chunk in chunks if chunk.startswith("Score")]
    assert len(scores) == 2
    for line in scores:  # the figure, then what it means in words
        assert re.fullmatch(r"Score \d+ of \d+: [^.]{20,}\.", line), line
    assert "Not finished, but the answers given already add up to 12: a positive screen." in page
    # No figure stands alone as a result: every number on the page sits in a sentence.
    assert [
        chunk for chunk in chunks if re.fullmatch(r"[\d\s.,/:%()-]*\d[\d\s.,/:%()-]*", chunk)
    ] == []


def test_a_screen_entered_in_error_shows_why_and_no_score(
    make, db_session, login, members, appointment, child
):
    response = make.screen(appointment, "phq-9", PHQ9_MODERATE)
    mark_entered_in_error(response, reason="Wrong family", user_id=members[Role.NURSE_MA].user_id)

    page = text_of(login(members[Role.CLINICIAN]).get(history_url(child)))

    assert "Entered in error" in page
    assert "Not counted: Wrong family" in page
    assert "Score 12 of 27" not in page


def test_history_lists_what_is_due_at_the_next_visit(make, login, members, appointment, child):
    make.screen(appointment, "hvs", {"hvs-1": "never", "hvs-2": "never"})

    page = text_of(login(members[Role.FRONT_DESK]).get(history_url(child)))

    assert "Screens for upcoming visits" in page
    assert re.search(r"Patient Health Questionnaire-2 \(PHQ-2\) ?: Due", page)
    assert re.search(r"Hunger Vital Sign ?: Done for this visit", page)
    assert "Enter a paper screen for this visit" in page


def test_history_in_spanish(make, login, members, appointment, child):
    make.screen(appointment, "phq-9", PHQ9_MODERATE)
    client = login(members[Role.CLINICIAN])

    page = text_of(client.get(history_url(child), headers=SPANISH))

    assert spanish("Screening history") in page


# --- critical answers -------------------------------------------------------------------------


@pytest.fixture
def critical(make, appointment):
    return make.screen(appointment, "phq-9", {**PHQ9_MODERATE, "phq-9": "2"})


def test_an_open_critical_answer_is_an_alert_with_the_form_for_a_clinician(
    login, members, child, critical
):
    flag = critical_flag_of(critical)

    response = login(members[Role.CLINICIAN]).get(history_url(child))

    html = response.get_data(as_text=True)
    page = text_of(response)
    assert 'role="alert"' in html
    assert "1 critical answer needs a clinician today" in page
    assert "thoughts of being better off dead or of hurting themselves" in page
    assert f'action="/screening/flags/{flag.id}/acknowledge"' in html
    assert "Record the action taken" in page


def test_a_nurse_sees_the_alert_but_not_the_form(login, members, child, critical):
    flag = critical_flag_of(critical)

    response = login(members[Role.NURSE_MA]).get(history_url(child))

    page = text_of(response)
    assert "1 critical answer needs a clinician today" in page
    assert "Tell the clinician now. Only a clinician can record the action taken." in page
    assert f"/screening/flags/{flag.id}/acknowledge" not in response.get_data(as_text=True)


def test_a_nurse_cannot_acknowledge_a_critical_answer(db_session, login, members, critical):
    flag = critical_flag_of(critical)

    response = login(members[Role.NURSE_MA]).post(
        f"/screening/flags/{flag.id}/acknowledge", data={f"flag-{flag.id}-action": "assessed"}
    )

    assert response.status_code == 403
    assert db_session.get(Flag, flag.id).is_open


def test_a_clinician_records_the_action_and_the_alert_closes(
    db_session, login, members, child, critical
):
    flag = critical_flag_of(critical)
    client = login(members[Role.CLINICIAN])

    response = client.post(
        f"/screening/flags/{flag.id}/acknowledge",
        data={
            f"flag-{flag.id}-action": "warm_handoff",
            f"flag-{flag.id}-note": "Seen by behavioral health",
        },
    )

    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "critical answer needs a clinician" not in page
    assert "The action you took is recorded." in page
    clinician_name = members[Role.CLINICIAN].user.full_name
    assert (
        f"Action recorded by {clinician_name}: Warm handoff to behavioral health or a navigator."
        " Seen by behavioral health"
    ) in page
    assert db_session.get(Flag, flag.id).acknowledged_by_id == members[Role.CLINICIAN].user_id
    assert len(events(db_session, "update", object_type="screening_flags")) == 1


def test_other_without_a_note_is_refused_and_the_alert_stays(
    db_session, login, members, child, critical
):
    flag = critical_flag_of(critical)
    client = login(members[Role.CLINICIAN])

    response = client.post(
        f"/screening/flags/{flag.id}/acknowledge",
        data={f"flag-{flag.id}-action": "other", f"flag-{flag.id}-note": ""},
    )

    page = text_of(client.get(response.headers["Location"]))
    assert "Describe the action taken in the note." in page
    assert "1 critical answer needs a clinician today" in page
    assert db_session.get(Flag, flag.id).is_open


def test_a_critical_answer_acknowledged_elsewhere_is_not_acknowledged_twice(
    db_session, login, members, critical
):
    flag = critical_flag_of(critical)
    first = members[Role.CLINICIAN]
    acknowledge_critical_flag(flag, user_id=first.user_id, action=FlagAction.ASSESSED)

    response = login(first).post(
        f"/screening/flags/{flag.id}/acknowledge",
        data={f"flag-{flag.id}-action": "emergency_services"},
    )

    assert response.status_code == 302
    assert db_session.get(Flag, flag.id).action == FlagAction.ASSESSED


def test_marking_a_screen_in_error_closes_its_alert(db_session, login, members, child, critical):
    client = login(members[Role.NURSE_MA])

    response = client.post(
        f"/screening/responses/{critical.id}/entered-in-error",
        data={f"response-{critical.id}-reason": "Other family"},
    )

    page = text_of(client.get(response.headers["Location"]))
    assert "critical answer needs a clinician" not in page
    assert "Not counted: Other family" in page
    assert db_session.get(ScreeningResponse, critical.id).is_in_error


def test_marking_in_error_without_a_reason_changes_nothing(
    db_session, login, members, child, critical
):
    client = login(members[Role.CLINICIAN])

    response = client.post(
        f"/screening/responses/{critical.id}/entered-in-error",
        data={f"response-{critical.id}-reason": ""},
    )

    assert "Say why this screen was entered in error." in text_of(
        client.get(response.headers["Location"])
    )
    assert not db_session.get(ScreeningResponse, critical.id).is_in_error


def test_the_critical_alert_in_spanish(login, members, child, critical):
    page = text_of(login(members[Role.NURSE_MA]).get(history_url(child), headers=SPANISH))

    assert spanish("Tell the clinician now. Only a clinician can record the action taken.") in page


# --- entering a paper screen ------------------------------------------------------------------


def enter_url(appointment, **query: str) -> str:
    url = f"/screening/appointments/{appointment.id}/enter"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def submission_id_on(response) -> str:
    match = re.search(r'name="submission_id" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the answers page carries no submission id"
    return match.group(1)


def test_the_start_page_offers_the_screens_the_clinic_can_offer(login, members, appointment):
    response = login(members[Role.FRONT_DESK]).get(enter_url(appointment))

    assert response.status_code == 200
    page = text_of(response)
    assert "Enter a paper screen" in page
    for key in ("phq-2", "phq-9", "hvs", "family-checkin"):
        assert shipped_library()[key].title_in("en") in page
    assert shipped_library()["epds"].title_in("en") not in page


def test_paper_answers_are_stored_as_entered_by_staff(
    db_session, login, members, appointment, caregiver, child
):
    nurse = members[Role.NURSE_MA]
    client = login(nurse)
    url = enter_url(appointment, instrument="phq-2", language="en")
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert shipped_library()["phq-2"].items[0].text["en"] in text_of(form_page)

    response = client.post(
        url,
        data={
            "submission_id": submission_id_on(form_page),
            "caregiver_id": str(caregiver.id),
            "phq-1": "2",
            "phq-2": "1",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(history_url(child))
    [stored] = queries.household_history(child.household_id)
    assert stored.source == ResponseSource.STAFF_ENTERED
    assert stored.entered_by_id == nurse.user_id
    assert (stored.caregiver_id, stored.appointment_id) == (caregiver.id, appointment.id)
    assert stored.answers == {"phq-1": "2", "phq-2": "1"}
    assert (stored.total_score, stored.is_positive) == (3, True)
    page = text_of(client.get(response.headers["Location"]))
    assert "Entered by staff from paper" in page
    assert "Score 3 of 6: 3 or more: possible depression, so the PHQ-9 follows." in page


def test_saving_the_same_paper_form_twice_stores_one_screen(
    db_session, login, members, appointment
):
    client = login(members[Role.CLINICIAN])
    url = enter_url(appointment, instrument="hvs", language="en")
    data = {"submission_id": submission_id_on(client.get(url)), "hvs-1": "often", "hvs-2": "never"}

    first = client.post(url, data=data)
    second = client.post(url, data=data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert count(db_session, ScreeningResponse) == 1


def test_an_invalid_answer_on_paper_is_refused_and_nothing_is_stored(
    db_session, login, members, appointment
):
    client = login(members[Role.NURSE_MA])
    url = enter_url(appointment, instrument="phq-2", language="en")
    submission_id = submission_id_on(client.get(url))

    response = client.post(url, data={"submission_id": submission_id, "phq-1": "7", "phq-2": "1"})

    assert response.status_code == 422
    assert "The answer to phq-1 is not one of its choices." in text_of(response)
    assert submission_id_on(response) == submission_id  # a corrected retry is still one screen
    assert count(db_session, ScreeningResponse) == 0


def test_a_caregiver_of_another_household_is_refused(
    make, db_session, login, members, clinic, appointment
):
    stranger = make.caregiver(make.household(clinic, name="Ochoa"))
    client = login(members[Role.NURSE_MA])
    url = enter_url(appointment, instrument="phq-2", language="en")

    response = client.post(
        url,
        data={
            "submission_id": submission_id_on(client.get(url)),
            "caregiver_id": str(stranger.id),
            "phq-1": "0",
            "phq-2": "0",
        },
    )

    assert response.status_code == 422
    assert count(db_session, ScreeningResponse) == 0


def test_a_screen_without_wording_in_that_language_has_no_paper_form(login, members, appointment):
    client = login(members[Role.NURSE_MA])

    assert client.get(enter_url(appointment, instrument="hvs", language="es")).status_code == 404
    # EPDS is not a choice until its text is loaded: asking for it shows the start page again
    epds = client.get(enter_url(appointment, instrument="epds", language="en"))
    assert "Enter a paper screen" in text_of(epds)
    assert 'name="submission_id"' not in epds.get_data(as_text=True)


def test_a_loaded_epds_text_is_the_paper_form(db_session, login, members, clinic, appointment):
    load_instrument_text(
        clinic.id, "epds", language="en", source="Test permission", content=epds_test_text()
    )
    client = login(members[Role.NURSE_MA])

    page = text_of(client.get(enter_url(appointment, instrument="epds", language="en")))

    assert "EPDS test item 3" in page
    assert "Source of this wording: Test permission" in page


def test_the_paper_form_in_spanish(login, members, appointment):
    client = login(members[Role.NURSE_MA])

    response = client.get(
        enter_url(appointment, instrument="phq-2", language="es"), headers=SPANISH
    )

    page = text_of(response)
    assert shipped_library()["phq-2"].items[0].text["es"] in page
    assert spanish("Save the screen") in page


# --- instruments and the clinic's settings ----------------------------------------------------


def epds_test_text() -> dict[str, Any]:
    """Placeholder EPDS wording made up for tests; the real wording is licensed."""
    return {
        "items": {
            item.id: {
                "text": f"EPDS test item {n}",
                "options": {o.code: f"EPDS test answer {o.code}" for o in item.options},
            }
            for n, item in enumerate(shipped_library()["epds"].items, start=1)
        }
    }


def test_the_instruments_page_shows_each_licence_and_why_epds_is_not_offered(
    login, members, clinic
):
    page = text_of(login(members[Role.FRONT_DESK]).get("/screening/instruments"))

    for inst in shipped_library().values():
        assert inst.licence_notice in page
    epds = page.split(shipped_library()["epds"].title_in("en"))[1]
    assert epds.startswith(" v1 Not offered")
    assert f"flask instruments load-text epds FILE --clinic {clinic.slug}" in epds


def test_the_instruments_page_after_the_epds_text_is_loaded(db_session, login, members, clinic):
    load_instrument_text(
        clinic.id, "epds", language="en", source="Permission 2026-114", content=epds_test_text()
    )

    page = text_of(login(members[Role.CLINIC_ADMIN]).get("/screening/instruments"))

    epds = page.split(shipped_library()["epds"].title_in("en"))[1]
    assert epds.startswith(" v1 Offered in: English.")
    assert "Permission 2026-114" in epds
    assert "flask instruments load-text epds" not in page


def test_the_instruments_page_in_spanish(login, members):
    page = text_of(login(members[Role.CLINIC_ADMIN]).get("/screening/instruments", headers=SPANISH))

    assert spanish("Screening instruments") in page


def setting_form(key: str, **fields: Any) -> dict[str, Any]:
    values = {"is_enabled": "y", "visit_kinds": [], "validity_days": "14", **fields}
    form = {f"{key}-{name}": value for name, value in values.items() if value is not None}
    return {"instrument_key": key, **form}


def due(appointment) -> dict[str, str]:
    return {item.instrument_key: item.status for item in queries.due_for_appointment(appointment)}


def test_an_admin_changes_when_phq2_is_due(make, db_session, login, members, child, appointment):
    nine_months = make.appointment(
        child, at=appointment.scheduled_at + timedelta(hours=1), visit_kind=VisitKind.MONTH_9
    )
    client = login(members[Role.CLINIC_ADMIN])

    response = client.post(
        "/screening/settings", data=setting_form("phq-2", visit_kinds=["9m", "12m"])
    )

    assert response.status_code == 302
    assert "The schedule for Patient Health Questionnaire-2 (PHQ-2) is saved." in text_of(
        client.get(response.headers["Location"])
    )
    assert "phq-2" not in due(appointment)
    assert due(nine_months)["phq-2"] == "due"
    setting = queries.settings_of(appointment.clinic_id)["phq-2"]
    assert (setting.visit_kinds, setting.validity_days) == (["12m", "9m"], 14)


def test_an_admin_turns_off_the_family_checkin(db_session, login, members, appointment):
    client = login(members[Role.CLINIC_ADMIN])

    response = client.post(
        "/screening/settings", data=setting_form("family-checkin", is_enabled=None)
    )

    assert response.status_code == 302
    assert due(appointment) == {"phq-2": "due", "hvs": "due"}


def test_a_longer_validity_makes_an_older_sibling_screen_count(
    make, db_session, login, members, household, appointment
):
    sibling = make.child(household, given_name="Sofía")
    earlier = make.screen(make.appointment(sibling), "phq-2", {"phq-1": "0", "phq-2": "0"})
    earlier.submitted_at -= timedelta(days=20)
    assert due(appointment)["phq-2"] == "due"

    login(members[Role.CLINIC_ADMIN]).post(
        "/screening/settings",
        data=setting_form("phq-2", visit_kinds=["2m"], validity_days="30"),
    )

    assert due(appointment)["phq-2"] == "done"


def test_epds_turned_on_is_not_offered_until_its_text_is_loaded(
    db_session, login, members, clinic, child, appointment
):
    admin = login(members[Role.CLINIC_ADMIN])
    settings_page = text_of(admin.get("/screening/settings"))
    assert "Not offered yet: its licensed text has not been loaded" in settings_page

    admin.post("/screening/settings", data=setting_form("epds", visit_kinds=["2m"]))

    assert due(appointment)["epds"] == "unavailable"
    load_instrument_text(
        clinic.id, "epds", language="en", source="Test permission", content=epds_test_text()
    )
    assert due(appointment)["epds"] == "due"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"validity_days": "9999"}, "Number must be between 0 and 730."),
        ({"validity_days": ""}, "Enter a number of days."),
        ({"validity_days": "-1"}, "Number must be between 0 and 730."),
        ({"validity_days": "two weeks"}, "Not a valid integer value."),
        ({"visit_kinds": ["10m"]}, "'10m' is not a valid choice for this field."),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_is_saved(
    db_session, login, members, appointment, fields, message
):
    response = login(members[Role.CLINIC_ADMIN]).post(
        "/screening/settings", data=setting_form("phq-2", **fields)
    )

    assert response.status_code == 422
    assert message in text_of(response)
    assert count(db_session, ScreeningSetting) == 0
    assert due(appointment)["phq-2"] == "due"


def test_the_settings_page_in_spanish(login, members):
    page = text_of(login(members[Role.CLINIC_ADMIN]).get("/screening/settings", headers=SPANISH))

    assert spanish("When screens are due") in page


# --- queries --------------------------------------------------------------------------------


def household_with_screens(make, clinic, number: int):
    """Two children whose household has `number` screens, each answered by another caregiver and
    every critical answer acknowledged by another clinician, so nothing is shared between rows."""
    household = make.household(clinic, name=f"Family{number}")
    child, sibling = make.child(household), make.child(household, given_name="Sofía")
    visits = [make.appointment(child), make.appointment(sibling)]
    kinds = [
        ("phq-9", {**PHQ9_MODERATE, "phq-9": "1"}),
        ("family-checkin", {**CHECKIN_ALL_NO, "need-safety_home": "yes"}),
        ("phq-2", {"phq-1": "1", "phq-2": "0"}),
        ("hvs", {"hvs-1": "often", "hvs-2": "never"}),
        ("family-checkin", {"need-food": "yes"}),
    ]
    for n in range(number):
        key, answers = kinds[n % len(kinds)]
        caregiver = make.caregiver(household, given_name=f"Carer {n}", is_primary_contact=n == 0)
        response = make.screen(visits[n % 2], key, answers, caregiver=caregiver)
        if n % len(kinds) == 0:
            acknowledge_critical_flag(
                critical_flag_of(response),
                user_id=make.member(clinic, Role.CLINICIAN).user_id,
                action=FlagAction.ASSESSED,
            )
    return child


def test_the_history_page_costs_the_same_queries_for_2_or_12_screens(
    make, db_session, login, count_queries, members, clinic
):
    pages = [history_url(household_with_screens(make, clinic, n)) for n in (2, 12)]
    client = login(members[Role.CLINICIAN])
    client.get(pages[0])  # the first request warms caches that are not per page
    counts = []
    for page in pages:
        db_session.expunge_all()  # as in production, the request starts with nothing loaded
        with count_queries() as counted:
            response = client.get(page)
        assert response.status_code == 200
        counts.append(counted.count)

    assert text_of(response).count("Mark as entered in error") == 2 * 12
    assert counts[0] == counts[1]


def test_the_history_page_has_unique_field_ids_and_marks_a_critical_answer(login, make):
    clinic = make.clinic()
    child = make.child(clinic=clinic)
    low_but_item_9 = {f"phq-{n}": "0" for n in range(1, 9)} | {"phq-9": "1"}
    morning = datetime.combine(make.today, time(9), tzinfo=UTC)
    for visit_at in (morning, morning + timedelta(hours=5)):
        make.screen(make.appointment(child, visit_at), "phq-9", low_but_item_9)
    client = login(make.member(clinic, Role.CLINICIAN))
    page = client.get(f"/screening/children/{child.id}").get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert page.count("Critical answer") == 2
