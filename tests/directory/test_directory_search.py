"""Finding services: by need, by the family's language (the service's or a location's), by words."""

from __future__ import annotations

import pytest

from app.directory.queries import search_services, service_in_clinic, services_for_need
from tests.directory.hsds import add_directory_service, hsds_location


@pytest.fixture
def directory(clinic):
    """Five services: three for food in different languages, one housing, one no longer offered."""
    return {
        "pantry": add_directory_service(
            clinic.id,
            service_id="svc-pantry",
            name="Family food pantry",
            languages=("en", "es"),
            need_domains=("food",),
        ),
        "wic": add_directory_service(
            clinic.id,
            service_id="svc-wic",
            name="WIC nutrition program",
            organization_id="org-health",
            organization_name="County Health Department",
            languages=("en",),
            need_domains=("food", "parenting"),
            # Offered in English, at a site where the staff speak Spanish and Vietnamese.
            locations=(hsds_location("loc-east", "Eastside office", languages=("es", "vi")),),
        ),
        "meals": add_directory_service(
            clinic.id,
            service_id="svc-meals",
            name="Community meals",
            organization_id="org-church",
            organization_name="Église Saint-Jean",
            languages=("en", "fr"),
            need_domains=("food",),
            description="Hot dinner every GUARDERÍA evening",
        ),
        "housing": add_directory_service(
            clinic.id,
            service_id="svc-housing",
            name="Housing counselling",
            organization_id="org-housing",
            organization_name="Housing Partnership",
            languages=("es",),
            need_domains=("housing",),
        ),
        "closed": add_directory_service(
            clinic.id,
            service_id="svc-closed",
            name="Old food pantry",
            languages=("es",),
            need_domains=("food",),
            status="inactive",
        ),
    }


def names(services) -> list[str]:
    return [service.name for service in services]


def test_a_need_finds_the_active_services_meeting_it(directory, clinic):
    assert names(search_services(clinic.id, need="food")) == [
        "WIC nutrition program",  # County Health Department
        "Community meals",  # Église Saint-Jean
        "Family food pantry",  # Riverside Food Bank
    ]
    assert names(search_services(clinic.id, need="parenting")) == ["WIC nutrition program"]
    assert search_services(clinic.id, need="legal") == []


def test_a_spanish_speaking_family_finds_only_services_offered_in_spanish(directory, clinic):
    found = search_services(clinic.id, need="food", language="es")

    # The WIC office is found through its Eastside site; the French-English meals are not.
    assert names(found) == ["WIC nutrition program", "Family food pantry"]
    assert names(search_services(clinic.id, language="vi")) == ["WIC nutrition program"]


def test_words_match_names_and_descriptions_without_case_or_accents(directory, clinic):
    assert names(search_services(clinic.id, text="PANTRY")) == ["Family food pantry"]
    assert names(search_services(clinic.id, text="eglise")) == ["Community meals"]
    assert names(search_services(clinic.id, text="guarderia dinner")) == ["Community meals"]
    assert names(search_services(clinic.id, text="county nutrition")) == ["WIC nutrition program"]
    assert search_services(clinic.id, text="pantry housing") == []
    assert names(search_services(clinic.id, text="100%_")) == []


def test_the_limit_caps_the_results(directory, clinic):
    assert len(search_services(clinic.id, limit=2)) == 2
    assert len(search_services(clinic.id, text="o", limit=2)) == 2
    assert len(search_services(clinic.id)) == 4


def test_services_for_need_is_the_referral_forms_choice(directory, clinic):
    assert names(services_for_need(clinic.id, "housing")) == ["Housing counselling"]


def test_another_clinics_directory_is_not_searched(make, directory, clinic):
    other = make.clinic(name="Other Pediatrics")

    assert search_services(other.id, need="food") == []
    assert service_in_clinic(directory["pantry"].id, other.id) is None
    assert service_in_clinic(directory["pantry"].id, clinic.id) is directory["pantry"]
