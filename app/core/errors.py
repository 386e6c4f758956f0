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


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_message(error: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood. Please check what you entered."),
        403: _("You do not have access to this page."),
        404: _("We could not find that page or record."),
        405: _("That action is not allowed here."),
        413: _("The file or form you sent is too large."),
        429: _("Too many attempts. Please wait a moment and try again."),
    }
    return messages.get(error.code or 500, _("Something went wrong on our side."))


def handle_http_error(error: HTTPException):
    status = error.code or 500
    message = _error_message(error)
    if _wants_json():
        return jsonify(error={"code": f"http_{status}", "message": message, "fields": {}}), status
    return render_template("errors/error.html", status=status, message=message), status


def handle_csrf_error(error: CSRFError):
    message = _("Your form expired or was sent from another page. Please try again.")
    if _wants_json():
        return jsonify(error={"code": "csrf", "message": message, "fields": {}}), 400
    return render_template("errors/error.html", status=400, message=message), 400


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
