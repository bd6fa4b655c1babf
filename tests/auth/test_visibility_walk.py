"""The object-access walk, generated from the policy (issue 13).

One candidate sits in two recruiters' jobs (tests/auth/shared_candidate.py). For every viewer, the
policy (app/auth/policy.py) says which markers — job titles, an internal rejection text, a file
name under blind review, a hidden group and the total it is part of, the candidate's name — they
may see. Then every GET route of the app (web pages, CSV exports, the JSON API with a bearer
token), with the seed's ids, is fetched as every viewer, and NO response body may contain a
marker the policy denies that viewer. A CSV import by a recruiter who cannot see the candidate
must neither attach them nor reveal anything. Markers the policy allows must show up somewhere,
so the walk cannot pass by rendering nothing.
"""

from __future__ import annotations

import io

import pytest
from werkzeug.routing import IntegerConverter

from app.api.tokens import create_token
from app.auth import policy
from app.auth.access import PUBLIC, allowed_roles
from app.extensions import db
from app.models import Candidate, User
from tests.auth import shared_candidate as S
from tests.grading.conftest import FIXTURES

SKIPPED_ENDPOINTS = {"static", "auth.redeem_invite", "api.openapi_document"}


def allowed_markers(viewer: User, seed: S.Seed) -> dict[str, bool]:
    """What the policy lets `viewer` see of the seed, marker by marker."""
    a, b, run, candidate = seed.application_a, seed.application_b, seed.run, seed.candidate
    sees_a = policy.can_view_application(viewer, a)
    sees_b = policy.can_view_application(viewer, b)
    hidden = sees_b and policy.shows_hidden_groups(viewer)
    rejection = a.transitions[-1]
    named = any(
        not policy.is_blind(viewer, x) for x in policy.visible_applications(viewer, candidate)
    )
    return {
        S.TITLE_A: sees_a,
        S.TITLE_B: sees_b,
        S.REJECT_TEXT: sees_a and S.REJECT_TEXT in (policy.move_reason(viewer, rejection) or ""),
        S.FILENAME: sees_b and policy.submission_filename(viewer, b, S.FILENAME) == S.FILENAME,
        S.HIDDEN_TITLE: hidden,
        S.HIDDEN_MESSAGE: hidden,
        S.TOTAL: sees_b and policy.visible_total(viewer, run) == (run.score, run.max_score),
        S.NAME: policy.can_view_candidate(viewer, candidate) and named,
    }


def get_urls(app, seed: S.Seed) -> list[tuple[str, str]]:
    """(endpoint, url) for every GET rule, once per world of the seed that has all its ids."""
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        names = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        others = [n for n in rule._converters if n not in names]
        worlds = [ids for ids in seed.ids.values() if all(n in ids for n in names)]
        for ids in worlds if names else [{}]:
            values = {n: ids[n] for n in names} | {n: "stages" for n in others}
            url = adapter.build(rule.endpoint, values)
            if (rule.endpoint, url) not in urls:
                urls.append((rule.endpoint, url))
    return urls


@pytest.fixture
def seed(app) -> S.Seed:
    app.config["EXERCISES_DIR"] = FIXTURES
    return S.seed()


def test_no_response_body_holds_what_the_policy_denies_its_viewer(app, client, auth, seed):
    urls = get_urls(app, seed)
    assert len(urls) > 60
    viewers = seed.viewers()
    tokens = {who: create_token(user, "walk")[1] for who, user in viewers.items()}
    db.session.commit()
    allowed = {who: allowed_markers(user, seed) for who, user in viewers.items()}
    # The policy itself, spot-checked against the findings.
    assert not allowed["recruiter a"][S.TITLE_B] and not allowed["recruiter b"][S.TITLE_A]
    assert not allowed["candidate"][S.REJECT_TEXT] and not allowed["candidate"][S.TOTAL]
    assert not allowed["interviewer b"][S.FILENAME] and not allowed["interviewer b"][S.NAME]
    assert not any(allowed["recruiter c"].values())
    leaks, shown, fetched = [], set(), 0
    for who, user in viewers.items():
        for endpoint, url in urls:
            declared = allowed_roles(endpoint) or frozenset()
            if declared != PUBLIC and user.role not in declared:
                continue  # refused by role before any object is read (tests/auth/test_access.py)
            with client.session_transaction() as session:
                session.clear()
            headers = {}
            if endpoint.startswith("api."):
                headers["Authorization"] = f"Bearer {tokens[who]}"
            else:
                auth.login_as(user)
            response = client.get(url, headers=headers)
            assert response.status_code < 500, f"{url} as {who}: {response.status_code}"
            # Personal data is never cached, and the API always answers JSON.
            assert response.headers["Cache-Control"] == "no-store", url
            assert response.is_json or not endpoint.startswith("api."), url
            body = response.get_data().decode("utf-8", "replace")  # starter kits are zips
            fetched += 1
            for marker, may in allowed[who].items():
                if S.shows(marker, body):
                    shown.add(marker)
                    if not may:
                        leaks.append(f"{who} GET {url}: {marker!r}")
    assert leaks == [], "\n".join(leaks)
    assert fetched > 250
    assert shown == set(allowed["admin"]), f"never rendered: {set(allowed['admin']) - shown}"


def test_a_csv_import_by_a_recruiter_who_cannot_see_the_candidate_attaches_and_reveals_nothing(
    app, client, auth, seed
):
    auth.login_as(seed.recruiter_c)
    data = f"name,email,source\nSomeone Else,{S.EMAIL.upper()},referral\n".encode()
    response = client.post(
        f"/jobs/{seed.job_c.id}/import",
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 new candidate(s) imported." in body
    for marker in (S.NAME, S.TITLE_A, S.TITLE_B, "already"):
        assert marker not in body
    db.session.expire_all()
    assert [a.job_id for a in seed.candidate.applications] == [seed.job_a.id, seed.job_b.id]
    new = db.session.scalar(db.select(Candidate).where(Candidate.name == "Someone Else"))
    assert new is not None and new.id != seed.candidate.id
    page = client.get(f"/candidates/{new.id}").get_data(as_text=True)
    assert client.get(f"/candidates/{seed.candidate.id}").status_code == 403
    for marker in (S.NAME, S.TITLE_A, S.TITLE_B, S.REJECT_TEXT, S.FILENAME, S.TOTAL):
        assert not S.shows(marker, page)
