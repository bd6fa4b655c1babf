"""Indexes the pipeline board and the hiring funnel need on tables defined in candidate.py.

Declared beside the queries' owner so candidate.py stays with its own; they attach to the same
metadata, so `create_all` and Alembic autogenerate both see them.
"""

from sqlalchemy import Index

from app.models.candidate import Application, StageTransition

# Board: count and page one stage's column, longest-waiting first.
board_column = Index(
    "ix_applications_job_stage_entered",
    Application.job_id,
    Application.stage_id,
    Application.stage_entered_at,
)
# Funnel: the cohort of a job's applications by application date, covering what "active now"
# and drop-off read, so neither visits the table.
funnel_cohort = Index(
    "ix_applications_job_applied",
    Application.job_id,
    Application.applied_at,
    Application.stage_id,
    Application.stage_entered_at,
)
# Funnel: each application's transitions in order (time in stage pairs neighbours).
transition_order = Index(
    "ix_stage_transitions_application_at",
    StageTransition.application_id,
    StageTransition.at,
    StageTransition.id,
)
