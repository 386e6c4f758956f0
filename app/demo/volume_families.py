"""Households, caregivers, children, program enrolments and appointments of one volume site."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta

from app.appointments.models import VISIT_AGE_DAYS, Appointment, VisitKind
from app.demo import people
from app.demo.seed import PRIMARY_RELATIONSHIPS, SECOND_RELATIONSHIPS
from app.demo.volume_world import Family, Kid, SiteWork, Visit, weekday_on_or_after
from app.families.models import Caregiver, Child, Household, ProgramEnrolment, Relationship

HOUSEHOLD_COLUMNS = ("id", "clinic_id", "name", "address", "created_at", "updated_at")
CAREGIVER_COLUMNS = (
    "id", "clinic_id", "household_id", "given_name", "family_name", "relationship_to_child",
    "preferred_language", "needs_interpreter", "phone", "email", "is_primary_contact",
    "race_ethnicity", "created_at", "updated_at",
)  # fmt: skip
CHILD_COLUMNS = (
    "id", "clinic_id", "household_id", "given_name", "family_name", "date_of_birth", "sex",
    "record_number", "insurance", "primary_clinician_id", "created_at", "updated_at",
)  # fmt: skip
ENROLMENT_COLUMNS = (
    "clinic_id", "child_id", "program", "healthysteps_tier", "family_specialist_id",
    "enrolled_on", "ended_on", "created_at", "updated_at",
)  # fmt: skip
APPOINTMENT_COLUMNS = (
    "id", "clinic_id", "child_id", "site_id", "clinician_id", "scheduled_at", "visit_kind",
    "status", "needs_interpreter", "interpreter_language", "is_group_visit", "created_at",
    "updated_at",
)  # fmt: skip

LANGUAGE_WEIGHTS = {"en": 580, "es": 300, "ar": 30, "zh": 25, "vi": 25, "ht": 20, "so": 15, "pt": 5}
CITIES = ("Northside", "Riverview", "Elmwood", "Harbor Point", "Southgate", "Westbrook")
#: Families who need help with anything need it with one to three things, food most often.
NEED_WEIGHTS = {
    "food": 30, "housing": 20, "utilities": 12, "transportation": 15, "child_care": 12,
    "income_benefits": 18, "legal": 6, "stress_support": 14,
}  # fmt: skip
INSURANCE_NEEDY = {"medicaid": 72, "chip": 9, "private": 12, "none": 4, "unknown": 3}
INSURANCE_OTHERS = {"medicaid": 46, "chip": 8, "private": 40, "none": 2.5, "unknown": 3.5}
HEALTHYSTEPS_TIERS = {1: 70, 2: 20, 3: 10}
#: Share of children booked for each visit: attendance falls off in the second and third year.
BOOKED_SHARE = {
    "newborn": 0.97, "3-5d": 0.97, "1m": 0.97, "2m": 0.97, "4m": 0.96, "6m": 0.95, "9m": 0.93,
    "12m": 0.93, "15m": 0.9, "18m": 0.9, "24m": 0.88, "30m": 0.82, "36m": 0.85,
}  # fmt: skip
SIBLING_GAP_DAYS = (456, 1461)  # a younger sibling 15 months to 4 years after the last child
DULCE_DAYS = 182  # DULCE ends at 6 months
THREE_YEARS_DAYS = 1096


def _need_odds(work: SiteWork) -> tuple[dict[str, float], bool]:
    """Per-need chance of a "yes" at a check-in, and whether the family has needs at all."""
    rng = work.rng
    odds = dict.fromkeys((*NEED_WEIGHTS, "safety_home"), 0.004)
    has_needs = rng.random() < 0.35
    if has_needs:
        for need in {people.draw(rng, NEED_WEIGHTS) for _ in range(rng.randint(1, 3))}:
            odds[need] = 0.42
    odds["safety_home"] = 0.25 if rng.random() < 0.015 else 0.0005
    return odds, has_needs


def _new_family(work: SiteWork, born: date) -> Family:
    rng, run = work.rng, work.run
    language = people.draw(rng, LANGUAGE_WEIGHTS)
    odds, has_needs = _need_odds(work)
    family = Family(
        id=work.new_id(Household), team=work.team, language=language,
        needs_interpreter=language != "en" and rng.random() < (0.4 if language == "es" else 0.65),
        caregiver_id=0, need_odds=odds,
        is_food_insecure=odds["food"] > 0.1 or rng.random() < 0.08,
        has_low_mood=rng.random() < 0.2, last_born=born,
        moved_on=born + timedelta(days=rng.randint(60, 1500)) if rng.random() < 0.1 else None,
        name=people.family_name(rng, language), has_needs=has_needs,
    )  # fmt: skip
    created = run.at(born, 12 * 60)
    address = f"{rng.randint(10, 980)} {rng.choice(people.STREETS)}, {rng.choice(CITIES)}"
    work.add(Household, (family.id, run.clinic_id, family.name, address, created, created))
    family.caregiver_id = _caregiver(work, family, language, created, is_primary=True)
    if rng.random() < 0.55:
        # Many partners of caregivers who prefer another language are comfortable in English.
        second = "en" if language != "en" and rng.random() < 0.3 else language
        _caregiver(work, family, second, created, is_primary=False)
    return family


def _caregiver(work: SiteWork, family: Family, language: str, created: datetime, *,
               is_primary: bool) -> int:  # fmt: skip
    rng = work.rng
    relationship = people.draw(rng, PRIMARY_RELATIONSHIPS if is_primary else SECOND_RELATIONSHIPS)
    is_female = relationship == Relationship.MOTHER or (
        relationship != Relationship.FATHER and rng.random() < 0.6
    )
    given = people.given_name(rng, language, is_female=is_female, taken=family.given_names)
    family.given_names.add(given)
    surname = family.name if rng.random() < 0.7 else people.family_name(rng, language)
    caregiver_id = work.new_id(Caregiver)
    work.add(Caregiver, (
        caregiver_id, work.run.clinic_id, family.id, given, surname, relationship.value, language,
        family.needs_interpreter if is_primary else language != "en" and rng.random() < 0.4,
        f"555-01{rng.randint(0, 99):02d}",
        people.email_for(given, surname) if rng.random() < 0.4 else None,
        is_primary, people.background(rng, language), created, created,
    ))  # fmt: skip
    return caregiver_id


def _child(work: SiteWork, family: Family, born: date) -> Kid:
    rng, run = work.rng, work.run
    kid = Kid(id=work.new_id(Child), family=family, born=born,
              clinician_id=rng.choice(work.team.clinician_ids))  # fmt: skip
    is_female = rng.random() < 0.5
    given = people.given_name(rng, family.language, is_female=is_female, taken=family.given_names)
    family.given_names.add(given)
    insurance = people.draw(rng, INSURANCE_NEEDY if family.has_needs else INSURANCE_OTHERS)
    created = run.at(born, 12 * 60)
    work.add(Child, (
        kid.id, run.clinic_id, family.id,
        given, family.name, born,
        "female" if is_female else "male", f"NS-{kid.id:08d}", insurance, kid.clinician_id,
        created, created,
    ))  # fmt: skip
    family.kids.append(kid)
    family.last_born = born
    _enrol(work, kid)
    return kid


def _add_enrolment(work: SiteWork, kid: Kid, program: str, enrolled: date, planned_end: date,
                   *, tier: int | None = None, specialist_id: int | None = None) -> bool:  # fmt: skip
    """Record the enrolment if it began by the window's end and before the family moved away;
    it ends as planned, or when the family moved, unless that is still to come."""
    run, moved = work.run, kid.family.moved_on
    if enrolled > run.end or (moved is not None and moved <= enrolled):
        return False
    ended = min(planned_end, moved) if moved else planned_end
    at = run.at(enrolled, 11 * 60)
    work.add(ProgramEnrolment, (run.clinic_id, kid.id, program, tier, specialist_id, enrolled,
                                ended if ended <= run.end else None, at, at))  # fmt: skip
    return True


def _enrol(work: SiteWork, kid: Kid) -> None:
    """DULCE for most infants where it runs (first week to 6 months); HealthySteps for about 40%
    of children, from their first two months to their third birthday."""
    rng, born = work.rng, kid.born
    if work.team.dulce_id and rng.random() < 0.8:
        kid.is_in_dulce = _add_enrolment(
            work, kid, "dulce", born + timedelta(days=rng.randint(0, 6)),
            born + timedelta(days=DULCE_DAYS), specialist_id=work.team.dulce_id,
        )  # fmt: skip
    if rng.random() < 0.4:
        _add_enrolment(work, kid, "healthysteps", born + timedelta(days=rng.randint(0, 60)),
                       born + timedelta(days=THREE_YEARS_DAYS),
                       tier=people.draw(rng, HEALTHYSTEPS_TIERS))  # fmt: skip


def _sibling_family(work: SiteWork, first_borns: list[date], born: date) -> Family | None:
    """An earlier family of the site whose last child is old enough for a younger sibling."""
    low = bisect_left(first_borns, born - timedelta(days=SIBLING_GAP_DAYS[1]))
    high = bisect_right(first_borns, born - timedelta(days=SIBLING_GAP_DAYS[0]))
    for _ in range(4 if high > low else 0):
        family = work.families[work.rng.randrange(low, high)]
        gap = (born - family.last_born).days
        if SIBLING_GAP_DAYS[0] <= gap and (family.moved_on is None or family.moved_on > born):
            return family
    return None


def seed_families(work: SiteWork, years: int) -> None:
    """Births spread evenly over [start − 3 years, end]; about a quarter join an older sibling."""
    run, rng = work.run, work.rng
    first = run.start - timedelta(days=1096)
    span = (run.end - first).days + 1
    births = round(run.births_per_site_year * (years + 3))
    first_borns: list[date] = []
    for n in range(births):
        born = first + timedelta(days=int((n + rng.random()) * span / births))
        family = _sibling_family(work, first_borns, born) if rng.random() < 0.25 else None
        if family is None:
            family = _new_family(work, born)
            work.families.append(family)
            first_borns.append(born)
        _child(work, family, born)


# --- appointments -------------------------------------------------------------------------------

SCHEDULED_KINDS = tuple(kind.value for kind in VISIT_AGE_DAYS)
FIRST_SLOT, SLOT_MINUTES, SLOTS = 8 * 60, 20, 26


def _age_at(work: SiteWork, kind: str) -> int:
    rng = work.rng
    if kind == VisitKind.NEWBORN:
        return rng.randint(1, 3)
    if kind == VisitKind.DAYS_3_5:
        return rng.randint(3, 6)
    late = rng.random() < 0.1
    return VISIT_AGE_DAYS[VisitKind(kind)] + (rng.randint(8, 35) if late else rng.randint(-5, 7))


def _status(work: SiteWork, at: datetime) -> str:
    if at > work.run.cutoff:
        return "scheduled"
    draw = work.rng.random()
    return "completed" if draw < 0.86 else "no_show" if draw < 0.94 else "cancelled"


def _book(work: SiteWork, kid: Kid, day: date, kind: str) -> Visit | None:
    """An appointment on `day` when it lies in the window and the family still comes here."""
    run, rng = work.run, work.rng
    moved = kid.family.moved_on
    if day < run.start or day > run.end or (moved is not None and day >= moved):
        return None
    team = work.team
    if rng.random() < 0.03:  # seen once at another of the clinic's sites
        team = rng.choice(run.clinic.teams)
    clinician = (
        kid.clinician_id
        if team is work.team and rng.random() < 0.85
        else rng.choice(team.clinician_ids)
    )
    at = run.at(day, FIRST_SLOT + SLOT_MINUTES * rng.randrange(SLOTS))
    visit = Visit(id=work.new_id(Appointment), kid=kid, team=team, clinician_id=clinician, at=at,
                  day=day, kind=kind, status=_status(work, at))  # fmt: skip
    work.visits.append(visit)
    return visit


def _scheduled_visits(work: SiteWork, kid: Kid, used: set[date]) -> None:
    last = kid.born
    for kind in SCHEDULED_KINDS:
        if work.rng.random() > BOOKED_SHARE[kind]:
            continue
        day = weekday_on_or_after(
            max(kid.born + timedelta(days=_age_at(work, kind)), last + timedelta(days=1))
        )
        last = day
        visit = _book(work, kid, day, kind)
        used.add(day)
        if visit and visit.status in ("no_show", "cancelled") and work.rng.random() < 0.45:
            last = weekday_on_or_after(day + timedelta(days=work.rng.randint(3, 14)))
            used.add(last)
            _book(work, kid, last, kind)


def _other_visits(work: SiteWork, kid: Kid, used: set[date]) -> None:
    """Visits outside the schedule (a rash, a weight check), a few per child."""
    rng = work.rng
    for _ in range(rng.choices((0, 1, 2, 3), weights=(62, 24, 10, 4))[0]):
        day = weekday_on_or_after(kid.born + timedelta(days=rng.randint(7, 1095)))
        if day not in used:
            used.add(day)
            _book(work, kid, day, VisitKind.OTHER.value)


def seed_appointments(work: SiteWork) -> None:
    """The well-child visits each child came to or missed in the window, and a few others."""
    for family in work.families:
        for kid in family.kids:
            used: set[date] = set()
            _scheduled_visits(work, kid, used)
            _other_visits(work, kid, used)
    work.visits.sort(key=lambda v: v.at)
    _write_appointments(work)


def _write_appointments(work: SiteWork) -> None:
    """Each booked some days to weeks ahead (a newborn's first visit from birth)."""
    run, rng = work.run, work.rng
    for v in work.visits:
        family = v.kid.family
        born_at = run.at(v.kid.born, 12 * 60)
        created = max(
            born_at, v.at - timedelta(days=rng.randint(2, 56), minutes=rng.randint(0, 480))
        )
        updated = v.at + timedelta(minutes=45) if v.status != "scheduled" else created
        work.add(Appointment, (
            v.id, run.clinic_id, v.kid.id, v.team.site_id, v.clinician_id, v.at, v.kind, v.status,
            family.needs_interpreter, family.language if family.needs_interpreter else None, False,
            created, updated,
        ))  # fmt: skip
