"""Staff roles and navigator kinds (DESIGN §3)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    CLINICIAN = "clinician"
    NURSE_MA = "nurse_ma"
    FRONT_DESK = "front_desk"
    NAVIGATOR = "navigator"
    PRACTICE_MANAGER = "practice_manager"
    CLINIC_ADMIN = "clinic_admin"
    PARTNER = "partner"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.CLINICIAN: _l("Clinician"),
    Role.NURSE_MA: _l("Nurse / medical assistant"),
    Role.FRONT_DESK: _l("Front desk"),
    Role.NAVIGATOR: _l("Navigator"),
    Role.PRACTICE_MANAGER: _l("Practice manager"),
    Role.CLINIC_ADMIN: _l("Clinic admin"),
    Role.PARTNER: _l("Partner organization user"),
}


class NavigatorKind(enum.StrEnum):
    HEALTHYSTEPS_SPECIALIST = "healthysteps_specialist"
    DULCE_FAMILY_SPECIALIST = "dulce_family_specialist"
    COMMUNITY_HEALTH_WORKER = "community_health_worker"
    SOCIAL_WORKER = "social_worker"

    @property
    def label(self) -> str:
        return str(NAVIGATOR_KIND_LABELS[self])


NAVIGATOR_KIND_LABELS = {
    NavigatorKind.HEALTHYSTEPS_SPECIALIST: _l("HealthySteps specialist"),
    NavigatorKind.DULCE_FAMILY_SPECIALIST: _l("DULCE family specialist"),
    NavigatorKind.COMMUNITY_HEALTH_WORKER: _l("Community health worker"),
    NavigatorKind.SOCIAL_WORKER: _l("Social worker"),
}

#: Everyone who works with families' records inside the clinic.
CARE_TEAM = frozenset(
    {Role.CLINICIAN, Role.NURSE_MA, Role.FRONT_DESK, Role.NAVIGATOR, Role.PRACTICE_MANAGER}
)
#: Roles that may create or edit households, children and appointments.
RECORD_EDITORS = frozenset({Role.CLINICIAN, Role.NURSE_MA, Role.FRONT_DESK, Role.NAVIGATOR})
STAFF = frozenset(set(Role) - {Role.PARTNER})
