from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class EraseForm(FlaskForm):
    confirm = BooleanField(
        "I understand that erasing cannot be undone",
        validators=[DataRequired(message="Tick the box to confirm the erasure.")],
    )
    submit = SubmitField("Erase personal data")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke")


class BlindReviewForm(FlaskForm):
    enabled = BooleanField("Blind review: hide who the candidate is from interviewers")
    submit = SubmitField("Save")


class TeamForm(FlaskForm):
    email = EmailField(
        "Add a recruiter by email",
        validators=[
            DataRequired(message="Give the email of the recruiter to add."),
            Email(message="That is not an email address."),
            Length(max=254),
        ],
    )
    submit = SubmitField("Add to the team")
