"""Who may read which scorecards: the independence rule. (Who may open an interview or an
application at all is app/auth/policy.py: recruiters only for their jobs.)

Recruiters and admins are not bound by the rule. An interviewer sees their own scorecards, and
other interviewers' submitted scorecards for a candidate only once they have submitted their own
for every interview of that candidate they are on (so an interview added later hides the others
again until it is scored too). Drafts are private to their author.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, select

from app.auth.policy import RECRUITING, can_view_application
from app.extensions import db
from app.models import (
    Application,
    Interview,
    InterviewAssignment,
    Scorecard,
    ScorecardStatus,
    User,
)

SEES_ALL = RECRUITING  # recruiters and admins are not bound by the rule


def sees_all(user: User) -> bool:
    return user.role in SEES_ALL


def on_panel(user: User, interview: Interview) -> bool:
    return any(assignment.interviewer_id == user.id for assignment in interview.panel)


def _panel_interviews(user: User, candidate_id: int) -> Select[tuple[Interview]]:
    return (
        select(Interview)
        .join(Application, Application.id == Interview.application_id)
        .join(InterviewAssignment, InterviewAssignment.interview_id == Interview.id)
        .where(
            Application.candidate_id == candidate_id,
            InterviewAssignment.interviewer_id == user.id,
        )
        .order_by(Interview.scheduled_at)
    )


def panel_interviews_for_candidate(user: User, candidate_id: int) -> list[Interview]:
    return list(db.session.scalars(_panel_interviews(user, candidate_id)))


def unscored_interviews(user: User, candidate_id: int) -> list[Interview]:
    """The candidate's interviews `user` is on and has not submitted a scorecard for."""
    submitted = exists().where(
        and_(
            Scorecard.interview_id == Interview.id,
            Scorecard.interviewer_id == user.id,
            Scorecard.status == ScorecardStatus.SUBMITTED,
        )
    )
    return list(db.session.scalars(_panel_interviews(user, candidate_id).where(~submitted)))


def may_see_others(user: User, candidate_id: int) -> bool:
    """Whether `user` may read other interviewers' submitted scorecards for this candidate."""
    if sees_all(user):
        return True
    if not panel_interviews_for_candidate(user, candidate_id):
        return False
    return not unscored_interviews(user, candidate_id)


def may_read_scorecard(user: User, scorecard: Scorecard) -> bool:
    if sees_all(user):  # recruiters: only on the jobs they work on
        return can_view_application(user, scorecard.application)
    if scorecard.interviewer_id == user.id:
        return True
    if scorecard.status is not ScorecardStatus.SUBMITTED:
        return False
    return may_see_others(user, scorecard.application.candidate_id)


def visible(user: User, scorecards: list[Scorecard]) -> list[Scorecard]:
    """Filter scorecards of one candidate down to those `user` may read."""
    if sees_all(user):
        return scorecards
    if not scorecards:
        return []
    others = may_see_others(user, scorecards[0].application.candidate_id)
    return [
        card
        for card in scorecards
        if card.interviewer_id == user.id or (others and card.status is ScorecardStatus.SUBMITTED)
    ]
