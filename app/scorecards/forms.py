"""Scheduling, scorecard (built from the rubric), amendment and debrief decision forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import SelectField
from app.models import Scorecard
from app.pipeline.reasons import REJECTION_REASONS
from app.scorecards.kits import Kit
from app.scorecards.operations import AUTHORSHIP, MAX_NOTES, ScorecardInput
from app.scorecards.rubrics import Rubric


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ScheduleForm(FlaskForm):
    kit = SelectField("Interview kit", validators=[DataRequired()])
    stage = SelectField("Pipeline stage", coerce=int, validators=[DataRequired()])
    interviewers = MultiCheckboxField("Interviewers", coerce=int)
    scheduled_at = DateTimeLocalField(
        "Date and time (your time zone)", format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    duration_minutes = IntegerField(
        "Duration in minutes",
        validators=[Optional(), NumberRange(min=10, max=480)],
        description="Leave empty to use the kit's duration.",
    )
    location = StringField(
        "Location", validators=[Optional(), Length(max=300)], description="Room or address."
    )
    video_url = StringField(
        "Video link", validators=[Optional(), Length(max=500)], description="https://…"
    )
    submit = SubmitField("Schedule interview")


class RescheduleForm(FlaskForm):
    scheduled_at = DateTimeLocalField(
        "New date and time (your time zone)", format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    duration_minutes = IntegerField(
        "Duration in minutes", validators=[Optional(), NumberRange(min=10, max=480)]
    )
    location = StringField("Location", validators=[Optional(), Length(max=300)])
    video_url = StringField("Video link", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Move the interview")


class CancelInterviewForm(FlaskForm):
    submit = SubmitField("Cancel the interview")


class AmendForm(FlaskForm):
    reason = TextAreaField("Why amend?", validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField("Amend scorecard")


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("advance", "Advance to the next stage"),
            SelectChoice("reject", "Reject"),
        ],
        validators=[DataRequired()],
    )
    # Rejections use the pipeline's listed reasons, so the funnel can group its drop-off.
    reason = SelectField(
        "Rejection reason",
        choices=[SelectChoice("", "—"), *(SelectChoice(r, r) for r in REJECTION_REASONS)],
        validators=[Optional()],
    )
    details = TextAreaField(
        "Details",
        validators=[Optional(), Length(max=2000)],
        description="Recorded on the pipeline timeline.",
    )
    submit = SubmitField("Record decision")


class ScorecardFormBase(FlaskForm):
    """Fields shared by every scorecard; the per-dimension fields are added by `scorecard_form`."""

    dimension_keys: tuple[str, ...] = ()

    def level_field(self, key: str) -> Field:
        return self[f"level_{key}"]

    def notes_field(self, key: str) -> Field:
        return self[f"notes_{key}"]

    def to_input(self) -> ScorecardInput:
        return ScorecardInput(
            levels={key: self.level_field(key).data for key in self.dimension_keys},
            dimension_notes={key: self.notes_field(key).data or "" for key in self.dimension_keys},
            signals=(*(self["strong_signals"].data or ()), *(self["weak_signals"].data or ())),
            red_flags=tuple(self["red_flags"].data or ()),
            recommendation=self["recommendation"].data or None,
            notes=self["notes"].data or "",
            authorship=self["authorship"].data or None,
            authorship_notes=self["authorship_notes"].data or "",
        )


def scorecard_form(rubric: Rubric, kit: Kit, scorecard: Scorecard | None) -> ScorecardFormBase:
    """A scorecard form for the kit's dimensions of `rubric`, prefilled from `scorecard`."""
    attributes: dict[str, Any] = {"dimension_keys": kit.dimensions}
    for key in kit.dimensions:
        dimension = rubric.dimension(key)
        attributes[f"level_{key}"] = RadioField(
            dimension.title,
            choices=[SelectChoice(level.key, level.label) for level in dimension.scale],
            validators=[Optional()],
        )
        attributes[f"notes_{key}"] = TextAreaField(
            f"Evidence for {dimension.title}", validators=[Optional(), Length(max=MAX_NOTES)]
        )
    attributes["strong_signals"] = MultiCheckboxField(
        "Strong signals", choices=[SelectChoice(s.key, s.text) for s in rubric.strong_signals]
    )
    attributes["weak_signals"] = MultiCheckboxField(
        "Weak signals", choices=[SelectChoice(s.key, s.text) for s in rubric.weak_signals]
    )
    attributes["red_flags"] = MultiCheckboxField(
        "Red flags", choices=[SelectChoice(s.key, s.text) for s in rubric.red_flags]
    )
    attributes["recommendation"] = RadioField(
        "Overall recommendation",
        choices=[SelectChoice(level.key, level.label) for level in rubric.recommendations],
        validators=[Optional()],
    )
    attributes["notes"] = TextAreaField("Summary", validators=[Optional(), Length(max=MAX_NOTES)])
    attributes["authorship"] = RadioField(
        "How well did the candidate explain their own submission?",
        choices=[SelectChoice("", "Not discussed")]
        + [SelectChoice(key, text) for key, text in AUTHORSHIP.items()],
        validators=[Optional()],
        default="",
    )
    attributes["authorship_notes"] = TextAreaField(
        "What they explained, or could not (which follow-up questions)",
        validators=[Optional(), Length(max=MAX_NOTES)],
    )
    attributes["save"] = SubmitField("Save draft")
    attributes["submit"] = SubmitField("Submit scorecard")
    form_class = type("ScorecardForm", (ScorecardFormBase,), attributes)
    data: dict[str, Any] = {}
    if scorecard is not None:
        for score in scorecard.scores:
            data[f"level_{score.dimension}"] = score.level
            data[f"notes_{score.dimension}"] = score.notes
        strong = {signal.key for signal in rubric.strong_signals}
        data.update(
            strong_signals=[key for key in scorecard.signals if key in strong],
            weak_signals=[key for key in scorecard.signals if key not in strong],
            red_flags=list(scorecard.red_flags),
            recommendation=scorecard.recommendation,
            notes=scorecard.notes,
            authorship=scorecard.authorship or "",
            authorship_notes=scorecard.authorship_notes,
        )
    return form_class(data=data)
