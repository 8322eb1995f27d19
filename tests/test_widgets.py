"""CachedOptionsSelect renders exactly what WTForms' own Select renders."""

from __future__ import annotations

import pytest
from wtforms import Form, SelectField, widgets
from wtforms.fields.choices import SelectChoice

from consult.forms import CachedOptionsSelect

CHOICES = [
    SelectChoice("", "Choose"),
    SelectChoice("CH", "Switzerland"),
    SelectChoice("CI", "Côte d’Ivoire <&>"),
    SelectChoice("7", "ITU", render_kw={"lang": "en"}),
]


def make(widget):
    class F(Form):
        field = SelectField(choices=CHOICES, widget=widget)

    return F


@pytest.mark.parametrize("value", [None, "", "CH", "CI", "7", "not-a-choice"])
def test_same_html_as_the_plain_select_for_any_value(value):
    data = {"field": value} if value is not None else None
    plain = make(widgets.Select())(data=data).field(required=True)
    cached = make(CachedOptionsSelect())(data=data).field(required=True)
    assert str(cached) == str(plain)
    # Again, from the cache, with another value: still the same as the plain one.
    other = {"field": "CH"}
    assert str(make(CachedOptionsSelect())(data=other).field()) == str(
        make(widgets.Select())(data=other).field()
    )


def test_a_changed_list_renders_afresh():
    first = str(make(CachedOptionsSelect())().field())
    CHOICES.append(SelectChoice("FR", "France"))
    try:
        assert "France" in str(make(CachedOptionsSelect())().field())
    finally:
        CHOICES.pop()
    assert "France" not in first
