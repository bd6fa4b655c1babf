from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.forms import SelectField
from app.pipeline.operations import (
    MAX_MOVE_DETAILS,
    MAX_NOTE_LENGTH,
    MAX_STALE_DAYS,
    REJECTION_REASONS,
    SOURCES,
    WITHDRAWAL_REASONS,
)


def reason_choices() -> dict[str, list[SelectChoice]]:
    """Reason categories grouped by outcome, for a move that may close the application."""
    return {
        "No reason": [SelectChoice("", "—")],
        "Rejection": [SelectChoice(reason, reason) for reason in REJECTION_REASONS],
        "Withdrawal": [SelectChoice(reason, reason) for reason in WITHDRAWAL_REASONS],
    }


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
    """Move one application (candidate page) to another stage."""

    stage = SelectField(
        "Move to", coerce=int, validators=[DataRequired(message="Choose a stage to move to.")]
    )
    reason = SelectField(
        "Reason", choices=reason_choices, validate_choice=False, validators=[Optional()]
    )
    details = TextAreaField("Details", validators=[Optional(), Length(max=MAX_MOVE_DETAILS)])
    backwards = BooleanField("Yes, move back to an earlier stage")
    submit = SubmitField("Move")


class BulkMoveForm(MoveForm):
    """Move the ticked applications of a board or stage list to one stage."""

    applications = SelectMultipleField(
        "Candidates", coerce=int, validate_choice=False, validators=[Optional()]
    )
    back = HiddenField()
    submit = SubmitField("Move ticked candidates")


class RejectForm(FlaskForm):
    reason = SelectField(
        "Reason",
        choices=[
            SelectChoice("", "Choose a reason…"),
            *(SelectChoice(r, r) for r in REJECTION_REASONS),
        ],
        validators=[DataRequired(message="Choose a rejection reason.")],
    )
    details = TextAreaField(
        "Details (optional)", validators=[Optional(), Length(max=MAX_MOVE_DETAILS)]
    )
    submit = SubmitField("Reject")


class WithdrawForm(FlaskForm):
    reason = SelectField(
        "Reason",
        choices=[
            SelectChoice("", "Choose a reason…"),
            *(SelectChoice(r, r) for r in WITHDRAWAL_REASONS),
        ],
        validators=[DataRequired(message="Choose why the candidate withdrew.")],
    )
    details = TextAreaField(
        "Details (optional)", validators=[Optional(), Length(max=MAX_MOVE_DETAILS)]
    )
    submit = SubmitField("Mark as withdrawn")


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Note",
        validators=[
            DataRequired(message="Write something in the note."),
            Length(max=MAX_NOTE_LENGTH),
        ],
    )
    submit = SubmitField("Add note")


class StaleForm(FlaskForm):
    stale_after_days = IntegerField(
        "Flag candidates waiting in a stage for more than (days)",
        validators=[
            InputRequired(message="Give a number of days."),
            NumberRange(1, MAX_STALE_DAYS, message=f"Choose between 1 and {MAX_STALE_DAYS} days."),
        ],
    )
    submit = SubmitField("Save")


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file (columns: name, email, source)",
        validators=[FileRequired(message="Choose a CSV file to upload.")],
    )
    skip_invalid = BooleanField("Skip invalid rows and import the others")
    submit = SubmitField("Import candidates")
