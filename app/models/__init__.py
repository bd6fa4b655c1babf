"""All models, imported here so Alembic and the app see one metadata."""

from app.models import pipeline_indexes  # noqa: F401  (registers the board and funnel indexes)
from app.models.api_token import ApiToken
from app.models.assessment import AssessmentApplication, AssessmentObservation, AssessmentRevision
from app.models.ats import AtsConnection, AtsOrder, CallbackStatus
from app.models.audit import AuditEvent
from app.models.board_revision import BoardRevision
from app.models.candidate import Application, Candidate, Resume, StageTransition
from app.models.grading import (
    Assignment,
    GradingRun,
    GroupScore,
    RunStatus,
    Submission,
    TestOutcome,
)
from app.models.interview import (
    DimensionScore,
    Interview,
    InterviewAssignment,
    Scorecard,
    ScorecardStatus,
)
from app.models.invite import Invite
from app.models.job_team import JobMember
from app.models.message_template import MessageTemplate
from app.models.note import Note
from app.models.notification import Notification
from app.models.outbox import OutboxMessage, OutboxTask
from app.models.pipeline import Job, Stage, StageKind
from app.models.rate_limit import RateLimitHit
from app.models.red_flag import RedFlag
from app.models.self_id import DemographicReportGrant, SelfIdentification
from app.models.similarity import SimilarityMatch, SubmissionFingerprint, VariantNumbersFlag
from app.models.stage_stats import ApplicationStageStats
from app.models.types import now_utc
from app.models.user import STAFF_ROLES, Role, User
from app.models.webhook import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

__all__ = [
    "STAFF_ROLES",
    "ApiToken",
    "Application",
    "ApplicationStageStats",
    "AssessmentApplication",
    "AssessmentObservation",
    "AssessmentRevision",
    "Assignment",
    "AtsConnection",
    "AtsOrder",
    "AuditEvent",
    "BoardRevision",
    "CallbackStatus",
    "Candidate",
    "DeliveryStatus",
    "DemographicReportGrant",
    "DimensionScore",
    "GradingRun",
    "GroupScore",
    "Interview",
    "InterviewAssignment",
    "Invite",
    "Job",
    "JobMember",
    "MessageTemplate",
    "Note",
    "Notification",
    "OutboxMessage",
    "OutboxTask",
    "RateLimitHit",
    "RedFlag",
    "Resume",
    "Role",
    "RunStatus",
    "Scorecard",
    "ScorecardStatus",
    "SelfIdentification",
    "SimilarityMatch",
    "Stage",
    "StageKind",
    "StageTransition",
    "Submission",
    "SubmissionFingerprint",
    "TestOutcome",
    "User",
    "VariantNumbersFlag",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "now_utc",
]
