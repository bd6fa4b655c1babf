"""Interviewer queues and overdue scorecards (interview over N hours ago, none submitted)."""

from __future__ import annotations

from app.models import now_utc
from app.scorecards import queries
from tests.scorecards.conftest import full_input, save, schedule, submit


def test_overdue_lists_seats_without_a_submitted_scorecard(panel):
    old = schedule(panel.application, [panel.first, panel.outsider], "fundamentals", hours_ago=30)
    recent = schedule(panel.application, [panel.first], "debugging", hours_ago=5)
    save(old, panel.outsider)  # a draft is not a submission
    seats = {(o.interview.id, o.interviewer.name) for o in queries.overdue(now_utc(), 24)}
    assert seats == {(old.id, "Ian First"), (old.id, "Olga Outsider")}
    mine = queries.overdue(now_utc(), 24, interviewer=panel.first)
    assert [o.interview.id for o in mine] == [old.id]
    assert round(mine[0].hours_since) == 30
    # A shorter threshold catches more.
    assert {o.interview.id for o in queries.overdue(now_utc(), 4, panel.first)} == {
        old.id,
        recent.id,
    }
    fundamentals = {"ml_fundamentals": "meets", "data_sql": "meets", "learning_agility": "meets"}
    submit(old, panel.first, full_input(levels=fundamentals))
    assert [o.interviewer.name for o in queries.overdue(now_utc(), 24)] == ["Olga Outsider"]


def test_interviewer_home_shows_queue_and_overdue(app, panel, client, auth):
    old = schedule(panel.application, [panel.first], "fundamentals", hours_ago=48)
    future = schedule(panel.application, [panel.first], "debugging", hours_ago=-24)
    submit(panel.interview, panel.first)
    auth.login_as(panel.first)
    page = client.get("/").text
    assert 'id="overdue"' in page
    assert f"/interviews/{old.id}/scorecard" in page
    assert 'class="state-overdue"' in page and 'class="state-upcoming"' in page
    assert 'class="state-submitted"' in page
    assert f"/interviews/{future.id}" in page
    items = {
        item.interview.id: item.state
        for item in queries.interviewer_queue(panel.first, now_utc(), 24)
    }
    assert items == {old.id: "overdue", future.id: "upcoming", panel.interview.id: "submitted"}

    app.config["SCORECARD_OVERDUE_HOURS"] = 72
    assert 'id="overdue"' not in client.get("/").text


def test_recruiters_see_everyones_overdue_scorecards(panel, client, auth):
    old = schedule(panel.application, [panel.second], "fundamentals", hours_ago=26)
    auth.login_as(panel.recruiter)
    page = client.get("/interviews").text
    assert "Ines Second" in page and f"/interviews/{old.id}" in page
    assert "26 h ago" in page


def test_outsider_home_lists_nothing_of_others(panel, client, auth):
    auth.login_as(panel.outsider)
    page = client.get("/").text
    assert "Ada Lovelace" not in page
    assert "No interviews are assigned to you yet." in page
