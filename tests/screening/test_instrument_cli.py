"""`flask instruments list|check|load-text`, and a clinic's licensed EPDS text once it is loaded.

The EPDS text used here is made up at test time ("EPDS test item 3"): the real wording is licensed
and must never be in the repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import DomainError
from app.screening import queries
from app.screening.definitions import shipped_library
from app.screening.models import FlagKind, InstrumentText
from app.screening.operations import load_instrument_text
from tests.records import count, events

EPDS_SOURCE = "Test permission 2026-001 (not real wording)"


def epds_test_text(language: str = "en", *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """A complete EPDS text file in placeholder words, less the items in `leave_out`."""
    items = {
        item.id: {
            "text": f"EPDS test item {n}",
            "options": {o.code: f"EPDS test answer {n}{o.code}" for o in item.options},
        }
        for n, item in enumerate(shipped_library()["epds"].items, start=1)
        if item.id not in leave_out
    }
    return {
        "language": language,
        "source": EPDS_SOURCE,
        "title": "EPDS test title",
        "stem": "EPDS test stem",
        "items": items,
    }


def write_text(tmp_path: Path, content: dict[str, Any], name: str = "epds.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


def load_text(runner, key: str, path: str, clinic, *extra: str):
    return runner.invoke(
        args=["instruments", "load-text", key, path, "--clinic", clinic.slug, *extra]
    )


# --- list and check ---------------------------------------------------------------------------


def test_list_prints_every_instrument_with_its_licence(runner):
    result = runner.invoke(args=["instruments", "list"])

    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert set(lines) == set(shipped_library())
    assert "licensed_text_required" in lines["epds"]
    assert "licensed text required" in lines["epds"]
    assert "en, es" in lines["phq-9"]


def test_check_passes_on_the_shipped_instruments(runner):
    result = runner.invoke(args=["instruments", "check"])

    assert result.exit_code == 0
    assert f"{len(shipped_library())} instruments are valid." in result.output


# --- load-text --------------------------------------------------------------------------------


def test_loading_the_epds_text_offers_it_in_that_language_for_that_clinic_only(
    make, db_session, runner, tmp_path, clinic
):
    neighbour = make.clinic()
    assert queries.offered_languages(clinic.id)["epds"] == set()

    result = load_text(runner, "epds", write_text(tmp_path, epds_test_text()), clinic)

    assert result.exit_code == 0, result.output
    assert f"Loaded the en text of epds for {clinic.name}; offered in: en." in result.output
    assert queries.offered_languages(clinic.id)["epds"] == {"en"}
    assert queries.offered_languages(neighbour.id)["epds"] == set()
    [text] = queries.loaded_texts(clinic.id)
    assert (text.instrument_key, text.instrument_version, text.language) == ("epds", "1", "en")
    assert text.source == EPDS_SOURCE
    [event] = events(db_session, "import", object_type="instrument_texts")
    assert event.clinic_id == clinic.id
    assert event.details == {"instrument": "epds", "language": "en"}


def test_the_loaded_text_is_the_wording_of_the_screen(runner, tmp_path, clinic):
    load_text(runner, "epds", write_text(tmp_path, epds_test_text()), clinic)

    wording = queries.wording(clinic.id, shipped_library()["epds"], "en")

    assert wording.title == "EPDS test title"
    assert wording.items["epds-3"] == "EPDS test item 3"
    assert wording.options["epds-10"]["d"] == "EPDS test answer 10d"
    assert wording.source == EPDS_SOURCE


def test_language_and_source_on_the_command_line_win_over_the_file(runner, tmp_path, clinic):
    content = {k: v for k, v in epds_test_text().items() if k not in ("language", "source")}

    result = load_text(
        runner,
        "epds",
        write_text(tmp_path, content),
        clinic,
        "--language",
        "vi",
        "--source",
        "Clinic permission letter",
    )

    assert result.exit_code == 0, result.output
    assert queries.offered_languages(clinic.id)["epds"] == {"vi"}
    assert queries.loaded_texts(clinic.id)[0].source == "Clinic permission letter"


def test_loading_a_language_again_replaces_the_earlier_text(db_session, runner, tmp_path, clinic):
    load_text(runner, "epds", write_text(tmp_path, epds_test_text()), clinic)
    corrected = {**epds_test_text(), "source": "Renewed permission", "title": "EPDS test v2"}

    result = load_text(runner, "epds", write_text(tmp_path, corrected, "again.json"), clinic)

    assert result.exit_code == 0, result.output
    assert count(db_session, InstrumentText) == 1
    assert queries.wording(clinic.id, shipped_library()["epds"], "en").title == "EPDS test v2"


def _without_option(item_id: str, code: str) -> dict[str, Any]:
    content = epds_test_text()
    del content["items"][item_id]["options"][code]
    return content


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (lambda: epds_test_text(leave_out=("epds-7",)), "item epds-7 has no text"),
        (lambda: _without_option("epds-3", "c"), "item epds-3 needs a text for each answer"),
        (
            lambda: {**epds_test_text(), "items": {**epds_test_text()["items"], "epds-11": {}}},
            "unknown items epds-11",
        ),
        (lambda: {**epds_test_text(), "items": []}, "the text has no items"),
    ],
)
def test_an_incomplete_text_is_refused_naming_what_is_missing(
    db_session, runner, tmp_path, clinic, content, problem
):
    result = load_text(runner, "epds", write_text(tmp_path, content()), clinic)

    assert result.exit_code == 1
    assert problem in result.output
    assert count(db_session, InstrumentText) == 0
    assert queries.offered_languages(clinic.id)["epds"] == set()


@pytest.mark.parametrize(("key", "language"), [("phq-9", "en"), ("phq-2", "es")])
def test_loading_a_language_wellthread_already_ships_is_refused(
    db_session, runner, tmp_path, clinic, key, language
):
    result = load_text(runner, key, write_text(tmp_path, epds_test_text(language)), clinic)

    assert result.exit_code == 1
    assert "already ships" in result.output
    assert count(db_session, InstrumentText) == 0


def test_an_unknown_clinic_or_instrument_is_refused(db_session, runner, tmp_path, clinic):
    path = write_text(tmp_path, epds_test_text())

    no_clinic = runner.invoke(
        args=["instruments", "load-text", "epds", path, "--clinic", "nowhere"]
    )
    no_instrument = load_text(runner, "edps", path, clinic)

    assert no_clinic.exit_code == 1
    assert "no clinic has the short name nowhere" in no_clinic.output
    assert no_instrument.exit_code == 1
    assert "no screening instrument called edps" in no_instrument.output
    assert count(db_session, InstrumentText) == 0


def test_a_file_that_is_not_json_is_refused_by_name(db_session, runner, tmp_path, clinic):
    path = tmp_path / "epds.txt"
    path.write_text("EPDS test item 1\n", encoding="utf-8")

    result = load_text(runner, "epds", str(path), clinic)

    assert result.exit_code == 1
    assert "epds.txt: not readable JSON" in result.output
    assert count(db_session, InstrumentText) == 0


def test_a_text_without_a_language_or_source_is_refused(db_session, runner, tmp_path, clinic):
    content = epds_test_text()
    no_language = load_text(
        runner, "epds", write_text(tmp_path, {**content, "language": ""}), clinic
    )
    no_source = load_text(runner, "epds", write_text(tmp_path, {**content, "source": " "}), clinic)

    assert no_language.exit_code == 1
    assert "which language" in no_language.output
    assert no_source.exit_code == 1
    assert "which permission you hold" in no_source.output
    assert count(db_session, InstrumentText) == 0


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"language": "en", "source": ""}, "source"),
        ({"language": "es", "content": {"items": {}}}, "incomplete_text"),
    ],
)
def test_the_operation_refuses_what_the_command_refuses(db_session, clinic, fields, code):
    values = {"language": "en", "source": EPDS_SOURCE, "content": epds_test_text(), **fields}

    with pytest.raises(DomainError) as error:
        load_instrument_text(clinic.id, "epds", **values)

    assert error.value.code == code
    assert count(db_session, InstrumentText) == 0


# --- scoring an EPDS once its text is loaded --------------------------------------------------


def epds_answers(**codes: str) -> dict[str, str]:
    """Every EPDS item answered "d" (the last choice) unless given, e.g. item_10="a"."""
    answers = {f"epds-{n}": "d" for n in range(1, 11)}
    answers.update({f"epds-{key.removeprefix('item_')}": code for key, code in codes.items()})
    return answers


@pytest.mark.parametrize(
    ("answers", "total", "band", "is_critical"),
    [
        # items 1, 2, 4 score a-d as 0-3; items 3 and 5-10 are reverse scored, d = 0
        (epds_answers(), 9, "below_threshold", False),
        (epds_answers(item_10="c"), 10, "possible", True),
        (epds_answers(item_3="a", item_5="b"), 14, "probable", False),
        ({f"epds-{n}": "a" for n in range(1, 11)}, 21, "probable", True),
    ],
)
def test_a_loaded_epds_is_scored_with_its_reverse_items_and_item_10(
    make, db_session, runner, tmp_path, clinic, answers, total, band, is_critical
):
    load_text(runner, "epds", write_text(tmp_path, epds_test_text()), clinic)
    appointment = make.appointment(make.child(clinic=clinic))

    response = make.screen(appointment, "epds", answers)

    assert (response.instrument_key, response.language) == ("epds", "en")
    assert (response.total_score, response.band) == (total, band)
    assert response.is_positive is (total >= 10)
    critical = [f.code for f in response.flags if f.kind == FlagKind.CRITICAL]
    assert critical == (["epds:epds-10"] if is_critical else [])


def test_an_epds_loaded_by_another_clinic_cannot_be_submitted_here(
    make, db_session, runner, tmp_path, clinic
):
    load_text(runner, "epds", write_text(tmp_path, epds_test_text()), make.clinic())
    appointment = make.appointment(make.child(clinic=clinic))

    with pytest.raises(DomainError) as error:
        make.screen(appointment, "epds", epds_answers())

    assert error.value.code == "language_not_offered"
