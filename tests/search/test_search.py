"""Candidate search: full text over name, email, notes and résumé text, on SQLite FTS5 and
PostgreSQL, limited to the candidates the viewer may see; filters and paging on the list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Application, Candidate, Resume, Role, User
from app.pipeline import operations as pipeline
from app.search import filters, index, queries
from tests.conftest import app_context_on


def _recruiter(email: str) -> User:
    user = User(email=email, name=email.split("@")[0], role=Role.RECRUITER)
    db.session.add(user)
    db.session.flush()
    return user


def _names(viewer: User, **chosen) -> list[str]:
    page = queries.find(viewer, filters.CandidateFilter(**chosen))
    return sorted(candidate.name for candidate in page.candidates)


def test_full_text_search_on_both_backends(database_url):
    with app_context_on(database_url):
        db.create_all()
        mine, theirs = _recruiter("mine@hirelab.example"), _recruiter("theirs@hirelab.example")
        job = pipeline.create_job("ML Engineer", mine)
        other_job = pipeline.create_job("Data Analyst", theirs)
        ada = pipeline.add_candidate("Ada Lovelace", "ada@example.com", "referral")
        grace = pipeline.add_candidate("Grace Hopper", "grace@navy.example", "agency")
        hidden = pipeline.add_candidate("Alan Turing", "alan@example.com", "referral")
        for candidate, target in ((ada, job), (grace, job), (hidden, other_job)):
            pipeline.apply(candidate, target, None)
        pipeline.add_note(grace, mine, "Strong on compilers; ask about COBOL")
        pipeline.add_note(hidden, theirs, "compilers too")
        ada.resume = Resume(
            filename="cv.pdf",
            content=b"%PDF",
            sha256="0" * 64,
            text="Analytical engines, Bernoulli",
        )
        index.refresh(ada)
        db.session.commit()

        assert _names(mine, query="lovelace") == ["Ada Lovelace"]
        assert _names(mine, query="navy") == ["Grace Hopper"]  # email
        assert _names(mine, query="compilers") == ["Grace Hopper"]  # note; Alan is not mine
        assert _names(mine, query="bernoul") == ["Ada Lovelace"]  # résumé text, word prefix
        assert _names(mine, query="grace cobol") == ["Grace Hopper"]  # every word must match
        assert _names(mine, query="grace turing") == []
        assert _names(theirs, query="compilers") == ["Alan Turing"]
        # Query syntax of either engine is only text: no input is an error.
        for hostile in ('"', "a:*", "OR AND NOT", "-x", "*", "'); drop table", "é ü"):
            queries.find(mine, filters.CandidateFilter(query=hostile))
        assert _names(mine, query="...") == ["Ada Lovelace", "Grace Hopper"]

        # Erasure empties the search document.
        from app.privacy.erasure import erase_candidate

        erase_candidate(grace, mine)
        db.session.commit()
        assert _names(mine, query="compilers") == []
        assert _names(mine, query="grace") == []


def test_filters_source_days_and_stale(app, create_job, create_candidate):
    viewer = _recruiter("r@hirelab.example")
    job = create_job()
    old = create_candidate(job, name="Old Waiting", source="agency")
    create_candidate(job, name="New Referral", source="referral")
    application = db.session.get(Application, old.applications[0].id)
    application.stage_entered_at -= timedelta(days=30)
    db.session.commit()
    assert _names(viewer, source="agency") == ["Old Waiting"]
    assert _names(viewer, min_days=10) == ["Old Waiting"]
    assert _names(viewer, flag="stale") == ["Old Waiting"]
    assert _names(viewer, min_score_pct=50) == []


@pytest.mark.parametrize("bad", ["?min_days=abc", "?page=-4", "?source=nope&flag=zzz", "?q=%22"])
def test_candidate_list_never_fails_on_odd_input(client, auth, create_user, create_job, bad):
    create_job()
    auth.login(create_user(Role.RECRUITER).email)
    assert client.get(f"/candidates{bad}").status_code == 200


def test_candidate_list_pages_only_visible_candidates(client, auth, db, create_user, create_job):
    mine = create_user(Role.RECRUITER)
    theirs = create_user(Role.RECRUITER)
    job = create_job(owner=mine)
    other = create_job("Other", owner=theirs)
    for number in range(30):
        candidate = pipeline.add_candidate(f"Person {number:02d}", f"p{number}@ex.com", "other")
        pipeline.apply(candidate, job, None)
    secret = pipeline.add_candidate("Secret Person", "secret@ex.com", "other")
    pipeline.apply(secret, other, None)
    db.session.commit()
    auth.login(mine.email)
    first = client.get("/candidates?q=person").text
    assert 'Candidates <span class="count">30</span>' in first
    assert "Page 1 of 2" in first and "Secret Person" not in first
    second = client.get("/candidates?q=person&page=2").text
    assert second.count("Person ") >= 5 and "Secret Person" not in second
    assert db.session.query(Candidate).count() == 31
    interviewer = create_user(Role.INTERVIEWER)
    auth.logout()
    auth.login(interviewer.email)
    assert client.get("/candidates").status_code == 403


def test_board_filters_and_card_flags(client, auth, db, create_user, create_job, create_candidate):
    job = create_job()
    create_candidate(job, name="Agency Person", source="agency")
    create_candidate(job, name="Referral Person", source="referral")
    auth.login(create_user(Role.RECRUITER).email)
    board = client.get(f"/jobs/{job.id}?source=agency").text
    applied = board.split('aria-label="Applied"')[1].split("</section>")[0]
    assert "Agency Person" in applied and "Referral Person" not in applied
    assert '<span class="count">1</span>' in applied
    board = client.get(f"/jobs/{job.id}?q=referral+person").text
    assert "Referral Person" in board and "Agency Person" not in board
    assert client.get(f"/jobs/{job.id}?min_score=abc&flag=nope").status_code == 200


def test_api_lists_candidates_with_search_and_paging(client, db, create_user, create_job):
    from app.api import tokens

    recruiter = create_user(Role.RECRUITER)
    job = create_job(owner=recruiter)
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        pipeline.apply(
            pipeline.add_candidate(name, f"{name.split()[0]}@ex.com", "other"), job, None
        )
    db.session.commit()
    _, secret = tokens.create_token(recruiter, "search test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    found = client.get("/api/v1/candidates?q=hopper", headers=headers).get_json()
    assert [c["name"] for c in found["items"]] == ["Grace Hopper"] and found["total"] == 1
    page = client.get("/api/v1/candidates?per_page=2&page=2", headers=headers).get_json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert client.get("/api/v1/candidates?q=" + "x" * 300, headers=headers).status_code == 400
