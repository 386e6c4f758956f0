"""The clinic's catalogue of the 14 common practices."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.core.auth import current_clinic_id, get_in_clinic_or_404, require_role
from app.core.roles import STAFF, Role
from app.extensions import db
from app.practices import operations, queries
from app.practices.forms import PracticeWordingForm
from app.practices.models import CommonPractice, PracticeAction

bp = Blueprint("practices", __name__, url_prefix="/practices", template_folder="templates")


@bp.route("/")
@require_role(STAFF)
def index():
    practices = queries.practices_of(current_clinic_id())
    grouped = [(action, [p for p in practices if p.action == action]) for action in PracticeAction]
    return render_template("practices/index.html", grouped=grouped)


@bp.route("/<int:practice_id>", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def edit(practice_id: int):
    practice = get_in_clinic_or_404(CommonPractice, practice_id)
    form = PracticeWordingForm(
        data=None
        if request.method == "POST"
        else {
            "title_en": practice.title_in("en"),
            "title_es": practice.title_in("es"),
            "description_en": practice.description_in("en"),
            "description_es": practice.description_in("es"),
        }
    )
    if form.validate_on_submit():
        operations.update_practice_wording(
            practice,
            title={"en": form.title_en.data, "es": form.title_es.data},
            description={"en": form.description_en.data, "es": form.description_es.data},
        )
        db.session.commit()
        flash(_("The wording of %(code)s is saved.", code=practice.code), "success")
        return redirect(url_for("practices.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("practices/edit.html", form=form, practice=practice), status
