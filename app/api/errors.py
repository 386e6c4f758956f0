"""How the API answers what it cannot do: one JSON shape, stable codes, the family's language.

The shape itself (`{"error": {"code", "message", "fields"}}`) is the app's, in `app.core.errors`;
here are the API's additions: request-size and JSON checks, domain errors mapped to statuses, and a
flask-smorest `Api` that leaves error pages to the app.
"""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import Api, abort
from werkzeug.exceptions import HTTPException

from app.api.schemas import ErrorSchema
from app.core import errors
from app.core.auth import public
from app.core.errors import DomainError
from app.invitations.screener_queries import family_locale

#: A whole sitting is a few kilobytes; anything far larger is refused before it is read.
MAX_BODY_BYTES = 64 * 1024

#: Domain errors that are conflicts with what is already stored, or hide a link's state; the rest
#: are 422 (the request was understood and cannot be done).
DOMAIN_STATUS = {
    "invitation_unavailable": 404,
    "already_answered": 409,
    "submission_id_reused": 409,
}


class JsonApi(Api):
    """flask-smorest's Api without its app-wide error handler, so staff pages keep their HTML errors.

    (flask-smorest 0.47 registers a JSON handler for every HTTPException of the app; the app's own
    handler already answers JSON under /api/ and HTML elsewhere.)
    """

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        return None

    @public
    def _openapi_json(self):
        return super()._openapi_json()


def _requested_language() -> str | None:
    language = g.get("family_language") or request.args.get("language")
    return language if isinstance(language, str) else None


def check_body() -> None:
    """Bound the request size and make sure a body is JSON before any view reads it."""
    request.max_content_length = MAX_BODY_BYTES  # also stops chunked bodies without a length
    if (request.content_length or 0) > MAX_BODY_BYTES:
        abort(413)
    if request.method != "POST" or not (
        request.content_length or request.headers.get("Transfer-Encoding")
    ):
        return
    if not request.is_json:
        abort(415)
    body = request.get_json(silent=True)
    if body is None:
        abort(
            400,
            code="bad_json",
            message=_("What was sent could not be read. Please try again."),
        )
    if isinstance(body, dict):
        g.family_language = body.get("language")


def handle_http_error(error: HTTPException):
    with family_locale(_requested_language()):
        return errors.handle_http_error(error)


def handle_domain_error(error: DomainError):
    with family_locale(_requested_language()):
        # str(): InvitationUnavailableError's message is lazy, so it is worded here, in this language.
        return errors.json_error(DOMAIN_STATUS.get(error.code, 422), error.code, str(error.message))
