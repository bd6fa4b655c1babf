from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length

from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.forms import SelectField
from app.models import Role

STAFF_ROLE_CHOICES = [
    SelectChoice(role.value, role.label) for role in Role if role is not Role.CANDIDATE
]


class LoginForm(FlaskForm):
    # No format check here: a wrong address simply fails to sign in.
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


class UserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(
        "Role",
        choices=STAFF_ROLE_CHOICES,
        validators=[DataRequired()],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=200)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters; not a common password.",
    )
    submit = SubmitField("Create user")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=STAFF_ROLE_CHOICES, validators=[DataRequired()])
    submit = SubmitField("Change role")


class ToggleActiveForm(FlaskForm):
    submit = SubmitField("Deactivate")


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=200)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters; not a common password.",
    )
    submit = SubmitField("Reset password")
