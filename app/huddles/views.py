"""The daily huddle board and running a huddle on it: attendees, notes, action items, the end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.appointments.forms import fill_people_choices
from app.core.audit import AuditAction, record_audit
from app.core.auth import current_clinic_id, current_role, get_in_clinic_or_404, require_role
from app.core.clock import clinic_today
from app.core.errors import DomainError
from app.core.roles import CARE_TEAM, Role
from app.core.urls import local_path
from app.extensions import db
from app.families.models import Child, Household
from app.huddles import board as boards
from app.huddles import operations, panel
from app.huddles.forms import (
    ActionItemForm,
    AttendeeForm,
    BoardFilterForm,
    EditNoteForm,
    EndHuddleForm,
    NoteForm,
    StartHuddleForm,
)
from app.huddles.models import Huddle, HuddleKind
from app.referrals.present import flag_label, need_label, target_label
from app.screening.definitions import shipped_library

bp = Blueprint("huddles", __name__, url_prefix="/huddles", template_folder="templates")

#: Who opens a child's visit page from the board; front desk and managers use the schedule.
VISIT_TEAM = (Role.CLINICIAN, Role.NURSE_MA, Role.NAVIGATOR)


def screen_title(key: str) -> str:
    instrument = shipped_library().get(key)
    return instrument.title_in(str(get_locale())) if instrument else key


def _chosen(form: BoardFilterForm) -> dict:
    """The filter's values; a field the page could not read falls back to its default."""
    form.validate()

    def value(f, default=None):
        return f.data if f.data and not f.errors else default

    return {
        "day": value(form.day, clinic_today()),
        "site_id": int(value(form.site_id, 0)) or None,
        "clinician_id": int(value(form.clinician_id, 0)) or None,
        "attention_only": bool(value(form.attention, False)),
    }


@bp.route("/")
@require_role(CARE_TEAM)
def board():
    form = BoardFilterForm(request.args)
    fill_people_choices(form, current_clinic_id())
    chosen = _chosen(form)
    page = boards.board_page(current_clinic_id(), user_id=g.user.id, **chosen)
    record_audit(
        AuditAction.VIEW, object_type="huddle_board",
        details={"day": chosen["day"].isoformat(), "appointments": len(page.board.rows)},
    )  # fmt: skip
    db.session.commit()
    return render_template(
        "huddles/board.html", page=page, form=form, chosen=chosen, today=clinic_today(),
        opens_visits=current_role() in VISIT_TEAM, screen_title=screen_title,
        flag_label=flag_label, need_label=need_label, target_label=target_label,
    )  # fmt: skip


# --- running the huddle -------------------------------------------------------------------------


def _board_url(day: date, site_id: int | None) -> str:
    return url_for("huddles.board", day=day.isoformat(), site_id=site_id or None)


def _back(huddle: Huddle, target: str | None, anchor: str):
    """To the page the form was on (the board with its filters), else the huddle's day."""
    return redirect((local_path(target) or _board_url(huddle.held_on, huddle.site_id)) + anchor)


def _first_error(form) -> str:
    return next(iter(message for messages in form.errors.values() for message in messages))


def _apply(form, change: Callable[[], object], done: str) -> bool:
    """Validate, change, commit and say so; a refusal is shown and nothing is kept."""
    try:
        if not form.validate_on_submit():
            raise DomainError(_first_error(form))
        change()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(done, "success")
    return True


def _huddle_or_404(huddle_id: int) -> Huddle:
    """A daily huddle of this clinic; case reviews have their own routes (and their own team)."""
    huddle = get_in_clinic_or_404(Huddle, huddle_id)
    if huddle.kind != HuddleKind.DAILY:
        abort(404)
    return huddle


@bp.route("/start", methods=["POST"])
@require_role(CARE_TEAM)
def start():
    form = StartHuddleForm()
    _apply(form, lambda: operations.start_huddle(
        current_clinic_id(), day=form.day.data, kind=HuddleKind.DAILY, user_id=g.user.id,
        site_id=form.site_id.data,
    ), _("The huddle has started."))  # fmt: skip
    day = form.day.data if isinstance(form.day.data, date) else clinic_today()
    return redirect(_board_url(day, form.site_id.data) + "#huddle")


