"""Kept so older imports keep working: object-level access lives in app/auth/policy.py."""

from app.auth.policy import (  # noqa: F401
    accessible_job_ids,
    application_or_403,
    can_access_job,
    can_view_application,
    can_view_candidate,
    can_view_interview,
    candidate_or_403,
    interview_or_403,
    job_filter,
    job_or_403,
    on_interview_panel,
    require,
    visible_candidate_ids,
)
