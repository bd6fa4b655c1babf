"""The audit log records who viewed or changed which candidate's data, downloads included, and
admins (only) read it; invite links are revoked from the candidate page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent, Invite, Note, Role
from tests.auth.worlds import build_world
from tests.grading.conftest import FIXTURES
from tests.scorecards.conftest import staff


@pytest.fixture
def world(app):
    app.config["EXERCISES_DIR"] = FIXTURES
    return build_world("a")


def actions(candidate_id: int) -> list[tuple[str, int | None, str]]:
    db.session.expire_all()
    return [
        (e.action, e.actor_id, e.target)
        for e in db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.candidate_id == candidate_id)
            .order_by(AuditEvent.id)
        )
    ]


def test_views_downloads_and_exports_are_audited(client, auth, world):
    cid, recruiter = world.candidate.id, world.recruiter
    auth.login_as(recruiter)
    client.get(f"/candidates/{cid}")
    client.get(f"/submissions/{world.run.submission_id}")
    client.get(f"/runs/{world.run.id}/notebook")
    client.get(f"/applications/{world.application.id}/scorecards.csv")
    client.get(f"/jobs/{world.job.id}/candidates.csv")
    auth.login_as(world.interviewer)
    client.get(f"/interviews/{world.interview.id}/scorecards.csv")
    auth.login_as(world.candidate_user)
    assert client.get(f"/me/assignments/{world.assignment.id}/starter.zip").status_code == 200
    note_id = db.session.scalar(db.select(Note.id).where(Note.candidate_id == cid))
    assert actions(cid) == [
        # Building the world added a note (audited by the operation itself, whoever calls it),
        # moved the application and submitted a scorecard (issue 13).
        ("application.moved", recruiter.id, f"application:{world.application.id}"),
        ("candidate.note_added", recruiter.id, f"note:{note_id}"),
        ("scorecard.submitted", world.interviewer.id, f"scorecard:{world.scorecard.id}"),
        ("candidate.viewed", recruiter.id, f"candidate:{cid}"),
        ("submission.reviewed", recruiter.id, f"submission:{world.run.submission_id}"),
        ("notebook.viewed", recruiter.id, f"run:{world.run.id}"),
        ("export.csv", recruiter.id, f"application:{world.application.id}"),
        ("export.csv", world.interviewer.id, f"interview:{world.interview.id}"),
        ("starter_kit.downloaded", world.candidate_user.id, f"assignment:{world.assignment.id}"),
    ]
    job_export = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.target == f"job:{world.job.id}")
    )
    assert job_export.action == "export.csv" and job_export.detail == "candidates.csv"


def test_only_admins_read_the_audit_log(client, auth, world):
    auth.login_as(world.recruiter)
    client.get(f"/candidates/{world.candidate.id}")
    assert client.get("/admin/audit").status_code == 403
    auth.login_as(staff(Role.ADMIN, "Ada Admin"))
    page = client.get(f"/admin/audit?candidate={world.candidate.id}")
    assert page.status_code == 200
    assert "viewed the candidate page" in page.text and world.recruiter.name in page.text
    assert world.candidate.email not in page.text


def test_a_recruiter_revokes_an_invite_from_the_candidate_page(client, auth, world):
    from app.auth import operations

    invite, token = operations.issue_invite(
        world.candidate, world.recruiter, "test-secret-key", timedelta(days=1)
    )
    db.session.commit()
    auth.login_as(world.recruiter)
    page = client.get(f"/candidates/{world.candidate.id}").text
    assert f"/invites/{invite.id}/revoke" in page
    response = client.post(f"/invites/{invite.id}/revoke")
    assert response.status_code == 302
    assert db.session.get(Invite, invite.id).revoked_at is not None
    again = client.post(f"/invites/{invite.id}/revoke", follow_redirects=True)
    assert "already revoked" in again.text
    auth.logout()
    refused = client.get(f"/invite/{token}")
    assert refused.status_code == 404 and "withdrawn" in refused.text
    assert ("invite.revoked", world.recruiter.id, f"invite:{invite.id}") in actions(
        world.candidate.id
    )


def test_an_invite_signs_in_only_its_own_candidate(client, world, app):
    from app.auth import operations

    other = build_world("b")
    _, token = operations.issue_invite(world.candidate, None, "test-secret-key", timedelta(days=1))
    db.session.commit()
    assert client.get(f"/invite/{token}").status_code == 302
    assert client.get(f"/me/assignments/{world.assignment.id}").status_code == 200
    assert client.get(f"/me/assignments/{other.assignment.id}").status_code == 404
