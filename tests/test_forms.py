"""The project's SelectField writes the same markup as WTForms', faster; every form uses it."""

import ast

import pytest
from wtforms import Form, SelectChoice
from wtforms import SelectField as WTFormsSelectField

from app.config import REPO_ROOT
from app.forms import SelectField

PAIRS = [(1, "a<b"), ('x"y', 'Q&"'), (True, ""), ("", "Any"), ("z", ""), ("é", "Zürich")]
CHOICES = [SelectChoice(value, label) for value, label in PAIRS]
GROUPED = [SelectChoice(v, label, optgroup="group <1>") for v, label in PAIRS] + [
    SelectChoice("k", "K", optgroup="two")
]


def _both(**field_args):
    class Theirs(Form):
        field = WTFormsSelectField(**field_args)

    class Ours(Form):
        field = SelectField(**field_args)

    return str(Theirs().field()), str(Ours().field())


@pytest.mark.parametrize(
    "field_args",
    [
        {"choices": CHOICES, "coerce": str, "default": 'x"y'},
        {"choices": CHOICES, "coerce": str, "default": "True"},
        {"choices": GROUPED, "default": "k"},
        {"choices": [SelectChoice("a", "A", {"disabled": True}), SelectChoice("b")]},
        {"choices": [], "render_kw": {"class": "wide"}},
    ],
)
def test_the_select_writes_what_wtforms_writes(field_args):
    theirs, ours = _both(**field_args)
    assert ours == theirs


def test_every_form_takes_its_select_field_from_app_forms():
    ours = REPO_ROOT / "app" / "forms.py"
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "app").rglob("*.py")
        if path != ours
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("wtforms")
        and any(alias.name == "SelectField" for alias in node.names)
    ]
    assert offenders == []
