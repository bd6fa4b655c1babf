from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from app.forms import SelectField


class AssignForm(FlaskForm):
    application = SelectField("Application", coerce=int, validators=[DataRequired()])
    exercise = SelectField("Exercise", validators=[DataRequired()])
    open_within_days = IntegerField(
        "Must be started within (days)",
        default=7,
        validators=[DataRequired(), NumberRange(min=1, max=60)],
    )
    submit = SubmitField("Assign and send invite")


class UploadForm(FlaskForm):
    notebook = FileField(
        "Your notebook (.ipynb)",
        validators=[FileRequired("Choose your .ipynb file to upload.")],
    )
    # removed by the view unless the exercise's AI policy asks for a disclosure
    ai_disclosure = TextAreaField(
        "How you used AI assistants (required by this exercise's AI policy; write \"none\" if "
        "you used none)"
    )
    submit = SubmitField("Upload and grade")
