"""Step-up: the most sensitive actions -- erasing a person's data, exporting
applications, creating an account -- ask for the password again when the person last
proved who they are more than STEP_UP_MINUTES ago (ASVS 4.3.x / 3.7.1): a session left
open on a shared computer cannot do them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.sessions import current_staff_session, verified_since
from consult.database import utcnow


def recently_verified() -> bool:
    row = current_staff_session(current_user.id) if current_user.is_authenticated else None
    if row is None:
        return False
    limit = timedelta(minutes=current_app.config["STEP_UP_MINUTES"])
    return utcnow() - verified_since(row) <= limit


def ask_again(target: str) -> ResponseReturnValue:
    """To the password page, and then to `target`."""
    flash(_("Please enter your password again before you do this."), "error")
    return redirect(url_for("accounts.confirm_password", next=target))


def recent_sign_in_required(back: Callable[..., str] | None = None):
    """For a view under admin_required/login_required: when the password was last given
    too long ago, go and give it again, then come back -- a GET to itself, a form to the
    page `back(**view_kwargs)` names, to be sent again (pages send no Referer)."""

    def decorate(view: Callable[..., ResponseReturnValue]):
        @wraps(view)
        def wrapped(*args, **kwargs) -> ResponseReturnValue:
            if recently_verified():
                return view(*args, **kwargs)
            if request.method == "GET":
                return ask_again(request.full_path.rstrip("?"))
            return ask_again(back(**kwargs) if back else url_for("review.queue"))

        return wrapped

    return decorate
