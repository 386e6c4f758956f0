"""The shipped guidance library is complete, and a malformed one is refused with its reason."""

from __future__ import annotations

import copy
import json

import pytest

from app import create_app
from app.guidance import library
from app.guidance.library import (
    VISIT_KINDS,
    LibraryFileError,
    load_library,
    parse_library,
    shipped_prompts,
)
from app.guidance.triggers import CATEGORY_ORDER, TRIGGER_VOCABULARY

AGE_KEYED_TIPS = {"social_emotional", "language_play", "caregiver"}


def test_the_shipped_library_validates_and_keys_are_unique():
    prompts = load_library()
    keys = [p.key for p in prompts]
    assert len(keys) == len(set(keys)) >= len(VISIT_KINDS) * len(CATEGORY_ORDER)


@pytest.mark.parametrize("visit_kind", VISIT_KINDS)
def test_every_visit_has_an_age_keyed_prompt_in_every_category(visit_kind):
    categories = {
        p.category for p in shipped_prompts() if visit_kind in p.visit_kinds and not p.triggers
    }
    assert categories == set(CATEGORY_ORDER)


def test_english_and_spanish_are_complete_and_differ():
    for prompt in shipped_prompts():
        for part in ("title", "body", "why"):
            assert prompt.text["en"][part] != prompt.text["es"][part], (prompt.key, part)


def test_age_keyed_guidance_and_caregiver_prompts_carry_a_family_tip_in_three_languages():
    missing = [
        p.key
        for p in shipped_prompts()
        if p.category in AGE_KEYED_TIPS
        and p.visit_kinds
        and set(p.family_tip) != {"en", "es", "ar"}
    ]
    assert missing == []


def test_the_triggered_prompts_cover_the_vocabulary_the_brief_asks_for():
    named = {trigger for p in shipped_prompts() for trigger in p.triggers}
    wanted = {
        "positive:phq-2",
        "positive:phq-9",
        "positive:epds",
        "positive:hvs",
        "critical",
        "program:healthysteps",
        "program:dulce",
        "first_visit",
        "group_visit",
        "due:phq-2",
        "due:family-checkin",
        "due:hvs",
    } | {t for t in TRIGGER_VOCABULARY if t.startswith(("help:", "later:"))}
    assert wanted <= named


def test_nothing_about_safety_at_home_is_printed_for_the_family():
    sensitive = [
        p.key
        for p in shipped_prompts()
        if {"critical", "help:safety_home"} & set(p.triggers) and p.family_tip
    ]
    assert sensitive == []


def _entry(**changes):
    entry = {
        "key": "2m-test",
        "category": "strength",
        "visit_kinds": ["2m"],
        "triggers": [],
        "practice_codes": ["N3"],
        "text": {
            "en": {"title": "T", "body": "B", "why": "W"},
            "es": {"title": "T", "body": "B", "why": "W"},
        },
        "family_tip": {},
    }
    entry.update(copy.deepcopy(changes))
    return entry


def _library(*entries):
    return {"source": "test", "prompts": list(entries)}


def test_a_well_formed_crafted_library_parses():
    (prompt,) = parse_library(_library(_entry()))
    assert (prompt.key, prompt.category, prompt.visit_kinds, prompt.position) == (
        "2m-test",
        "strength",
        ("2m",),
        1,
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"category": "advice"}, "category"),
        ({"visit_kinds": ["5m"]}, "visit_kinds"),
        ({"visit_kinds": ["other"]}, "visit_kinds"),
        ({"triggers": ["positive:swyc"]}, "triggers"),
        ({"practice_codes": ["N9"]}, "practice_codes"),
        ({"practice_codes": []}, "practice_codes"),
        ({"practice_codes": ["N3", "N3"]}, "practice_codes"),
        ({"text": {"en": {"title": "T", "body": "B", "why": "W"}}}, "es"),
        ({"text": {"en": {"title": "", "body": "B", "why": "W"}, "es": {}}}, "title"),
        ({"family_tip": {"en": "Read.", "es": "Lea."}}, "missing ar"),
        ({"key": "clinic-mine"}, "clinic"),
        ({"key": "Has Spaces"}, "key"),
    ],
)
def test_a_malformed_entry_is_refused_naming_the_prompt_and_the_problem(changes, reason):
    with pytest.raises(LibraryFileError) as refused:
        parse_library(_library(_entry(key="2m-fine"), _entry(**{"key": "2m-bad", **changes})))
    message = str(refused.value)
    assert reason in message
    assert "2m-bad" in message or "Has Spaces" in message or "clinic-mine" in message


def test_repeated_keys_are_refused():
    with pytest.raises(LibraryFileError, match="keys repeat: 2m-test"):
        parse_library(_library(_entry(), _entry()))


def test_a_library_without_a_source_or_prompts_is_refused():
    with pytest.raises(LibraryFileError, match="source"):
        parse_library({"prompts": [_entry()]})
    with pytest.raises(LibraryFileError, match="prompts"):
        parse_library({"source": "test", "prompts": []})


def test_an_unreadable_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "library.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(LibraryFileError, match=r"library\.json: not readable JSON"):
        load_library(path)
    path.write_text(json.dumps(_library(_entry(category="advice"))), encoding="utf-8")
    with pytest.raises(LibraryFileError, match="2m-test"):
        load_library(path)


def test_the_check_command_reports_the_library(app):
    result = app.test_cli_runner().invoke(args=["guidance", "check"])
    assert result.exit_code == 0
    assert f"{len(shipped_prompts())} guidance prompts are valid." in result.output


def test_a_malformed_library_stops_start_up_with_the_reason(tmp_path, monkeypatch):
    path = tmp_path / "library.json"
    path.write_text(json.dumps(_library(_entry(practice_codes=["Z1"]))), encoding="utf-8")
    monkeypatch.setattr(library, "LIBRARY_FILE", path)
    shipped_prompts.cache_clear()
    try:
        with pytest.raises(LibraryFileError, match=r"2m-test.*practice_codes"):
            create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test"})
    finally:
        shipped_prompts.cache_clear()
