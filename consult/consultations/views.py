"""Public pages: the list of consultations and one consultation."""

from flask import Blueprint, abort, render_template

from consult.consultations.services import (
    offer_availability,
    public_consultation,
    public_consultations,
)
from consult.database import utcnow

bp = Blueprint("consultations", __name__)


@bp.get("/")
def home():
    return render_template(
        "consultations/home.html", consultations=public_consultations(), now=utcnow()
    )


@bp.get("/c/<slug>")
def detail(slug: str):
    consultation = public_consultation(slug)
    if consultation is None:
        abort(404)
    return render_template(
        "consultations/detail.html",
        consultation=consultation,
        availability=offer_availability(consultation),
        now=utcnow(),
    )
