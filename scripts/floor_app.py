"""The floor for `make bench`: a bare Flask + Flask-SQLAlchemy app that serves a form
with the same fields as consult's application form and inserts one row per POST.
consult's apply path is measured against it under the same gunicorn (see bench.py);
its /page renders one template, the anchor for the pages' CPU (bench_pages.py) and
for `make loadtest`. Nothing else uses it."""

from __future__ import annotations

import os

from flask import Flask, redirect, render_template_string, request
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["FLOOR_DATABASE_URL"]
db = SQLAlchemy(app)


class Row(db.Model):
    __tablename__ = "floor_application"
    id = db.Column(db.Integer, primary_key=True)
    full_name = db.Column(db.String(200))
    email = db.Column(db.String(254))
    country = db.Column(db.String(2))
    role = db.Column(db.String(16))
    category = db.Column(db.String(16))


with app.app_context():
    db.create_all()

FORM = """<!doctype html><html><body><form method="post">
<input name="csrf_token" value="floor"><input name="full_name"><input name="email">
<input name="country"><input name="role"><input name="category"><button>Send</button>
</form></body></html>"""


@app.get("/apply")
def form():
    return FORM


@app.post("/apply")
def submit():
    row = Row(
        **{
            k: request.form.get(k, "")
            for k in ("full_name", "email", "country", "role", "category")
        }
    )
    db.session.add(row)
    db.session.commit()
    return redirect("/apply/thanks")


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><header><a href="/">{{ title }}</a></header>
<main><h1>{{ title }}</h1>{% for item in items %}<section><h2>{{ item.name }}</h2>
<p>{{ item.text }}</p></section>{% endfor %}</main></body></html>"""
ITEMS = [{"name": f"Session {n}", "text": "Financing ICT for development " * 4} for n in range(8)]


@app.get("/page")
def page():
    return render_template_string(PAGE, title="A consultation", items=ITEMS)
