"""Form helpers shared by every feature. CSRF is enforced globally by CSRFProtect."""

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField as _WTFormsSelectField
from wtforms import SelectMultipleField, widgets

from app.errors import DomainError, DomainErrors


def apply_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Attach a DomainError's message to its form field, or to the form as a whole."""
    if isinstance(error, DomainErrors):
        for each in error.errors:
            apply_domain_error(form, each)
        return
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class _Select(widgets.Select):
    """WTForms' select, its plain options written by one f-string each. WTForms builds every
    option's attributes with html_params (a Markup.format per attribute, ~60 us an option):
    the board's move form and the 400 time zones spent most of their rendering there. The
    output is the same markup; options with extra attributes still go through WTForms."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')


class SelectField(_WTFormsSelectField):
    """The SelectField every form here uses (see _Select)."""

    widget = _Select()
