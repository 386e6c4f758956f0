"""The guidance pages, as the clinic admin (and a clinician) would use them."""

from __future__ import annotations

import pytest

from app.core.roles import Role
from app.guidance.models import GuidancePrompt
from app.guidance.queries import prompts_of
from tests.pages import text_of
from tests.records import events


def prompt_of(clinic, key: str) -> GuidancePrompt:
    return next(p for p in prompts_of(clinic.id) if p.key == key)


def form_of(prompt: GuidancePrompt, **changes) -> dict:
    """The edit form as the page fills it, with `changes` typed over it."""
    data = {
        "category": prompt.category.value,
        "visit_kinds": list(prompt.visit_kinds),
        "triggers": list(prompt.triggers),
        "practice_codes": list(prompt.practice_codes),
        "is_active": "y" if prompt.is_active else "",
    }
    for language in ("en", "es"):
        for part in ("title", "body", "why"):
            data[f"{part}_{language}"] = prompt.text[language][part]
    for language in ("en", "es", "ar"):
        data[f"tip_{language}"] = prompt.family_tip.get(language, "")
    data.update(changes)
    return data


@pytest.fixture
def admin(login, clinic, make):
    return login(make.member(clinic, Role.CLINIC_ADMIN))


def test_the_list_shows_titles_visits_triggers_and_practices_in_plain_words(admin):
    page = text_of(admin.get("/guidance/"))
    assert "The first social smiles" in page
    assert "2 months" in page
    assert "Caregiver depression screen positive (PHQ-9)" in page
    assert "Wants help now with: Food" in page
    assert "N1, N3" in page


def test_the_list_filters_by_visit_and_category(admin):
    page = text_of(admin.get("/guidance/?visit_kind=9m&category=language_play"))
    assert "Peekaboo and back-and-forth games" in page
    assert "The first social smiles" not in page
    assert "1 prompt" in page
    at_2m = text_of(admin.get("/guidance/?visit_kind=2m"))
    assert "The first social smiles" in at_2m
    assert "Peekaboo and back-and-forth games" not in at_2m
    assert "Start with the family's priorities" in at_2m
    unknown = text_of(admin.get("/guidance/?visit_kind=13m&category=gossip"))
    assert "The first social smiles" in unknown
    assert "Peekaboo and back-and-forth games" in unknown


def test_a_spanish_reader_sees_the_spanish_titles(admin):
    page = text_of(admin.get("/guidance/", headers={"Accept-Language": "es"}))
    assert "Las primeras sonrisas sociales" in page


def test_the_admin_edits_a_prompt_and_the_change_is_audited(admin, clinic, db_session):
    prompt = prompt_of(clinic, "2m-social-smile")
    response = admin.post(
        f"/guidance/{prompt.id}/edit",
        data=form_of(
            prompt,
            title_en="Her first smiles",
            tip_en="Smile back at your baby.",
            tip_ar="ابتسموا لطفلكم.",
            practice_codes=["N3"],
            is_active="",
        ),
    )
    assert response.status_code == 302
    page = text_of(admin.get(response.headers["Location"]))
    assert "Her first smiles" in page
    assert "Hidden" in page
    saved = prompt_of(clinic, "2m-social-smile")
    assert saved.practice_codes == ["N3"]
    assert saved.family_tip == {"en": "Smile back at your baby.", "ar": "ابتسموا لطفلكم."}
    (event,) = events(
        db_session, "update", object_type="guidance_prompts", object_id=str(prompt.id)
    )
    assert {"text", "practice_codes", "is_active", "family_tip"} <= set(event.details["fields"])


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"title_en": ""}, "This field is required."),
        ({"practice_codes": ["N3", "Z9"]}, "not a valid choice"),
        ({"practice_codes": []}, "Choose at least one common practice."),
        ({"tip_es": "Lea con su bebé.", "tip_en": ""}, "Write the family tip in English too."),
    ],
)
def test_bad_input_is_shown_and_changes_nothing(admin, clinic, db_session, changes, shown):
    prompt = prompt_of(clinic, "6m-board-books")
    response = admin.post(f"/guidance/{prompt.id}/edit", data=form_of(prompt, **changes))
    assert response.status_code == 422
    assert shown in text_of(response)
    db_session.expire_all()
    unchanged = prompt_of(clinic, "6m-board-books")
    assert unchanged.text["en"]["title"] == "Reading board books together"
    assert unchanged.practice_codes == ["N4"]
    assert not events(db_session, "update", object_type="guidance_prompts")


def test_another_clinics_prompt_is_not_found_and_stays_as_it_was(admin, make):
    elsewhere = make.clinic()
    theirs = prompt_of(elsewhere, "2m-social-smile")
    response = admin.post(
        f"/guidance/{theirs.id}/edit", data=form_of(theirs, title_en="Taken over")
    )
    assert response.status_code == 404
    assert prompt_of(elsewhere, "2m-social-smile").text["en"]["title"] == "The first social smiles"


def test_the_admin_writes_a_new_prompt_that_then_appears_in_the_list(admin, clinic):
    response = admin.post(
        "/guidance/new",
        data={
            "category": "language_play",
            "title_en": "Sing the clinic's welcome song",
            "body_en": "Teach the two lines of the song we sing in the waiting room.",
            "visit_kinds": ["12m", "15m"],
            "practice_codes": ["N4"],
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    page = text_of(admin.get("/guidance/?visit_kind=15m"))
    assert "Sing the clinic's welcome song" in page
    created = prompt_of(clinic, "clinic-sing-the-clinic-s-welcome-song")
    assert (created.visit_kinds, created.triggers, created.family_tip) == (["12m", "15m"], [], {})


def test_a_clinician_cannot_open_the_edit_page_or_the_list(login, clinic, make):
    client = login(make.member(clinic, Role.CLINICIAN))
    prompt = prompt_of(clinic, "2m-social-smile")
    assert client.get(f"/guidance/{prompt.id}/edit").status_code == 403
    assert client.post(f"/guidance/{prompt.id}/edit", data=form_of(prompt)).status_code == 403
    assert client.get("/guidance/").status_code == 403


def test_the_admin_home_links_to_the_guidance_library(admin):
    response = admin.get("/")
    assert 'href="/guidance/"' in response.get_data(as_text=True)
