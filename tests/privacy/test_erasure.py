"""Erasure leaves nothing personal anywhere in the database, and the funnel keeps its counts.

Every text, JSON and binary column of every table is searched for the candidate's name, email and
a marker planted in their notebook, executed notebook, logs, notes, scorecard notes and the free
text of a rejection. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ApplicationStageStats,
    AuditEvent,
    Candidate,
    GradingRun,
    StageTransition,
    now_utc,
)
from app.pipeline import operations as pipeline
from app.reports import funnel as funnel_queries
from tests.auth.worlds import build_world
from tests.conftest import app_context_on
from tests.grading.conftest import FIXTURES
from tests.scorecards.conftest import staff

TEXT_TYPES = (sa.String, sa.Text, sa.LargeBinary, sa.JSON)


def personal_traces(needles: list[str]) -> list[str]:
    """Every (table.column) value that contains one of `needles`, case-insensitively."""
    found = []
    with db.engine.connect() as connection:
        for name, table in db.metadata.tables.items():
            columns = [c for c in table.columns if isinstance(c.type, TEXT_TYPES)]
            if not columns:
                continue
            for row in connection.execute(sa.select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    text = (
                        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    )
                    for needle in needles:
                        if needle.lower() in text.lower():
                            found.append(f"{name}.{column.name} contains {needle!r}")
    return found


@pytest.fixture
def erasure_app(database_url):
    with app_context_on(database_url, EXERCISES_DIR=FIXTURES) as app:
        db.create_all()
        yield app


def plant(world, marker: str) -> None:
    """Personal data everywhere a candidate's data goes."""
    run = db.session.get(GradingRun, world.run.id)
    run.logs = f"grader log for {world.candidate.name}: {marker}"
    run.executed_notebook = run.submission.notebook
    card = world.scorecard
    card.notes = f"{world.candidate.name} explained {marker}"
    card.scores[0].notes = f"{marker} in depth"
    from app import mail

    mail.send({}, world.candidate.email, f"Hello {world.candidate.name}", marker, world.candidate)
    pipeline.reject(world.application, "Take-home below the bar", f"{marker} details", None)
    db.session.commit()


def test_erasure_removes_every_trace_and_keeps_the_funnel(erasure_app):
    app = erasure_app
    a = build_world("a", marker="MARKER-a-5be1")
    b = build_world("b", marker="MARKER-b-77c0")
    plant(a, "MARKER-a-5be1")
    plant(b, "MARKER-b-77c0")
    admin = staff_admin()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    assert client.get(f"/candidates/{a.candidate.id}").status_code == 200  # audited view
    needles_a = [a.candidate.name, a.candidate.email, "MARKER-a-5be1"]
    needles_b = [b.candidate.name, b.candidate.email, "MARKER-b-77c0"]
    assert personal_traces(needles_a), "the planted data should be found before erasure"
    window = funnel_queries.Window(now_utc().date() - timedelta(days=1), now_utc().date())
    before = funnel_queries.funnel(a.job, window)
    stats_before = db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationStageStats))
    transitions_before = db.session.scalar(sa.select(sa.func.count()).select_from(StageTransition))

    refused = client.post(f"/candidates/{a.candidate.id}/erase", data={})
    assert refused.status_code == 302
    assert personal_traces(needles_a), "an unconfirmed erasure must change nothing"
    response = client.post(f"/candidates/{a.candidate.id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()

    assert personal_traces(needles_a) == []
    assert len(set(personal_traces(needles_b))) >= 5, "the other candidate is untouched"
    after = funnel_queries.funnel(a.job, window)
    assert (after.applications, [s.reached for s in after.stages]) == (
        before.applications,
        [s.reached for s in before.stages],
    )
    assert [(d.reason, d.count) for d in after.dropoff] == [
        (d.reason, d.count) for d in before.dropoff
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationStageStats)) == (
        stats_before
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageTransition)) == (
        transitions_before
    )
    erased = db.session.get(Candidate, a.candidate.id)
    assert erased.erased_at is not None and not erased.user.active
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.candidate_id == a.candidate.id)
    ).all()
    assert "candidate.viewed" in actions and "candidate.erased" in actions
    again = client.post(f"/candidates/{a.candidate.id}/erase", data={"confirm": "y"})
    assert again.status_code == 302
    page = client.get(f"/candidates/{a.candidate.id}").text
    assert "Personal data erased" in page


def staff_admin():
    from app.models import Role

    return staff(Role.ADMIN, "Ada Admin")


def test_retention_erases_only_candidates_closed_long_enough(erasure_app):
    app = erasure_app
    old, recent, active = build_world("old"), build_world("recent"), build_world("active")
    for world in (old, recent):
        pipeline.withdraw(world.application, "Accepted another offer", "", None)
    db.session.commit()
    email = old.candidate.email
    long_ago = now_utc() - timedelta(days=40)
    old.application.stage_entered_at = long_ago
    db.session.commit()

    dry = app.test_cli_runner().invoke(args=["retention", "--days", "30", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"[{old.candidate.id}]" in dry.output
    assert db.session.get(Candidate, old.candidate.id).erased_at is None

    result = app.test_cli_runner().invoke(args=["retention", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Erased 1 candidate" in result.output
    db.session.expire_all()
    assert db.session.get(Candidate, old.candidate.id).erased_at is not None
    assert db.session.get(Candidate, recent.candidate.id).erased_at is None
    assert db.session.get(Candidate, active.candidate.id).erased_at is None
    assert personal_traces([email]) == []
    bad = app.test_cli_runner().invoke(args=["retention", "--days", "-1"])
    assert bad.exit_code != 0 and "-1" in bad.output
