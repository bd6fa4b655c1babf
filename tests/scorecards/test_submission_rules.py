"""Scorecards: drafts any time, submission from the interview's start, every gap at once."""

from __future__ import annotations

import pytest

from app.errors import DomainError, DomainErrors
from app.extensions import db
from app.models import Scorecard, ScorecardStatus
from tests.scorecards.conftest import full_input, save, schedule, submit
from tests.scorecards.test_lifecycle import form_data


def test_future_interview_takes_drafts_but_not_a_submission(panel):
    ahead = schedule(panel.application, [panel.first], hours_ago=-48)
    draft = save(ahead, panel.first)
    assert draft.status is ScorecardStatus.DRAFT
    with pytest.raises(DomainError, match="has not started yet"):
        submit(ahead, panel.first)
    db.session.rollback()
    assert db.session.get(Scorecard, draft.id).status is ScorecardStatus.DRAFT


def test_future_interview_page_refuses_submit_and_says_when(client, auth, panel):
    ahead = schedule(panel.application, [panel.first], hours_ago=-48)
    auth.login_as(panel.first)
    page = client.post(f"/interviews/{ahead.id}/scorecard", data=form_data())
    assert page.status_code == 200
    assert "has not started yet" in page.text
    assert db.session.query(Scorecard).filter_by(status=ScorecardStatus.SUBMITTED).count() == 0


def test_every_missing_field_is_reported_at_once(panel):
    with pytest.raises(DomainErrors) as caught:
        submit(panel.interview, panel.first, full_input(levels={}, recommendation=None))
    fields = {error.field for error in caught.value.errors}
    assert fields == {
        "level_production_mindset",
        "level_ml_fundamentals",
        "level_collaboration",
        "level_learning_agility",
        "recommendation",
    }


def test_scorecard_page_lists_all_gaps_in_one_response(client, auth, panel):
    auth.login_as(panel.first)
    data = form_data()
    for key in ("level_ml_fundamentals", "level_collaboration", "recommendation"):
        data.pop(key)
    page = client.post(f"/interviews/{panel.interview.id}/scorecard", data=data).text
    assert "3 things to fix before submitting" in page
    for title in (
        "Score ML fundamentals and evaluation",
        "Score Communication and collaboration",
        "Give an overall recommendation.",
    ):
        assert title in page
