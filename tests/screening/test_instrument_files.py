"""The shipped instrument files, and the loader refusing a malformed one with the file and the problem."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.screening import explain, scoring
from app.screening.definitions import (
    INSTRUMENT_DIR,
    InstrumentFileError,
    load_instrument_file,
    load_library,
    loaded_wording,
    shipped_library,
    shipped_wording,
)

SHIPPED_FILES = sorted(path.name for path in INSTRUMENT_DIR.glob("*.json"))
SHIPPED_KEYS = ("epds", "family-checkin", "hvs", "phq-2", "phq-9")
OPEN_KEYS = ("family-checkin", "hvs", "phq-2", "phq-9")

# EPDS answers are listed top to bottom as a-d: items 1, 2 and 4 score 0-3, items 3 and 5-10
# (marked * on the form) score 3-0 (Cox, Holden & Sagovsky, Br J Psychiatry 1987;150:782-6).
EPDS_FORWARD = (0, 1, 2, 3)
EPDS_REVERSE = (3, 2, 1, 0)

CHECKIN_NEEDS = (
    "food",
    "housing",
    "utilities",
    "transportation",
    "child_care",
    "income_benefits",
    "legal",
    "safety_home",
    "stress_support",
)


def _instrument(key: str):
    return shipped_library()[key]


# --- what ships -------------------------------------------------------------------------------


def test_every_shipped_instrument_loads() -> None:
    assert sorted(shipped_library()) == sorted(SHIPPED_KEYS)


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_each_shipped_file_loads_on_its_own(name: str) -> None:
    instrument = load_instrument_file(INSTRUMENT_DIR / name)

    assert name == f"{instrument.key}.v{instrument.version}.json"


@pytest.mark.parametrize("key", SHIPPED_KEYS)
def test_every_shipped_instrument_has_a_scorer(key: str) -> None:
    assert key in scoring.SCORERS


def test_epds_ships_no_item_or_answer_text_in_any_language() -> None:
    epds = _instrument("epds")

    assert epds.needs_licensed_text
    assert epds.languages == {}
    assert epds.stem == {}
    assert all(item.text == {} for item in epds.items)
    assert all(option.text == {} for item in epds.items for option in item.options)
    assert shipped_wording(epds, "en") is None


def test_epds_file_carries_the_rcpsych_notice() -> None:
    notice = _instrument("epds").licence_notice

    assert "Royal College of Psychiatrists" in notice
    assert "Cox" in notice


def test_epds_has_ten_items_in_order() -> None:
    assert _instrument("epds").item_ids == tuple(f"epds-{n}" for n in range(1, 11))


def test_scoring_module_reverse_scores_the_items_cox_marks() -> None:
    assert frozenset({3, 5, 6, 7, 8, 9, 10}) == scoring.EPDS_REVERSE_SCORED


@pytest.mark.parametrize("number", range(1, 11))
def test_epds_answer_scores_follow_cox_1987(number: int) -> None:
    item = _instrument("epds").item(f"epds-{number}")
    expected = EPDS_REVERSE if number in scoring.EPDS_REVERSE_SCORED else EPDS_FORWARD

    assert [o.code for o in item.options] == ["a", "b", "c", "d"]
    assert tuple(o.score for o in item.options) == expected


def test_epds_critical_item_is_item_ten() -> None:
    assert _instrument("epds").item(scoring.EPDS_CRITICAL_ITEM).id == "epds-10"


def test_phq2_items_are_exactly_phq9_items_one_and_two() -> None:
    phq2, phq9 = _instrument("phq-2"), _instrument("phq-9")

    assert phq2.item_ids == ("phq-1", "phq-2")
    assert phq2.items == phq9.items[:2]


def test_phq2_continues_to_phq9() -> None:
    assert _instrument("phq-2").continues_to == "phq-9"


def test_phq9_items_carry_their_loinc_codes_in_order() -> None:
    # US Core STU9 Questionnaire phq-9-example; item 9 is 44260-8.
    assert [item.loinc for item in _instrument("phq-9").items] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]


@pytest.mark.parametrize("key", ["phq-2", "phq-9"])
def test_phq_answers_score_zero_to_three(key: str) -> None:
    for item in _instrument(key).items:
        assert [(o.code, o.score, o.loinc) for o in item.options] == [
            ("0", 0, "LA6568-5"),
            ("1", 1, "LA6569-3"),
            ("2", 2, "LA6570-1"),
            ("3", 3, "LA6571-9"),
        ]


def test_phq9_critical_item_is_item_nine() -> None:
    assert _instrument("phq-9").item_ids[8] == scoring.PHQ9_CRITICAL_ITEM == "phq-9"


def test_hvs_items_and_answers() -> None:
    hvs = _instrument("hvs")

    assert [item.loinc for item in hvs.items] == ["88122-7", "88123-5"]
    for item in hvs.items:
        assert [o.code for o in item.options] == ["often", "sometimes", "never"]
    assert "Hager" in hvs.licence_notice


@pytest.mark.parametrize("key", OPEN_KEYS)
def test_open_instrument_has_a_source_for_each_language(key: str) -> None:
    instrument = _instrument(key)

    assert instrument.licence_status == "open"
    assert instrument.languages
    assert all(source.strip() for source in instrument.languages.values())


@pytest.mark.parametrize(
    ("key", "language"),
    [(key, language) for key in OPEN_KEYS for language in _instrument(key).languages],
)
def test_open_instrument_has_complete_text_in_each_language(key: str, language: str) -> None:
    instrument = _instrument(key)
    wording = shipped_wording(instrument, language)

    assert instrument.title.get(language)
    assert instrument.stem.get(language)
    assert all(text.strip() for text in wording.items.values())
    assert all(text.strip() for item in wording.options.values() for text in item.values())
    assert set(wording.items) == set(instrument.item_ids)
    assert wording.source == instrument.languages[language]


@pytest.mark.parametrize("key", ["phq-2", "phq-9", "epds"])
def test_every_answer_of_a_summed_instrument_has_a_score(key: str) -> None:
    assert all(isinstance(o.score, int) for item in _instrument(key).items for o in item.options)


def test_family_checkin_covers_the_nine_needs() -> None:
    checkin = _instrument("family-checkin")

    assert tuple(item.need for item in checkin.items) == CHECKIN_NEEDS
    assert checkin.subject == "household"


@pytest.mark.parametrize("language", ["en", "es"])
def test_family_checkin_answers_yes_not_now_no(language: str) -> None:
    checkin = _instrument("family-checkin")

    for item in checkin.items:
        assert [o.code for o in item.options] == ["yes", "not_now", "no"]
        assert all(o.text[language].strip() for o in item.options)
        assert item.text[language].strip()


# --- malformed files --------------------------------------------------------------------------


def _item(item_id: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "text": {"en": f"Question {item_id}", "es": f"Pregunta {item_id}"},
        "options": [
            {"code": "0", "score": 0, "text": {"en": "No", "es": "No"}},
            {"code": "1", "score": 1, "text": {"en": "Yes", "es": "Sí"}},
        ],
    }


def _document() -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "key": "sample",
        "version": "1",
        "title": {"en": "Sample", "es": "Muestra"},
        "subject": "caregiver",
        "licence": {"status": "open", "notice": "Written for the tests."},
        "languages": {"en": {"source": "Our words"}, "es": {"source": "Our translation"}},
        "stem": {"en": "Please answer", "es": "Por favor conteste"},
        "items": [_item("s-1"), _item("s-2")],
    }


def _licensed_document() -> dict[str, Any]:
    document = _document()
    document["licence"] = {"status": "licensed_text_required", "notice": "Ask the publisher."}
    document["languages"] = {}
    document["stem"] = {}
    for item in document["items"]:
        item["text"] = {}
        for option in item["options"]:
            option["text"] = {}
    return document


def _write(directory: Path, document: dict[str, Any], name: str = "sample.v1.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _delete(key: str):
    def change(document: dict[str, Any]) -> None:
        del document[key]

    return change


def _repeat_item_id(document: dict[str, Any]) -> None:
    document["items"][1]["id"] = "s-1"


def _repeat_answer_code(document: dict[str, Any]) -> None:
    document["items"][1]["options"][1]["code"] = "0"


def _drop_spanish_answer(document: dict[str, Any]) -> None:
    del document["items"][1]["options"][0]["text"]["es"]


def _drop_spanish_item(document: dict[str, Any]) -> None:
    del document["items"][0]["text"]["es"]


def _blank_source(document: dict[str, Any]) -> None:
    document["languages"]["es"] = {"source": ""}


def _no_source(document: dict[str, Any]) -> None:
    document["languages"]["es"] = {}


def _no_languages(document: dict[str, Any]) -> None:
    document["languages"] = {}


def _no_notice(document: dict[str, Any]) -> None:
    document["licence"] = {"status": "open"}


def _unknown_licence(document: dict[str, Any]) -> None:
    document["licence"]["status"] = "public_domain"


def _unknown_subject(document: dict[str, Any]) -> None:
    document["subject"] = "neighbour"


def _one_answer(document: dict[str, Any]) -> None:
    document["items"][0]["options"] = document["items"][0]["options"][:1]


def _no_items(document: dict[str, Any]) -> None:
    document["items"] = []


def _score_as_text(document: dict[str, Any]) -> None:
    document["items"][0]["options"][0]["score"] = "zero"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        pytest.param(_delete("subject"), "subject", id="missing-subject"),
        pytest.param(_delete("items"), "items", id="missing-items"),
        pytest.param(_delete("licence"), "licence", id="missing-licence"),
        pytest.param(_repeat_item_id, "item ids repeat", id="repeated-item-id"),
        pytest.param(_repeat_answer_code, "answer codes repeat", id="repeated-answer-code"),
        pytest.param(_drop_spanish_answer, "item s-2 has no es text", id="answer-without-es"),
        pytest.param(_drop_spanish_item, "item s-1 has no es text", id="item-without-es"),
        pytest.param(_blank_source, "language es does not say where", id="blank-source"),
        pytest.param(_no_source, "language es does not say where", id="no-source"),
        pytest.param(_no_languages, "needs at least one language", id="no-language"),
        pytest.param(_no_notice, "licence needs a status", id="no-notice"),
        pytest.param(_unknown_licence, "licence needs a status", id="unknown-licence"),
        pytest.param(_unknown_subject, "subject", id="unknown-subject"),
        pytest.param(_one_answer, "options", id="single-answer"),
        pytest.param(_no_items, "items", id="no-items"),
        pytest.param(_score_as_text, "score", id="score-not-a-number"),
    ],
)
def test_malformed_open_file_is_refused_naming_file_and_problem(
    tmp_path: Path, change, problem: str
) -> None:
    document = _document()
    change(document)
    path = _write(tmp_path, document)

    with pytest.raises(InstrumentFileError, match=re.escape(problem)) as refused:
        load_instrument_file(path)
    assert str(refused.value).startswith("sample.v1.json: ")


def _with_item_text(document: dict[str, Any]) -> None:
    document["items"][0]["text"] = {"en": "Licensed question"}


def _with_answer_text(document: dict[str, Any]) -> None:
    document["items"][1]["options"][0]["text"] = {"en": "Licensed answer"}


def _with_language(document: dict[str, Any]) -> None:
    document["languages"] = {"en": {"source": "Publisher"}}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_with_item_text, id="item-text"),
        pytest.param(_with_answer_text, id="answer-text"),
        pytest.param(_with_language, id="language"),
    ],
)
def test_licensed_file_with_text_is_refused(tmp_path: Path, change) -> None:
    document = _licensed_document()
    change(document)
    path = _write(tmp_path, document)

    with pytest.raises(InstrumentFileError, match="may not ship any item text") as refused:
        load_instrument_file(path)
    assert str(refused.value).startswith("sample.v1.json: ")


def test_licensed_file_with_stem_text_is_refused(tmp_path: Path) -> None:
    document = _licensed_document()
    document["stem"] = {"en": "Licensed instructions"}
    path = _write(tmp_path, document)

    with pytest.raises(InstrumentFileError, match="may not ship"):
        load_instrument_file(path)


def test_licensed_file_without_text_loads(tmp_path: Path) -> None:
    instrument = load_instrument_file(_write(tmp_path, _licensed_document()))

    assert instrument.needs_licensed_text
    assert instrument.item_ids == ("s-1", "s-2")


def test_invalid_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sample.v1.json"
    path.write_text('{"key": "sample",', encoding="utf-8")

    with pytest.raises(InstrumentFileError, match=r"^sample\.v1\.json: not readable JSON"):
        load_instrument_file(path)


def test_json_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sample.v1.json"
    path.write_text("[]", encoding="utf-8")

    with pytest.raises(InstrumentFileError, match=r"^sample\.v1\.json: "):
        load_instrument_file(path)


@pytest.mark.parametrize("name", ["sample.v2.json", "other.v1.json", "sample.json"])
def test_file_name_must_match_key_and_version(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, _document(), name)

    with pytest.raises(InstrumentFileError, match=re.escape("should be sample.v1.json")) as refused:
        load_instrument_file(path)
    assert str(refused.value).startswith(f"{name}: ")


def test_library_refuses_a_malformed_file_among_good_ones(tmp_path: Path) -> None:
    _write(tmp_path, _document())
    broken = _document()
    broken["key"] = "broken"
    _repeat_item_id(broken)
    _write(tmp_path, broken, "broken.v1.json")

    with pytest.raises(InstrumentFileError, match=r"^broken\.v1\.json: item ids repeat"):
        load_library(tmp_path)


def test_library_refuses_unknown_continues_to(tmp_path: Path) -> None:
    document = _document()
    document["continues_to"] = "nowhere"
    _write(tmp_path, document)

    with pytest.raises(InstrumentFileError, match="continues to unknown nowhere"):
        load_library(tmp_path)


def test_unknown_continues_to_names_the_file(tmp_path: Path) -> None:
    document = _document()
    document["continues_to"] = "nowhere"
    _write(tmp_path, document)

    with pytest.raises(InstrumentFileError, match=re.escape("sample.v1.json")):
        load_library(tmp_path)


def test_library_accepts_known_continues_to(tmp_path: Path) -> None:
    document = _document()
    document["continues_to"] = "next"
    _write(tmp_path, document)
    following = _document()
    following["key"] = "next"
    _write(tmp_path, following, "next.v1.json")

    assert load_library(tmp_path)["sample"].continues_to == "next"


def test_library_keeps_the_newest_version_numerically(tmp_path: Path) -> None:
    for version in ("2", "10", "9"):
        document = _document()
        document["version"] = version
        _write(tmp_path, document, f"sample.v{version}.json")

    assert load_library(tmp_path)["sample"].version == "10"


def test_library_refuses_a_version_that_is_not_a_number(tmp_path: Path) -> None:
    _write(tmp_path, _document())
    beta = _document()
    beta["version"] = "beta"
    _write(tmp_path, beta, "sample.vbeta.json")

    with pytest.raises(InstrumentFileError, match=re.escape("sample.vbeta.json")):
        load_library(tmp_path)


# --- a clinic's licensed text -----------------------------------------------------------------


def _epds_text() -> dict[str, Any]:
    return {
        "title": "EPDS (clinic copy)",
        "items": {
            f"epds-{n}": {
                "text": f"Clinic wording {n}",
                "options": {code: f"Answer {code} of {n}" for code in "abcd"},
            }
            for n in range(1, 11)
        },
    }


def test_complete_licensed_text_is_accepted() -> None:
    epds = _instrument("epds")

    wording = loaded_wording(epds, "en", "RCPsych permission 2025-001", _epds_text())

    assert wording.source == "RCPsych permission 2025-001"
    assert wording.title == "EPDS (clinic copy)"
    assert set(wording.items) == set(epds.item_ids)
    assert wording.options["epds-10"] == {c: f"Answer {c} of 10" for c in "abcd"}


def test_licensed_text_without_title_uses_the_instrument_title() -> None:
    content = _epds_text()
    del content["title"]

    wording = loaded_wording(_instrument("epds"), "es", "RCPsych", content)

    assert wording.title == _instrument("epds").title["es"]


def _missing_item(content: dict[str, Any]) -> None:
    del content["items"]["epds-10"]


def _blank_item(content: dict[str, Any]) -> None:
    content["items"]["epds-4"]["text"] = "   "


def _missing_answer(content: dict[str, Any]) -> None:
    del content["items"]["epds-3"]["options"]["d"]


def _blank_answer(content: dict[str, Any]) -> None:
    content["items"]["epds-3"]["options"]["a"] = ""


def _unknown_item(content: dict[str, Any]) -> None:
    content["items"]["epds-11"] = {"text": "Extra", "options": {}}


def _no_items_text(content: dict[str, Any]) -> None:
    del content["items"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        pytest.param(_missing_item, "item epds-10 has no text", id="missing-item"),
        pytest.param(_blank_item, "item epds-4 has no text", id="blank-item"),
        pytest.param(_missing_answer, "item epds-3 needs a text for each answer", id="no-answer"),
        pytest.param(_blank_answer, "item epds-3 needs a text for each answer", id="blank-answer"),
        pytest.param(_unknown_item, "unknown items epds-11", id="unknown-item"),
        pytest.param(_no_items_text, "the text has no items", id="no-items"),
    ],
)
def test_incomplete_licensed_text_is_refused(change, problem: str) -> None:
    content = copy.deepcopy(_epds_text())
    change(content)

    with pytest.raises(InstrumentFileError, match=re.escape(problem)) as refused:
        loaded_wording(_instrument("epds"), "en", "RCPsych", content)
    assert str(refused.value).startswith("epds")


def test_the_checkin_needs_the_app_names_are_the_checkin_files_in_its_order():
    assert explain.CHECKIN_NEEDS == CHECKIN_NEEDS
