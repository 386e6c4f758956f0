"""Front-desk pages for screening invitations: create, send, QR code, revoke, today's list, kiosk."""

from __future__ import annotations

from flask import Blueprint

from app.invitations import models  # noqa: F401 — the blueprint owns these tables

bp = Blueprint("invitations", __name__, url_prefix="/invitations", template_folder="templates")
