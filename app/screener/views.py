"""Parent pages: the screener shell at /s/<token>, its service worker, manifest and kiosk end page.

The pages hold no answers and no health information; the script asks the JSON API for the
questions and keeps answers in the browser until they are sent.
"""

from __future__ import annotations

import json
import re
import secrets
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import force_locale

from app.api.schemas import ScreenerSessionSchema
from app.core.auth import public
from app.extensions import db
from app.invitations.limits import token_guesses
from app.invitations.models import Invitation
from app.invitations.queries import TOKEN_PATTERN, usable_invitation
from app.invitations.screener_operations import open_screener
from app.screener.strings import PARENT_LOCALES, RIGHT_TO_LEFT, ui_strings

bp = Blueprint("screener", __name__, url_prefix="/s", template_folder="templates")


def _parent_locale(invitation: Invitation | None) -> str:
    """The language the family chose here, else the invitation's, else the browser's."""
    chosen = request.args.get("lang")
    if chosen in PARENT_LOCALES:
        return chosen
    if invitation is not None and invitation.language in PARENT_LOCALES:
        return invitation.language
    return request.accept_languages.best_match(PARENT_LOCALES) or "en"


def _page(template: str, locale: str, status: int = 200, **context):
    with force_locale(locale):
        strings = ui_strings()
        html = render_template(
            template,
            locale=locale,
            direction="rtl" if locale in RIGHT_TO_LEFT else "ltr",
            strings=strings,
            **context,
        )
    return Response(html, status=status, mimetype="text/html")


@bp.route("/<token>")
@public
@token_guesses
def start(token: str):
    invitation = usable_invitation(token) if re.fullmatch(TOKEN_PATTERN, token) else None
    locale = _parent_locale(invitation)
    if invitation is None:
        return _page("screener/unavailable.html", locale, status=404)
    # The questions travel inside the page: on a slow phone network each round trip costs seconds.
    questions = ScreenerSessionSchema().dump(open_screener(invitation, locale))
    db.session.commit()
    config = {
        "token": token,
        "api": url_for("screener.start", token=token).replace("/s/", "/api/v1/screener/", 1),
        "language": locale,
        "languages": list(PARENT_LOCALES),
        "kiosk": request.args.get("kiosk") == "1",
        "kioskDone": url_for("screener.kiosk_done", lang=locale),
        "kioskDoneAfterMs": current_app.config["WELLTHREAD_KIOSK_DONE_SECONDS"] * 1000,
        "strings": ui_strings_for(locale),
        "session": questions,
    }
    nonce = secrets.token_urlsafe(16)
    response = _page(
        "screener/app.html",
        locale,
        nonce=nonce,
        css=_asset("screener.css"),
        script=_asset("screener.js"),
        config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
    )
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    )
    return response


@cache
def _asset(name: str) -> str:
    """The screener's own stylesheet and script, inlined into the page (read once)."""
    return (Path(current_app.static_folder) / "screener" / name).read_text(encoding="utf-8")


def ui_strings_for(locale: str) -> dict[str, str]:
    with force_locale(locale):
        return ui_strings()


@bp.route("/kiosk-done")
@public
def kiosk_done():
    return _page("screener/kiosk_done.html", _parent_locale(None))


@bp.route("/sw.js")
@public
def service_worker():
    # Served from /s/ (not /static/) so its scope covers the screener pages.
    script = (Path(current_app.static_folder) / "screener" / "sw.js").read_bytes()
    return Response(
        script,
        mimetype="text/javascript",
        headers={"Service-Worker-Allowed": "/s/", "Cache-Control": "no-cache"},
    )


@bp.route("/manifest.webmanifest")
@public
def manifest():
    body = {
        "name": "Wellthread",
        "short_name": "Wellthread",
        "start_url": ".",
        "scope": "/s/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e69",
        "icons": [
            {
                "src": url_for("static", filename="screener/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],
    }
    return Response(json.dumps(body), mimetype="application/manifest+json")
