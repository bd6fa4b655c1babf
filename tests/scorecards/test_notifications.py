"""Notifications: scorecard due/overdue, grading finished, candidate submitted — in the in-app
list and by mail (the outbox), once per event, and never for a kind the user turned off."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import Notification, OutboxMessage, now_utc
from app.notifications import operations
from tests.scorecards.conftest import schedule, submit


def _kinds(user) -> list[str]:
    return sorted(
        db.session.scalars(db.select(Notification.kind).where(Notification.user_id == user.id))
    )


def test_scorecard_sweep_notifies_due_then_overdue_once(app, panel):
    config = app.config
    ahead = schedule(panel.application, [panel.first], hours_ago=-5)
    assert ahead.scheduled_at > now_utc()
    # The panel fixture's interview started 2 h ago: due for both; nothing for the future one.
    assert operations.sweep_scorecards(now_utc(), 24, config) == 2
    assert operations.sweep_scorecards(now_utc(), 24, config) == 0  # once per event
    assert _kinds(panel.first) == ["scorecard_due"]
    mails = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.to == panel.first.email)
    ).all()
    assert len(mails) == 1 and f"/interviews/{panel.interview.id}/scorecard" in mails[0].body
    submit(panel.interview, panel.first)
    later = now_utc() + timedelta(hours=30)
    assert operations.sweep_scorecards(later, 24, config) >= 1
    overdue = {
        (user_id, key)
        for user_id, key in db.session.execute(
            db.select(Notification.user_id, Notification.key).where(
                Notification.kind == "scorecard_overdue"
            )
        )
    }
    main = f"interview:{panel.interview.id}"
    assert (panel.first.id, main) not in overdue  # submitted: nothing overdue
    assert (panel.second.id, main) in overdue
    assert (panel.first.id, f"interview:{ahead.id}") in overdue


def test_muted_kind_is_neither_listed_nor_mailed(app, panel):
    operations.set_muted(panel.first, ["scorecard_due"])
    before = db.session.query(OutboxMessage).count()
    operations.sweep_scorecards(now_utc(), 24, app.config)
    assert _kinds(panel.first) == [] and _kinds(panel.second) == ["scorecard_due"]
    assert db.session.query(OutboxMessage).count() == before + 1


def test_settings_page_turns_kinds_off_and_the_list_shows_them(client, auth, app, panel):
    auth.login_as(panel.first)
    page = client.get("/settings").text
    assert "Scorecard due" in page and "Grading finished" in page
    client.post(
        "/settings", data={"time_zone": "Europe/Berlin", "notifications": ["grading_finished"]}
    )
    db.session.refresh(panel.first)
    assert panel.first.time_zone == "Europe/Berlin"
    assert operations.is_muted(panel.first, "scorecard_due")
    assert not operations.is_muted(panel.first, "grading_finished")
    bad = client.post("/settings", data={"time_zone": "Mars/Olympus"}).text
    assert "is not a time zone we know" in bad
    operations.sweep_scorecards(now_utc(), 24, app.config)
    db.session.commit()
    auth.login_as(panel.second)
    listing = client.get("/notifications").text
    assert "Your scorecard for the" in listing and 'class="badge unread">1<' in listing
    client.post("/notifications/read")
    assert 'class="badge unread"' not in client.get("/notifications").text
