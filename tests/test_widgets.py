"""CachedOptionsSelect renders exactly what WTForms' own Select renders; LongSelectField
validates exactly as SelectField does."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from consult.forms import CachedOptionsSelect, LongSelectField, optional_int

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


ORGANIZATIONS = [SelectChoice("", "None"), SelectChoice("7", "ITU"), SelectChoice("12", "UNDP")]


@pytest.mark.parametrize(
    "coerce, choices", [(str, CHOICES), (optional_int, ORGANIZATIONS)], ids=["str", "int"]
)
@pytest.mark.parametrize(
    "value", [None, "", "CH", "ch", "7", "07", " 7", "x", "None", "2147483648"]
)
def test_long_select_accepts_and_refuses_what_select_field_does(coerce, choices, value):
    """LongSelectField's quicker check gives the same verdict and errors."""

    def form(field_class):
        class F(Form):
            field = field_class(choices=choices, coerce=coerce, validators=[Optional()])

        return F(formdata=MultiDict({"field": value} if value is not None else {}))

    plain, long = form(SelectField), form(LongSelectField)
    assert plain.validate() == long.validate()
    assert plain.field.errors == long.field.errors
    assert str(long.field()) == str(plain.field())
