"""The dashboard's filter (months, site, breakdown) and how its query string is read and checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import MonthField, SelectField

from app.clinics.models import Site
from app.core.forms import Form
from app.dashboards.dimensions import Dimension
from app.dashboards.periods import MAX_MONTHS, add_months, months_between, parse_month

#: Months shown when none are asked for: a year, ending with the current month.
DEFAULT_MONTHS = 12
#: Browsers without a month picker show a text box: the pattern and example say what to type.
MONTH_INPUT = {"placeholder": "2026-03", "pattern": "[0-9]{4}-[0-9]{2}"}


class FilterError(Exception):
    """A query-string value the page cannot use; the message tells the reader what to enter."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Filters:
    months: tuple[date, ...]
    site_id: int | None
    by: Dimension | None

    def args(self) -> dict[str, str]:
        """The query string that asks for these filters again (links keep the reader's choice)."""
        chosen = {
            "from": self.months[0].isoformat()[:7],
            "to": self.months[-1].isoformat()[:7],
            "by": self.by.value if self.by else "",
        }
        if self.site_id is not None:
            chosen["site"] = str(self.site_id)
        return chosen


class MetricsFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False  # a GET filter changes nothing

    first = MonthField(_l("From"), name="from", render_kw=MONTH_INPUT)
    last = MonthField(_l("To"), name="to", render_kw=MONTH_INPUT)
    site = SelectField(_l("Site"), coerce=str, validate_choice=False)
    by = SelectField(_l("Break down by"), coerce=str, validate_choice=False)


def filter_form(args: MultiDict, sites: list[Site], filters: Filters | None) -> MetricsFilterForm:
    """The filter showing the figures' months, site and breakdown; what was sent when it was bad."""
    form = MetricsFilterForm(formdata=None if filters else args, data=_form_data(filters))
    form.site.choices = [("", _("All sites"))] + [(str(s.id), s.name) for s in sites]
    form.by.choices = [("", _("No breakdown"))] + [(d.value, d.label) for d in Dimension]
    return form


def _form_data(filters: Filters | None) -> dict[str, object]:
    if filters is None:
        return {}
    return {
        "first": filters.months[0],
        "last": filters.months[-1],
        "site": str(filters.site_id or ""),
        "by": filters.by.value if filters.by else "",
    }


def read_filters(args: MultiDict, sites: list[Site], today: date) -> Filters:
    """The months, site and breakdown asked for; raises `FilterError` with what to correct."""
    last = _month(args, "to") or today.replace(day=1)
    first = _month(args, "from") or add_months(last, 1 - DEFAULT_MONTHS)
    if last < first:
        raise FilterError(_("The last month comes before the first. Choose a later last month."))
    months = tuple(months_between(first, last))
    if len(months) > MAX_MONTHS:
        raise FilterError(
            _("Choose at most %(count)s months at a time (five years).", count=MAX_MONTHS)
        )
    site = site_of(args.get("site"), sites)
    return Filters(months, site.id if site else None, _dimension(args))


def _month(args: MultiDict, name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    month = parse_month(raw)
    if month is None:
        raise FilterError(_("Enter months as year and month, for example 2026-03."))
    return month


def site_of(raw: str | None, sites: Sequence[Site]) -> Site | None:
    """The clinic's site named by the query string, None for all sites; raises `FilterError`."""
    if not (raw or "").strip():
        return None
    site = next((s for s in sites if str(s.id) == raw.strip()), None)
    if site is None:
        raise FilterError(_("That site is not one of this clinic's. Choose a site from the list."))
    return site


def _dimension(args: MultiDict) -> Dimension | None:
    raw = args.get("by", Dimension.SITE.value)
    if not raw:
        return None
    try:
        return Dimension(raw)
    except ValueError:
        raise FilterError(_("Choose a breakdown from the list.")) from None
