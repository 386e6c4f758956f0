"""Locale selection: the user's saved choice, then the session, then Accept-Language, then the clinic."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain
from flask_login import current_user

from app.config import REPO_ROOT

#: Languages every page and document for families is complete in (staff pages: en, es).
PARENT_LOCALES = ("en", "es", "ar")
RIGHT_TO_LEFT = frozenset({"ar"})

#: Words for families (screener, visit summary) live in their own catalogue, complete in
#: PARENT_LOCALES; marked `_s` in code and templates.
family_domain = Domain(translation_directories=str(REPO_ROOT / "translations"), domain="family")


def available_locales() -> tuple[str, ...]:
    return current_app.config["WELLTHREAD_LOCALES"]


def recipient_locale(user_locale: str | None, clinic_locale: str | None) -> str:
    """The language a message to someone outside any request is written in: theirs, else the
    clinic's, else the default (the order select_locale uses for pages)."""
    locales = available_locales()
    return next(
        (code for code in (user_locale, clinic_locale) if code in locales),
        current_app.config["BABEL_DEFAULT_LOCALE"],
    )


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    locales = available_locales()
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in locales:
        return user_locale
    if session.get("locale") in locales:
        return session["locale"]
    if best := request.accept_languages.best_match(locales):
        return best
    clinic = getattr(g, "clinic", None)
    if clinic is not None and clinic.default_locale in locales:
        return clinic.default_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    clinic = getattr(g, "clinic", None)
    return clinic.timezone if clinic is not None else "UTC"
