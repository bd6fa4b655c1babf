"""Rubrics, interview kits, interviews, scorecards and debriefs."""
