from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from app.pipeline.operations import SOURCES


class JobForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    department = StringField("Department", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Create job")


class CandidateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    source = SelectField(
        "Source", choices=[SelectChoice(source, source.capitalize()) for source in SOURCES]
    )
    job = SelectField("Job", coerce=int, validators=[DataRequired()])
    submit = SubmitField("Add candidate")


class MoveForm(FlaskForm):
    stage = SelectField("Move to", coerce=int, validators=[DataRequired()])
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Move")
