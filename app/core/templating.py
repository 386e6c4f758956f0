"""Jinja set-up: i18n policies, date and language formatting, the navigation for the current role."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask, g
from flask_babel import format_date, format_datetime, format_time, get_locale, ngettext

from app.core.clock import whole_months_between
from app.core.i18n import available_locales, family_domain


def language_name(code: str | None) -> str:
    """The language's name in the page's language ("vi" → "vietnamita" on a Spanish page)."""
    if not code:
        return ""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(get_locale())
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code


def locale_choices() -> list[tuple[str, str]]:
    """Locales offered by the language switcher, each named in its own language."""
    return [
        (code, Locale.parse(code).get_display_name(code).capitalize())
        for code in available_locales()
    ]


def _date(value: date | None, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def _datetime(value: datetime | None, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if value else ""


def _time(value: datetime | None, fmt: str = "short") -> str:
    return format_time(value, fmt) if value else ""


def child_age(born: date, on: date) -> str:
    """Age as a pediatric team says it: days, then weeks until 2 months, then months."""
    days = (on - born).days
    if days < 14:
        return ngettext("%(num)d day", "%(num)d days", max(days, 0))
    if days < 61:
        return ngettext("%(num)d week", "%(num)d weeks", days // 7)
    months = whole_months_between(born, on)
    return ngettext("%(num)d month", "%(num)d months", months)


def _template_context() -> dict[str, Any]:
    return {
        "current_membership": g.get("membership"),
        "current_clinic": g.get("clinic"),
        "locale_choices": locale_choices(),
        "current_locale": str(get_locale()),
    }


def register(app: Flask) -> None:
    # Keep runtime whitespace handling the same as extraction (babel.cfg: trimmed = true).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.add_extension(
        "jinja2.ext.do"
    )  # {% do list.append(x) %}: `set _ = …` would hide gettext
    app.jinja_env.filters.update(
        date=_date, datetime=_datetime, time=_time, language_name=language_name, age=child_age
    )
    # Words for families (the visit summary) come from their own catalogue: {{ _s("…") }}.
    app.jinja_env.globals["_s"] = family_domain.gettext
    app.context_processor(_template_context)
