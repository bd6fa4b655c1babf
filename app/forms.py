"""Form helpers shared by every feature. CSRF is enforced globally by CSRFProtect."""

from flask_wtf import FlaskForm
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