@bp.route("/<int:huddle_id>/attendees", methods=["POST"])
@require_role(CARE_TEAM)
def add_attendee(huddle_id: int):
    huddle = _huddle_or_404(huddle_id)
    form = AttendeeForm()
    _apply(form, lambda: operations.add_attendee(huddle, form.user_id.data),
           _("The attendee is added."))  # fmt: skip
    return _back(huddle, form.next.data, "#huddle")


def _family(form) -> tuple[Household | None, Child | None]:
    """The family named in the form; the operation refuses one of another clinic."""
    household = (
        db.session.get(Household, form.household_id.data) if form.household_id.data else None
    )
    child = db.session.get(Child, form.child_id.data) if form.child_id.data else None
    if (form.household_id.data and household is None) or (form.child_id.data and child is None):
        raise DomainError(_("That family is not one of the clinic's."), code="mismatch")
    return household, child


def _write_note(huddle: Huddle, form: NoteForm) -> None:
    corrects = None
    if form.corrects_id.data:
        corrects = panel.note_of_clinic(form.corrects_id.data, current_clinic_id())
        if corrects is None:
            raise DomainError(_("The note to correct was not found."), code="not_found")
        form.household_id.data, form.child_id.data = corrects.household_id, corrects.child_id
    household, child = _family(form)
    operations.add_note(huddle, author_id=g.user.id, body=form.body.data, household=household,
                        child=child, corrects=corrects)  # fmt: skip


@bp.route("/<int:huddle_id>/notes", methods=["POST"])
@require_role(CARE_TEAM)
def add_note(huddle_id: int):
    huddle = _huddle_or_404(huddle_id)
    form = NoteForm()
    _apply(form, lambda: _write_note(huddle, form), _("The note is saved."))
    anchor = f"#child-{form.child_id.data}" if form.child_id.data else "#team-notes"
    return _back(huddle, form.next.data, anchor)


def _add_action_item(huddle: Huddle, form: ActionItemForm) -> None:
    household, child = _family(form)
    if household is None:
        raise DomainError(_("Choose the family the action item is about."), code="no_family")
    operations.add_action_item(
        huddle, household=household, child=child, title=form.title.data,
        assignee_id=form.assignee_id.data, due_on=form.due_on.data, created_by_id=g.user.id,
    )  # fmt: skip


@bp.route("/<int:huddle_id>/action-items", methods=["POST"])
@require_role(CARE_TEAM)
def add_action_item(huddle_id: int):
    huddle = _huddle_or_404(huddle_id)
    form = ActionItemForm()
    _apply(form, lambda: _add_action_item(huddle, form),
           _("The action item is on its owner's worklist."))  # fmt: skip
    anchor = f"#child-{form.child_id.data}" if form.child_id.data else "#huddle"
    return _back(huddle, form.next.data, anchor)


@bp.route("/notes/<int:note_id>/edit", methods=["POST"])
@require_role(CARE_TEAM)
def edit_note(note_id: int):
    note = panel.note_of_clinic(note_id, current_clinic_id())
    if note is None:
        abort(404)
    form = EditNoteForm()
    _apply(form, lambda: operations.edit_note(
        note, user_id=g.user.id, body=form.body.data, expected_version=form.version.data,
    ), _("The note is changed."))  # fmt: skip
    return _back(note.huddle, form.next.data, f"#note-{note.id}")


@bp.route("/<int:huddle_id>/end", methods=["POST"])
@require_role(CARE_TEAM)
def end(huddle_id: int):
    huddle = _huddle_or_404(huddle_id)
    form = EndHuddleForm()
    _apply(form, lambda: operations.end_huddle(huddle), _("The huddle has ended."))
    return _back(huddle, form.next.data, "#huddle")
