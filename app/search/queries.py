"""The candidate list: a recruiter's visible candidates, searched, filtered and paged."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, func, select

from app.auth.policy import job_filter, visible_candidate_ids
from app.extensions import db
from app.models import Application, Candidate, Job, User
from app.search import index
from app.search.filters import CandidateFilter, application_clause

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class CandidatePage:
    candidates: list[Candidate]
    total: int
    page: int
    pages: int
    per_page: int


def find(
    viewer: User, chosen: CandidateFilter, page: int = 1, per_page: int = PAGE_SIZE
) -> CandidatePage:
    """The candidates `viewer` may see that match every filter, newest first."""
    per_page = min(max(per_page, 1), MAX_PAGE_SIZE)
    where: list[ColumnElement[bool]] = [
        Candidate.id.in_(visible_candidate_ids(viewer)),
        Candidate.erased_at.is_(None),
    ]
    if chosen.query:
        where.append(index.matches(chosen.query))
    rest = application_clause(chosen)
    where.append(
        exists(
            select(Application.id).where(
                Application.candidate_id == Candidate.id,
                Application.id.in_(visible_application_ids(viewer)),
                rest,
            )
        )
    )
    total = db.session.scalar(select(func.count()).select_from(Candidate).where(*where)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    candidates = db.session.scalars(
        select(Candidate)
        .where(*where)
        .options(db.selectinload(Candidate.applications).joinedload(Application.stage))
        .order_by(Candidate.created_at.desc(), Candidate.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return CandidatePage(list(candidates), total, page, pages, per_page)


def visible_application_ids(viewer: User) -> Select[int]:
    """The applications in jobs `viewer` recruits for (the rule lives in app/auth/policy.py)."""
    return select(Application.id).join(Job, Job.id == Application.job_id).where(job_filter(viewer))
