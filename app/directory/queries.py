"""Named reads of the resource directory: search, services for a need, one service or organization."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.directory.models import (
    DirectoryLocation,
    DirectoryOrganization,
    DirectoryService,
    DirectoryServiceAtLocation,
)
from app.extensions import db


def _has_code(column: sa.ColumnElement, code: str) -> sa.ColumnElement[bool]:
    """A JSON list of codes holds `code`: its text holds `"code"` (portable; exact for code lists)."""
    return sa.cast(column, sa.Text).contains(f'"{code}"', autoescape=True)


def _offered_in(code: str) -> sa.ColumnElement[bool]:
    at_a_location = (
        sa.select(DirectoryServiceAtLocation.id)
        .join(DirectoryLocation, DirectoryLocation.id == DirectoryServiceAtLocation.location_id)
        .where(
            DirectoryServiceAtLocation.service_id == DirectoryService.id,
            _has_code(DirectoryLocation.languages, code),
        )
        .exists()
    )
    return sa.or_(_has_code(DirectoryService.languages, code), at_a_location)


def _active_services(clinic_id: int) -> sa.Select:
    """Active services with their organization (joined) and locations (one more query), unsorted."""
    return (
        sa.select(DirectoryService)
        .join(DirectoryService.organization)
        .where(DirectoryService.clinic_id == clinic_id, DirectoryService.is_active)
        .options(
            contains_eager(DirectoryService.organization),
            selectinload(DirectoryService.locations),
        )
    )


def folded(text: str | None) -> str:
    """Text compared without case or accents: "Guardería" and "GUARDERIA" meet."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def offers_language(service: DirectoryService, code: str) -> bool:
    """Offered in `code` by the service itself or at any of its locations."""
    return code in service.languages or any(code in loc.languages for loc in service.locations)


def _matches_words(service: DirectoryService, words: list[str]) -> bool:
    organization = service.organization
    haystack = folded(
        " ".join(
            filter(
                None,
                (service.name, service.description, organization.name, organization.description),
            )
        )
    )
    return all(word in haystack for word in words)


def _sort_key(service: DirectoryService) -> tuple[str, str, int]:
    # Sorted here, not in SQL: SQLite orders by bytes ("Église" after "Riverside"), PostgreSQL by
    # its collation; folded names put "Église" among the E's on both.
    return (folded(service.organization.name), folded(service.name), service.id)


def search_services(
    clinic_id: int,
    *,
    need: str | None = None,
    language: str | None = None,
    text: str | None = None,
    limit: int | None = 50,
) -> list[DirectoryService]:
    """Active services meeting `need`, offered in `language` (by the service or at a location), whose
    service or organization name or description holds every word of `text` (case and accents
    ignored), by organization then service name; organization and locations loaded. Two queries,
    whatever the number of results.

    JSON lists are filtered in SQL on their text (portable between SQLite and PostgreSQL), then
    exactly in Python; words are matched in Python, because SQLite folds only ASCII case. A
    clinic's directory is hundreds of services, not millions, so the candidates fit in memory.
    """
    query = _active_services(clinic_id)
    if need:
        query = query.where(_has_code(DirectoryService.need_domains, need))
    if language:
        query = query.where(_offered_in(language))
    words = folded(text).split()
    services = [
        service
        for service in db.session.scalars(query)
        if (not need or need in service.need_domains)
        and (not language or offers_language(service, language))
        and _matches_words(service, words)
    ]
    return sorted(services, key=_sort_key)[:limit]


def services_for_need(clinic_id: int, need: str) -> list[DirectoryService]:
    """Active services meeting `need`, by organization then name (the referral form's choice)."""
    return search_services(clinic_id, need=need, limit=None)


def service_in_clinic(service_id: int, clinic_id: int) -> DirectoryService | None:
    """One service of the clinic (active or not) with its organization, partner and locations."""
    return db.session.scalar(
        sa.select(DirectoryService)
        .where(DirectoryService.id == service_id, DirectoryService.clinic_id == clinic_id)
        .options(
            joinedload(DirectoryService.organization).joinedload(
                DirectoryOrganization.partner_organization
            ),
            selectinload(DirectoryService.locations),
        )
    )


def organization_in_clinic(organization_id: int, clinic_id: int) -> DirectoryOrganization | None:
    """One directory organization of the clinic with its services (by name) and partner."""
    return db.session.scalar(
        sa.select(DirectoryOrganization)
        .where(
            DirectoryOrganization.id == organization_id,
            DirectoryOrganization.clinic_id == clinic_id,
        )
        .options(
            selectinload(DirectoryOrganization.services),
            joinedload(DirectoryOrganization.partner_organization),
        )
    )


def organization_by_external_id(clinic_id: int, external_id: str) -> DirectoryOrganization | None:
    return db.session.scalar(
        sa.select(DirectoryOrganization).where(
            DirectoryOrganization.clinic_id == clinic_id,
            DirectoryOrganization.external_id == external_id,
        )
    )
