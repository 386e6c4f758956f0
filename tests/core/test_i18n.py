"""English and Spanish stay complete: the catalogue covers the code, and pages show no English."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from app.config import REPO_ROOT
from app.core.cli import extract_catalogue
from app.core.roles import Role
from tests.pages import text_chunks
from tests.test_access import build_world, endpoint_requests, url_for_world

SPANISH = REPO_ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
# English function words never found inside Spanish UI text; their presence means a string escaped Babel.
ENGLISH_ONLY = re.compile(
    r"\b(the|and|your|with|this|that|from|there|has|have|yet|Save|Search|Edit|Cancel)\b"
)


def _catalog(path):
    with open(path, "rb") as handle:
        return read_po(handle)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def test_every_spanish_entry_is_translated():
    missing = [
        message.id
        for message in _catalog(SPANISH)
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert missing == []


def test_the_spanish_catalogue_covers_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    extract_catalogue(pot)
    in_code = {_ids(m)[0] for m in _catalog(pot) if m.id}
    translated = {_ids(m)[0] for m in _catalog(SPANISH) if m.id}
    assert sorted(in_code - translated) == [], (
        "run `flask translate update` and translate the new strings"
    )


def _english_left(chunks: list[str], english: set[str]) -> list[str]:
    return [chunk for chunk in chunks if chunk in english or ENGLISH_ONLY.search(chunk)]


@pytest.fixture
def english_only_strings() -> set[str]:
    """Source strings whose Spanish differs: seeing one on a Spanish page means it was not translated."""
    return {
        _ids(m)[0]
        for m in _catalog(SPANISH)
        if m.id and isinstance(m.id, str) and m.string and m.string != m.id and len(m.id) > 3
    }


@pytest.mark.parametrize("role", list(Role))
def test_every_page_renders_fully_in_spanish(app, login, make, role, english_only_strings):
    world = build_world(make)
    client = login(world.members[role])
    leftovers = {}
    for rule, method, arguments in endpoint_requests(app):
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", ())
        if method != "GET" or role not in allowed:
            continue
        response = client.get(
            url_for_world(rule, arguments, world), headers={"Accept-Language": "es"}
        )
        if response.mimetype != "text/html":
            continue
        assert response.status_code == 200, rule.endpoint
        if found := _english_left(text_chunks(response, only_lang="es"), english_only_strings):
            leftovers[rule.endpoint] = found
    assert leftovers == {}


def test_the_sign_in_page_follows_the_browser_language(client):
    chunks = text_chunks(
        client.get("/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    )
    assert "Iniciar sesión" in " ".join(chunks)


def test_a_saved_preference_beats_the_browser(login, make):
    client = login(make.member(make.clinic(), Role.CLINICIAN))
    client.post("/account", data={"locale": "es"})
    page = " ".join(text_chunks(client.get("/", headers={"Accept-Language": "en"})))
    assert "Sus consultas de hoy" in page or "consultas" in page


def test_the_clinic_default_applies_when_the_browser_names_no_language_we_have(login, make):
    clinic = make.clinic(default_locale="es")
    client = login(make.member(clinic, Role.FRONT_DESK))
    page = " ".join(text_chunks(client.get("/", headers={"Accept-Language": "fr"})))
    assert "Inicio" in page
