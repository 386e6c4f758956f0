"""The volume clinic's frame: the clinic, its sites, its staff and partners, its screening settings."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.accounts.models import Membership, User
from app.accounts.passwords import hash_password
from app.appointments.models import VISIT_AGE_DAYS
from app.clinics.models import Clinic, PartnerKind
from app.clinics.operations import add_site, create_clinic, save_partner_organization
from app.core.roles import NavigatorKind, Role
from app.demo import people
from app.extensions import db
from app.screening import queries, schedule
from app.screening.operations import save_screening_setting

VOLUME_NAME = "Northside Pediatric Network"
VOLUME_SLUG = "volume"
VOLUME_TIMEZONE = "America/New_York"
EMAIL_DOMAIN = "volume.example"
MANAGER_EMAIL = f"manager@{EMAIL_DOMAIN}"
#: DULCE runs at the first four sites only: the family specialists are few.
DULCE_SITES = 4
SITES_PER_CHW = 2
SITE_NAMES = (
    "Northside", "Riverview", "Elmwood", "Harbor Point", "Maple Heights", "Cedar Grove",
    "Southgate", "Westbrook", "Eastfield", "Lakeshore", "Hillcrest", "Brookside", "Fairview",
    "Oak Park", "Pine Ridge", "Meadowbrook", "Stonebridge", "Clearwater", "Ashford", "Kingsbridge",
)  # fmt: skip
#: Where the family check-in and the Hunger Vital Sign are asked (--family-screens).
#: "every-visit": at every well-child visit, a screen of the last two weeks counting (AAP,
#: "Promoting Food Security for All Children", Pediatrics 2015;136:e1431, screens at each scheduled
#: health-maintenance visit); "yearly": the app's default rule, once a year per household.
FAMILY_SCREENS = ("every-visit", "yearly")
EVERY_VISIT_VALIDITY_DAYS = 14


@dataclass(frozen=True)
class SiteTeam:
    """Who works at one site: the people the site's visits, referrals and huddles are made by."""

    site_id: int
    clinician_ids: tuple[int, ...]
    nurse_id: int
    front_desk_id: int
    healthysteps_id: int
    chw_id: int
    social_worker_id: int
    dulce_id: int | None

    @property
    def huddle_pool(self) -> tuple[int, ...]:
        """Who can come to the site's morning huddle, the nurse who runs it first."""
        extra = (self.dulce_id,) if self.dulce_id else ()
        return (self.nurse_id, *self.clinician_ids, self.front_desk_id, self.healthysteps_id,
                self.chw_id, *extra)  # fmt: skip


@dataclass(frozen=True)
class VolumeClinic:
    clinic_id: int
    zone: ZoneInfo
    teams: tuple[SiteTeam, ...]
    #: Partner kind → (organization id, its users' ids).
    partners: dict[PartnerKind, tuple[int, tuple[int, ...]]]
    manager_ids: tuple[int, ...]
    rules: tuple[schedule.Rule, ...]


def volume_clinic_exists() -> bool:
    """Whether the volume clinic, or any of its accounts, is already in the database."""
    clinic = db.session.scalar(sa.select(Clinic.id).where(Clinic.slug == VOLUME_SLUG))
    staff = db.session.scalar(sa.select(User.id).where(User.email.like(f"%@{EMAIL_DOMAIN}")))
    return clinic is not None or staff is not None


class _Staffing:
    """Creates accounts that all share one password hash (hashing once keeps the seed fast)."""

    def __init__(self, clinic_id: int, password_hash: str, rng: Random) -> None:
        self.clinic_id, self.password_hash, self.rng = clinic_id, password_hash, rng

    def add(self, mailbox: str, role: Role, kind: NavigatorKind | None = None,
            partner_id: int | None = None) -> int:  # fmt: skip
        language = people.draw(self.rng, {"en": 6, "es": 3, "vi": 1, "zh": 1, "ht": 1})
        given = people.given_name(self.rng, language, is_female=self.rng.random() < 0.7)
        user = User(email=f"{mailbox}@{EMAIL_DOMAIN}", password_hash=self.password_hash,
                    full_name=f"{given} {people.family_name(self.rng, language)}")  # fmt: skip
        db.session.add(user)
        db.session.add(Membership(user=user, clinic_id=self.clinic_id, role=role,
                                  navigator_kind=kind, partner_organization_id=partner_id))  # fmt: skip
        db.session.flush()
        return user.id


def site_name(index: int) -> str:
    return SITE_NAMES[index] if index < len(SITE_NAMES) else f"Site {index + 1}"


