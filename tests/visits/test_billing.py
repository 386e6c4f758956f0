"""Billing suggestions: worked examples for each rule, and reasons that render in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import Babel, force_locale

from app.screening.definitions import shipped_library
from app.visits.billing import CAREGIVER_FOCUSED, billing_suggestions
from app.visits.facts import ScreenFact, VisitFacts


def screen(
    key: str,
    *,
    band: str | None = "scored",
    positive: bool | None = False,
    complete: bool = True,
    this_visit: bool = True,
) -> ScreenFact:
    return ScreenFact(key, band, positive, complete, this_visit)


def facts(*screens: ScreenFact, yes: str = "", later: str = "") -> VisitFacts:
    """A 2-month visit; `yes`/`later` list check-in needs separated by spaces."""
    return VisitFacts(
        "2m",
        61,
        screens=screens,
        needs_yes=frozenset(yes.split()),
        needs_later=frozenset(later.split()),
    )


def codes(visit: VisitFacts) -> list[tuple[str, str, int]]:
    return [(s.code, s.system, s.units) for s in billing_suggestions(visit)]


CAREGIVER_SCREEN = [("96161", "CPT", 1), ("Z13.32", "ICD-10-CM", 1)]
HVS_POSITIVE = screen("hvs", band="at_risk", positive=True)
INCOMPLETE = {"band": None, "complete": False}


@pytest.mark.parametrize(
    ("visit", "expected"),
    [
        pytest.param(facts(), [], id="no screens"),
        pytest.param(
            facts(screen("phq-2", band="negative")), CAREGIVER_SCREEN, id="PHQ-2 negative alone"
        ),
        pytest.param(
            facts(screen("phq-9", band="moderate", positive=True)),
            CAREGIVER_SCREEN,
            id="PHQ-2 positive continued to PHQ-9: one response, one instrument",
        ),
        pytest.param(
            facts(screen("phq-2", band="positive", positive=True), screen("phq-9", band="mild")),
            CAREGIVER_SCREEN,
            id="PHQ-2 and PHQ-9 both stored: the PHQ-9 contains the PHQ-2",
        ),
        pytest.param(facts(screen("epds")), CAREGIVER_SCREEN, id="EPDS alone"),
        pytest.param(
            facts(screen("phq-9", band="minimal"), screen("epds", band="below_threshold")),
            [("96161", "CPT", 2), ("Z13.32", "ICD-10-CM", 1)],
            id="PHQ-9 and EPDS at the same visit: two units",
        ),
        pytest.param(
            facts(screen("epds"), screen("epds")),
            CAREGIVER_SCREEN,
            id="the same instrument twice counts once",
        ),
        pytest.param(
            facts(screen("phq-9", this_visit=False)),
            [],
            id="a sibling's screen still valid, not this visit",
        ),
        pytest.param(
            facts(screen("phq-9", positive=None, **INCOMPLETE)),
            [],
            id="incomplete PHQ-9 with no total",
        ),
        pytest.param(
            facts(screen("phq-9", positive=True, **INCOMPLETE)),
            [],
            id="incomplete PHQ-9 already past the cut-off: still not scored as the instrument says",
        ),
        pytest.param(facts(screen("hvs", band="no_risk")), [], id="HVS negative"),
        pytest.param(
            facts(screen("family-checkin", band=None)),
            [],
            id="household screens earn no CPT code",
        ),
        pytest.param(facts(HVS_POSITIVE), [("Z59.41", "ICD-10-CM", 1)], id="HVS positive"),
        pytest.param(
            facts(screen("hvs", band="at_risk", positive=True, this_visit=False)),
            [("Z59.41", "ICD-10-CM", 1)],
            id="HVS positive on a sibling's screen still valid: the household need stands",
        ),
        pytest.param(
            facts(HVS_POSITIVE, yes="food"),
            [("Z59.41", "ICD-10-CM", 1)],
            id="food need and HVS positive: Z59.41 once",
        ),
        pytest.param(facts(later="food"), [("Z59.41", "ICD-10-CM", 1)], id="food, not now"),
        pytest.param(facts(yes="housing"), [("Z59.819", "ICD-10-CM", 1)], id="housing"),
        pytest.param(facts(yes="utilities"), [("Z59.861", "ICD-10-CM", 1)], id="utilities"),
        pytest.param(facts(yes="transportation"), [("Z59.82", "ICD-10-CM", 1)], id="transport"),
        pytest.param(
            facts(later="income_benefits"), [("Z59.869", "ICD-10-CM", 1)], id="money, not now"
        ),
        pytest.param(facts(yes="safety_home"), [], id="safety at home: the clinician assesses"),
        pytest.param(
            facts(yes="legal child_care stress_support"), [], id="needs with no honest code"
        ),
        pytest.param(
            facts(screen("swyc-bpsc", band="positive", positive=True)),
            [("96127", "CPT", 1)],
            id="a clinic-loaded behavioral screen",
        ),
        pytest.param(
            facts(screen("swyc-milestones"), screen("m-chat-r"), screen("swyc-ppsc")),
            [("96110", "CPT", 2), ("96127", "CPT", 1)],
            id="two developmental screens and one behavioral",
        ),
        pytest.param(
            facts(screen("asq-3", positive=None, **INCOMPLETE)),
            [],
            id="an unfinished developmental screen",
        ),
        pytest.param(
            facts(
                screen("epds"),
                screen("asq-3"),
                HVS_POSITIVE,
                yes="transportation housing safety_home",
                later="utilities",
            ),
            [
                ("96110", "CPT", 1),
                ("96161", "CPT", 1),
                ("Z13.32", "ICD-10-CM", 1),
                ("Z59.41", "ICD-10-CM", 1),
                ("Z59.819", "ICD-10-CM", 1),
                ("Z59.82", "ICD-10-CM", 1),
                ("Z59.861", "ICD-10-CM", 1),
            ],
            id="everything: CPT first, then ICD-10-CM, each sorted",
        ),
    ],
)
def test_worked_examples(visit: VisitFacts, expected: list[tuple[str, str, int]]) -> None:
    assert codes(visit) == expected


def _by_code(visit: VisitFacts) -> dict[str, object]:
    return {s.code: s for s in billing_suggestions(visit)}


@pytest.mark.parametrize(
    ("visit", "code", "says"),
    [
        (facts(screen("phq-9"), screen("epds")), "96161", "EPDS, PHQ-9"),
        (facts(screen("phq-9")), "Z13.32", "screened for depression"),
        (facts(HVS_POSITIVE), "Z59.41", "Hunger Vital Sign was positive"),
        (facts(HVS_POSITIVE, yes="food"), "Z59.41", "Hunger Vital Sign was positive"),
        (facts(yes="food"), "Z59.41", "asked for help with having enough food"),
        (facts(later="food"), "Z59.41", "“not now”"),
        (facts(yes="housing"), "Z59.819", "a safe, steady place to live"),
    ],
)
def test_each_suggestion_says_why(visit: VisitFacts, code: str, says: str) -> None:
    assert says in str(_by_code(visit)[code].reason)


@pytest.mark.parametrize(
    ("code", "warns"),
    [("96161", "G8431"), ("Z13.32", "female-only"), ("Z59.819", "Z59.0-")],
)
def test_payer_pitfalls_come_with_a_caution(code: str, warns: str) -> None:
    visit = facts(screen("phq-9"), yes="housing")
    assert warns in str(_by_code(visit)[code].caution)


def test_every_suggestion_cites_its_source() -> None:
    everything = facts(
        screen("phq-9"),
        screen("swyc-bpsc"),
        screen("asq-3"),
        HVS_POSITIVE,
        yes="housing utilities transportation income_benefits",
    )
    suggestions = billing_suggestions(everything)
    assert len(suggestions) == 9
    assert all(s.source.startswith("https://") for s in suggestions)


def test_every_shipped_caregiver_instrument_is_billed_as_one() -> None:
    """A new caregiver instrument must be placed in (or kept out of) 96161 on purpose."""
    caregiver = {key for key, inst in shipped_library().items() if inst.subject == "caregiver"}
    assert caregiver == CAREGIVER_FOCUSED


# --- Reasons render in the reader's language, whenever they are shown -----------------------------

SPANISH = {
    "Caregiver screens scored and documented at this visit, one unit per standardized instrument: %(instruments)s.": "Evaluaciones del cuidador(a) calificadas y documentadas en esta consulta, una unidad por instrumento estandarizado: %(instruments)s.",
    "The family asked for help with %(need)s.": "La familia pidió ayuda con: %(need)s.",
    "having enough food": "tener suficiente comida",
}


@pytest.fixture
def spanish_app(tmp_path: Path) -> Flask:
    """A bare app whose Spanish catalogue holds a few of this module's strings (nothing else needed)."""
    catalog = Catalog(locale="es")
    for msgid, msgstr in SPANISH.items():
        catalog.add(msgid, msgstr)
    target = tmp_path / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    Babel(app)
    return app


def test_reasons_are_translated_when_shown_not_when_suggested(spanish_app: Flask) -> None:
    # Built before any locale is chosen, as a cached visit page would: the words must wait.
    suggestions = _by_code(facts(screen("phq-9"), screen("epds"), yes="food"))
    with spanish_app.app_context():
        with force_locale("es"):
            assert str(suggestions["96161"].reason) == (
                "Evaluaciones del cuidador(a) calificadas y documentadas en esta consulta, una unidad "
                "por instrumento estandarizado: EPDS, PHQ-9."
            )
            assert str(suggestions["Z59.41"].reason) == (
                "La familia pidió ayuda con: tener suficiente comida."
            )
        with force_locale("en"):
            assert str(suggestions["Z59.41"].reason) == (
                "The family asked for help with having enough food."
            )
