"""Who may see secretariat pages: any logged-in user, or admins only."""

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


secretariat_required = login_required
