"""The metric catalogue: each measure named and versioned, with its numerator, denominator and
period in plain words. A change of meaning is a new version, so last year's report stays readable."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.dashboards.dimensions import Dimension

ALL_DIMENSIONS = tuple(Dimension)
FAMILY_AND_SITE = (
    Dimension.SITE,
    Dimension.CLINICIAN,
    Dimension.LANGUAGE,
    Dimension.RACE_ETHNICITY,
    Dimension.INSURANCE,
)


class Section(enum.StrEnum):
    SCREENING = "screening"
    CONNECTING = "connecting"
    TEAM = "team"
    PROGRAMS = "programs"

    @property
    def label(self) -> str:
        return str(SECTION_LABELS[self])


SECTION_LABELS = {
    Section.SCREENING: _l("Screening"),
    Section.CONNECTING: _l("Connecting families to supports"),
    Section.TEAM: _l("Care team"),
    Section.PROGRAMS: _l("Practices, HealthySteps and DULCE"),
}


class Figure(enum.StrEnum):
    """What the headline number is."""

    RATE = "rate"  # numerator / denominator, as a percentage
    MEAN = "mean"  # the mean of each unit's value


class Extra(enum.StrEnum):
    """A second figure shown beside the rate."""

    MEDIAN_DAYS = "median_days"
    MEDIAN_MINUTES = "median_minutes"


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    version: int
    section: Section
    title: LazyString
    explanation: LazyString
    numerator: LazyString
    denominator: LazyString
    #: Which date puts a unit in a month of the period.
    period: LazyString
    figure: Figure = Figure.RATE
    extra: Extra | None = None
    #: The quality-improvement target, as a share (0.9 = 90%), with its source.
    target: float | None = None
    target_source: LazyString | None = None
    is_higher_better: bool = True
    dimensions: tuple[Dimension, ...] = FAMILY_AND_SITE
    #: "children": drill-down lists the children behind a number; "days": the clinic days.
    drills_to: str = "children"

    @property
    def code(self) -> str:
        """The key with its version, as printed on exports ("screened-when-due v1")."""
        return f"{self.key} v{self.version}"


AAP_QI = _l(
    "AAP developmental-screening quality collaborative: 90% screened, 90% with a same-day "
    "discussion, 90% referred within 7 days of a positive screen"
)

DEFINITIONS: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        key="screened-when-due",
        version=1,
        section=Section.SCREENING,
        title=_l("Screened when due"),
        explanation=_l(
            "Of the visits at which the clinic's screening rules called for an instrument, the "
            "share where the family had answered it: for this visit, or recently enough to "
            "still count (the clinic's validity window, siblings included). The same rule as "
            "the visit page's “screens due”."
        ),
        numerator=_l("Visits at which the screen was done or still valid"),
        denominator=_l("Attended visits at which the instrument was due by the clinic's rules"),
        period=_l("Visit date"),
        target=0.9,
        target_source=AAP_QI,
        dimensions=ALL_DIMENSIONS,
    ),
    MetricDefinition(
        key="positive-rate",
        version=1,
        section=Section.SCREENING,
        title=_l("Positive screens"),
        explanation=_l(
            "The share of completed screens that were positive, instrument by instrument. A "
            "rise can mean more need, or better disclosure; neither is better or worse alone."
        ),
        numerator=_l("Completed screens scored positive"),
        denominator=_l("Completed screens (screens marked entered in error are left out)"),
        period=_l("Date the screen was answered"),
        is_higher_better=False,
    ),
    MetricDefinition(
        key="critical-acknowledged",
        version=1,
        section=Section.SCREENING,
        title=_l("Critical answers acted on in time"),
        explanation=_l(
            "Critical answers (thoughts of self-harm, or asking for help with safety at home) "
            "that a clinician acted on within the clinic's set minutes."
        ),
        numerator=_l("Critical answers acted on within the clinic's minutes"),
        denominator=_l("Critical answers raised"),
        period=_l("Date the answer was given"),
        target=1.0,
        target_source=_l("Safety protocol: PHQ-9 item 9 and EPDS item 10 need same-day assessment"),
    ),
    MetricDefinition(
        key="same-day-discussion",
        version=1,
        section=Section.SCREENING,
        title=_l("Positive screens discussed the same day"),
        explanation=_l(
            "Positive screens answered for a visit where, on the visit day, the team recorded "
            "talking it through or acting on it: practice C3 at that visit, a referral "
            "or warm handoff for the family, or the critical answer acted on."
        ),
        numerator=_l("Positive screens with a discussion recorded on the visit day"),
        denominator=_l("Positive screens answered for a visit"),
        period=_l("Visit date"),
        target=0.9,
        target_source=AAP_QI,
    ),
    MetricDefinition(
        key="referred-within-7-days",
        version=1,
        section=Section.CONNECTING,
        title=_l("Referred within 7 days of a positive screen"),
        explanation=_l(
            "Positive screens followed within 7 days by a referral or warm handoff for the "
            "family (cancelled-as-error referrals do not count)."
        ),
        numerator=_l("Positive screens with a referral requested within 7 days"),
        denominator=_l("Positive screens"),
        period=_l("Date the screen was answered"),
        target=0.9,
        target_source=AAP_QI,
    ),
    MetricDefinition(
        key="loops-closed",
        version=1,
        section=Section.CONNECTING,
        title=_l("Referral loops closed"),
        explanation=_l(
            "Referrals whose team or partner reported back how it ended: completed, could not "
            "be completed, or declined. The median counts the days from request to that report."
        ),
        numerator=_l("Referrals closed with an outcome reported back"),
        denominator=_l("Referrals sent (drafts and entries in error left out)"),
        period=_l("Date the referral was requested"),
        extra=Extra.MEDIAN_DAYS,
    ),
    MetricDefinition(
        key="warm-handoffs",
        version=1,
        section=Section.CONNECTING,
        title=_l("Warm handoffs accepted"),
        explanation=_l(
            "Warm handoffs started during a visit that a navigator accepted, and the median "
            "minutes the family waited for that."
        ),
        numerator=_l("Warm handoffs accepted"),
        denominator=_l("Warm handoffs started"),
        period=_l("Date the handoff was started"),
        extra=Extra.MEDIAN_MINUTES,
    ),
    MetricDefinition(
        key="overdue-follow-ups",
        version=1,
        section=Section.CONNECTING,
        title=_l("Follow-ups done late or still overdue"),
        explanation=_l(
            "Follow-up tasks that were due in the period (up to today) and were not done by "
            "the end of their due day. Lower is better."
        ),
        numerator=_l("Follow-ups done after their due day, or still open past it"),
        denominator=_l("Follow-ups due"),
        period=_l("Due date"),
        is_higher_better=False,
    ),
    MetricDefinition(
        key="huddles-held",
        version=1,
        section=Section.TEAM,
        title=_l("Daily huddles held"),
        explanation=_l(
            "Days with visits at a site on which the team held a daily huddle, for that site "
            "or for the whole clinic."
        ),
        numerator=_l("Visit days with a daily huddle"),
        denominator=_l("Days with at least one attended visit, per site"),
        period=_l("Day"),
        dimensions=(Dimension.SITE,),
        drills_to="days",
    ),
    MetricDefinition(
        key="action-items-closed",
        version=1,
        section=Section.TEAM,
        title=_l("Huddle action items closed"),
        explanation=_l("Action items agreed in a huddle that their owner has marked done."),
        numerator=_l("Action items done"),
        denominator=_l("Action items agreed in huddles"),
        period=_l("Date the action item was agreed"),
    ),
    MetricDefinition(
        key="practices-per-visit",
        version=1,
        section=Section.PROGRAMS,
        title=_l("Common practices delivered per visit"),
        explanation=_l(
            "The mean number of the 14 common practices the team recorded at each attended visit."
        ),
        numerator=_l("Practices recorded at attended visits"),
        denominator=_l("Attended visits"),
        period=_l("Visit date"),
        figure=Figure.MEAN,
        dimensions=ALL_DIMENSIONS,
    ),
    MetricDefinition(
        key="practice-delivered",
        version=1,
        section=Section.PROGRAMS,
        title=_l("Visits with each common practice"),
        explanation=_l(
            "For each of the 14 common practices, the share of attended visits at "
            "which the team recorded it."
        ),
        numerator=_l("Attended visits with the practice recorded"),
        denominator=_l("Attended visits"),
        period=_l("Visit date"),
        dimensions=ALL_DIMENSIONS,
    ),
    MetricDefinition(
        key="healthysteps-reach",
        version=1,
        section=Section.PROGRAMS,
        title=_l("Visits by children in HealthySteps"),
        explanation=_l(
            "The share of attended visits where the child was enrolled in HealthySteps on the "
            "visit day, in any tier and in tiers 2–3 (short-term or comprehensive support)."
        ),
        numerator=_l("Attended visits by children enrolled in HealthySteps"),
        denominator=_l("Attended visits"),
        period=_l("Visit date"),
    ),
    MetricDefinition(
        key="dulce-on-time",
        version=1,
        section=Section.PROGRAMS,
        title=_l("DULCE families with on-time visits to 6 months"),
        explanation=_l(
            "Children enrolled in DULCE who reached 7 months of age in the period, and who "
            "came to the first-week, 1-, 2-, 4- and 6-month visits, each no later than a month "
            "after the age it is for."
        ),
        numerator=_l("DULCE children with all five visits on time"),
        denominator=_l("DULCE children who reached 7 months of age"),
        period=_l("Date the child reached 7 months"),
        target_source=_l("DULCE visit schedule: first week, 1, 2, 4 and 6 months (CSSP)"),
    ),
)

BY_KEY = {d.key: d for d in DEFINITIONS}
