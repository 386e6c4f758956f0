"""The clinic's guidance library: list, write and edit the prompts clinicians see at visits."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.errors import DomainError
from app.core.roles import Role
from app.extensions import db
from app.guidance import labels, operations, queries
from app.guidance.forms import PromptFilterForm, PromptForm
from app.guidance.models import GuidancePrompt, PromptCategory
from app.practices.queries import practices_of

bp = Blueprint("guidance", __name__, url_prefix="/guidance", template_folder="templates")


@bp.route("/")
@require_role(Role.CLINIC_ADMIN)
def index():
    filters = PromptFilterForm(request.args)
    prompts = queries.prompts_of(current_clinic_id(), *filters.chosen())
    return render_template("guidance/index.html", prompts=prompts, filters=filters, labels=labels)


def _prompt_form(data: dict | None) -> PromptForm:
    form = PromptForm(data=None if request.method == "POST" else data)
    locale = str(get_locale())
    form.practice_codes.choices = [
        (p.code, f"{p.code} · {p.title_in(locale)}") for p in practices_of(current_clinic_id())
    ]
    return form


def _saved(form: PromptForm, prompt: GuidancePrompt | None):
    """Create or update from a valid form; the page again with the reason when the rules refuse."""
    try:
        if prompt is None:
            prompt = operations.create_prompt(current_clinic_id(), **form.prompt_fields())
        else:
            operations.update_prompt(prompt, **form.prompt_fields())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return None
    db.session.commit()
    flash(
        _("The prompt “%(title)s” is saved.", title=prompt.text_in(str(get_locale()))["title"]),
        "success",
    )
    return redirect(url_for("guidance.index"))


def _page(form: PromptForm, prompt: GuidancePrompt | None):
    status = 422 if request.method == "POST" else 200
    return render_template("guidance/edit.html", form=form, prompt=prompt), status


@bp.route("/new", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def new():
    form = _prompt_form({"is_active": True, "category": PromptCategory.STRENGTH.value})
    if form.validate_on_submit() and (response := _saved(form, None)):
        return response
    return _page(form, None)


@bp.route("/<int:prompt_id>/edit", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def edit(prompt_id: int):
    prompt = get_in_clinic_or_404(GuidancePrompt, prompt_id)
    form = _prompt_form(PromptForm.data_of(prompt))
    if form.validate_on_submit() and (response := _saved(form, prompt)):
        return response
    return _page(form, prompt)
