"""Hostile inputs 18, 19, 20 and 22 of SANDBOX.md: what comes in (the notebook) and what goes out
(its outputs, the verdict of an honest notebook)."""

from __future__ import annotations

import json
import time

import nbformat
import pytest

from tests.sandbox.helpers import job, notebook, outputs_text, passing_reference

pytestmark = pytest.mark.slow


def _nested(depth: int) -> bytes:
    """A notebook whose metadata nests ``depth`` lists deep."""
    deep = "[" * depth + "]" * depth
    return (
        f'{{"nbformat": 4, "nbformat_minor": 5, "metadata": {{"x": {deep}}}, "cells": []}}'.encode()
    )


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"{" + b" " * (11 * 1024 * 1024) + b"}", "the limit is"),
        (_nested(100), "nested more than 64 levels"),
        (_nested(100_000), "nested too deeply"),
        (
            b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "not a list"}',
            "does not follow the Jupyter notebook format",
        ),
        (b"\x89PNG\r\n not a notebook", "not valid JSON"),
    ],
    ids=["oversized", "nested-100", "nested-100k", "schema-invalid", "not-json"],
)
def test_18_bad_notebooks_are_rejected_at_intake(backend, payload, expected):
    started = time.monotonic()
    result = backend.grade(job(payload, hidden=True))
    assert result.status == "rejected", result.message
    assert expected in result.message
    assert result.tests == () and result.notebook is None
    assert time.monotonic() - started < 5


XSS = """
from IPython.display import HTML, SVG, Javascript, Markdown, display
display(HTML('<img src=x onerror="alert(1)"><script>alert(2)</script>'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(3)</script></svg>'))
display(Javascript('alert(4)'))
display(Markdown('[click](javascript:alert(5))'))
"""


def test_19_active_content_in_outputs_comes_back_as_inert_data(backend):
    """The sandbox returns outputs as data for the renderer to sanitise (nbconvert + nh3 under a
    strict CSP, in the web app); here: a clean verdict and a well-formed notebook carrying them."""
    result = backend.grade(job(notebook(XSS)))
    assert result.status == "completed", result.message
    nb = nbformat.reads(result.notebook.decode(), as_version=4)
    nbformat.validate(nb)
    mimetypes = {m for o in nb.cells[0].outputs for m in o.get("data", {})}
    assert {"text/html", "image/svg+xml", "application/javascript", "text/markdown"} <= mimetypes
    assert json.loads(result.to_json())["status"] == "completed"


@pytest.mark.parametrize(
    "kernelspec",
    [
        {"name": "evil", "display_name": "Evil", "language": "bash"},
        {
            "name": "python3",
            "display_name": "x",
            "language": "python",
            "argv": ["/bin/sh", "-c", "id"],
        },
        {"name": "../../../../bin/sh", "display_name": "x", "language": "python"},
    ],
    ids=["unknown-kernel", "argv-in-metadata", "path-traversal"],
)
def test_20_kernelspec_spoofing_still_runs_the_images_python3(backend, kernelspec):
    metadata = {"kernelspec": kernelspec, "language_info": {"name": "bash"}}
    source = notebook(
        "import sys\nprint('PY', sys.version_info[0], sys.executable)", metadata=metadata
    )
    result = backend.grade(job(source))
    assert result.status == "completed", result.message
    assert "PY 3" in outputs_text(result)
    executed = nbformat.reads(result.notebook.decode(), as_version=4)
    assert executed.metadata.kernelspec.name == "python3"


def test_22_an_honest_notebook_gets_full_marks_quickly(backend):
    started = time.monotonic()
    result = backend.grade(job(passing_reference(), hidden=True))
    elapsed = time.monotonic() - started
    assert result.status == "completed", result.message
    assert len(result.tests) == 5 and all(t.outcome == "passed" for t in result.tests)
    assert result.cells_executed == result.cells_total == 5
    assert elapsed < 20, f"{elapsed:.1f} s for a notebook that runs in about 1 s bare"
    timings = result.timings
    assert timings.kernel_start_s > 0 and timings.cells_s > 0 and timings.tests_s > 0
