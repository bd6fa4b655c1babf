"""Hiring reports: the funnel (and, from the scorecard team, interviewer calibration)."""
