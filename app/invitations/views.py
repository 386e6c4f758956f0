"""Front-desk pages for screening invitations: create, send, QR code, revoke, today's list, kiosk."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import logout_user
from markupsafe import Markup

from app.accounts.operations import record_sign_out
from app.appointments.models import Appointment
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.clock import clinic_today, clinic_zone
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, RECORD_EDITORS
from app.core.templating import language_name
from app.extensions import db
from app.families.models import Caregiver
from app.invitations import operations, queries
from app.invitations.forms import InvitationForm, KioskForm, StatusFilterForm
from app.invitations.models import Channel, Invitation, InvitationStatus
from app.screening import queries as screening
from app.screening.definitions import shipped_library
from app.screening.schedule import DueItem

bp = Blueprint("invitations", __name__, url_prefix="/invitations", template_folder="templates")

SENT_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL})
#: Which field an operation's refusal belongs to, so the error shows next to it.
ERROR_FIELDS = {"no_contact": "channel", "caregiver": "caregiver_id", "nothing_due": "language"}
QR_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def screener_link(token: str) -> str:
    """The absolute link a family opens (the parent pages belong to the `screener` blueprint)."""
    return url_for("screener.start", token=token, _external=True)


@dataclass(frozen=True)
class DueScreens:
    """What a visit calls for and the languages the clinic can ask it in."""

    items: list[DueItem]
    offered: dict[str, set[str]]

    @property
    def keys(self) -> list[str]:
        return [item.instrument_key for item in self.items if item.status == "due"]

    @property
    def languages(self) -> list[str]:
        return sorted({lang for key in self.keys for lang in self.offered.get(key, set())})

    def missing_in(self, language: str) -> list[str]:
        return [key for key in self.keys if language not in self.offered.get(key, set())]

    def default_language(self, caregiver: Caregiver | None) -> str:
        preferred = caregiver.preferred_language if caregiver else None
        for language in (preferred, "en"):
            if language in self.languages:
                return language
        return next(iter(self.languages), "")


def _due_screens(appointment: Appointment) -> DueScreens:
    return DueScreens(
        screening.due_for_appointment(appointment),
        screening.offered_languages(appointment.clinic_id),
    )


def _title(key: str) -> str:
    inst = shipped_library().get(key)
    return inst.title_in(str(get_locale())) if inst else key


def _caregiver_label(caregiver: Caregiver) -> str:
    name = _(
        "%(name)s (%(relationship)s)",
        name=caregiver.full_name,
        relationship=caregiver.relationship_to_child.label,
    )
    return " · ".join(part for part in (name, caregiver.phone, caregiver.email) if part)


def _choose(form: KioskForm, appointment: Appointment, due: DueScreens) -> None:
    caregivers = appointment.child.household.caregivers
    form.caregiver_id.choices = [(str(c.id), _caregiver_label(c)) for c in caregivers] or [
        ("", _("— no caregiver on record —"))
    ]
    form.language.choices = [(code, language_name(code)) for code in due.languages]


def _defaults(appointment: Appointment, due: DueScreens) -> dict[str, str]:
    primary = appointment.child.household.primary_caregiver
    channel = Channel.QR
    if primary is not None and (primary.phone or primary.email):
        channel = Channel.SMS if primary.phone else Channel.EMAIL
    return {
        "caregiver_id": str(primary.id) if primary else "",
        "language": due.default_language(primary),
        "channel": channel.value,
    }


def _language_gaps(appointment: Appointment, due: DueScreens) -> list[tuple[Caregiver, list[str]]]:
    """Caregivers for whom some screen due is not offered in their language (an interpreter is needed)."""
    gaps = []
    for caregiver in appointment.child.household.caregivers:
        if missing := due.missing_in(caregiver.preferred_language):
            gaps.append((caregiver, [_title(key) for key in missing]))
    return gaps


def _invite_page(appointment: Appointment, due: DueScreens, form: KioskForm, status: int = 200):
    return render_template(
        "invitations/new.html", appointment=appointment, due=due, form=form,
        gaps=_language_gaps(appointment, due), title=_title,
        kiosk_minutes=current_app.config["WELLTHREAD_KIOSK_MINUTES"],
    ), status  # fmt: skip


def _create(form: KioskForm, appointment: Appointment, channel: Channel):
    """Create (and for text or e-mail, send) the invitation; on refusal, roll back and say why."""
    caregiver_id = int(form.caregiver_id.data or 0)
    caregiver = next(
        (c for c in appointment.child.household.caregivers if c.id == caregiver_id), None
    )
    try:
        invitation, token = operations.create_invitation(
            appointment, language=form.language.data, channel=channel,
            created_by_id=g.user.id, caregiver=caregiver,
        )  # fmt: skip
        if channel in SENT_CHANNELS:
            operations.send_invitation(invitation, screener_link(token), clinic_name=g.clinic.name)
    except DomainError as error:
        db.session.rollback()
        form[ERROR_FIELDS.get(error.code, "language")].errors.append(error.message)
        return None
    return invitation, token


@bp.route("/")
@require_role(CARE_TEAM)
def index():
    form = StatusFilterForm(request.args)
    status = InvitationStatus(form.status.data) if form.validate() and form.status.data else None
    day = clinic_today()
    invitations = queries.invitations_on_day(current_clinic_id(), day, clinic_zone())
    if status is not None:
        invitations = [i for i in invitations if i.status == status]
    record_audit(
        AuditAction.VIEW,
        object_type="invitations",
        details={"day": day.isoformat(), "invitations": len(invitations)},
    )
    db.session.commit()
    return render_template(
        "invitations/index.html", form=form, day=day, invitations=invitations, title=_title,
        usable=queries.USABLE, editable=g.membership.role in RECORD_EDITORS,
    )  # fmt: skip


@bp.route("/appointments/<int:appointment_id>/new", methods=["GET", "POST"])
@require_role(RECORD_EDITORS)
def new(appointment_id: int):
    appointment = get_in_clinic_or_404(Appointment, appointment_id)
    due = _due_screens(appointment)
    form = InvitationForm(data=None if request.method == "POST" else _defaults(appointment, due))
    _choose(form, appointment, due)
    if request.method == "GET":
        record_audit(AuditAction.VIEW, appointment, details={"page": "invite"})
        db.session.commit()
        return _invite_page(appointment, due, form)
    valid = bool(due.keys) and form.validate_on_submit()
    if valid and (created := _create(form, appointment, Channel(form.channel.data))):
        db.session.commit()
        return _created_page(*created, left_out=due.missing_in(form.language.data))
    return _invite_page(appointment, due, form, 422)


def _created_page(invitation: Invitation, token: str, left_out: list[str]):
    # The token exists only in this response: it is never stored, so this page cannot be reloaded.
    link = screener_link(token)
    svg = segno.make(link, error="m").svg_inline(scale=4, title=_("QR code of the screening link"))
    return render_template(
        "invitations/created.html", invitation=invitation, token=token, link=link,
        qr_svg=Markup(svg),  # noqa: S704 — segno writes the SVG and escapes the title
        title=_title, left_out=[_title(key) for key in left_out],
    )  # fmt: skip


@bp.route("/qr/<token>.png", defaults={"fmt": "png"})
@bp.route("/qr/<token>.svg", defaults={"fmt": "svg"})
@require_role(RECORD_EDITORS)
def qr(token: str, fmt: str):
    invitation = (
        queries.usable_invitation(token) if re.match(queries.TOKEN_PATTERN, token) else None
    )
    if invitation is None or invitation.clinic_id != current_clinic_id():
        abort(404)
    image = io.BytesIO()
    segno.make(screener_link(token), error="m").save(
        image, kind=fmt, scale=8 if fmt == "png" else 4
    )
    response = Response(image.getvalue(), mimetype=QR_TYPES[fmt])
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f"attachment; filename=screening-link.{fmt}"
    return response


@bp.route("/<int:invitation_id>/revoke", methods=["POST"])
@require_role(RECORD_EDITORS)
def revoke(invitation_id: int):
    invitation = get_in_clinic_or_404(Invitation, invitation_id)
    try:
        operations.revoke_invitation(invitation)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The link no longer works. Nobody can answer through it."), "success")
    return redirect(url_for("invitations.index"))


@bp.route("/appointments/<int:appointment_id>/kiosk", methods=["POST"])
@require_role(RECORD_EDITORS)
def kiosk(appointment_id: int):
    appointment = get_in_clinic_or_404(Appointment, appointment_id)
    form = KioskForm()
    _choose(form, appointment, _due_screens(appointment))
    created = _create(form, appointment, Channel.KIOSK) if form.validate_on_submit() else None
    if created is None:
        for message in (m for errors in form.errors.values() for m in errors):
            flash(message, "error")
        return redirect(url_for("invitations.new", appointment_id=appointment.id))
    record_sign_out(g.user, reason="kiosk")
    db.session.commit()
    # The tablet goes to the family: no staff session may stay in this browser.
    logout_user()
    session.clear()
    return redirect(screener_link(created[1]) + "?kiosk=1")
