"""The parent screener's API, as the family's phone uses it: open, start, send, and send again."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.appointments.models import VisitKind
from app.clinics.models import PartnerKind
from app.consents.models import Consent, ConsentMethod, Recipient
from app.core.audit import AuditEvent
from app.extensions import db, limiter
from app.invitations import screener_operations
from app.invitations.models import Channel, Invitation, InvitationStatus
from app.invitations.operations import create_invitation, record_completed, revoke_invitation
from app.invitations.screener_operations import Answered, Sitting, submit_sitting
from app.screening import operations as screening_operations
from app.screening.definitions import shipped_library
from app.screening.models import (
    FamilyPriority,
    Flag,
    ResponseSource,
    ScreeningResponse,
    WantsHelp,
)
from app.screening.operations import load_instrument_text

#: PHQ-2 total 4 (positive), then PHQ-9 items 3-9 in the same sitting.
PHQ_CONTINUED = (
    {"phq-1": "2", "phq-2": "2"} | {f"phq-{n}": "1" for n in range(3, 9)} | {"phq-9": "0"}
)
CHECKIN_FOOD = {item.id: "no" for item in shipped_library()["family-checkin"].items} | {
    "need-food": "yes"
}
HVS_NEVER = {"hvs-1": "never", "hvs-2": "never"}
#: Words that would reveal a result to the family.
RESULT_KEYS = {"score", "total_score", "answered_total", "band", "is_positive", "flag", "flags"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    limiter.reset()
    yield
    limiter.reset()


def _invitation(make, language="es", channel=Channel.QR, clinic=None) -> tuple[Invitation, str]:
    """A 2-month visit: PHQ-2, the family check-in and (where on file) the Hunger Vital Sign."""
    household = make.household(clinic or make.clinic(), name="Quispe")
    parent = make.caregiver(household, given_name="Rosa", preferred_language=language)
    child = make.child(household, given_name="Inti")
    appointment = make.appointment(child, visit_kind=VisitKind.MONTH_2)
    return create_invitation(
        appointment, language=language, channel=channel, created_by_id=None, caregiver=parent
    )


def _response(instrument: str, answers: dict[str, str]) -> dict:
    return {"instrument": instrument, "client_submission_id": str(uuid.uuid4()), "answers": answers}


def _body(*responses: dict, language="es", recipients=None, kiosk=False) -> dict:
    help_ = {"recipients": recipients} if recipients is not None else None
    return {"language": language, "kiosk": kiosk, "responses": list(responses), "help": help_}


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (ScreeningResponse, Flag, FamilyPriority, Consent, AuditEvent)
    }


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in _keys(item)}
    if isinstance(value, list):
        return {k for item in value for k in _keys(item)}
    return set()


def _error(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


# The family's path ---------------------------------------------------------------------------------


def test_a_family_answers_in_spanish_and_asks_for_help_with_food(client, make):
    invitation, token = _invitation(make, "es")

    opened = client.get(f"/api/v1/screener/{token}?language=es")
    assert opened.status_code == 200
    session = opened.get_json()
    assert session["language"] == "es"
    assert session["languages"] == ["en", "es"]
    assert session["status"] == "opened"
    [phq, checkin] = session["instruments"]
    assert phq["key"] == "phq-2"
    assert phq["stem"].startswith("Durante las últimas 2 semanas")
    assert phq["items"][0]["text"] == "Poco interés o placer en hacer cosas"  # Pfizer's Spanish
    assert phq["items"][0]["options"][3] == {"code": "3", "text": "Casi todos los días"}
    continuation = phq["continues_to"]
    assert continuation["key"] == "phq-9"
    assert continuation["when_total_at_least"] == 3
    assert [item["id"] for item in continuation["items"]] == [f"phq-{n}" for n in range(3, 10)]
    assert continuation["items"][0]["text"].startswith("Ha tenido dificultad para quedarse")
    assert checkin["key"] == "family-checkin"
    assert {"code": "food", "label": "Comida"} in session["needs"]
    assert session["recipients"][0] == {"code": "clinic_team", "label": "El equipo de la clínica"}

    assert client.post(f"/api/v1/screener/{token}/started").status_code == 204
    assert db.session.get(Invitation, invitation.id).status == InvitationStatus.IN_PROGRESS

    body = _body(
        _response("phq-2", PHQ_CONTINUED),
        _response("family-checkin", CHECKIN_FOOD),
        recipients=["clinic_team", "navigator"],
    )
    sent = client.post(f"/api/v1/screener/{token}/submissions", json=body)
    assert sent.status_code == 201
    assert sent.get_json() == {
        "received": [
            {"instrument": r["instrument"], "client_submission_id": r["client_submission_id"],
             "status": "stored"}
            for r in body["responses"]
        ],
        "completed": True,
    }  # fmt: skip

    responses = db.session.scalars(
        sa.select(ScreeningResponse).where(ScreeningResponse.invitation_id == invitation.id)
    ).all()
    assert sorted(r.instrument_key for r in responses) == ["family-checkin", "phq-9"]
    assert {r.source for r in responses} == {ResponseSource.PARENT_DEVICE}
    assert {r.language for r in responses} == {"es"}
    phq9 = next(r for r in responses if r.instrument_key == "phq-9")
    assert phq9.appointment_id == invitation.appointment_id
    assert phq9.caregiver_id == invitation.caregiver_id
    food = db.session.scalar(sa.select(FamilyPriority).where(FamilyPriority.need == "food"))
    assert food.wants_help == WantsHelp.YES
    consents = db.session.scalars(
        sa.select(Consent).where(Consent.invitation_id == invitation.id)
    ).all()
    assert sorted(c.recipient.value for c in consents) == ["clinic_team", "navigator"]
    assert {tuple(c.scope_needs) for c in consents} == {("food",)}
    assert {c.method for c in consents} == {ConsentMethod.PARENT_DEVICE}
    assert {c.caregiver_id for c in consents} == {invitation.caregiver_id}
    assert db.session.get(Invitation, invitation.id).status == InvitationStatus.COMPLETED

    # Nothing the family's phone received shows a result or a name.
    for payload in (session, sent.get_json()):
        assert not _keys(payload) & RESULT_KEYS
        text = json.dumps(payload, ensure_ascii=False)
        for name in ("Inti", "Quispe", "Rosa"):
            assert name not in text
    assert client.get(f"/api/v1/screener/{token}").status_code == 404  # used up


def test_a_screen_not_on_file_in_the_chosen_language_is_left_for_the_care_team(client, make):
    invitation, token = _invitation(make, "en")
    assert invitation.instruments == ["phq-2", "family-checkin", "hvs"]

    session = client.get(f"/api/v1/screener/{token}?language=es").get_json()
    assert [i["key"] for i in session["instruments"]] == ["phq-2", "family-checkin"]
    assert session["unavailable"] == [
        {"key": "hvs", "title": "Hunger Vital Sign (signo vital del hambre)"}
    ]

    body = _body(_response("phq-2", {"phq-1": "0", "phq-2": "1"}), _response("family-checkin", {}))
    sent = client.post(f"/api/v1/screener/{token}/submissions", json=body)
    assert sent.status_code == 201
    assert sent.get_json()["completed"] is False  # the Hunger Vital Sign is still to be asked

    # Opened again, the link asks only what is left.
    again = client.get(f"/api/v1/screener/{token}?language=en").get_json()
    assert [i["key"] for i in again["instruments"]] == ["hvs"]
    assert again["status"] == "in_progress"
    last = _body(_response("hvs", HVS_NEVER), language="en")
    assert client.post(f"/api/v1/screener/{token}/submissions", json=last).get_json() == {
        "received": [
            {"instrument": "hvs", "client_submission_id": last["responses"][0]["client_submission_id"],
             "status": "stored"}
        ],
        "completed": True,
    }  # fmt: skip


def test_a_clinics_licensed_text_is_served_in_its_language(client, make):
    clinic = make.clinic()
    load_instrument_text(
        clinic.id,
        "hvs",
        language="es",
        source="Traducción con permiso de Children's HealthWatch, 2026",
        content={
            "title": "Signo vital del hambre",
            "items": {
                item: {
                    "text": f"Texto de la clínica {item}",
                    "options": {"often": "A menudo", "sometimes": "A veces", "never": "Nunca"},
                }
                for item in ("hvs-1", "hvs-2")
            },
        },
    )
    _invitation_row, token = _invitation(make, "es", clinic=clinic)
    session = client.get(f"/api/v1/screener/{token}").get_json()
    hvs = next(i for i in session["instruments"] if i["key"] == "hvs")
    assert hvs["title"] == "Signo vital del hambre"
    assert hvs["items"][1]["text"] == "Texto de la clínica hvs-2"
    assert session["unavailable"] == []


def test_partners_are_offered_only_when_the_clinic_works_with_one(client, make):
    clinic = make.clinic()
    _invitation_row, token = _invitation(make, "en", clinic=clinic)
    offered = [r["code"] for r in client.get(f"/api/v1/screener/{token}").get_json()["recipients"]]
    assert offered == ["clinic_team", "navigator"]
    body = _body(
        _response("family-checkin", CHECKIN_FOOD), language="en", recipients=["legal_partner"]
    )
    refused = client.post(f"/api/v1/screener/{token}/submissions", json=body)
    assert _error(refused) == (422, "recipient_not_offered")

    make.partner_organization(clinic, PartnerKind.LEGAL_AID)
    offered = [r["code"] for r in client.get(f"/api/v1/screener/{token}").get_json()["recipients"]]
    assert offered == ["clinic_team", "navigator", "legal_partner"]
    assert client.post(f"/api/v1/screener/{token}/submissions", json=body).status_code == 201


@pytest.mark.parametrize(
    ("channel", "kiosk", "source"),
    [
        (Channel.KIOSK, True, ResponseSource.KIOSK),
        (Channel.QR, True, ResponseSource.PARENT_DEVICE),  # a phone saying "kiosk" is still a phone
        (Channel.KIOSK, False, ResponseSource.PARENT_DEVICE),
    ],
)
def test_only_a_kiosk_session_records_the_clinic_tablet(client, make, channel, kiosk, source):
    invitation, token = _invitation(make, "es", channel=channel)
    body = _body(_response("family-checkin", CHECKIN_FOOD), recipients=["navigator"], kiosk=kiosk)
    assert client.post(f"/api/v1/screener/{token}/submissions", json=body).status_code == 201
    response = db.session.scalar(
        sa.select(ScreeningResponse).where(ScreeningResponse.invitation_id == invitation.id)
    )
    consent = db.session.scalar(sa.select(Consent).where(Consent.invitation_id == invitation.id))
    assert response.source == source
    assert consent.method.value == source.value


# Sending again ---------------------------------------------------------------------------------------


def test_sending_the_same_body_again_stores_nothing_new(client, make):
    _invitation_row, token = _invitation(make, "es")
    body = _body(
        _response("phq-2", PHQ_CONTINUED),
        _response("family-checkin", CHECKIN_FOOD),
        recipients=["clinic_team"],
    )
    assert client.post(f"/api/v1/screener/{token}/submissions", json=body).status_code == 201
    before = _counts()

    again = client.post(f"/api/v1/screener/{token}/submissions", json=body)
    assert again.status_code == 201
    assert [r["status"] for r in again.get_json()["received"]] == ["already_received"] * 2
    assert again.get_json()["completed"] is True
    assert _counts() == before


def test_a_resend_of_part_of_the_screens_is_recognised_while_the_link_is_open(client, make):
    _invitation_row, token = _invitation(make, "en")
    body = _body(_response("phq-2", {"phq-1": "1", "phq-2": "0"}), language="en")
    client.post(f"/api/v1/screener/{token}/submissions", json=body)
    before = _counts()
    again = client.post(f"/api/v1/screener/{token}/submissions", json=body).get_json()
    assert again["received"][0]["status"] == "already_received"
    assert again["completed"] is False
    assert _counts() == before


def test_a_completed_link_refuses_anything_new(client, make):
    _invitation_row, token = _invitation(make, "es")
    body = _body(_response("phq-2", PHQ_CONTINUED), _response("family-checkin", CHECKIN_FOOD))
    client.post(f"/api/v1/screener/{token}/submissions", json=body)
    before = _counts()
    for changed in (
        {**body, "responses": [_response("phq-2", PHQ_CONTINUED)]},
        {**body, "help": {"recipients": ["navigator"]}},
    ):
        refused = client.post(f"/api/v1/screener/{token}/submissions", json=changed)
        assert _error(refused) == (404, "invitation_unavailable")
    assert _counts() == before


def test_a_duplicate_arriving_while_the_first_is_stored_changes_nothing(make, monkeypatch):
    """Two requests with one body: the second cannot see the first's rows until the unique
    constraints stop it; it then answers with what the first stored."""
    invitation, _token = _invitation(make, "en")
    sitting = Sitting(
        language="en",
        answered=[
            Answered("phq-2", "race-phq", {"phq-1": "3", "phq-2": "3"}),
            Answered("family-checkin", "race-checkin", CHECKIN_FOOD),
        ],
        recipients=[Recipient.CLINIC_TEAM],
    )
    first = submit_sitting(invitation, sitting)
    before = _counts()
    monkeypatch.setattr(screener_operations, "responses_through", lambda _invitation: {})
    monkeypatch.setattr(screening_operations, "_earlier_submission", lambda _submission: None)

    second = submit_sitting(invitation, sitting)

    assert [r.client_submission_id for r in second.received] == ["race-phq", "race-checkin"]
    assert second.completed is first.completed is False
    counts = _counts()
    assert counts.pop("AuditEvent") >= before.pop("AuditEvent")
    assert counts == before


# Bad requests ------------------------------------------------------------------------------------------


def _oversized() -> dict:
    answers = {f"phq-{n}": "1" * 32 for n in range(60)}
    return _body(*[_response("phq-2", answers) | {"pad": "x" * 8000} for _ in range(10)])


MALFORMED = {
    "nothing": ({}, 422, "validation_error"),
    "responses not a list": ({"language": "es", "responses": "phq-2"}, 422, "validation_error"),
    "language not a string": (_body() | {"language": 5}, 422, "validation_error"),
    "language not a code": (_body(language="español"), 422, "validation_error"),
    "kiosk not a boolean": (_body() | {"kiosk": "yes"}, 422, "validation_error"),
    "unknown field": (_body() | {"score": 3}, 422, "validation_error"),
    "answer not a string": (
        _body(_response("phq-2", {"phq-1": 2})), 422, "validation_error"),
    "id too long": (
        _body(_response("phq-2", {}) | {"client_submission_id": "x" * 65}), 422, "validation_error"),
    "too many responses": (_body(*[_response("phq-2", {})] * 11), 422, "validation_error"),
    "too many answers": (
        _body(_response("phq-2", {f"phq-{n}": "1" for n in range(61)})), 422, "validation_error"),
    "unknown recipient": (_body(recipients=["the_mayor"]), 422, "validation_error"),
    "recipient twice": (_body(recipients=["navigator", "navigator"]), 422, "validation_error"),
    "a list, not an object": ([], 422, "validation_error"),
    "unknown instrument": (_body(_response("gad-7", {})), 422, "unknown_instrument"),
    "instrument not in the invitation": (_body(_response("epds", {})), 422, "not_in_invitation"),
    "same instrument twice": (
        _body(_response("phq-2", {}), _response("phq-2", {})), 422, "duplicate_instrument"),
    "unknown item": (_body(_response("phq-2", {"phq-x": "1"})), 422, "unknown_item"),
    "invalid answer code": (_body(_response("phq-2", {"phq-1": "7"})), 422, "invalid_answer"),
    "PHQ-9 after a negative PHQ-2": (
        _body(_response("phq-2", {"phq-1": "0", "phq-2": "0", "phq-3": "1"})), 422, "not_continued"),
    "a language without the text": (_body(_response("phq-2", {}), language="vi"), 422,
                                    "language_not_offered"),
    "second response bad, first good": (
        _body(_response("family-checkin", CHECKIN_FOOD), _response("phq-2", {"phq-1": "9"}),
              recipients=["clinic_team"]),
        422, "invalid_answer"),
}  # fmt: skip


@pytest.mark.parametrize(("body", "status", "code"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_submission_changes_nothing(client, make, body, status, code):
    invitation, token = _invitation(make, "es")
    before = _counts()
    refused = client.post(f"/api/v1/screener/{token}/submissions", json=body)
    assert _error(refused) == (status, code)
    assert refused.get_json()["error"]["message"]
    assert _counts() == before
    assert db.session.get(Invitation, invitation.id).started_at is None


def test_validation_errors_name_the_fields(client, make):
    _invitation_row, token = _invitation(make, "es")
    body = _body(_response("phq-2", {"phq-1": 2}) | {"client_submission_id": ""}) | {"extra": 1}
    fields = client.post(f"/api/v1/screener/{token}/submissions", json=body).get_json()["error"][
        "fields"
    ]
    assert set(fields) == {"responses", "extra"}
    assert set(fields["responses"]["0"]) == {"answers", "client_submission_id"}


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        ("language=es", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ('{"language": "es"}', "text/plain", 415, "unsupported_media_type"),
        ('{"language": "es", "responses": [', "application/json", 400, "bad_json"),
        (json.dumps(_oversized()), "application/json", 413, "payload_too_large"),
    ],
    ids=["form", "text", "bad json", "oversized"],
)
def test_a_body_that_is_not_small_json_is_refused(client, make, data, content_type, status, code):
    _invitation_row, token = _invitation(make, "es")
    assert len(data) < 64 * 1024 or code == "payload_too_large"
    before = _counts()
    refused = client.post(
        f"/api/v1/screener/{token}/submissions", data=data, content_type=content_type
    )
    assert _error(refused) == (status, code)
    assert _counts() == before


def test_an_empty_sitting_is_received_and_completes_nothing(client, make):
    """A family whose screens are all unavailable in its language still gets a thank-you."""
    invitation, token = _invitation(make, "es")
    sent = client.post(f"/api/v1/screener/{token}/submissions", json=_body(language="ar"))
    assert sent.status_code == 201
    assert sent.get_json() == {"received": [], "completed": False}
    assert db.session.get(Invitation, invitation.id).completed_at is None


# Links that do not work --------------------------------------------------------------------------------


def _dead_links(make) -> dict[str, str]:
    expired, expired_token = _invitation(make)
    expired.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    revoked, revoked_token = _invitation(make)
    revoke_invitation(revoked)
    completed, completed_token = _invitation(make)
    record_completed(completed)
    return {
        "expired": expired_token,
        "revoked": revoked_token,
        "completed": completed_token,
        "unknown": "A" * 32,
        "malformed": "not a token!",
    }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "", None),
        ("POST", "/started", None),
        ("POST", "/submissions", _body(_response("phq-2", {"phq-1": "1"}))),
    ],
)
def test_every_dead_link_gets_the_same_answer(client, make, method, path, body):
    answers = {
        kind: client.open(f"/api/v1/screener/{token}{path}", method=method, json=body)
        for kind, token in _dead_links(make).items()
    }
    bodies = {kind: (r.status_code, r.get_data(as_text=True)) for kind, r in answers.items()}
    assert len(set(bodies.values())) == 1, bodies
    assert _error(answers["unknown"]) == (404, "invitation_unavailable")
    assert answers["unknown"].get_json()["error"]["fields"] == {}


def test_a_malformed_token_is_refused_without_a_database_lookup(client, make):
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        refused = client.get("/api/v1/screener/short")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert _error(refused) == (404, "invitation_unavailable")
    assert not [s for s in statements if "screening_invitations" in s]


def test_guessing_tokens_is_slowed_down_but_families_are_not(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "WELLTHREAD_TOKEN_GUESS_LIMIT", "3 per minute")
    _invitation_row, token = _invitation(make, "es")
    family = {"REMOTE_ADDR": "198.51.100.7"}
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(5):  # a family's own link never counts against it
        assert client.get(f"/api/v1/screener/{token}", environ_base=family).status_code == 200

    guesses = [
        client.get(f"/api/v1/screener/{'B' * 31}{n}", environ_base=guesser).status_code
        for n in range(3)
    ]
    assert guesses == [404, 404, 404]
    for path in (f"/api/v1/screener/{'C' * 32}", f"/api/v1/screener/{token}/started"):
        blocked = client.open(path, method="POST" if path.endswith("started") else "GET",
                              environ_base=guesser)  # fmt: skip
        assert _error(blocked) == (429, "rate_limited")
    assert client.get(f"/api/v1/screener/{token}", environ_base=family).status_code == 200


# Languages, CSRF, caching --------------------------------------------------------------------------


def test_error_messages_follow_the_familys_language(client, make):
    _invitation_row, token = _invitation(make, "en")
    # The `language` of the body wins over the browser's Accept-Language.
    body = _body(_response("hvs", HVS_NEVER), language="es")
    refused = client.post(
        f"/api/v1/screener/{token}/submissions", json=body, headers={"Accept-Language": "en"}
    )
    assert _error(refused) == (422, "language_not_offered")
    assert refused.get_json()["error"]["message"] == (
        "Esta evaluación no está disponible en el idioma elegido."
    )
    unavailable = "Este enlace ya no está disponible. Pida uno nuevo a la clínica."
    for request in (
        {"path": f"/api/v1/screener/{'D' * 32}", "headers": {"Accept-Language": "es"}},
        {"path": f"/api/v1/screener/{'D' * 32}?language=es", "headers": {"Accept-Language": "en"}},
    ):
        assert client.get(**request).get_json()["error"]["message"] == unavailable
    too_large = client.post(
        f"/api/v1/screener/{token}/submissions",
        data=json.dumps(_oversized()),
        content_type="application/json",
        headers={"Accept-Language": "es"},
    )
    assert too_large.get_json()["error"]["message"] == (
        "El archivo o formulario que envió es demasiado grande."
    )


def test_the_api_needs_no_csrf_token_and_is_never_cached(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    _invitation_row, token = _invitation(make, "es")
    started = client.post(f"/api/v1/screener/{token}/started")
    assert started.status_code == 204
    assert started.headers["Cache-Control"] == "no-store"
    assert client.get(f"/api/v1/screener/{token}").headers["Cache-Control"] == "no-store"
