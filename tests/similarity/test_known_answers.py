"""Known answers, on the fingerprints alone: a disguised copy scores high, two independent sound
answers low, the starter notebook zero (starter and reference answers are base code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.similarity.fingerprints import CODE, KINDS, MARKDOWN, base_hashes, notebook_fingerprints
from tests.similarity.answers import DISGUISED, INDEPENDENT, ORIGINAL, notebook, starter

EXERCISE = Path(__file__).parents[2] / "exercises" / "ml-take-home"


@pytest.fixture(scope="module")
def base():
    paths = sorted(EXERCISE.glob("starter/*.ipynb")) + sorted(EXERCISE.glob("reference/*.ipynb"))
    return base_hashes([p.read_bytes() for p in paths])


def score(a: bytes, b: bytes, base) -> dict[str, float]:
    prints_a, prints_b = notebook_fingerprints(a), notebook_fingerprints(b)
    result = {}
    for kind in KINDS:
        left = {p.hash for p in prints_a[kind]} - base[kind]
        right = {p.hash for p in prints_b[kind]} - base[kind]
        result[kind] = len(left & right) / max(1, min(len(left), len(right)))
    return result


def test_a_disguised_copy_scores_high(base):
    found = score(notebook(ORIGINAL), notebook(DISGUISED), base)
    assert found[CODE] >= 0.7
    assert found[MARKDOWN] >= 0.7


def test_independent_answers_score_low(base):
    assert score(notebook(ORIGINAL), notebook(INDEPENDENT), base)[CODE] <= 0.2
    assert score(notebook(DISGUISED), notebook(INDEPENDENT), base)[CODE] <= 0.2
    assert score(notebook(ORIGINAL), notebook(INDEPENDENT), base)[MARKDOWN] <= 0.2


def test_the_starter_alone_scores_zero(base):
    assert score(starter(), starter(), base) == {CODE: 0.0, MARKDOWN: 0.0}
    assert score(starter(), notebook(ORIGINAL), base) == {CODE: 0.0, MARKDOWN: 0.0}


def test_renaming_and_reformatting_change_no_fingerprint():
    plain = "total = 0\nfor item in values:\n    total += item * 2  # double\nprint(total)\n"
    disguised = "s=0\nfor x in values: s += x*3\nprint( s ) ;\n"
    cells = lambda source: notebook([("code", source)], with_starter=False)  # noqa: E731
    assert [p.hash for p in notebook_fingerprints(cells(plain))[CODE]] == [
        p.hash for p in notebook_fingerprints(cells(disguised))[CODE]
    ]


def test_api_names_are_kept_so_different_calls_differ():
    one = "import pandas as pd\nframe = pd.read_csv(path).dropna().reset_index(drop=True)\n"
    two = "import pandas as pd\nframe = pd.read_json(path).fillna(0).reset_index(drop=True)\n"
    cells = lambda source: notebook([("code", source)], with_starter=False)  # noqa: E731
    assert {p.hash for p in notebook_fingerprints(cells(one))[CODE]}.isdisjoint(
        p.hash for p in notebook_fingerprints(cells(two))[CODE]
    )
