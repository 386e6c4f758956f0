"""What a metric can be broken down by, and the words for each group."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.sql.expression import ColumnElement

from app.accounts.models import User
from app.appointments.models import VisitKind
from app.clinics.models import Site
from app.core.templating import language_name
from app.extensions import db
from app.families.models import Caregiver, Child, Insurance, RaceEthnicity

NOT_RECORDED = "not_recorded"
MULTIPLE = "multiple"


class Dimension(enum.StrEnum):
    SITE = "site"
    CLINICIAN = "clinician"
    LANGUAGE = "language"
    RACE_ETHNICITY = "race_ethnicity"
    INSURANCE = "insurance"
    VISIT_KIND = "visit_kind"

    @property
    def label(self) -> str:
        return str(DIMENSION_LABELS[self])

    @property
    def is_about_families(self) -> bool:
        """Breakdowns by who the family is; a metric about team days has none."""
        return self in FAMILY_DIMENSIONS


DIMENSION_LABELS = {
    Dimension.SITE: _l("Site"),
    Dimension.CLINICIAN: _l("Clinician"),
    Dimension.LANGUAGE: _l("Family's language"),
    Dimension.RACE_ETHNICITY: _l("Race and ethnicity"),
    Dimension.INSURANCE: _l("Insurance"),
    Dimension.VISIT_KIND: _l("Visit"),
}

FAMILY_DIMENSIONS = frozenset(
    {Dimension.LANGUAGE, Dimension.RACE_ETHNICITY, Dimension.INSURANCE, Dimension.CLINICIAN}
)

GROUP_LABELS = {
    NOT_RECORDED: _l("Not recorded"),
    MULTIPLE: _l("More than one race or ethnicity"),
}


#: Breakdowns by who the family is, kept with each stored unit (`store.py`) under these names.
STORED_FAMILY_COLUMNS = ("language", "race_ethnicity", "insurance")


def family_columns(
    units: sa.Subquery, clinic_id: int, households: tuple[int, ...] | None = None
) -> tuple[list[ColumnElement[Any]], list[tuple[Any, Any]]]:
    """The family's language, self-reported race and ethnicity (the stored list's text) and the
    child's insurance for each unit, labelled as `STORED_FAMILY_COLUMNS`, and the joins they need."""
    primary = primary_caregivers(clinic_id, households)
    caregiver = sa.orm.aliased(Caregiver)
    child = sa.orm.aliased(Child)
    # The households again on the joined rows themselves, so that only theirs are read.
    only = [] if households is None else [caregiver.household_id.in_(households)]
    of_child = [] if households is None else [child.household_id.in_(households)]
    columns = [
        caregiver.preferred_language.label("language"),
        sa.cast(caregiver.race_ethnicity, sa.Text).label("race_ethnicity"),
        child.insurance.label("insurance"),
    ]
    joins = [
        (primary, primary.c.household_id == units.c.household_id),
        (caregiver, sa.and_(caregiver.id == primary.c.caregiver_id, *only)),
        (child, sa.and_(child.id == units.c.child_id, *of_child)),
    ]
    return columns, joins


def primary_caregivers(clinic_id: int, households: tuple[int, ...] | None = None) -> sa.Subquery:
    """household_id → the caregiver who speaks for the household: the primary contact, else the
    first caregiver recorded (language and self-reported race are theirs)."""
    first_primary = sa.func.min(sa.case((Caregiver.is_primary_contact, Caregiver.id)))
    return (
        sa.select(
            Caregiver.household_id,
            sa.func.coalesce(first_primary, sa.func.min(Caregiver.id)).label("caregiver_id"),
        )
        .where(
            Caregiver.clinic_id == clinic_id,
            *([] if households is None else [Caregiver.household_id.in_(households)]),
        )
        .group_by(Caregiver.household_id)
        .subquery("primary_caregivers")
    )