def _slug(name: str) -> str:
    return name.lower().replace(" ", "")


def _teams(staffing: _Staffing, site_ids: list[int]) -> tuple[SiteTeam, ...]:
    social_worker = staffing.add("socialwork", Role.NAVIGATOR, NavigatorKind.SOCIAL_WORKER)
    chws: list[int] = []
    teams = []
    for index, site_id in enumerate(site_ids):
        slug = _slug(site_name(index))
        if index % SITES_PER_CHW == 0:
            chws.append(staffing.add(f"chw{len(chws) + 1}", Role.NAVIGATOR,
                                     NavigatorKind.COMMUNITY_HEALTH_WORKER))  # fmt: skip
        dulce = (
            staffing.add(f"dulce.{slug}", Role.NAVIGATOR, NavigatorKind.DULCE_FAMILY_SPECIALIST)
            if index < DULCE_SITES
            else None
        )
        teams.append(SiteTeam(
            site_id=site_id,
            clinician_ids=tuple(staffing.add(f"clinician{n}.{slug}", Role.CLINICIAN) for n in (1, 2)),
            nurse_id=staffing.add(f"nurse.{slug}", Role.NURSE_MA),
            front_desk_id=staffing.add(f"frontdesk.{slug}", Role.FRONT_DESK),
            healthysteps_id=staffing.add(f"healthysteps.{slug}", Role.NAVIGATOR,
                                         NavigatorKind.HEALTHYSTEPS_SPECIALIST),
            chw_id=chws[-1], social_worker_id=social_worker, dulce_id=dulce,
        ))  # fmt: skip
    return tuple(teams)


def _partners(staffing: _Staffing) -> dict[PartnerKind, tuple[int, tuple[int, ...]]]:
    legal = save_partner_organization(
        staffing.clinic_id, None, name="Northside Legal Aid", kind=PartnerKind.LEGAL_AID,
        contact_email=f"intake@legal.{EMAIL_DOMAIN}", contact_phone="555-0190",
    )  # fmt: skip
    community = save_partner_organization(
        staffing.clinic_id, None, name="Northside Family Resource Center",
        kind=PartnerKind.COMMUNITY, contact_email=f"hello@frc.{EMAIL_DOMAIN}",
        contact_phone="555-0191",
    )  # fmt: skip
    db.session.flush()
    return {
        PartnerKind.LEGAL_AID: (legal.id, tuple(
            staffing.add(f"legal{n}", Role.PARTNER, partner_id=legal.id) for n in (1, 2))),
        PartnerKind.COMMUNITY: (community.id, (
            staffing.add("frc", Role.PARTNER, partner_id=community.id),)),
    }  # fmt: skip


def _screening_settings(clinic_id: int, family_screens: str) -> tuple[schedule.Rule, ...]:
    """Store the clinic's choice for the family screens; return the rules its visits follow."""
    if family_screens == "every-visit":
        kinds = sorted(kind.value for kind in VISIT_AGE_DAYS)
        for key in ("family-checkin", "hvs"):
            save_screening_setting(clinic_id, key, is_enabled=True, visit_kinds=kinds,
                                   validity_days=EVERY_VISIT_VALIDITY_DAYS)  # fmt: skip
    db.session.flush()
    return tuple(queries.clinic_rules(clinic_id))


def build_clinic(sites: int, password: str, family_screens: str, rng: Random) -> VolumeClinic:
    """The clinic with its sites, staff, partners and settings, through the ORM (a few hundred rows)."""
    clinic = create_clinic(name=VOLUME_NAME, slug=VOLUME_SLUG, default_locale="en",
                           timezone=VOLUME_TIMEZONE)  # fmt: skip
    site_rows = [add_site(clinic.id, site_name(index)) for index in range(sites)]
    db.session.flush()
    staffing = _Staffing(clinic.id, hash_password(password), rng)
    managers = (staffing.add("manager", Role.PRACTICE_MANAGER),
                staffing.add("manager2", Role.PRACTICE_MANAGER))  # fmt: skip
    staffing.add("admin", Role.CLINIC_ADMIN)
    teams = _teams(staffing, [site.id for site in site_rows])
    partners = _partners(staffing)
    clinic.on_duty_manager_id = managers[0]
    return VolumeClinic(
        clinic_id=clinic.id, zone=ZoneInfo(VOLUME_TIMEZONE), teams=teams, partners=partners,
        manager_ids=managers, rules=_screening_settings(clinic.id, family_screens),
    )  # fmt: skip
