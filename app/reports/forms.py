from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SubmitField
from wtforms.validators import Optional

from app.forms import SelectField
from app.pipeline.operations import SOURCES

DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 366 * 5


class FunnelFilterForm(FlaskForm):
    """The funnel's filters, read from the query string (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField("Applied from", validators=[Optional()])
    end = DateField("Applied until", validators=[Optional()])
    source = SelectField(
        "Source",
        choices=[SelectChoice("", "All sources")]
        + [SelectChoice(source, source.capitalize()) for source in SOURCES],
        validators=[Optional()],
    )
    submit = SubmitField("Show")

    def window_dates(self, today: date) -> tuple[date, date]:
        """The chosen window, or the last 90 days; adds field errors for a window that is wrong."""
        end = self.end.data or today
        start = self.start.data or end - timedelta(days=DEFAULT_WINDOW_DAYS - 1)
        if start > end:
            self.start.errors = [*self.start.errors, "Choose a start on or before the end."]
            start = end - timedelta(days=DEFAULT_WINDOW_DAYS - 1)
        elif (end - start).days > MAX_WINDOW_DAYS:
            self.start.errors = [*self.start.errors, "Choose a window of at most five years."]
            start = end - timedelta(days=MAX_WINDOW_DAYS)
        self.start.data, self.end.data = start, end  # show the window actually used
        return start, end
