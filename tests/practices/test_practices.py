"""The 14 common practices: seeded per clinic, shown in the user's language, corrected by admins."""

from __future__ import annotations

from app.core.roles import Role
from app.practices.queries import practices_of
from tests.pages import text_of


def test_a_new_clinic_has_the_fourteen_practices_in_three_actions(make):
    practices = practices_of(make.clinic().id)
    assert [p.code for p in practices] == [
        "N1",
        "N2",
        "N3",
        "N4",
        "N5",
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "D1",
        "D2",
        "D3",
        "D4",
    ]
    assert {p.action.value for p in practices} == {"nurture", "connect", "develop"}
    assert all(p.title["es"] and p.description["es"] for p in practices)


def test_the_catalogue_page_shows_spanish_wording_to_spanish_readers(login, make):
    client = login(make.member(make.clinic(), Role.CLINICIAN))
    page = text_of(client.get("/practices/", headers={"Accept-Language": "es"}))
    assert "Evaluar la depresión de los cuidadores" in page


def test_an_admin_corrects_a_practices_wording_for_their_clinic_only(login, make):
    clinic, elsewhere = make.clinic(), make.clinic()
    practice = practices_of(clinic.id)[0]
    client = login(make.member(clinic, Role.CLINIC_ADMIN))
    response = client.post(
        f"/practices/{practice.id}",
        data={
            "title_en": "Build trusting relationships led by the family",
            "description_en": "Revised.",
            "title_es": "Relaciones de confianza",
            "description_es": "Revisado.",
        },
    )
    assert response.status_code == 302
    assert "Build trusting relationships led by the family" in text_of(client.get("/practices/"))
    assert practices_of(elsewhere.id)[0].title["en"].startswith("Build trusting, strengths-based")


def test_wording_cannot_be_blanked(login, make):
    clinic = make.clinic()
    practice = practices_of(clinic.id)[0]
    client = login(make.member(clinic, Role.CLINIC_ADMIN))
    response = client.post(
        f"/practices/{practice.id}",
        data={"title_en": "", "description_en": "", "title_es": "", "description_es": ""},
    )
    assert response.status_code == 422
    assert practices_of(clinic.id)[0].title["en"].startswith("Build trusting")
