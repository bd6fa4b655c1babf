"""Per-job message templates: placeholders only (no template engine on user text), a preview,
unknown placeholders refused all at once, and the saved wording used by the real mails."""

from __future__ import annotations

import pytest

from app.errors import DomainError
from app.messages import templates
from app.models import MessageTemplate, OutboxMessage, Role


def test_fill_inserts_values_and_nothing_else():
    values = {"candidate_name": "Ada {link}", "link": "L"}
    text = "Hi {candidate_name} {{literal}} {unknown} {{ {link} }} {__class__}"
    assert templates.fill(text, values) == "Hi Ada {link} {literal} {unknown} { L } {__class__}"


def test_check_reports_every_unknown_placeholder():
    kind = templates.KINDS["exercise_invite"]
    with pytest.raises(DomainError) as caught:
        templates.check(kind, "{nope}", "{{ config }} {candidate_name.__class__} {x}")
    assert "{nope}" in caught.value.message and "{x}" in caught.value.message


def test_recruiter_previews_saves_and_the_invite_uses_it(
    client, auth, db, exercises_app, create_user, create_job, create_candidate
):
    job = create_job()
    candidate = create_candidate(job)
    auth.login_as(create_user(Role.RECRUITER))
    page = client.post(
        f"/jobs/{job.id}/messages",
        data={
            "kind": "exercise_invite",
            "exercise_invite-subject": "Hi {candidate_name}",
            "exercise_invite-body": "Dear {candidate_name}, {{ 7*7 }} start: {link}",
            "exercise_invite-preview": "1",
        },
    ).text
    assert "Preview: Hi Ada Lovelace" in page and "Dear Ada Lovelace, { 7*7 } start:" in page
    assert db.session.query(MessageTemplate).count() == 0  # a preview saves nothing
    bad = client.post(
        f"/jobs/{job.id}/messages",
        data={
            "kind": "exercise_invite",
            "exercise_invite-subject": "{oops}",
            "exercise_invite-body": "{self}",
            "exercise_invite-save": "1",
        },
    ).text
    assert "Unknown placeholder {oops}" in bad and "Unknown placeholder {self}" in bad
    assert db.session.query(MessageTemplate).count() == 0
    client.post(
        f"/jobs/{job.id}/messages",
        data={
            "kind": "exercise_invite",
            "exercise_invite-subject": "Your {job_title} exercise",
            "exercise_invite-body": "Dear {candidate_name}, open {link} within the week.",
            "exercise_invite-save": "1",
        },
    )
    client.post(
        f"/candidates/{candidate.id}/assign",
        data={
            "application": candidate.applications[0].id,
            "exercise": "tiny",
            "open_within_days": 3,
        },
    )
    sent = db.session.scalars(db.select(OutboxMessage)).one()
    assert sent.subject == f"Your {job.title} exercise"
    assert sent.body.startswith(f"Dear {candidate.name}, open http://localhost/invite/")
