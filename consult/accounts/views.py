"""Sign-in, sign-out, and (for admins) the secretariat's user accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult.accounts.access import admin_required
from consult.accounts.forms import ActionForm, LoginForm, PasswordForm, UserForm
from consult.accounts.models import User, UserRole
from consult.accounts.services import (
    AccountError,
    all_users,
    authenticate,
    create_user,
    set_active,
    set_password,
)
from consult.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/secretariat")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after signing in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("review.queue")


def _login_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return f"{request.remote_addr}|{email}"


def _login_limits() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response: Response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limits, methods=["POST"], key_func=_login_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(
            _("That email address and password do not match an active account.")
        )
    if form.is_submitted():
        status = 422 if any(field.errors for field in form) else 401
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You have signed out."), "success")
    return redirect(url_for(".login"))


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = create_user(
                form.email.data, form.name.data, UserRole(form.role.data), form.password.data
            )
        except AccountError as error:
            form.email.errors.append(_(error.message))
            status = 409
        else:
            flash(_("Account created for %(email)s.", email=user.email), "success")
            return redirect(url_for(".users"))
    elif form.is_submitted():
        status = 422
    return (
        render_template("accounts/users.html", users=all_users(), form=form, action=ActionForm()),
        status,
    )


@bp.post("/users/<int:user_id>/active")
@admin_required
def toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for(".users"))
    set_active(user, not user.active)
    if user.active:
        flash(_("%(email)s can sign in again.", email=user.email), "success")
    else:
        flash(_("%(email)s is deactivated and signed out.", email=user.email), "success")
    return redirect(url_for(".users"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        set_password(current_user, form.password.data)
        login_user(current_user)  # the epoch changed: keep this session, end the others
        flash(_("Your password is changed. Other sessions are signed out."), "success")
        return redirect(url_for("review.queue"))
    if form.is_submitted():
        status = 422
    return render_template("accounts/password.html", form=form), status
