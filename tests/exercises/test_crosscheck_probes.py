"""Every exercise whose hidden tests call candidate code declares cross-check probes
(exercises/README.md, "Phase 1 is cross-checked"), well formed: known groups, inputs drawn from
the seed, and each probe answered by the full-marks reference's definitions."""

from __future__ import annotations

import pickle
import shutil

import nbformat
import pytest

from app.grading.exercises import parse_exercise
from sandbox.runner import crosscheck
from sandbox.runner.candidate import answer, load
from tests.exercises.exercise_folders import EXERCISES, OWNED


def _calls_candidate_code(slug: str) -> bool:
    sources = [p.read_text() for p in (EXERCISES / slug / "hidden" / "tests").glob("*.py")]
    return any("submission.run" in text or "submission.fresh" in text for text in sources)


@pytest.mark.parametrize("slug", OWNED)
def test_exercises_calling_candidate_code_declare_probes_over_known_groups(slug):
    exercise = parse_exercise(EXERCISES / slug)
    if not _calls_candidate_code(slug):
        assert exercise.crosscheck is None, "probes for an exercise that runs no candidate code"
        return
    spec = crosscheck.load_spec(exercise.crosscheck)
    assert spec is not None, f"{slug} calls candidate functions but has no crosscheck.py"
    groups = {group.id for group in exercise.groups}
    for name, probe in spec["PROBES"].items():
        assert set(probe["groups"]) <= groups, f"probe {name} names unknown groups"
        assert probe["groups"], f"probe {name} covers no group"


@pytest.mark.parametrize("slug", [s for s in OWNED if _calls_candidate_code(s)])
def test_probe_inputs_follow_the_seed_and_the_full_marks_reference_answers(
    slug, tmp_path, monkeypatch
):
    folder = EXERCISES / slug
    shutil.copytree(folder / "starter", tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)  # as in both phases: a copy of starter/ is the working directory
    spec = crosscheck.load_spec(parse_exercise(folder).crosscheck)
    starter = {name: (folder / "starter" / name).read_bytes() for name in spec["STARTER_FILES"]}
    first, again, other = (spec["inputs"](starter, seed) for seed in (11, 11, 12))
    assert set(first) == set(spec["PROBES"])
    assert pickle.dumps(first) == pickle.dumps(again), "inputs must depend on the seed only"
    assert pickle.dumps(first) != pickle.dumps(other), "inputs must change with the seed"
    notebook = nbformat.read(folder / "reference" / "full-marks.ipynb", as_version=4)
    namespace, _ = load([c.source for c in notebook.cells if c.cell_type == "code"])
    for name in spec["PROBES"]:
        code = crosscheck.probe_code(spec, name, 11)
        reply = answer(namespace, {"code": code, "inputs": first[name]})
        assert reply["ok"], f"probe {name}: {reply}"
