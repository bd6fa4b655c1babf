"""Intake: size cap before parsing, JSON, depth, nbformat schema; output is normalised."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from sandbox.intake import IntakeError, sanitize_notebook


def test_outputs_are_stripped_and_kernel_forced():
    nb = new_notebook(
        cells=[
            new_code_cell("1 + 1", execution_count=4, outputs=[new_output("stream", text="hi")])
        ],
        metadata={
            "kernelspec": {"name": "evil", "display_name": "E", "language": "sh"},
            "widgets": {"state": {}},
        },
    )
    clean = nbformat.reads(sanitize_notebook(nbformat.writes(nb).encode()), as_version=4)
    assert clean.cells[0].outputs == [] and clean.cells[0].execution_count is None
    assert clean.metadata.kernelspec.name == "python3" and "widgets" not in clean.metadata


def test_missing_cell_ids_are_tolerated():
    raw = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": "x = 1",
                "outputs": [],
                "execution_count": None,
            }
        ],
    }
    assert b"x = 1" in sanitize_notebook(json.dumps(raw).encode())


def test_the_size_cap_applies_before_parsing():
    with pytest.raises(IntakeError, match="the limit is 100"):
        sanitize_notebook(b"x" * 101, max_bytes=100)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[]", "no 'cells'"),
        (
            b'{"nbformat": 4, "metadata": {"a": ' + b"[" * 70 + b"]" * 70 + b'}, "cells": []}',
            "nested more than 64",
        ),
        (
            b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, '
            b'"cells": [{"cell_type": "bogus"}]}',
            "does not follow",
        ),
        (b"\xff\xfe{}", "not valid JSON"),
    ],
)
def test_invalid_uploads_are_rejected_with_a_reason(data, message):
    with pytest.raises(IntakeError, match=message):
        sanitize_notebook(data)


def test_execution_changing_cell_metadata_is_reset():
    nb = new_notebook(
        cells=[
            new_code_cell("1 / 0", metadata={"tags": ["raises-exception"], "collapsed": True}),
            new_code_cell("import os", metadata={"tags": ["skip-execution"], "execution": {}}),
        ]
    )
    cells = nbformat.reads(sanitize_notebook(nbformat.writes(nb).encode()), as_version=4).cells
    assert [dict(c.metadata) for c in cells] == [{"collapsed": True}, {}]
