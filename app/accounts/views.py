"""Sign-in, sign-out, one's own account, clinic switching, and user administration pages."""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app.accounts import operations, queries
from app.accounts.forms import (
    AccountForm,
    MembershipForm,
    NewMemberForm,
    PasswordChangeForm,
    SignInForm,
)
from app.accounts.models import Membership, User
from app.clinics.queries import partner_organizations_of
from app.core.auth import current_clinic_id, get_in_clinic_or_404, public, require_role
from app.core.errors import DomainError
from app.core.i18n import available_locales
from app.core.roles import NavigatorKind, Role
from app.core.templating import locale_choices
from app.extensions import db, login_manager

bp = Blueprint("accounts", __name__, template_folder="templates")
admin_bp = Blueprint("users", __name__, url_prefix="/admin/users", template_folder="templates")

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"

ALL_ROLES = set(Role)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_active else None


@bp.before_app_request
def load_signed_in_member() -> Any:
    """Expire idle sessions and put the user's active clinic membership on `g`."""
    g.user = g.membership = g.clinic = None
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    idle_limit = current_app.config["WELLTHREAD_IDLE_TIMEOUT"].total_seconds()
    if now - session.get("seen_at", 0) > idle_limit:
        return _end_session(
            _("You were signed out because the page was idle. Please sign in again.")
        )
    session["seen_at"] = now
    memberships = queries.active_memberships(current_user)
    if not memberships:
        return _end_session(_("Your account has no active role in a clinic."))
    chosen = session.get("membership_id")
    g.membership = next((m for m in memberships if m.id == chosen), memberships[0])
    g.memberships = memberships
    g.clinic = g.membership.clinic
    g.user = current_user._get_current_object()
    return None


def _end_session(message: str) -> Any:
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("accounts.sign_in"))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            session.clear()  # a fresh session on sign-in: no fixation
            login_user(user)
            session["seen_at"] = time.time()
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        # One message whether the account exists or not.
        flash(_("That e-mail and password do not match an active account."), "error")
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@require_role(ALL_ROLES)
def sign_out():
    operations.record_sign_out(g.user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    locale = request.form.get("locale", "")
    if locale not in available_locales():
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        operations.set_user_locale(current_user, locale)
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/clinic", methods=["POST"])
@require_role(ALL_ROLES)
def switch_clinic():
    chosen = request.form.get("membership_id", type=int)
    if chosen not in {m.id for m in g.memberships}:
        abort(404)
    session["membership_id"] = chosen
    return redirect(url_for("home.index"))


def _account_form() -> AccountForm:
    form = AccountForm(
        data=None if request.method == "POST" else {"locale": current_user.locale or ""}
    )
    form.locale.choices = [("", _("Follow my browser")), *locale_choices()]
    return form


@bp.route("/account", methods=["GET", "POST"])
@require_role(ALL_ROLES)
def account():
    form = _account_form()
    if form.validate_on_submit():
        operations.set_user_locale(g.user, form.locale.data or None)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form, password_form=PasswordChangeForm())


@bp.route("/account/password", methods=["POST"])
@require_role(ALL_ROLES)
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            operations.change_password(g.user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            form.current_password.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=_account_form(), password_form=form), 422


# --- user administration (clinic admins) ------------------------------------------------------


def _with_choices(form: MembershipForm) -> MembershipForm:
    organizations = partner_organizations_of(current_clinic_id())
    form.partner_organization_id.choices = [("", _("— not a partner user —"))] + [
        (str(o.id), o.name) for o in organizations
    ]
    return form


def _membership_fields(form: MembershipForm) -> dict[str, Any]:
    return {
        "role": Role(form.role.data),
        "navigator_kind": NavigatorKind(form.navigator_kind.data)
        if form.navigator_kind.data
        else None,
        "partner_organization_id": int(form.partner_organization_id.data)
        if form.partner_organization_id.data
        else None,
    }


@admin_bp.route("/")
@require_role(Role.CLINIC_ADMIN)
def index():
    memberships = queries.memberships_of_clinic(current_clinic_id())
    return render_template("accounts/users.html", memberships=memberships)


@admin_bp.route("/new", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def new():
    form = _with_choices(NewMemberForm())
    if form.validate_on_submit():
        try:
            operations.add_clinic_member(
                current_clinic_id(),
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data or "",
                **_membership_fields(form),
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("%(name)s now has access to this clinic.", name=form.full_name.data), "success")
            return redirect(url_for("users.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/user_form.html", form=form, membership=None), status


@admin_bp.route("/<int:membership_id>", methods=["GET", "POST"])
@require_role(Role.CLINIC_ADMIN)
def edit(membership_id: int):
    membership = get_in_clinic_or_404(Membership, membership_id)
    form = _with_choices(MembershipForm(obj=membership, data=_form_data(membership)))
    if form.validate_on_submit():
        try:
            operations.update_membership(
                membership,
                acting_user=g.user,
                is_active=form.is_active.data,
                **_membership_fields(form),
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("users.edit", membership_id=membership_id))
        db.session.commit()
        flash(_("Access for %(name)s is updated.", name=membership.user.full_name), "success")
        return redirect(url_for("users.index"))
    status = 422 if form.errors else 200
    return render_template("accounts/user_form.html", form=form, membership=membership), status


def _form_data(membership: Membership) -> dict[str, Any] | None:
    if request.method == "POST":
        return None
    return {
        "role": membership.role.value,
        "navigator_kind": membership.navigator_kind.value if membership.navigator_kind else "",
        "partner_organization_id": str(membership.partner_organization_id or ""),
        "is_active": membership.is_active,
    }
