"""The page an invitation link opens: set one's own password, then sign
in (an administrator is taken on to set up the second factor)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user

from consult.accounts.forms import AcceptInvitationForm
from consult.accounts.invitations import accept_invitation, invited_by
from consult.accounts.services import password_problem
from consult.accounts.sessions import start_staff_session
from consult.security.models import SecurityTag
from consult.security.services import record_event

bp = Blueprint("invitations", __name__, url_prefix="/secretariat")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token: str) -> ResponseReturnValue:
    user = invited_by(token)
    if user is None:
        return render_template("accounts/invitation_invalid.html"), 410
    form = AcceptInvitationForm()
    status = 200
    if form.validate_on_submit():
        problem = password_problem(form.password.data, email=user.email, name=user.name)
        if problem:
            form.password.errors.append(problem)
        else:
            accept_invitation(user, form.password.data)
            start_staff_session(user)
            login_user(user)
            record_event(SecurityTag.SIGNIN, user=user, commit=True)
            flash(_("Welcome, %(name)s: your password is set.", name=user.name), "success")
            return redirect(url_for(user.home))
    if form.is_submitted():
        status = 422
    return render_template("accounts/invitation.html", form=form, user=user), status
