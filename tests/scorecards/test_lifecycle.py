"""A scorecard's life: draft, submit (final), amend as a new version, history kept."""

from __future__ import annotations

import re

import pytest

from app.errors import DomainError
from app.extensions import db
from app.models import DimensionScore, Scorecard, ScorecardStatus
from app.scorecards import operations
from tests.scorecards.conftest import full_input, save, submit


def form_data(level="meets", recommendation="yes", action="submit", **extra):
    data = {
        f"level_{key}": level
        for key in ("production_mindset", "ml_fundamentals", "collaboration", "learning_agility")
    }
    data.update(
        {
            "notes_production_mindset": "Proposed canary rollout and a drift alarm",
            "strong_signals": ["raises_operations"],
            "weak_signals": ["overclaims"],
            "recommendation": recommendation,
            "notes": "Solid",
            action: "1",
        }
    )
    data.update(extra)
    return data


def test_draft_can_be_incomplete_and_is_updated_in_place(panel):
    draft = save(panel.interview, panel.first, full_input(levels={}, recommendation=None))
    assert draft.status is ScorecardStatus.DRAFT and draft.version == 1
    assert all(score.level is None for score in draft.scores)
    again = save(panel.interview, panel.first, full_input("strong"))
    assert again.id == draft.id
    assert {s.level for s in again.scores} == {"strong"}
    assert {s.value for s in again.scores} == {3}
    assert db.session.query(Scorecard).count() == 1


def test_submit_needs_every_covered_dimension_and_a_recommendation(panel):
    partial = full_input(levels={"production_mindset": "meets"})
    with pytest.raises(DomainError) as caught:
        submit(panel.interview, panel.first, partial)
    assert caught.value.field == "level_ml_fundamentals"
    db.session.rollback()
    with pytest.raises(DomainError) as caught:
        submit(panel.interview, panel.first, full_input(recommendation=None))
    assert caught.value.field == "recommendation"


def test_submitted_scorecard_is_final(panel):
    card = submit(panel.interview, panel.first)
    assert card.status is ScorecardStatus.SUBMITTED and card.submitted_at is not None
    with pytest.raises(DomainError, match="already submitted"):
        save(panel.interview, panel.first, full_input("below"))


def test_values_are_checked_against_the_rubric(panel):
    with pytest.raises(DomainError) as caught:
        save(panel.interview, panel.first, full_input(levels={"collaboration": "superb"}))
    assert caught.value.field == "level_collaboration"
    db.session.rollback()
    with pytest.raises(DomainError, match="Unknown red flag"):
        save(panel.interview, panel.first, full_input(red_flags=("clean_tested_code",)))


def test_amendment_is_a_new_version_and_history_is_kept(panel):
    v1 = submit(panel.interview, panel.first, full_input("meets"))
    with pytest.raises(DomainError, match="Say why"):
        operations.amend(v1, panel.first, " ")
    with pytest.raises(DomainError, match="Only the interviewer"):
        operations.amend(v1, panel.second, "not mine")
    v2 = operations.amend(v1, panel.first, "Mixed up two candidates' notes")
    db.session.commit()
    assert (v2.version, v2.status, v2.amends_id) == (2, ScorecardStatus.DRAFT, v1.id)
    assert v1.superseded_at is None  # v1 stays in effect until the amendment is submitted
    with pytest.raises(DomainError, match="already open"):
        operations.amend(v1, panel.first, "again")
    v2 = submit(panel.interview, panel.first, full_input("strong", "strong_yes"))
    assert v1.superseded_at is not None and v1.status is ScorecardStatus.SUBMITTED
    assert [s.level for s in v1.scores] == ["meets"] * 4  # the old version is unchanged
    assert db.session.query(DimensionScore).count() == 8
    with pytest.raises(DomainError, match="current submitted version"):
        operations.amend(v1, panel.first, "old one")


def test_interviewer_fills_saves_and_submits_through_the_form(panel, client, auth, db):
    auth.login_as(panel.first)
    url = f"/interviews/{panel.interview.id}/scorecard"
    page = client.get(url)
    assert page.status_code == 200
    assert "Production mindset" in page.text and "Meets" in page.text
    assert "Python and engineering" not in page.text  # not covered by this kit

    response = client.post(url, data=form_data(action="save", recommendation=""))
    assert response.status_code == 302 and response.location.endswith(url)
    draft = db.session.scalars(db.select(Scorecard)).one()
    assert draft.status is ScorecardStatus.DRAFT and draft.recommendation is None
    reopened = client.get(url).text
    assert '<input checked id="level_production_mindset-2" name="level_production_mindset"' in (
        reopened
    )
    assert re.search(
        r'<input checked id="weak_signals-\d+" name="weak_signals"[^>]*overclaims', (reopened)
    )

    response = client.post(url, data=form_data(recommendation=""))
    assert response.status_code == 200
    assert "Give an overall recommendation." in response.text

    response = client.post(url, data=form_data())
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.status is ScorecardStatus.SUBMITTED
    assert draft.score_for("production_mindset").notes.startswith("Proposed canary")
    assert draft.signals == ["raises_operations", "overclaims"]
    # Opening the form again leads to the submitted scorecard, not an editable form.
    assert client.get(url).location.endswith(f"/scorecards/{draft.id}")


