"""One limit on guessing invitation tokens, shared by the parent page and the parent API."""

from __future__ import annotations

from flask import current_app

from app.extensions import limiter


def _guess_limit() -> str:
    return current_app.config["WELLTHREAD_TOKEN_GUESS_LIMIT"]


#: Only look-ups that found nothing count, and every token endpoint shares the count: a family
#: using its own link never runs out, and a guesser gains nothing by switching page and API.
token_guesses = limiter.shared_limit(
    _guess_limit, scope="screener-token", deduct_when=lambda response: response.status_code == 404
)
