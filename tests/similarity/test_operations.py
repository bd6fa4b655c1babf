"""The check runs when a grading result is recorded, against every other candidate's submission
of the exercise (every version), stores fingerprints and matches, and erasure removes both.
SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import SimilarityMatch, SubmissionFingerprint
from app.privacy.erasure import erase_candidate
from tests.scorecards.conftest import staff
from tests.similarity.answers import DISGUISED, INDEPENDENT, ORIGINAL, notebook, starter
from tests.similarity.conftest import graded, graded_again


def matches_of(submission) -> list[SimilarityMatch]:
    return list(
        db.session.scalars(
            select(SimilarityMatch).where(
                or_(
                    SimilarityMatch.submission_id == submission.id,
                    SimilarityMatch.other_submission_id == submission.id,
                )
            )
        )
    )


def fingerprint_count(submission) -> int:
    return db.session.scalar(
        select(func.count()).where(SubmissionFingerprint.submission_id == submission.id)
    )


def test_recording_a_result_flags_a_disguised_copy_and_not_an_independent_answer(job):
    first = graded(job, "Ada", notebook(ORIGINAL))
    assert fingerprint_count(first) > 0 and matches_of(first) == []
    independent = graded(job, "Bo", notebook(INDEPENDENT))
    copy = graded(job, "Cy", notebook(DISGUISED))

    [match] = [m for m in matches_of(copy) if m.other_submission_id == first.id]
    assert match.submission_id == copy.id  # the later submission first
    assert match.code_score >= 0.7 and match.markdown_score >= 0.7
    assert all(m.code_score < 0.2 for m in matches_of(independent))


def test_starter_code_alone_matches_nothing_and_stores_no_fingerprint(job):
    graded(job, "Ada", starter())
    lazy = graded(job, "Bo", starter())
    assert fingerprint_count(lazy) == 0
    assert matches_of(lazy) == []


def test_a_candidates_own_versions_are_not_matches_but_others_versions_are(job):
    first = graded(job, "Ada", notebook(INDEPENDENT))
    again = graded_again(first.assignment.application, notebook(ORIGINAL))
    assert matches_of(again) == []  # resubmitting is not copying
    copy = graded(job, "Cy", notebook(DISGUISED))
    assert {m.other_submission_id for m in matches_of(copy) if m.code_score >= 0.7} == {again.id}


def test_regrading_replaces_the_stored_check(job):
    first = graded(job, "Ada", notebook(ORIGINAL))
    copy = graded(job, "Cy", notebook(DISGUISED))
    graded_again(first.assignment.application, notebook(INDEPENDENT))
    # re-recording the copy's grading: one pair row, fingerprints not doubled
    before = fingerprint_count(copy)
    from app.similarity.operations import check_graded_run

    check_graded_run(copy.runs[-1].id)
    db.session.commit()
    assert fingerprint_count(copy) == before
    assert len([m for m in matches_of(copy) if m.other_submission_id == first.id]) == 1


def test_erasure_removes_fingerprints_and_matches(job):
    first = graded(job, "Ada", notebook(ORIGINAL))
    copy = graded(job, "Cy", notebook(DISGUISED))
    assert matches_of(copy)
    candidate = first.assignment.application.candidate
    first_id = first.id
    erase_candidate(candidate, staff_admin())
    db.session.commit()
    assert db.session.scalar(
        select(func.count()).where(SubmissionFingerprint.submission_id == first_id)
    ) == 0
    assert db.session.scalar(
        select(func.count()).where(
            or_(
                SimilarityMatch.submission_id == first_id,
                SimilarityMatch.other_submission_id == first_id,
            )
        )
    ) == 0
    assert fingerprint_count(copy) > 0  # the other candidate's own evidence stays


def staff_admin():
    from app.models import Role

    return staff(Role.ADMIN, "Ann Admin")


def test_a_failing_check_never_loses_the_grading_result(job, monkeypatch):
    from app.similarity import operations as similarity

    def broken(*args):
        raise RuntimeError("fingerprinting bug")

    monkeypatch.setattr(similarity, "store_fingerprints", broken)
    submission = graded(job, "Ada", notebook(ORIGINAL))  # asserts record_result stored it
    assert submission.runs[-1].status.value == "graded"
    assert fingerprint_count(submission) == 0
