"""Two recruiters moving one candidate at once on PostgreSQL: two ordered moves, none lost."""

import threading

import pytest

from app.extensions import db
from app.models import Application, ApplicationStageStats, Stage, StageTransition
from app.pipeline import operations, stage_stats
from tests.conftest import app_context_on, require_postgres


@pytest.mark.postgres
def test_concurrent_moves_are_serialised_by_the_row_lock():
    url = require_postgres()
    with app_context_on(url) as app:
        db.create_all()
        job = operations.create_job("Locks", None)
        candidate = operations.add_candidate("Lock Smith", "lock@example.com", "referral")
        application_id = operations.apply(candidate, job, None).id
        stages = {stage.name: stage.id for stage in job.stages}
        db.session.commit()

        first_moved = threading.Event()
        release_first = threading.Event()
        errors: list[BaseException] = []

        def first_recruiter() -> None:
            try:
                with app.app_context():
                    application = db.session.get(Application, application_id)
                    operations.move(application, db.session.get(Stage, stages["Take-home"]), None)
                    first_moved.set()
                    release_first.wait(10)
                    db.session.commit()
                    db.session.remove()
            except BaseException as error:  # surfaced in the main thread
                errors.append(error)
                first_moved.set()

        thread = threading.Thread(target=first_recruiter)
        thread.start()
        assert first_moved.wait(10)
        # The second recruiter still sees the application in Applied, and moves it to screen:
        # the row lock makes this wait for the first move, then it starts from Take-home.
        second = threading.Timer(0.3, release_first.set)
        second.start()
        db.session.expire_all()
        application = db.session.get(Application, application_id)
        operations.move(application, db.session.get(Stage, stages["Offer"]), None)
        db.session.commit()
        thread.join(10)
        second.cancel()
        assert errors == []
        moves = db.session.scalars(
            db.select(StageTransition)
            .where(StageTransition.application_id == application_id)
            .order_by(StageTransition.id)
        ).all()
        assert [(m.from_stage_id, m.to_stage_id) for m in moves] == [
            (None, stages["Applied"]),
            (stages["Applied"], stages["Take-home"]),
            (stages["Take-home"], stages["Offer"]),
        ]
        kept = {(r.stage_id, r.entries, r.is_current, r.is_furthest) for r in _stats()}
        stage_stats.rebuild()
        db.session.commit()
        assert {(r.stage_id, r.entries, r.is_current, r.is_furthest) for r in _stats()} == kept


def _stats():
    return db.session.scalars(db.select(ApplicationStageStats)).all()


@pytest.mark.postgres
def test_bulk_move_on_postgresql():
    with app_context_on(require_postgres()):
        db.create_all()
        job = operations.create_job("Bulk", None)
        ids = [
            operations.apply(
                operations.add_candidate(f"B{n}", f"b{n}@example.com", "referral"), job, None
            ).id
            for n in range(3)
        ]
        rejected = next(stage for stage in job.stages if stage.name == "Rejected")
        moved = operations.move_many(job, ids, rejected.id, None, "Position filled", "")
        db.session.commit()
        assert [m.reason for m in moved] == ["Position filled"] * 3
        current = db.session.scalars(
            db.select(ApplicationStageStats.reason).where(
                ApplicationStageStats.is_current.is_(True)
            )
        ).all()
        assert current == ["Position filled"] * 3
