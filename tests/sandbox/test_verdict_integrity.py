"""Issue 12, the defender's side: what candidate code can no longer do to its own verdict.

The hidden tests below run inside the sandbox's test process, as an exercise author would write
them, each asserting one guarantee of exercises/README.md ("Rules for hidden tests"); the outer
tests check that every guarantee held on docker, and that the local backend fails exactly the
documented weaker ones (uid separation needs the container's root and capabilities).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sandbox.helpers import grade_with_hidden, notebook, tiny_with_tests

pytestmark = pytest.mark.slow

GUARANTEES = """
import os
import sys

import pytest

UID = "import os\\nresult = [os.getuid(), os.geteuid(), os.getcwd()]"


@pytest.mark.group("basics")
def test_each_candidate_process_runs_under_a_uid_of_its_own(submission):
    with submission.fresh() as a, submission.fresh() as b:
        (uid_a, euid_a, cwd_a), (uid_b, euid_b, cwd_b) = a.run(UID), b.run(UID)
    assert uid_a == euid_a and uid_b == euid_b and len({uid_a, uid_b, os.getuid()}) == 3
    assert cwd_a != cwd_b



@pytest.mark.group("basics")
def test_candidate_code_cannot_write_the_graders_files_or_shared_dirs(submission, starter_dir):
    reply = submission.run(
        "import os\\n"
        "result = {}\\n"
        "for path in PATHS:\\n"
        "    try:\\n"
        "        open(path, 'w').write('x')\\n"
        "        result[path] = 'written'\\n"
        "    except OSError:\\n"
        "        result[path] = 'denied'\\n"
        "open('mine.txt', 'w').write('own scratch is writable')\\n",
        PATHS=[str(starter_dir / "data" / "train.csv"), "/tmp/shared", "/dev/shm/shared",
               str(starter_dir.parent / "planted.py")],
    )
    assert set(reply.values()) == {"denied"}, reply


@pytest.mark.group("basics")
def test_fresh_processes_cannot_see_each_others_files(submission):
    with submission.fresh() as a, submission.fresh() as b:
        path = a.run(
            "import os\\nopen('note.txt', 'w').write('a')\\n"
            "result = os.path.abspath('note.txt')"
        )
        seen = b.run(
            "import os\\nresult = [os.path.exists('note.txt'), os.access(P, os.R_OK)]",
            P=path,
        )
    assert seen == [False, False], seen


@pytest.mark.group("basics")
def test_trusted_inputs_were_read_before_candidate_code(submission, starter, starter_dir):
    before = starter.path_bytes("data/train.csv")
    submission.run(
        "try:\\n    open(P, 'w').write('poisoned')\\nexcept OSError:\\n    pass",
        P=str(starter_dir / "data" / "train.csv"),
    )
    assert starter.path_bytes("data/train.csv") == before


@pytest.mark.group("basics")
def test_no_grader_module_and_no_grader_path_in_the_candidate_process(submission):
    modules, path0 = submission.run(
        "import os, sys\\n"
        "result = [[m for m in sys.modules if m.split('.')[0] in ('sandbox', '_pytest', 'pytest')],"
        " sys.path.index('') < min(i for i, p in enumerate(sys.path) if p.endswith('-packages'))"
        " and os.getcwd() not in sys.path]"
    )
    assert modules == [] and path0 is True  # the kernel's shape: the working directory as ""


@pytest.mark.group("basics")
def test_overrides_carry_the_originals_metadata(submission):
    probe = (
        "result = [add(5, 3), add.__name__, add.__qualname__, add.__module__,"
        " add.__code__.co_filename, add.__code__.co_firstlineno]"
    )
    with submission.fresh() as plain, submission.fresh(
        overrides={"add": "def add(a, b):\\n    return a - b\\n"}
    ) as mutant:
        original, replaced = plain.run(probe), mutant.run(probe)
    assert original[0] == 8 and replaced[0] == 2
    assert original[1:] == replaced[1:], (original, replaced)


@pytest.mark.group("basics")
def test_the_test_process_imports_nothing_from_the_rootdir():
    assert not any("/hidden" in p for p in sys.path), sys.path
    assert "" not in sys.path and os.getcwd() not in sys.path
"""
# The guarantees the local backend cannot give (it runs candidate code as the host user).
NEEDS_UID_SEPARATION = {
    "test_each_candidate_process_runs_under_a_uid_of_its_own",
    "test_candidate_code_cannot_write_the_graders_files_or_shared_dirs",
    "test_fresh_processes_cannot_see_each_others_files",
}

SIGNALLING_TESTS = """
import os

import pytest


@pytest.mark.group("basics")
def test_candidate_code_cannot_signal_the_test_process(submission):
    reply = submission.run(
        "import os, signal\\n"
        "try:\\n    os.kill(PID, signal.SIGINT)\\n    result = 'sent'\\n"
        "except PermissionError:\\n    result = 'denied'",
        PID=os.getpid(),
    )
    assert reply == "denied"


@pytest.mark.group("basics")
def test_after_the_signal():
    pass
"""


def _exercise(tmp_path: Path, tests: str) -> Path:
    return tiny_with_tests(tmp_path, tests, "test_integrity.py")


def _grade(backend, folder: Path):
    return grade_with_hidden(backend, folder, notebook("def add(a, b):\n    return a + b"))


def test_candidate_code_cannot_reach_the_grader(backend, tmp_path):
    result = _grade(backend, _exercise(tmp_path, GUARANTEES))
    outcomes = {t.id.rsplit("::", 1)[1]: t for t in result.tests if "test_integrity" in t.id}
    assert len(outcomes) == 7, result.message
    failed = {name for name, t in outcomes.items() if t.outcome != "passed"}
    expected = NEEDS_UID_SEPARATION if backend.name == "local" else set()
    assert failed == expected, {n: outcomes[n].message for n in failed ^ expected}


def test_candidate_code_cannot_interrupt_the_test_session(backend, tmp_path):
    result = _grade(backend, _exercise(tmp_path, SIGNALLING_TESTS))
    if backend.name == "local":  # same uid: the signal lands, and the session is not a verdict
        assert result.status == "error" and result.retryable, result.message
        # the tests that reported are kept for the settled verdict after the last retry, but a
        # retryable result is never scored (app/grading/worker.py)
        assert "stopped early" in result.message and result.interference
        return
    outcomes = {t.id.rsplit("::", 1)[1]: t.outcome for t in result.tests if "test_integ" in t.id}
    assert outcomes == {
        "test_candidate_code_cannot_signal_the_test_process": "passed",
        "test_after_the_signal": "passed",
    }, result.message
