"""A clinic's own copy of the library: seeded, kept up to date without losing edits, edited safely."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.errors import DomainError
from app.demo.seed import demo_clinic, seed_demo_clinic
from app.guidance.library import shipped_prompts
from app.guidance.models import GuidancePrompt, PromptCategory
from app.guidance.operations import create_prompt, install_missing_prompts, update_prompt
from app.guidance.queries import active_prompts, prompts_of
from app.guidance.triggers import family_tips, select_prompts
from app.visits.facts import ScreenFact, VisitFacts
from tests.records import events

TEXT = {
    "en": {"title": "Praise the bedtime story", "body": "Say what you liked.", "why": ""},
    "es": {"title": "", "body": "", "why": ""},
}


def prompt_of(clinic, key: str) -> GuidancePrompt:
    return next(p for p in prompts_of(clinic.id) if p.key == key)


def test_a_new_clinic_gets_its_own_copy_of_the_whole_library(make):
    clinic, other = make.clinic(), make.clinic()
    prompts = prompts_of(clinic.id)
    assert [p.key for p in prompts] == [p.key for p in shipped_prompts()]
    assert all(p.is_active and p.text["es"]["title"] for p in prompts)
    update_prompt(prompt_of(clinic, "2m-social-smile"), is_active=False)
    assert prompt_of(other, "2m-social-smile").is_active


def test_installing_adds_only_what_is_missing_and_never_overwrites_an_edit(make, db_session):
    clinic = make.clinic()
    edited = prompt_of(clinic, "6m-board-books")
    update_prompt(edited, text={**edited.text, "en": {**edited.text["en"], "title": "Our books"}})
    db_session.delete(prompt_of(clinic, "9m-peekaboo"))
    db_session.flush()

    assert install_missing_prompts(clinic.id) == 1
    assert install_missing_prompts(clinic.id) == 0
    assert prompt_of(clinic, "6m-board-books").text["en"]["title"] == "Our books"
    assert (
        prompt_of(clinic, "9m-peekaboo").text["en"]["title"] == "Peekaboo and back-and-forth games"
    )
    assert len(prompts_of(clinic.id)) == len(shipped_prompts())
    (installed,) = events(db_session, "create", object_type="guidance_prompts", object_id=None)
    assert installed.details == {"installed": ["9m-peekaboo"]}


def test_the_install_command_reports_per_clinic(app, make, db_session):
    clinic = make.clinic()
    db_session.delete(prompt_of(clinic, "12m-pointing-and-naming"))
    db_session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["guidance", "install", "--clinic", clinic.slug])
    assert result.exit_code == 0
    assert f"{clinic.name}: 1 new prompts installed." in result.output
    again = runner.invoke(args=["guidance", "install", "--clinic", clinic.slug])
    assert f"{clinic.name}: 0 new prompts installed." in again.output
    missing = runner.invoke(args=["guidance", "install", "--clinic", "no-such-clinic"])
    assert missing.exit_code == 1
    assert "no clinic has the short name no-such-clinic" in missing.output


def test_an_edit_is_audited_with_the_fields_changed(make, db_session):
    clinic = make.clinic()
    prompt = prompt_of(clinic, "2m-social-smile")
    update_prompt(prompt, practice_codes=["N3"], is_active=False)
    db_session.flush()
    (event,) = events(
        db_session, "update", object_type="guidance_prompts", object_id=str(prompt.id)
    )
    assert event.details == {"fields": ["is_active", "practice_codes"]}
    assert event.clinic_id == clinic.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": {"en": {"title": "", "body": ""}, "es": TEXT["en"]}}, "English title"),
        ({"text": {"en": {"title": "", "body": "Say it."}}}, "both a title"),
        ({"text": {**TEXT, "es": {"title": "Solo título", "body": ""}}}, "both a title"),
        ({"practice_codes": ["N3", "X9"]}, "Unknown common practice: X9"),
        ({"practice_codes": []}, "at least one common practice"),
        ({"visit_kinds": ["5m"]}, "Unknown visit: 5m"),
        ({"triggers": ["positive:nothing"]}, "Unknown trigger"),
        ({"category": "gossip"}, "Choose a category"),
        ({"family_tip": {"es": "Lea."}}, "in English too"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(make, fields, message):
    clinic = make.clinic()
    prompt = prompt_of(clinic, "2m-social-smile")
    before = (prompt.text, prompt.practice_codes, prompt.visit_kinds, prompt.triggers)
    with pytest.raises(DomainError, match=message):
        update_prompt(prompt, **fields)
    assert (prompt.text, prompt.practice_codes, prompt.visit_kinds, prompt.triggers) == before


def test_a_clinic_writes_its_own_prompt_with_a_key_from_its_title(make, db_session):
    clinic = make.clinic()
    first = create_prompt(
        clinic.id, category="strength", text=TEXT, practice_codes=["N3"], visit_kinds=["24m"]
    )
    second = create_prompt(clinic.id, category="strength", text=TEXT, practice_codes=["N3"])
    assert (first.key, second.key) == (
        "clinic-praise-the-bedtime-story",
        "clinic-praise-the-bedtime-story-2",
    )
    assert first.text == {
        "en": {"title": "Praise the bedtime story", "body": "Say what you liked.", "why": ""}
    }
    assert first.position > max(p.position for p in shipped_prompts())
    assert events(db_session, "create", object_type="guidance_prompts", object_id=str(first.id))
    chosen = select_prompts(active_prompts(clinic.id), VisitFacts("24m", 730), per_category=5)
    assert first.key in [p.key for p in chosen]


def test_active_prompts_is_one_query_and_leaves_hidden_prompts_out(make, db_session, count_queries):
    clinic = make.clinic()
    update_prompt(prompt_of(clinic, "4m-cooing-conversations"), is_active=False)
    db_session.flush()
    with count_queries() as counted:
        prompts = active_prompts(clinic.id)
        chosen = select_prompts(prompts, VisitFacts("4m", 122))
        [p.text_in("es")["title"] for p in chosen]
    assert counted.count == 1
    assert "4m-cooing-conversations" not in [p.key for p in prompts]
    assert len(prompts) == len(shipped_prompts()) - 1


def test_the_admin_list_filters_by_visit_and_category(make):
    clinic = make.clinic()
    at_9m = prompts_of(clinic.id, visit_kind="9m", category=PromptCategory.LANGUAGE_PLAY)
    assert [p.key for p in at_9m] == ["9m-peekaboo"]
    every_visit = prompts_of(clinic.id, visit_kind="9m", category=PromptCategory.ASK_NEXT)
    assert "every-visit-family-priorities" in [p.key for p in every_visit]
    assert "2m-work-school-child-care" not in [p.key for p in every_visit]


def test_a_phq9_positive_visit_brings_the_clinics_caregiver_depression_prompt_and_its_tip(make):
    clinic = make.clinic()
    positive = ScreenFact("phq-9", "moderate", True, True, True)
    chosen = select_prompts(active_prompts(clinic.id), VisitFacts("2m", 61, screens=(positive,)))
    depression = prompt_of(clinic, "caregiver-depression-positive")
    assert depression in chosen
    assert depression.family_tip["es"] in family_tips(chosen, "es")


def test_prompts_belong_to_their_clinic(make, db_session):
    clinic, other = make.clinic(), make.clinic()
    create_prompt(clinic.id, category="caregiver", text=TEXT, practice_codes=["N1"])
    theirs = db_session.scalars(
        sa.select(GuidancePrompt.key).where(GuidancePrompt.clinic_id == other.id)
    )
    assert "clinic-praise-the-bedtime-story" not in set(theirs)


def test_the_demo_clinic_is_seeded_with_the_library(db_session):
    seed_demo_clinic(date(2026, 3, 11), password="demo-password-for-tests")
    assert [p.key for p in active_prompts(demo_clinic().id)] == [p.key for p in shipped_prompts()]