def group_column(
    dimension: Dimension, units: sa.Subquery, clinic_id: int
) -> tuple[ColumnElement[Any], list[tuple[Any, Any]]]:
    """The SQL value to group `units` by, and the outer joins it needs (none for stored units,
    which carry the family's groups with them)."""
    if dimension.value in STORED_FAMILY_COLUMNS and dimension.value in units.c:
        return units.c[dimension.value], []
    if dimension in (Dimension.SITE, Dimension.CLINICIAN, Dimension.VISIT_KIND):
        column = {"site": "site_id", "clinician": "clinician_id", "visit_kind": "visit_kind"}
        return units.c[column[dimension.value]], []
    if dimension == Dimension.INSURANCE:
        child = sa.orm.aliased(Child)
        return child.insurance, [(child, child.id == units.c.child_id)]
    primary = primary_caregivers(clinic_id)
    caregiver = sa.orm.aliased(Caregiver)
    joins = [
        (primary, primary.c.household_id == units.c.household_id),
        (caregiver, caregiver.id == primary.c.caregiver_id),
    ]
    if dimension == Dimension.LANGUAGE:
        return caregiver.preferred_language, joins
    # Grouped by the stored list's text; `group_key` folds equal lists into one category.
    return sa.cast(caregiver.race_ethnicity, sa.Text), joins


def group_key(dimension: Dimension, raw: Any) -> str:
    """The stable key of a group (what drill-down links and CSV files carry)."""
    if raw is None or raw == "":
        return NOT_RECORDED
    if dimension == Dimension.RACE_ETHNICITY:
        return race_ethnicity_group(raw)
    return str(getattr(raw, "value", raw))


def race_ethnicity_group(stored: str | list[str] | None) -> str:
    """One self-reported category, "multiple" for more than one, "declined", or not recorded."""
    values = json.loads(stored) if isinstance(stored, str) else stored
    if not values or values == "null":
        return NOT_RECORDED
    named = sorted({v for v in values if v != RaceEthnicity.DECLINED})
    if not named:
        return RaceEthnicity.DECLINED.value
    return named[0] if len(named) == 1 else MULTIPLE


def group_labels(dimension: Dimension, keys: Iterable[str], clinic_id: int) -> dict[str, str]:
    """Key → words for the reader, in the page's language."""
    keys = set(keys)
    labels = {k: str(GROUP_LABELS[k]) for k in keys if k in GROUP_LABELS}
    ids = [int(k) for k in keys if k.isdigit()]
    if dimension == Dimension.SITE and ids:
        rows = db.session.execute(
            sa.select(Site.id, Site.name).where(Site.clinic_id == clinic_id, Site.id.in_(ids))
        )
        labels.update({str(i): name for i, name in rows})
    elif dimension == Dimension.CLINICIAN and ids:
        rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))
        labels.update({str(i): name for i, name in rows})
    for key in keys - labels.keys():
        labels[key] = _named_value(dimension, key)
    return labels


def _named_value(dimension: Dimension, key: str) -> str:
    try:
        if dimension == Dimension.LANGUAGE:
            return language_name(key)
        if dimension == Dimension.INSURANCE:
            return Insurance(key).label
        if dimension == Dimension.RACE_ETHNICITY:
            return RaceEthnicity(key).label
        if dimension == Dimension.VISIT_KIND:
            return VisitKind(key).label
    except ValueError:
        pass
    return key


def restrict_to_group(
    dimension: Dimension, units: sa.Subquery, clinic_id: int, key: str
) -> tuple[ColumnElement[bool] | None, list[tuple[Any, Any]]]:
    """A condition keeping the units of one group (for drill-down); None when the key filters in
    Python (race and ethnicity categories are folded from stored lists)."""
    column, joins = group_column(dimension, units, clinic_id)
    if dimension == Dimension.RACE_ETHNICITY:
        return None, joins
    if key == NOT_RECORDED:
        return column.is_(None), joins
    if dimension in (Dimension.SITE, Dimension.CLINICIAN):
        return (column == int(key) if key.isdigit() else sa.false()), joins
    known = {Dimension.INSURANCE: Insurance, Dimension.VISIT_KIND: VisitKind}.get(dimension)
    if known is not None and key not in {m.value for m in known}:
        return sa.false(), joins
    return column == key, joins
