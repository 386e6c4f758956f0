"""The parent pages: a light, self-contained shell in the family's language, and nothing without a token."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from babel.messages.pofile import read_po

from app.appointments.models import VisitKind
from app.config import REPO_ROOT
from app.extensions import db, limiter
from app.invitations.models import Channel
from app.invitations.operations import create_invitation, record_completed, revoke_invitation
from app.screener.strings import PARENT_LOCALES
from tests.pages import text_of

PAGE_BUDGET_BYTES = 60 * 1024


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    limiter.reset()
    yield
    limiter.reset()


def _invitation(make, language="es", channel=Channel.QR):
    clinic = make.clinic()
    household = make.household(clinic, name="Quispe")
    parent = make.caregiver(household, given_name="Rosa", preferred_language=language)
    child = make.child(household, given_name="Inti")
    appointment = make.appointment(child, visit_kind=VisitKind.MONTH_2)
    return create_invitation(
        appointment, language=language, channel=channel, created_by_id=None, caregiver=parent
    )


def _config(response) -> dict:
    found = re.search(
        r'<script type="application/json" id="screener-config">(.*?)</script>',
        response.get_data(as_text=True),
        re.S,
    )
    return json.loads(found.group(1))


def test_the_link_opens_the_screener_in_the_invitations_language(client, make):
    _invitation_row, token = _invitation(make, "es")
    response = client.get(f"/s/{token}")
    assert response.status_code == 200
    assert '<html lang="es" dir="ltr">' in response.get_data(as_text=True)
    config = _config(response)
    assert config["api"] == f"/api/v1/screener/{token}"
    assert config["strings"]["start"] == "Comenzar"


def test_the_page_names_no_one_and_holds_no_health_information(client, make):
    _invitation_row, token = _invitation(make, "en")
    page = client.get(f"/s/{token}").get_data(as_text=True)
    # The questions travel with the page; who the family is and anything they answered never do.
    for private in (
        "Inti",
        "Rosa",
        "Quispe",
        "MRN-",
        '"band"',
        '"total',
        '"is_positive"',
        '"flags"',
    ):
        assert private not in page


def test_arabic_is_right_to_left(client, make):
    _invitation_row, token = _invitation(make, "en")
    response = client.get(f"/s/{token}?lang=ar")
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)
    assert _config(response)["strings"]["start"] == "ابدأ"


@pytest.mark.parametrize("spoil", ["expired", "revoked", "completed", "unknown", "malformed"])
def test_an_unusable_link_gets_the_same_friendly_page(client, make, spoil):
    invitation, token = _invitation(make, "en")
    if spoil == "expired":
        invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    elif spoil == "revoked":
        revoke_invitation(invitation)
    elif spoil == "completed":
        record_completed(invitation)
    db.session.flush()
    path = {"unknown": "/s/" + "A" * 32, "malformed": "/s/not a token!"}.get(spoil, f"/s/{token}")
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "This link cannot be opened" in text_of(response)
    assert "screener-config" not in response.get_data(as_text=True)


def test_repeated_guessing_is_slowed_down(app, client):
    app.config["WELLTHREAD_TOKEN_GUESS_LIMIT"] = "3 per minute"
    try:
        codes = [client.get("/s/" + f"{n:032d}").status_code for n in range(5)]
    finally:
        app.config["WELLTHREAD_TOKEN_GUESS_LIMIT"] = "20 per 10 minutes"
    assert codes[:3] == [404, 404, 404]
    assert codes[3:] == [429, 429]


def test_the_service_worker_and_manifest_are_served_for_the_screener_scope(client):
    worker = client.get("/s/sw.js")
    assert worker.mimetype in {"text/javascript", "application/javascript"}
    assert worker.headers["Service-Worker-Allowed"] == "/s/"
    manifest = client.get("/s/manifest.webmanifest").json
    assert manifest["scope"] == "/s/"
    assert manifest["display"] == "standalone"


def _compressed_size(response) -> int:
    with response:
        return len(gzip.compress(response.get_data(), 9)) if response.status_code == 200 else 0


def _first_load_bytes(client, token) -> int:
    """Everything a phone downloads to show the first question: page, assets and the questions."""
    html = client.get(f"/s/{token}").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="(/static/[^"]+|/s/manifest[^"]*)"', html)
    paths = [f"/s/{token}", *assets, f"/api/v1/screener/{token}?language=es"]
    return sum(_compressed_size(client.get(path)) for path in paths)


def test_first_load_stays_within_the_60_kb_budget_compressed(client, make):
    _invitation_row, token = _invitation(make, "es")
    assert _first_load_bytes(client, token) <= PAGE_BUDGET_BYTES


def test_parent_pages_load_nothing_from_another_origin(client, make):
    _invitation_row, token = _invitation(make, "es")
    page = client.get(f"/s/{token}").get_data(as_text=True)
    sources = [page] + [
        (REPO_ROOT / "static" / "screener" / name).read_text()
        for name in ("screener.js", "sw.js", "screener.css")
    ]
    for source in sources:
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", source, re.I)


@pytest.mark.parametrize("locale", [code for code in PARENT_LOCALES if code != "en"])
def test_every_parent_string_is_translated(locale):
    with open(REPO_ROOT / "translations" / locale / "LC_MESSAGES" / "family.po", "rb") as source:
        catalog = read_po(source)
    assert [m.id for m in catalog if m.id and (m.fuzzy or not m.string)] == []
    with open(REPO_ROOT / "translations" / "family.pot", "rb") as source:
        assert {m.id for m in read_po(source) if m.id} <= {m.id for m in catalog if m.id}
