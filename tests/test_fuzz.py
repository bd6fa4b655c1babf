"""Random and hostile input to every form and every JSON API call: never a 500, and a refused
request writes nothing (row counts of every table before and after, except the tables that
exist to record refusals: the audit log and the rate limiter's hits)."""

from __future__ import annotations

import functools
import io
import json

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from app.api.tokens import create_token
from app.auth.access import PUBLIC, allowed_roles
from app.extensions import db
from app.models import Role
from tests.auth.test_object_access import row_counts
from tests.auth.worlds import build_world
from tests.grading.conftest import FIXTURES
from tests.scorecards.conftest import staff

RECORDS_REFUSALS = {"audit_events", "rate_limit_hits"}
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "\x00",
    "a\r\nSet-Cookie: x=1",
    "\u202etxt.exe",
    '=HYPERLINK("http://evil")',
    "x" * 20_000,
    "2024-02-30T25:61",
    "ada@@example..com",
    "🙂" * 50,
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(-(10**15), 10**15).map(str),
)


@functools.cache
def form_field_names() -> tuple[str, ...]:
    """Every field name of every form class in the app, plus the dynamic scorecard fields.

    Computed once: forms built per request (the scorecard form) would otherwise change the
    strategy between examples, which hypothesis rightly refuses."""
    names: set[str] = {
        "level_production_mindset",
        "notes_production_mindset",
        "recommendation",
        "signals",
    }
    stack = list(FlaskForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        for klass in form.__mro__:
            names.update(n for n, v in vars(klass).items() if hasattr(v, "field_class"))
    return tuple(sorted(n for n in names if n.isidentifier()))


@pytest.fixture
def fuzz_world(app):
    app.config["EXERCISES_DIR"] = FIXTURES
    world = build_world("a")
    users = {
        Role.ADMIN: staff(Role.ADMIN, "Ada Admin"),
        Role.RECRUITER: world.recruiter,
        Role.INTERVIEWER: world.interviewer,
        Role.CANDIDATE: world.candidate_user,
    }
    return world, users


@pytest.fixture
def api_tokens(fuzz_world):
    tokens = {role: create_token(user, "fuzz")[1] for role, user in fuzz_world[1].items()}
    db.session.commit()
    return tokens


def concrete_rules(app, world, api: bool, methods: set[str]) -> list[tuple[str, str, str]]:
    adapter = app.url_map.bind("localhost")
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("api.") != api:
            continue
        values = {
            name: world.ids.get(name, 1) if isinstance(conv, IntegerConverter) else "stages"
            for name, conv in rule._converters.items()
        }
        for method in sorted((rule.methods or set()) & methods):
            rules.append(
                (rule.endpoint, method, adapter.build(rule.endpoint, values, method=method))
            )
    return rules


def refused(response, flashes) -> bool:
    if response.status_code >= 400:
        return True
    if any(category == "error" for category, _ in flashes):
        return True
    return response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)


def writes(before: dict[str, int]) -> dict[str, tuple[int, int]]:
    after = row_counts()
    return {
        table: (before[table], after[table])
        for table in before
        if table not in RECORDS_REFUSALS and before[table] != after[table]
    }


FUZZ_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ_SETTINGS
@given(data=st.data())
def test_forms_never_fail_and_refusals_write_nothing(app, client, auth, fuzz_world, data):
    world, users = fuzz_world
    rules = concrete_rules(app, world, api=False, methods={"POST"})
    endpoint, _, url = data.draw(st.sampled_from(rules), label="route")
    declared = allowed_roles(endpoint)
    roles = [role for role in users if declared is PUBLIC or role in declared]
    role = data.draw(st.sampled_from(roles), label="role")
    fields = data.draw(
        st.dictionaries(st.sampled_from(form_field_names()), VALUES, max_size=6), label="form"
    )
    form: dict[str, object] = dict(fields)
    for name in ("file", "notebook"):
        if data.draw(st.booleans(), label=f"{name} upload"):
            body = data.draw(st.binary(max_size=2000) | st.sampled_from([b"{}", b"name,email\n"]))
            form[name] = (io.BytesIO(body), data.draw(VALUES, label="filename") or "x.ipynb")
    with client.session_transaction() as session:
        session.clear()
    auth.login_as(users[role])
    before = row_counts()
    response = client.post(url, data=form, content_type="multipart/form-data")
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    assert response.status_code < 500, (url, role, form)
    if refused(response, flashes):
        assert writes(before) == {}, (url, role, form, response.status_code, flashes)
    db.session.rollback()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | VALUES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(VALUES, children, max_size=3),
    max_leaves=8,
)
API_KEYS = ["name", "email", "source", "job_id", "title", "department", "stage_id", "to_stage_id",
            "stage", "reason", "details", "notebook", "filename", "category"]  # fmt: skip


@FUZZ_SETTINGS
@given(data=st.data())
def test_the_api_never_fails_and_refusals_write_nothing(app, client, fuzz_world, api_tokens, data):
    world, users = fuzz_world
    rules = concrete_rules(app, world, api=True, methods={"POST", "PATCH", "PUT", "DELETE"})
    assert rules, "the API has write operations to fuzz"
    _, method, url = data.draw(st.sampled_from(rules), label="route")
    role = data.draw(st.sampled_from(list(users)), label="role")
    token = api_tokens[role]
    body = data.draw(
        st.one_of(
            st.dictionaries(st.sampled_from(API_KEYS) | VALUES, JSON_VALUES, max_size=5).map(
                json.dumps
            ),
            st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        ),
        label="body",
    )
    before = row_counts()
    response = client.open(
        url,
        method=method,
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code < 500, (method, url, role, body)
    assert response.is_json, (method, url, response.status_code)
    if response.status_code >= 400:
        assert writes(before) == {}, (method, url, role, body, response.json)
    db.session.rollback()
