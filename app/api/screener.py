"""The parent screener's API: the invitation token in the path is the only key (DESIGN §5).

Thin views: token → one operation → commit → dump. Failed token look-ups are rate-limited per
address; the API is exempt from CSRF because no cookie authenticates it.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from flask import Flask
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from app.api import errors
from app.api.schemas import (
    ScreenerSessionSchema,
    SessionQuerySchema,
    SubmissionCreateSchema,
    SubmissionSchema,
)
from app.core.auth import public
from app.core.errors import DomainError
from app.extensions import csrf, db
from app.invitations import screener_operations as screener
from app.invitations.limits import token_guesses
from app.invitations.screener_operations import Sitting
from app.invitations.screener_queries import invitation_for_link

blp = Blueprint(
    "screener_api",
    __name__,
    url_prefix="/api/v1/screener",
    description="A family's link: its questions, its progress and its answers.",
)
blp.before_request(errors.check_body)
blp.register_error_handler(HTTPException, errors.handle_http_error)
blp.register_error_handler(DomainError, errors.handle_domain_error)


def _may_answer(*statuses: int) -> Callable:
    """Document error answers with the shared error schema (names follow this Python's HTTPStatus)."""

    def decorate(view: Callable) -> Callable:
        for status in statuses:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorate


@blp.route("/<token>")
@public
@token_guesses
@blp.arguments(SessionQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ScreenerSessionSchema)
@_may_answer(404, 429)
def session(token: str, language: str | None):
    """Open the link: the screens to answer in `language`, and whom the family may ask for help."""
    opened = screener.open_screener(invitation_for_link(token), language)
    db.session.commit()
    return opened


@blp.route("/<token>/started", methods=["POST"])
@public
@token_guesses
@blp.response(204)
@_may_answer(404, 429)
def started(token: str):
    """The family began answering."""
    screener.start_screener(invitation_for_link(token))
    db.session.commit()


@blp.route("/<token>/submissions", methods=["POST"])
@public
@token_guesses
@blp.arguments(SubmissionCreateSchema)
@blp.response(201, SubmissionSchema)
@_may_answer(400, 404, 409, 413, 415, 429)
def submissions(sitting: Sitting, token: str):
    """Send a sitting's answers; sending the same body again stores nothing new."""
    result = screener.submit_sitting(invitation_for_link(token, replay=True), sitting)
    db.session.commit()
    return result


def register(app: Flask) -> None:
    """Serve the API and its OpenAPI document at /api/v1/openapi.json (no UI: no third-party assets)."""
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = errors.JsonApi(
        app,
        spec_kwargs={
            "title": "Wellthread parent screener API",
            "version": "1",
            "openapi_version": "3.0.3",
        },
    )
    api.register_blueprint(blp)
    csrf.exempt(blp)
