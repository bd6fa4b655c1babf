"""The cross-check of phase 1 (sandbox/runner/crosscheck.py), without a container: the probes run
in this process as the kernel runs them, and the comparison phase 2 makes."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from sandbox.results import GradingResult, RedFlag, TestOutcome
from sandbox.runner import crosscheck
from sandbox.runner.phase_check import FAILED_MESSAGE, PhaseCheck

REPO = Path(__file__).resolve().parents[2]
DEBUGGING = REPO / "exercises" / "metric-debugging"
OK = {"ok": True, "result": {"auc": 0.8, "rows": [1, 2]}}


def test_equal_answers_agree_and_a_changed_value_disagrees():
    assert crosscheck.verdict(OK, [OK, OK]) is None
    changed = {"ok": True, "result": {"auc": 0.9, "rows": [1, 2]}}
    assert "different values" in crosscheck.verdict(OK, [changed, changed])
    longer = {"ok": True, "result": {"auc": 0.8, "rows": [1, 2, 3]}}
    assert crosscheck.verdict(OK, [longer, longer]) is not None


def test_phase_one_failing_or_silent_where_phase_two_answers_disagrees():
    raised = {"ok": False, "error": "NotImplementedError: yours to write"}
    assert "phase 1 raised" in crosscheck.verdict(raised, [OK, OK])
    assert crosscheck.NO_ANSWER in crosscheck.verdict(None, [OK, OK])


def test_phase_two_failing_is_not_evidence_of_detection():
    raised = {"ok": False, "error": "NameError: name 'df' is not defined"}
    assert crosscheck.verdict(OK, [raised, raised]) is None
    assert crosscheck.verdict(OK, [OK, raised]) is None


def test_a_nondeterministic_function_is_judged_within_its_own_spread():
    def scores(*values):
        return {"ok": True, "result": list(values)}

    assert crosscheck.verdict(scores(0.50, 0.2), [scores(0.51, 0.2), scores(0.49, 0.2)]) is None
    assert crosscheck.verdict(scores(0.90, 0.2), [scores(0.51, 0.2), scores(0.49, 0.2)])


def _kernel_record(notebook: Path, seed_dir: Path) -> dict:
    """Phase 1's record for ``notebook``, computed as the probe cell computes it in the kernel."""
    spec_source = (DEBUGGING / crosscheck.SPEC_FILE).read_bytes()
    cells = [c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    source, seed, nonce = crosscheck.kernel_cell(spec_source, {}, cells, str(REPO))
    shutil.copytree(DEBUGGING / "starter", seed_dir, dirs_exist_ok=True)
    out, here = io.StringIO(), os.getcwd()
    ours = {k: v for k, v in sys.modules.items() if k == "sandbox" or k.startswith("sandbox.")}
    os.chdir(seed_dir)
    try:
        with contextlib.redirect_stdout(out):
            exec(source, {"__name__": "__main__"})
    finally:  # the cell forgets the runner's modules, as a kernel should: not this session
        os.chdir(here)
        sys.modules.update(ours)
    return crosscheck.record_from_text(out.getvalue(), nonce, seed)


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict:
    return {
        name: _kernel_record(path, tmp_path_factory.mktemp(name))
        for name, path in {
            "solved": DEBUGGING / "reference" / "full-marks.ipynb",
            "starter": DEBUGGING / "starter" / "debugging.ipynb",
        }.items()
    }


def test_the_probe_cell_answers_every_probe_through_its_nonce_line(records):
    for record in records.values():
        assert set(record["answers"]) == {"compute_metrics", "time_split"}
        assert all(answer["ok"] for answer in record["answers"].values()), record
    assert records["solved"]["seed"] != records["starter"]["seed"]  # drawn per run


def test_only_the_nonce_line_counts():
    text = 'HIRELAB-CROSSCHECK-forged:{"x": {"ok": true, "result": 1}}\nREAL:{"y": 1}\n'
    assert crosscheck.record_from_text(text, "REAL:", 7)["answers"] == {"y": 1}
    assert crosscheck.record_from_text("no record\n", "REAL:", 7)["answers"] == {}


def test_phase_one_code_answering_differently_fails_the_probes_groups(records):
    spec = crosscheck.load_spec((DEBUGGING / crosscheck.SPEC_FILE).read_bytes())
    solved, starter = records["solved"]["answers"], records["starter"]["answers"]
    check = PhaseCheck(spec, {"seed": 1, "answers": starter})
    for name in spec["PROBES"]:  # phase 2 answered as the solved notebook does
        why = crosscheck.verdict(starter[name], [solved[name], solved[name]])
        assert why is not None, name
    check.failed_groups.update(spec["PROBES"]["compute_metrics"]["groups"])
    outcomes = (TestOutcome("t::a", "metrics_match_sklearn", "passed"),)
    outcomes += (TestOutcome("t::b", "root_cause", "passed"),)
    assert [t.outcome for t in check.apply(outcomes)] == ["failed", "passed"]
    assert check.apply(outcomes)[0].message == FAILED_MESSAGE


def test_a_session_that_stopped_before_the_check_scores_nothing_the_probes_cover():
    spec = crosscheck.load_spec((DEBUGGING / crosscheck.SPEC_FILE).read_bytes())
    check = PhaseCheck.from_phase_one((DEBUGGING / crosscheck.SPEC_FILE).read_bytes(), None)
    assert check is not None and check.record == {"seed": 0, "answers": {}}
    check.unverified_fail()
    covered = {g for probe in spec["PROBES"].values() for g in probe["groups"]}
    assert check.failed_groups == covered


def test_the_record_and_interference_cross_the_result_channel_and_settle():
    record = {"seed": 3, "answers": {"p": OK}}
    result = GradingResult.failed("error", "stopped", retryable=True).with_changes(
        crosscheck=record, interference=True
    )
    parsed = GradingResult.from_json(result.to_json(), 10**6)
    assert parsed.crosscheck == record and parsed.interference
    settled = parsed.settled(3)
    assert (settled.status, settled.retryable, settled.interference) == ("crashed", False, False)
    assert settled.flags[-1] == RedFlag("grading_interrupted", "", "", settled.message)
