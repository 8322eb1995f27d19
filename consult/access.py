"""Who may see secretariat pages: the secretariat (reviewers and admins), admins only,
or the check-in desk (desk accounts and admins). A desk account sees only its page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required


def admin_required(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, description=_("Only administrators may do this."))
        return view(*args, **kwargs)

    return wrapped


def secretariat_required(view: Callable) -> Callable:
    """Reviewers and admins; a desk account is refused (it has the check-in page)."""

    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if getattr(current_user, "is_desk", False):
            abort(403, description=_("The check-in desk account opens the check-in page only."))
        return view(*args, **kwargs)

    return wrapped


def desk_required(view: Callable) -> Callable:
    """The check-in desk: desk accounts and admins."""

    @login_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not (current_user.is_admin or getattr(current_user, "is_desk", False)):
            abort(403, description=_("Only the check-in desk and administrators may do this."))
        return view(*args, **kwargs)

    return wrapped
