"""Configuration: defaults ← environment ← overrides passed to create_app."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

LOCALES = ("en", "es")


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def defaults(instance_path: str) -> dict[str, Any]:
    """Settings used when neither the environment nor the caller says otherwise."""
    return {
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'wellthread.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(REPO_ROOT / "translations"),
        "WELLTHREAD_LOCALES": LOCALES,
        "WELLTHREAD_IDLE_TIMEOUT": timedelta(minutes=15),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "wellthread_session",
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "WELLTHREAD_ARGON2": {"time_cost": 3, "memory_cost": 65536, "parallelism": 4},
        "WELLTHREAD_CSV_MAX_BYTES": 2 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "WELLTHREAD_PAGE_SIZE": 50,
        "WELLTHREAD_INVITATION_HOURS": 72,
        "WELLTHREAD_KIOSK_MINUTES": 30,
        #: After a kiosk sitting is sent, the thank-you stays this long before the tablet locks.
        "WELLTHREAD_KIOSK_DONE_SECONDS": 15,
        "WELLTHREAD_SMS_BACKEND": "console",
        "WELLTHREAD_EMAIL_BACKEND": "console",
        #: Failed token look-ups allowed per address; Redis via RATELIMIT_STORAGE_URI when configured.
        "WELLTHREAD_TOKEN_GUESS_LIMIT": "20 per 10 minutes",
        "RATELIMIT_STORAGE_URI": "memory://",
        #: Run periodic jobs (critical-answer escalation, …) in a thread of each serving process;
        #: off by default: production runs `flask jobs run-once` from cron instead.
        "WELLTHREAD_INPROCESS_JOBS": False,
        "WELLTHREAD_JOBS_INTERVAL_SECONDS": 60,
        #: Where staff reach Wellthread: links in e-mails sent outside a request start with it.
        "WELLTHREAD_BASE_URL": "http://127.0.0.1:5000",
    }


def from_environment() -> dict[str, Any]:
    """Settings taken from DATABASE_URL, SECRET_KEY and WELLTHREAD_* variables."""
    settings: dict[str, Any] = {}
    if url := os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = url
    if key := os.environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = key
    if hours := os.environ.get("WELLTHREAD_INVITATION_HOURS"):
        settings["WELLTHREAD_INVITATION_HOURS"] = int(hours)
    if storage := os.environ.get("RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = storage
    for channel in ("SMS", "EMAIL"):
        if backend := os.environ.get(f"WELLTHREAD_{channel}_BACKEND"):
            settings[f"WELLTHREAD_{channel}_BACKEND"] = backend
    if minutes := os.environ.get("WELLTHREAD_IDLE_TIMEOUT_MINUTES"):
        settings["WELLTHREAD_IDLE_TIMEOUT"] = timedelta(minutes=int(minutes))
    settings["WELLTHREAD_INPROCESS_JOBS"] = _env_bool("WELLTHREAD_INPROCESS_JOBS", False)
    if seconds := os.environ.get("WELLTHREAD_JOBS_INTERVAL_SECONDS"):
        settings["WELLTHREAD_JOBS_INTERVAL_SECONDS"] = int(seconds)
    if base_url := os.environ.get("WELLTHREAD_BASE_URL"):
        settings["WELLTHREAD_BASE_URL"] = base_url
    secure = _env_bool("WELLTHREAD_SECURE_COOKIES", True)
    settings["SESSION_COOKIE_SECURE"] = secure
    settings["REMEMBER_COOKIE_SECURE"] = secure
    return settings
