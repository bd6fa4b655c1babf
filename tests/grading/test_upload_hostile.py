"""Hostile uploads: archives, bombs, traversal and control characters in names, wrong types.
Each is refused with a message that says what to do, and nothing is stored."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pytest

from app.grading.operations import clean_filename
from app.models import GradingRun, Submission
from tests.grading.conftest import hostile_json


@pytest.fixture
def candidate(client, auth, opened):
    auth.login_as(opened.application.candidate.user)
    return client


def upload(client, assignment, data: bytes, filename: str, **kwargs):
    return client.post(
        f"/me/assignments/{assignment.id}/submissions",
        data={"notebook": (io.BytesIO(data), filename, kwargs.get("content_type"))},
        content_type="multipart/form-data",
    )


def zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE = [
    (
        "zip bomb named .ipynb",
        zipped("a.ipynb", b"0" * 50_000_000),
        "tiny.ipynb",
        "compressed archive",
    ),
    ("gzip named .ipynb", gzip.compress(b"{" * 1_000_000), "tiny.ipynb", "compressed archive"),
    ("deep nesting", hostile_json(200), "tiny.ipynb", "nested"),
    ("not json", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "tiny.ipynb", "not valid JSON"),
    ("a python file", b"print('hi')\n", "solution.py", "not a Jupyter notebook"),
    ("cells bomb", json.dumps({"cells": [{}] * 100_000, "nbformat": 4}).encode(), "t.ipynb", ""),
]


@pytest.mark.parametrize(
    ("data", "filename", "message"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_hostile_uploads_are_refused_and_nothing_is_stored(
    candidate, opened, db, data, filename, message
):
    response = upload(candidate, opened, data, filename, content_type="application/x-ipynb+json")
    assert response.status_code in (400, 413)
    if response.status_code == 400:
        assert "error" in response.text and message in response.text
    assert db.session.query(Submission).count() == 0
    assert db.session.query(GradingRun).count() == 0


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("../../etc/passwd.ipynb", "passwd.ipynb"),
        ("C:\\Users\\ada\\Desktop\\final.ipynb", "final.ipynb"),
        ("..\\..\\.hidden.ipynb", "hidden.ipynb"),
        ("evil\x00name\r\n.ipynb", "evilname.ipynb"),
        ("<img src=x onerror=alert(1)>.ipynb", "<img src=x onerror=alert(1)>.ipynb"),
        ("x" * 300 + ".ipynb", ("x" * 300 + ".ipynb")[-120:]),
        ("   ", "notebook.ipynb"),
    ],
)
def test_file_names_lose_folders_and_control_characters(raw, stored):
    assert clean_filename(raw) == stored


def test_a_traversal_name_is_stored_clean_and_shown_escaped(candidate, opened, db, full_marks):
    response = upload(candidate, opened, full_marks, "../../<img src=x onerror=alert(1)>\x07.ipynb")
    assert response.status_code == 302
    submission = db.session.scalar(db.select(Submission))
    assert submission.filename == "<img src=x onerror=alert(1)>.ipynb"
    page = candidate.get(f"/me/assignments/{opened.id}").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.ipynb" in page
