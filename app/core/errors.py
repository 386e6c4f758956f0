"""Domain errors and the HTML/JSON error pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the clinic's work was broken; the message is shown to the user as it is."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


#: Stable codes of the JSON API, the same whatever the language of the message.
JSON_ERROR_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    """The one error shape of the JSON API: `{"error": {"code", "message", "fields"}}`."""
    return jsonify(error={"code": code, "message": message, "fields": fields or {}}), status


def _field_messages(messages: object) -> dict:
    """Validation messages per field, whatever request location (json, query) they came from."""
    if not isinstance(messages, dict):
        return {}
    located = all(isinstance(value, dict) for value in messages.values())
    merged = (
        {k: v for value in messages.values() for k, v in value.items()} if located else messages
    )
    return _string_keys(merged)


def _string_keys(value: object) -> object:
    # List errors are keyed by position (int): JSON keys are strings.
    if isinstance(value, dict):
        return {str(key): _string_keys(item) for key, item in value.items()}
    return value


def _error_message(error: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood. Please check what you entered."),
        403: _("You do not have access to this page."),
        404: _("We could not find that page or record."),
        405: _("That action is not allowed here."),
        413: _("The file or form you sent is too large."),
        415: _("Please send this as JSON."),
        422: _("Some of what was sent is missing or not valid."),
        429: _("Too many attempts. Please wait a moment and try again."),
    }
    return messages.get(error.code or 500, _("Something went wrong on our side."))


def handle_http_error(error: HTTPException):
    status = error.code or 500
    message = _error_message(error)
    if _wants_json():
        # webargs (flask-smorest) puts validation messages, or a code and message, in `data`.
        data = getattr(error, "data", None) or {}
        code = data.get("code") or JSON_ERROR_CODES.get(status, f"http_{status}")
        fields = _field_messages(data.get("messages"))
        return json_error(status, code, data.get("message") or message, fields)
    return render_template("errors/error.html", status=status, message=message), status


def handle_csrf_error(error: CSRFError):
    message = _("Your form expired or was sent from another page. Please try again.")
    if _wants_json():
        return json_error(400, "csrf", message)
    return render_template("errors/error.html", status=400, message=message), 400


def handle_out_of_range(_error: OverflowError):
    """A date or number far outside any real one (year 9999, a 30-digit id) is bad input, not a
    fault: the request's transaction is rolled back and the sender is told."""
    message = _("A date or number you entered is out of range.")
    if _wants_json():
        return json_error(400, "out_of_range", message)
    return render_template("errors/error.html", status=400, message=message), 400


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OverflowError, handle_out_of_range)
