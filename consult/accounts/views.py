"""Sign-in, sign-out, and (for admins) the secretariat's user accounts."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from consult.access import admin_required
from consult.accounts import two_factor
from consult.accounts.forms import (
    CodeForm,
    ConfirmPasswordForm,
    DisableTwoFactorForm,
    EnrolForm,
    LoginForm,
    OrganizationForm,
    PasswordForm,
    UserForm,
)
from consult.accounts.invitations import invite_again, invite_user
from consult.accounts.models import User, UserRole
from consult.accounts.services import (
    AccountError,
    all_users,
    authenticate,
    check_current_password,
    password_problem,
    set_active,
    set_password,
    sign_in_actor,
)
from consult.accounts.sessions import (
    count_sign_in_attempt,
    end_sessions,
    end_staff_session,
    forget_pending_sign_in,
    forget_sign_in_attempts,
    live_sessions,
    mark_verified,
    pending_sign_in,
    start_pending_sign_in,
    start_staff_session,
    this_session_id,
    use_pending_sign_in,
)
from consult.accounts.step_up import ask_again, recently_verified
from consult.consultations.services import all_organizations
from consult.database import transaction
from consult.extensions import db
from consult.forms import ActionForm
from consult.http import parse_id, render_error
from consult.security.models import SecurityTag
from consult.security.services import record_event
from consult.text import counted

bp = Blueprint("accounts", __name__, url_prefix="/secretariat")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after signing in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for(current_user.home if current_user.is_authenticated else "review.queue")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or ""
        if not count_sign_in_attempt(address, form.email.data):
            record_event(
                SecurityTag.SIGNIN_THROTTLED, actor=sign_in_actor(form.email.data), commit=True
            )
            return render_error(429)
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            forget_sign_in_attempts(address, form.email.data)
            if user.two_factor_enabled:
                start_pending_sign_in(user)
                return redirect(url_for(".second_factor", next=request.args.get("next")))
            return _signed_in(user)
        record_event(SecurityTag.SIGNIN_FAILED, actor=sign_in_actor(form.email.data), commit=True)
        form.form_errors.append(
            _("That email address and password do not match an active account.")
        )
    if form.is_submitted():
        status = 422 if any(field.errors for field in form) else 401
    return render_template("accounts/login.html", form=form), status


def _signed_in(user: User):
    start_staff_session(user)
    login_user(user)
    record_event(SecurityTag.SIGNIN, user=user, commit=True)
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor() -> ResponseReturnValue:
    """The second step of signing in, for accounts with a second factor."""
    pending = pending_sign_in()
    if pending is None:
        forget_pending_sign_in()
        flash(_("Please sign in again."), "error")
        return redirect(url_for(".login"))
    user = db.session.get(User, pending.user_id)
    if user is None or not user.active or not user.two_factor_enabled:
        forget_pending_sign_in()
        return redirect(url_for(".login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        if not count_sign_in_attempt(f"2fa-{user.id}", user.email):
            record_event(SecurityTag.SIGNIN_THROTTLED, user=user, commit=True)
            return render_error(429)
        used = two_factor.verify(user, form.code.data)
        if used is not None:
            if not use_pending_sign_in(pending):  # spent by a parallel request
                flash(_("Please sign in again."), "error")
                return redirect(url_for(".login"))
            forget_sign_in_attempts(f"2fa-{user.id}", user.email)
            if used == "recovery":
                record_event(SecurityTag.RECOVERY_CODE_USED, user=user)
            return _signed_in(user)
        record_event(SecurityTag.TWO_FACTOR_FAILED, user=user, commit=True)
        form.code.errors.append(_("That code is not right, or was used already."))
    if form.is_submitted():
        status = 422
    return render_template("accounts/second_factor.html", form=form), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_settings() -> ResponseReturnValue:
    """Enrol an authenticator app (QR code), see recovery codes once, or switch off
    (reviewers only: admins must keep a second factor)."""
    user = current_user._get_current_object()
    enrol = EnrolForm()
    disable = DisableTwoFactorForm()
    status = 200
    codes = None
    action = request.form.get("action")
    secret = session.get("enrolling_secret")
    if request.method == "POST" and action == "enrol" and enrol.validate_on_submit():
        step = two_factor.check_code(secret, enrol.code.data) if secret else None
        if step is not None:
            codes = two_factor.enable(user, secret, step, by=user)
            session.pop("enrolling_secret", None)
            flash(_("Two-factor sign-in is on."), "success")
        else:
            enrol.code.errors.append(_("That code does not match. Check the time on your phone."))
            status = 422
    elif request.method == "POST" and action == "disable" and disable.validate_on_submit():
        if user.is_admin and current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"]:
            abort(403, description=_("Administrators must keep two-factor sign-in."))
        if check_current_password(user, disable.current.data):
            two_factor.disable(user, by=user)
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for(".two_factor_settings"))
        disable.current.errors.append(_("This is not your current password."))
        status = 422
    elif request.method == "POST":
        status = 422
    qr = uri = None
    if not user.two_factor_enabled and codes is None:
        if not secret:
            secret = two_factor.new_secret()
            session["enrolling_secret"] = secret
        uri = two_factor.provisioning_uri(user, secret)
        qr = two_factor.qr_svg(uri)
    return (
        render_template(
            "accounts/two_factor.html",
            enrol=enrol,
            disable=disable,
            secret=secret if qr else None,
            qr=qr,
            codes=codes,
            left=two_factor.recovery_codes_left(user) if user.two_factor_enabled else 0,
            required=user.is_admin and current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"],
        ),
        status,
    )


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    form = ActionForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            record_event(SecurityTag.SIGNOUT)
        end_staff_session()
        logout_user()
        flash(_("You have signed out."), "success")
    return redirect(url_for(".login"))


# What a signed-in person may open while they still owe a password change or (admins)
# the set-up of a second factor: those steps, signing out, and nothing that needs no
# account at all (static files, health checks).
_ALLOWED_BEFORE_CHANGE = {
    "accounts.change_password",
    "accounts.logout",
    "static",
    "healthz",
    "readyz",
}


@bp.before_app_request
def require_password_change() -> ResponseReturnValue:
    """A password someone else set must be replaced, and an admin must set up a second
    factor, before anything else: the fence covers every request of the signed-in
    person (the unpublished programme's preview, say), not only /secretariat pages."""
    if not current_user.is_authenticated or request.endpoint in _ALLOWED_BEFORE_CHANGE:
        return None
    if current_user.must_change_password:
        flash(_("Please choose your own password before you go on."), "error")
        return redirect(url_for("accounts.change_password"))
    if (
        request.endpoint != "accounts.two_factor_settings"
        and current_user.needs_two_factor_enrolment
        and current_app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"]
    ):
        flash(_("Administrators sign in with a second factor: please set it up first."), "error")
        return redirect(url_for("accounts.two_factor_settings"))
    return None


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> ResponseReturnValue:
    form = UserForm()
    status = 200
    if form.is_submitted() and not recently_verified():
        return ask_again(url_for(".users"))
    if not form.is_submitted():
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        try:
            user = invite_user(
                form.email.data,
                form.name.data,
                UserRole(form.role.data),
                by=current_user._get_current_object(),
                language=form.language.data,
                organization_id=form.organization.data,
            )
        except AccountError as error:
            form.email.errors.append(error.message)
            status = 409
        else:
            flash(
                _(
                    "%(email)s is invited: the email with their link is on its way.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for(".users"))
    elif form.is_submitted():
        status = 422
    return (
        render_template(
            "accounts/users.html",
            users=all_users(),
            form=form,
            action=ActionForm(),
            organizations={o.id: o for o in all_organizations()},
            organization_form=OrganizationForm(),
        ),
        status,
    )


@bp.post("/users/<int:user_id>/invite")
@admin_required
def invite(user_id: int) -> ResponseReturnValue:
    """Send the invitation again (lost, expired): the earlier link stops working."""
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        invite_again(user, by=current_user._get_current_object())
    except AccountError as error:
        flash(error.message, "error")
    else:
        flash(_("A new invitation is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/organization")
@admin_required
def set_organization(user_id: int) -> ResponseReturnValue:
    """The organization a staff member works for (their conflicts of interest)."""
    user = db.get_or_404(User, user_id)
    form = OrganizationForm()
    if not form.validate_on_submit():
        abort(400)
    with transaction():
        user.organization_id = form.organization.data
    record_event(
        SecurityTag.SETTINGS_CHANGED,
        target=f"user {user.id}",
        detail=f"organization {form.organization.data or 'none'}",
        commit=True,
    )
    flash(_("Saved the organization of %(email)s.", email=user.email), "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/active")
@admin_required
def toggle_active(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for(".users"))
    set_active(user, not user.active, by=current_user._get_current_object())
    if user.active:
        flash(_("%(email)s can sign in again.", email=user.email), "success")
    else:
        flash(_("%(email)s is deactivated and signed out.", email=user.email), "success")
    return redirect(url_for(".users"))


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
def confirm_password() -> ResponseReturnValue:
    """Step-up: the password again, before a sensitive action (consult.accounts.step_up)."""
    form = ConfirmPasswordForm()
    back = _safe_next(request.args.get("next"))
    status = 200
    if form.validate_on_submit():
        if check_current_password(current_user, form.current.data):
            mark_verified()
            return redirect(back)
        record_event(SecurityTag.SIGNIN_FAILED, target="step-up", commit=True)
        form.current.errors.append(_("This is not your current password."))
    if form.is_submitted():
        status = 422
    return render_template("accounts/confirm.html", form=form), status


@bp.route("/account/sessions", methods=["GET", "POST"])
@login_required
def active_sessions() -> ResponseReturnValue:
    """The account's signed-in sessions (device, address, last seen): end one, or all
    but this one (ASVS 3.3.4)."""
    user = current_user._get_current_object()
    current_id = this_session_id()
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        which = request.form.get("session", "")
        if which == "others":
            ended = end_sessions(user, keep=current_id)
        else:
            target = parse_id(which)
            if target is None or target == current_id:
                abort(400)
            ended = end_sessions(user, only=target)
        record_event(
            SecurityTag.SIGNOUT, detail=f"ended {counted(ended, 'other session')}", commit=True
        )
        flash(
            _("Every other session is ended.") if which == "others" else _("The session is ended."),
            "success",
        )
        return redirect(url_for(".active_sessions"))
    return render_template(
        "accounts/sessions.html", sessions=live_sessions(user), current_id=current_id
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        if not check_current_password(current_user, form.current.data):
            form.current.errors.append(_("This is not your current password."))
            record_event(SecurityTag.SIGNIN_FAILED, target="password change", commit=True)
        else:
            problem = password_problem(
                form.password.data, email=current_user.email, name=current_user.name
            )
            if problem:
                form.password.errors.append(problem)
            else:
                user = current_user._get_current_object()
                set_password(user, form.password.data, by_self=True, by=user)
                start_staff_session(user)  # every session ended: open a new one here
                login_user(user)
                flash(_("Your password is changed. Other sessions are signed out."), "success")
                return redirect(url_for(user.home))
    if form.is_submitted():
        status = 422
    return render_template("accounts/password.html", form=form), status