def test_amend_and_history_through_the_pages(panel, client, auth, db):
    v1 = submit(panel.interview, panel.first)
    auth.login_as(panel.first)
    response = client.post(f"/scorecards/{v1.id}/amend", data={"reason": "Typo in notes"})
    assert response.location.endswith(f"/interviews/{panel.interview.id}/scorecard")
    response = client.post(
        f"/interviews/{panel.interview.id}/scorecard", data=form_data(level="strong")
    )
    v2 = db.session.scalars(db.select(Scorecard).where(Scorecard.version == 2)).one()
    assert response.location.endswith(f"/scorecards/{v2.id}")
    page = client.get(f"/scorecards/{v2.id}").text
    assert "v1" in page and "Typo in notes" in page and "superseded" in page
    old = client.get(f"/scorecards/{v1.id}").text
    assert "superseded" in old and "Meets" in old


def test_amend_by_someone_else_is_refused(panel, client, auth):
    v1 = submit(panel.interview, panel.first)
    submit(panel.interview, panel.second)
    auth.login_as(panel.second)
    assert client.post(f"/scorecards/{v1.id}/amend", data={"reason": "x"}).status_code == 403


def test_recruiter_schedules_an_interview(panel, client, auth, db):
    auth.login_as(panel.recruiter)
    url = f"/applications/{panel.application.id}/interviews/new"
    page = client.get(url)
    assert page.status_code == 200 and "Ian First" in page.text
    assert "Riley Recruiter</label>" not in page.text  # only interviewers sit on panels
    stage = panel.application.stage
    response = client.post(
        url,
        data={
            "kit": "fundamentals",
            "stage": stage.id,
            "interviewers": [panel.outsider.id],
            "scheduled_at": "2030-01-02T10:30",
        },
    )
    assert response.status_code == 302
    interview = db.session.get(type(panel.interview), int(response.location.rsplit("/", 1)[1]))
    assert interview.kit_id == "fundamentals" and interview.duration_minutes == 40
    assert interview.scheduled_at.isoformat() == "2030-01-02T10:30:00+00:00"
    assert interview.interviewers == [panel.outsider]


def test_scheduling_without_interviewers_says_what_to_do(panel, client, auth):
    auth.login_as(panel.recruiter)
    response = client.post(
        f"/applications/{panel.application.id}/interviews/new",
        data={
            "kit": "fundamentals",
            "stage": panel.application.stage_id,
            "scheduled_at": "2030-01-02T10:30",
        },
    )
    assert response.status_code == 200
    assert "Choose at least one interviewer." in response.text


def test_only_active_interviewers_sit_on_panels(panel):
    from tests.scorecards.conftest import schedule

    with pytest.raises(DomainError, match="only active interviewers") as caught:
        schedule(panel.application, [panel.first, panel.recruiter])
    assert caught.value.field == "interviewers"
    db.session.rollback()
    panel.outsider.active = False
    db.session.commit()
    with pytest.raises(DomainError, match="Olga Outsider cannot sit on a panel"):
        schedule(panel.application, [panel.outsider])


def test_scorecard_csv_defuses_formulas(panel, client, auth):
    notes = {"collaboration": '=HYPERLINK("http://evil.example","x")'}
    submit(panel.interview, panel.first, full_input(dimension_notes=notes))
    auth.login_as(panel.recruiter)
    text = client.get(f"/applications/{panel.application.id}/scorecards.csv").text
    assert text.splitlines()[0].startswith("candidate,job,interview_id,kit,interviewer")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert len(text.strip().splitlines()) == 1 + 4  # one row per covered dimension


def test_candidate_page_lists_interviews_with_links(panel, client, auth):
    submit(panel.interview, panel.first)
    auth.login_as(panel.recruiter)
    page = client.get(f"/candidates/{panel.application.candidate_id}").text
    assert f'href="/interviews/{panel.interview.id}"' in page
    assert "Ian First, Ines Second" in page and "1 of 2" in page
    assert f'href="/applications/{panel.application.id}/interviews/new"' in page
    assert f'href="/applications/{panel.application.id}/debrief"' in page
