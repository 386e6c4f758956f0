"""Password hashing with Argon2id (argon2-cffi); cost comes from configuration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 12


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["WELLTHREAD_ARGON2"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check `password`; with no hash (unknown user) spend the same work so timing reveals nothing."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("wellthread_dummy_hash", {})
    if "hash" not in cache:
        cache["hash"] = hash_password("not-a-real-password-for-timing-only")
    return cache["hash"]
